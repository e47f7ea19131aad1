// JSON: parsing with positions, exact error messages, writing, and agreement with
// nlohmann/json on generated documents.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <random>

#include "support.hpp"

using ripen::json::Kind;
using ripen::json::Value;

TEST_SUITE_BEGIN("json");

namespace {
ripen::Issue parse_error(const std::string& text) {
    auto v = ripen::json::parse(text);
    REQUIRE_FALSE(v.ok());
    REQUIRE(v.issues.size() == 1);
    CHECK(v.issues[0].code == "json.syntax");
    return v.issues[0];
}
}  // namespace

TEST_CASE("values keep their kind, text and position") {
    Value v = test::parse_json("{\n  \"a\": [1, -2.5e3, true, null],\n  \"b\": \"x\\u00e9\\ud83d\\ude00\"\n}");
    REQUIRE(v.is_object());
    CHECK(v.line == 1);
    const Value* a = v.find("a");
    REQUIRE(a);
    CHECK(a->line == 2);
    CHECK(a->column == 8);
    REQUIRE(a->items.size() == 4);
    CHECK(a->items[0].text == "1");
    CHECK(a->items[1].text == "-2.5e3");  // the lexeme, not a rounded double
    CHECK(a->items[1].column == 12);
    CHECK(a->items[2].kind == Kind::boolean);
    CHECK(a->items[2].boolean);
    CHECK(a->items[3].is_null());
    CHECK(v.find("b")->text == "x\xc3\xa9\xf0\x9f\x98\x80");
    CHECK(v.find("missing") == nullptr);
}

TEST_CASE("syntax errors name the line, column and problem") {
    ripen::Issue e = parse_error("{\n  \"a\": 1,\n  \"b\" 2\n}");
    CHECK(e.message == "unexpected '2', expected ':'");
    CHECK(e.line == 3);
    CHECK(e.column == 7);

    CHECK(parse_error("").message == "unexpected end of input, expected a value");
    CHECK(parse_error("[1,]").message == "unexpected ']', expected a value");
    CHECK(parse_error("{\"a\":1,\"a\":2}").message == "duplicate member \"a\"");
    CHECK(parse_error("{\"a\":1,\"a\":2}").column == 8);
    CHECK(parse_error("01").message == "invalid number: leading zeros are not allowed");
    CHECK(parse_error("1.").message == "invalid number: expected a digit after '.'");
    CHECK(parse_error("1e").message == "invalid number: expected a digit in the exponent");
    CHECK(parse_error("-").message == "invalid number: expected a digit");
    CHECK(parse_error("\"abc").message == "unterminated string");
    CHECK(parse_error("\"a\tb\"").message == "control character byte 0x09 in string; escape it");
    CHECK(parse_error("\"\\x\"").message == "invalid escape \\x");
    CHECK(parse_error("\"\\u12g4\"").message == "invalid \\u escape: expected four hex digits");
    CHECK(parse_error("\"\\ud83d\"").message == "unpaired surrogate in \\u escape");
    CHECK(parse_error("\"\\ude00\"").message == "unpaired surrogate in \\u escape");
    CHECK(parse_error("\"\xff\"").message == "invalid UTF-8 in string");
    CHECK(parse_error("\"\xc0\xaf\"").message == "invalid UTF-8 in string");  // overlong
    CHECK(parse_error("tru").message == "invalid literal, expected 'true'");
    CHECK(parse_error("[1] x").message == "unexpected content after the JSON value");
    CHECK(parse_error("{1:2}").message == "unexpected '1', expected a member name in double quotes");
    CHECK(parse_error("[1 2]").message == "unexpected '2', expected ',' or ']'");
    CHECK(parse_error("{\"a\":1 \"b\"}").message == "unexpected '\"', expected ',' or '}'");
    CHECK(parse_error("@").message == "unexpected '@', expected a value");
    CHECK(parse_error(std::string(300, '[')).message == "nesting deeper than 200 levels");
}

