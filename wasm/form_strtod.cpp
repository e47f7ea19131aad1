// The form module's strtod. nlohmann/json's lexer converts every number with a fractional part or
// an exponent through strtod, and the parser then asks one thing of the result: is it finite (a
// number past the range of a double is a syntax error, "number ... is out of range"). Ripen
// itself reads numbers from their text (Decimal), never from the double. The C library's strtod
// works in software 128-bit long double on WebAssembly, which took 7.3 KB of the form module's
// gzip budget (bench/RESULTS.md); this one answers exactly that question and nothing else:
// +-HUGE_VAL where the C library's strtod overflows, and 0 otherwise.
//
// Nothing else in the form module converts text to floating point: strtof and strtold are only
// referred to by libc++'s std::stof/std::stold, which the form never calls, and abort if called.
// The overflow test is also built natively and checked against the C library's strtod
// (tests/unit/test_form_strtod.cpp).
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

namespace ripen::wasm {

// Whether the decimal number at `text` (JSON number grammar, optional sign) is beyond the range
// of a double after rounding to nearest: at least 2^1024 - 2^970, the midpoint between DBL_MAX and
// 2^1024 (a tie rounds to even, which is 2^1024). Sets `end` past the number.
bool double_overflows(const char* text, const char** end) {
    // 2^1024 - 2^970 in decimal (309 digits), trailing zeros dropped.
    static const char kLimit[] =
        "17976931348623158079372897140530341507993413271003782693617377898044496829276475094664901797758720709633028641669288791094655554"
        "78519404026306574886715058206819089020007083836762738548458177115317644757302700698555713669596228429148198608349364752927190741"
        "68444365510704342711559699508093042880177904174497792";
    const char* p = text;
    if (*p == '-' || *p == '+') ++p;
    const char* significant = nullptr;  // the first non-zero digit
    long long exponent = 0;             // of the first significant digit: value = 0.d1d2... * 10^exponent
    bool seen_point = false;
    char digits[sizeof kLimit];
    std::size_t count = 0;              // significant digits kept (enough to compare with kLimit)
    for (;; ++p) {
        if (*p == '.' && !seen_point) {
            seen_point = true;
            continue;
        }
        if (*p < '0' || *p > '9') break;
        if (!significant) {
            if (*p == '0') {
                if (seen_point) --exponent;
                continue;
            }
            significant = p;
        }
        if (!seen_point) ++exponent;
        if (count < sizeof kLimit - 1) digits[count++] = *p;
    }
    if (*p == 'e' || *p == 'E') {
        ++p;
        bool negative = *p == '-';
        if (*p == '-' || *p == '+') ++p;
        long long e = 0;
        for (; *p >= '0' && *p <= '9'; ++p)
            if (e < 100000000) e = e * 10 + (*p - '0');
        exponent += negative ? -e : e;
    }
    if (end) *end = p;
    if (!significant) return false;
    if (exponent != 309) return exponent > 309;
    // Same magnitude as the limit: compare the digits, the shorter padded with zeros.
    while (count > 0 && digits[count - 1] == '0') --count;
    const std::size_t limit_digits = sizeof kLimit - 1;
    for (std::size_t i = 0; i < count || i < limit_digits; ++i) {
        char a = i < count ? digits[i] : '0', b = i < limit_digits ? kLimit[i] : '0';
        if (a != b) return a > b;
    }
    return true;  // exactly the midpoint: rounds to 2^1024
}

}  // namespace ripen::wasm

#ifdef __EMSCRIPTEN__
extern "C" double strtod(const char* text, char** end) {
    const char* stop = text;
    bool overflows = ripen::wasm::double_overflows(text, &stop);
    if (end) *end = const_cast<char*>(stop);
    if (!overflows) return 0.0;
    errno = ERANGE;
    return *text == '-' ? -HUGE_VAL : HUGE_VAL;
}
extern "C" float strtof(const char*, char**) { std::abort(); }
extern "C" long double strtold(const char*, char**) { std::abort(); }
#endif
