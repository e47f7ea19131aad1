// The form module's strtod (wasm/form_strtod.cpp) answers one question, whether a number
// overflows a double; checked here against the C library's strtod on the boundary and on
// generated numbers.
#include <cmath>
#include <cstdlib>
#include <random>
#include <string>

#include "support.hpp"

namespace ripen::wasm {
bool double_overflows(const char* text, const char** end);
}

namespace {
bool libc_overflows(const std::string& text) { return std::isinf(std::strtod(text.c_str(), nullptr)); }
}  // namespace

TEST_SUITE("form module") {

TEST_CASE("the form's strtod overflows exactly where the C library's does") {
    for (const char* text : {"1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623158079e308",
                             "1.797693134862315807937289714053034150799341327100378269361737789804449682927647509466490179775872070963302864166928879109465555478519404026306574886715058206819089020007083836762738548458177115317644757302700698555713669596228429148198608349364752927190741684443655107043427115596995080930428801779041744977919999e308",
                             "1.7976931348623158079372897140530341507993413271003782693617377898044496829276475094664901797758720709633028641669288791094655554785194040263065748867150582068190890200070838367627385484581771153176447573027006985557136695962284291481986083493647529271907416844436551070434271155969950809304288017790417449779200000e308",
                             "1.7976931348623159e308", "1.8e308", "-1.8e308", "1e309", "1e308", "10e307", "0.1e310", "0.01e310",
                             "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791",
                             "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792.0",
                             "0", "-0.0", "0e999999999999", "1e-400", "1e99999999999999999999", "-1e99999999999999999999", "1e-99999999999999999999",
                             "0.000000000000000000001e330", "123.456e306", "12.5", "-7E+2"}) {
        const char* end = nullptr;
        CHECK_MESSAGE(ripen::wasm::double_overflows(text, &end) == libc_overflows(text), text);
        CHECK(*end == '\0');
    }
}

TEST_CASE("the form's strtod agrees with the C library's on generated numbers near the limit") {
    std::mt19937_64 rng(308);
    int overflowing = 0;
    for (int i = 0; i < 200000; ++i) {
        std::string text = rng() % 2 ? "-" : "";
        int leading = static_cast<int>(rng() % 3);
        text += std::string(static_cast<std::size_t>(leading), '0');
        std::string digits = std::to_string(rng() % 10 + 1);
        int length = static_cast<int>(rng() % 25);
        for (int k = 0; k < length; ++k) digits += static_cast<char>('0' + rng() % 10);
        std::size_t point = rng() % (digits.size() + 1);
        text += digits.substr(0, point) + (point < digits.size() ? "." + digits.substr(point) : "");
        long exponent = 300 + static_cast<long>(rng() % 20) - static_cast<long>(point);
        text += "e" + std::to_string(exponent);
        bool overflows = libc_overflows(text);
        overflowing += overflows;
        REQUIRE_MESSAGE(ripen::wasm::double_overflows(text.c_str(), nullptr) == overflows, text);
    }
    CHECK(overflowing > 1000);
}

}  // TEST_SUITE