TEST_CASE("duplicate members are found in big objects too") {
    std::string text = "{";
    for (int i = 0; i < 40; ++i) text += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ",\n";
    ripen::Issue e = parse_error(text + "\"k7\": 1}");
    CHECK(e.message == "duplicate member \"k7\"");
    CHECK(e.line == 41);
    CHECK(test::parse_json(text + "\"k40\": 1}").members.size() == 41);
}

TEST_CASE("in a big object the second of three equal members is the one reported") {
    std::string text = "{";
    for (int i = 0; i < 40; ++i) text += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ",\n";
    ripen::Issue e = parse_error(text + "\"k3\": 1,\n\"k3\": 2}");
    CHECK(e.message == "duplicate member \"k3\"");
    CHECK(e.line == 41);
}

TEST_CASE("a byte-order mark is skipped and CRLF counts as one line") {
    Value v = test::parse_json("\xEF\xBB\xBF{\r\n\"a\": 1}");
    CHECK(v.find("a")->line == 2);
    CHECK(v.find("a")->column == 6);
}

TEST_CASE("writing escapes strings and keeps member order") {
    Value v = test::parse_json(R"({"z":"a\"b\\c\n\u0001","a":[1,2.50,{}],"e":[]})");
    CHECK(ripen::json::to_string(v) == R"({"z":"a\"b\\c\n\u0001","a":[1,2.50,{}],"e":[]})");
    CHECK(ripen::json::to_string(v, 2) == "{\n  \"z\": \"a\\\"b\\\\c\\n\\u0001\",\n  \"a\": [\n    1,\n    2.50,\n    {}\n  ],\n  \"e\": []\n}");
    Value o = Value::make_object();
    o.set("x", Value::make_int(-7));
    o.set("y", Value::make_bool(false));
    o.set("x", Value::make_string("replaced"));
    CHECK(ripen::json::to_string(o) == R"({"x":"replaced","y":false})");
}

namespace {
// Writes `v` through json::Writer, as the decision writer does.
void write_through(const Value& v, ripen::json::Writer& w) {
    switch (v.kind) {
        case ripen::json::Kind::null: w.null(); return;
        case ripen::json::Kind::boolean: w.boolean(v.boolean); return;
        case ripen::json::Kind::number: w.number(*ripen::json::to_int64(v.text)); return;
        case ripen::json::Kind::string: w.string(v.text); return;
        case ripen::json::Kind::array:
            w.begin_array();
            for (const auto& item : v.items) write_through(item, w);
            w.end_array();
            return;
        case ripen::json::Kind::object:
            w.begin_object();
            for (const auto& [key, value] : v.members) {
                w.key(key);
                write_through(value, w);
            }
            w.end_object();
            return;
    }
}
}  // namespace

TEST_CASE("the streaming writer writes what to_string writes, compact and indented") {
    for (const char* text : {R"({"z":"a\"b\\c\n\u0001","a":[1,-20,{}],"e":[],"n":null,"t":[true,false,[[]]]})", "[]", "{}",
                             "7", R"("x")", R"([{"a":{"b":[1,{"c":{}}]}}])"}) {
        Value v = test::parse_json(text);
        for (int indent : {-1, 0, 2, 4}) {
            std::string out;
            ripen::json::Writer w(out, indent);
            write_through(v, w);
            CHECK(out == ripen::json::to_string(v, indent));
        }
    }
    std::string out;
    ripen::json::Writer w(out);
    w.begin_array();
    w.string_or_null("");
    w.string_or_null("x");
    w.end_array();
    CHECK(out == R"([null,"x"])");
}

