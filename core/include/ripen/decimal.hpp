// Fixed-point decimal numbers for numeric answers and band limits. The decision path uses no
// binary floating point, so a number such as 49.99 compares against a band limit exactly and
// identically in every build.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ripen {

struct Decimal {
    static constexpr std::int64_t scale = 10000;  // four decimal places
    std::int64_t units = 0;                       // value * scale

    static Decimal from_int(std::int64_t n) { return Decimal{n * scale}; }
    friend bool operator==(Decimal a, Decimal b) { return a.units == b.units; }
    friend bool operator!=(Decimal a, Decimal b) { return a.units != b.units; }
    friend bool operator<(Decimal a, Decimal b) { return a.units < b.units; }
    friend bool operator<=(Decimal a, Decimal b) { return a.units <= b.units; }
    friend bool operator>(Decimal a, Decimal b) { return a.units > b.units; }
    friend bool operator>=(Decimal a, Decimal b) { return a.units >= b.units; }
};

// Parses a decimal number: optional sign, digits, optional fraction, optional exponent
// ("1200", "-3.5", "1.2e3"). Digits beyond four decimal places are rounded half away from zero.
// Returns nullopt for anything else, including values beyond +-9e14.
std::optional<Decimal> parse_decimal(std::string_view text);

// Shortest text for the value: "12", "12.5", "-0.25".
std::string to_string(Decimal d);

}  // namespace ripen
