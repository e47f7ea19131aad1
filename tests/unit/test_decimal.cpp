// Decimal: exact parsing and formatting of numeric answers.
#include "support.hpp"

using ripen::Decimal;
using ripen::parse_decimal;

TEST_SUITE_BEGIN("decimal");

TEST_CASE("parses plain, fractional, signed and exponent forms exactly") {
    CHECK(parse_decimal("0")->units == 0);
    CHECK(parse_decimal("12")->units == 120000);
    CHECK(parse_decimal("-3.5")->units == -35000);
    CHECK(parse_decimal("+7")->units == 70000);
    CHECK(parse_decimal(".5")->units == 5000);
    CHECK(parse_decimal("5.")->units == 50000);
    CHECK(parse_decimal("1.2e3")->units == 12000000);
    CHECK(parse_decimal("12E-1")->units == 12000);
    CHECK(parse_decimal("0.0001")->units == 1);
    CHECK(parse_decimal("000123.4500")->units == 1234500);
    CHECK(parse_decimal("900000000000000")->units == 900000000000000LL * 10000);
}

TEST_CASE("rounds beyond four places half away from zero") {
    CHECK(parse_decimal("0.00005")->units == 1);
    CHECK(parse_decimal("0.00004999")->units == 0);
    CHECK(parse_decimal("-0.00005")->units == -1);
    CHECK(parse_decimal("1.23456")->units == 12346);
    CHECK(parse_decimal("49.99995")->units == 500000);
}

TEST_CASE("rejects what is not a number or out of range") {
    for (const char* bad : {"", "-", "+", ".", "1.2.3", "1e", "1e+", "abc", "12a", " 1", "1 ", "1,5", "0x10", "inf", "NaN",
                            "900000000000001", "1e15", "--1"})
        CHECK_MESSAGE(!parse_decimal(bad).has_value(), bad);
}

TEST_CASE("formats without trailing zeros") {
    CHECK(ripen::to_string(Decimal{0}) == "0");
    CHECK(ripen::to_string(Decimal{120000}) == "12");
    CHECK(ripen::to_string(Decimal{125000}) == "12.5");
    CHECK(ripen::to_string(Decimal{-2500}) == "-0.25");
    CHECK(ripen::to_string(Decimal{1}) == "0.0001");
    CHECK(ripen::to_string(Decimal::from_int(-40)) == "-40");
}

TEST_SUITE_END();