TEST_CASE("integer conversion accepts only whole numbers that fit") {
    CHECK(ripen::json::to_int64("42") == 42);
    CHECK(ripen::json::to_int64("-9223372036854775808") == INT64_MIN);
    CHECK(ripen::json::to_int64("9223372036854775807") == INT64_MAX);
    CHECK_FALSE(ripen::json::to_int64("9223372036854775808").has_value());
    CHECK_FALSE(ripen::json::to_int64("1.0").has_value());
    CHECK_FALSE(ripen::json::to_int64("1e3").has_value());
    CHECK_FALSE(ripen::json::to_int64("").has_value());
    CHECK_FALSE(ripen::json::to_int64("-").has_value());
}

namespace {
// Random JSON texts with unique keys, and corrupted copies of them.
std::string random_json(std::mt19937& rng, int depth) {
    auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
    static const char* atoms[] = {"0", "-1", "12.5", "1e-3", "true", "false", "null", "\"\"", "\"a\\nb\"",
                                  "\"\\u00e9\"", "\"\xc3\xa9\"", "-0.0", "2E+10"};
    int kind = depth > 3 ? 0 : pick(3);
    if (kind == 0) return atoms[pick(13)];
    std::string out = kind == 1 ? "[" : "{";
    int n = pick(4);
    for (int i = 0; i < n; ++i) {
        if (i) out += pick(5) == 0 ? " , " : ",";
        if (kind == 2) out += "\"k" + std::to_string(i) + "\":";
        out += random_json(rng, depth + 1);
    }
    return out + (kind == 1 ? "]" : "}");
}
}  // namespace

TEST_CASE("accepts exactly what nlohmann/json accepts on generated documents") {
    std::mt19937 rng(2024);
    int valid = 0, invalid = 0;
    for (int i = 0; i < 4000; ++i) {
        std::string text = random_json(rng, 0);
        if (i % 2 == 1 && !text.empty()) {
            // Corrupt one byte: delete it, or replace it with a structural character.
            std::size_t at = rng() % text.size();
            static const char replacement[] = {',', ':', '[', '}', '"', 'x', ' ', '\\'};
            if (rng() % 2) text.erase(at, 1);
            else text[at] = replacement[rng() % 8];
        }
        auto parsed = ripen::json::parse(text);
        bool ours = parsed.ok();
        ripen::Issue error = ours ? ripen::Issue{} : parsed.issues.front();
        bool theirs = nlohmann::json::accept(text);
        if (ours != theirs) {
            // nlohmann accepts duplicate keys; we reject them on purpose.
            if (theirs && error.message.rfind("duplicate member", 0) == 0) continue;
            FAIL_CHECK("disagreement on: " << text << " (ours: " << error.message << ")");
        }
        (ours ? valid : invalid) += 1;
        if (ours) {
            // Strings decode identically.
            const Value& v = *parsed.value;
            auto theirs_value = nlohmann::json::parse(text);
            if (v.is_string()) CHECK(v.text == theirs_value.get<std::string>());
        }
    }
    CHECK(valid > 1000);
    CHECK(invalid > 1000);
}

TEST_CASE("a NUL byte after the value is content, not the end of the text") {
    ripen::Issue e = parse_error(std::string("{}\0{\"a\":1}", 10));
    CHECK(e.message == "unexpected content after the JSON value");
    CHECK(e.column == 3);
    CHECK(parse_error(std::string("[1,\0]", 5)).message == "unexpected byte 0x00, expected a value");
}

TEST_CASE("a number beyond the range of a double is refused with its text") {
    ripen::Issue e = parse_error("{\"employees\": 1e400}");
    CHECK(e.message == "number 1e400 is out of range");
    CHECK(e.column == 15);
    // Tiny numbers are fine: the lexeme is kept, nothing rounds.
    CHECK(test::parse_json("[1e-400]").items[0].text == "1e-400");
}

TEST_CASE("a broken byte-order mark is named") {
    ripen::Issue e = parse_error("\xEF\xBB{}");
    CHECK(e.message == "invalid byte-order mark; a UTF-8 one is EF BB BF");
    CHECK(e.column == 1);
}

