// Decimal parsing and formatting in integer arithmetic only.
#include "ripen/decimal.hpp"

#include <charconv>

namespace ripen {

std::optional<Decimal> parse_decimal(std::string_view s) {
    constexpr std::int64_t limit = 900000000000000;  // 9e14 whole units keeps units in int64
    std::size_t i = 0;
    bool negative = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
        negative = s[i] == '-';
        ++i;
    }
    // Collect up to 19 significant digits into a mantissa with a decimal exponent.
    std::uint64_t mantissa = 0;
    int exponent = 0;
    int digits = 0;
    bool any_digit = false;
    bool round_up_pending = false;  // first dropped digit >= 5
    bool dropped = false;
    auto take = [&](char c, bool fractional) {
        any_digit = true;
        if (mantissa == 0 && c == '0') {
            if (fractional) --exponent;
            return;
        }
        if (digits < 18) {
            mantissa = mantissa * 10 + static_cast<std::uint64_t>(c - '0');
            ++digits;
            if (fractional) --exponent;
        } else {
            if (!dropped) round_up_pending = c >= '5';
            dropped = true;
            if (!fractional) ++exponent;
        }
    };
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') take(s[i++], false);
    if (i < s.size() && s[i] == '.') {
        ++i;
        bool fraction_digit = false;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            take(s[i++], true);
            fraction_digit = true;
        }
        if (!fraction_digit && !any_digit) return std::nullopt;
    }
    if (!any_digit) return std::nullopt;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        bool exp_negative = false;
        if (i < s.size() && (s[i] == '-' || s[i] == '+')) {
            exp_negative = s[i] == '-';
            ++i;
        }
        if (i >= s.size() || s[i] < '0' || s[i] > '9') return std::nullopt;
        int e = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
            if (e < 10000) e = e * 10 + (s[i] - '0');
            ++i;
        }
        exponent += exp_negative ? -e : e;
    }
    if (i != s.size()) return std::nullopt;
    if (round_up_pending) ++mantissa;
    // units = mantissa * 10^(exponent + 4)
    int shift = exponent + 4;
    std::uint64_t units = mantissa;
    if (mantissa == 0) {
        units = 0;
    } else if (shift >= 0) {
        for (int k = 0; k < shift; ++k) {
            if (units > static_cast<std::uint64_t>(limit) * Decimal::scale / 10) return std::nullopt;
            units *= 10;
        }
    } else {
        for (int k = 0; k < -shift && units != 0; ++k) {
            std::uint64_t rest = units % 10;
            units /= 10;
            if (k == -shift - 1 && rest >= 5) ++units;
        }
    }
    if (units > static_cast<std::uint64_t>(limit) * Decimal::scale) return std::nullopt;
    std::int64_t signed_units = static_cast<std::int64_t>(units);
    return Decimal{negative ? -signed_units : signed_units};
}

std::string to_string(Decimal d) {
    std::uint64_t magnitude = d.units < 0 ? static_cast<std::uint64_t>(-(d.units + 1)) + 1 : static_cast<std::uint64_t>(d.units);
    char text[32];
    char* end = text;
    if (d.units < 0) *end++ = '-';
    end = std::to_chars(end, text + sizeof text, magnitude / Decimal::scale).ptr;
    std::uint64_t fraction = magnitude % Decimal::scale;
    if (fraction != 0) {
        *end++ = '.';
        // Zero-padded to the scale's digits ("1" of 10000 is ".0001"), trailing zeros dropped.
        for (std::uint64_t unit = Decimal::scale / 10; fraction != 0; unit /= 10) {
            *end++ = static_cast<char>('0' + fraction / unit);
            fraction %= unit;
        }
    }
    return std::string(text, end);
}

}  // namespace ripen