TEST_CASE("a duplicate member in a big object is reported at its name") {
    std::string text = "{";
    for (int i = 0; i < 40; ++i) text += "\"k" + std::to_string(i) + "\": " + std::to_string(i) + ",\n";
    ripen::Issue e = parse_error(text + "\"k9\":   1}");
    CHECK(e.line == 41);
    CHECK(e.column == 1);
}

TEST_CASE("the writer emits valid UTF-8 only") {
    // A CSV cell from a Latin-1 file: 0xf5 is no UTF-8 at all, 0xc3 0x28 a broken sequence.
    std::string out;
    ripen::json::write_string("caf\xe9 \xf5\xc3( ok \xc3\xa9 \xf0\x9f\x98\x80", out);
    CHECK(out == "\"caf\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD( ok \xc3\xa9 \xf0\x9f\x98\x80\"");
    auto back = ripen::json::parse(out);
    REQUIRE(back.ok());
    CHECK(back.value->text == "caf\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD( ok \xc3\xa9 \xf0\x9f\x98\x80");
    // Surrogates written as UTF-8 bytes (CESU-8) are not UTF-8 either.
    out.clear();
    ripen::json::write_string("\xed\xa0\xbd", out);
    CHECK(out == "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

namespace {
// A generated JSON text that records where each value starts as it is written, so positions are
// checked against the writer's own record, not against another parser.
struct Positioned {
    std::string text;
    std::uint32_t line = 1;
    std::size_t line_start = 0;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> starts;  // in document order

    void put(const std::string& s) {
        for (char c : s) {
            text += c;
            if (c == '\n') {
                ++line;
                line_start = text.size();
            }
        }
    }
    void mark() { starts.emplace_back(line, static_cast<std::uint32_t>(text.size() - line_start + 1)); }
};

void positioned_json(std::mt19937& rng, int depth, Positioned& out) {
    static const char* blanks[] = {"", " ", "\n", "\r\n", "\t", "\n  "};
    static const char* atoms[] = {"0", "-1.5e3", "true", "null", "\"a\\\"b\"", "\"\xc3\xa9\\n\"", "123456789012345678901"};
    auto blank = [&] { out.put(blanks[rng() % 6]); };
    int kind = depth > 3 ? 0 : static_cast<int>(rng() % 3);
    out.mark();
    if (kind == 0) {
        out.put(atoms[rng() % 7]);
        return;
    }
    out.put(kind == 1 ? "[" : "{");
    int n = static_cast<int>(rng() % 4);
    for (int i = 0; i < n; ++i) {
        if (i) out.put(",");
        blank();
        if (kind == 2) {
            out.put("\"k" + std::to_string(i) + "\"");
            blank();
            out.put(":");
            blank();
        }
        positioned_json(rng, depth + 1, out);
        blank();
    }
    out.put(kind == 1 ? "]" : "}");
}

void collect_positions(const Value& v, std::vector<std::pair<std::uint32_t, std::uint32_t>>& out) {
    out.emplace_back(static_cast<std::uint32_t>(v.line), v.column);
    for (const auto& item : v.items) collect_positions(item, out);
    for (const auto& member : v.members) collect_positions(member.second, out);
}
}  // namespace

TEST_CASE("every value's line and column is where the text puts it") {
    std::mt19937 rng(17);
    for (int i = 0; i < 3000; ++i) {
        Positioned doc;
        if (i % 7 == 0) doc.put("\n \r\n");
        positioned_json(rng, 0, doc);
        auto parsed = ripen::json::parse(doc.text);
        REQUIRE_MESSAGE(parsed.ok(), doc.text);
        std::vector<std::pair<std::uint32_t, std::uint32_t>> found;
        collect_positions(*parsed.value, found);
        REQUIRE_MESSAGE(found == doc.starts, doc.text);
    }
}

TEST_SUITE_END();
