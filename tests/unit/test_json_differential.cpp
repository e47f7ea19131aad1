// The parser on nlohmann/json against the hand-written parser it replaced (tests/unit/legacy):
// over generated documents, corrupted copies and the repository's JSON files with bytes changed,
// both must accept and reject the same texts, build the same values at the same positions, and
// report syntax errors with the same message at the same place.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "legacy/legacy_parser.hpp"
#include "support.hpp"

using ripen::json::Value;

namespace {

std::string random_string(std::mt19937& rng) {
    static const char* pieces[] = {"a", "Z", " ", "\\n", "\\\"", "\\\\", "\\/", "\\u00e9", "\\ud83d\\ude00", "\xc3\xa9", "\xe2\x82\xac",
                                   "\xf0\x9f\x98\x80", "\\t", "\\b", "\\f", "\\r", "\\u0000", "x y"};
    std::string out = "\"";
    int n = static_cast<int>(rng() % 5);
    for (int i = 0; i < n; ++i) out += pieces[rng() % 18];
    return out + "\"";
}

std::string random_number(std::mt19937& rng) {
    static const char* numbers[] = {"0", "-0", "7", "-12", "3.25", "-0.5", "1e3", "2E-7", "6.02e+23", "123456789012345678901234567890",
                                    "1.000000000000000000001", "-9223372036854775809", "18446744073709551616"};
    return numbers[rng() % 13];
}

std::string space(std::mt19937& rng) {
    static const char* blanks[] = {"", "", "", " ", "\n", "\r\n", "\t", "  \n  "};
    return blanks[rng() % 8];
}

std::string random_json(std::mt19937& rng, int depth) {
    int kind = depth > 4 ? static_cast<int>(rng() % 3) : static_cast<int>(rng() % 6);
    switch (kind) {
        case 0: return random_number(rng);
        case 1: return random_string(rng);
        case 2: {
            static const char* literals[] = {"true", "false", "null"};
            return literals[rng() % 3];
        }
        case 3:
        case 4: {
            std::string out = "[" + space(rng);
            int n = static_cast<int>(rng() % 5);
            for (int i = 0; i < n; ++i) out += (i ? "," + space(rng) : "") + random_json(rng, depth + 1) + space(rng);
            return out + "]";
        }
        default: {
            std::string out = "{" + space(rng);
            // Sometimes a big object (past the parsers' linear duplicate check), sometimes a
            // repeated key.
            int n = rng() % 10 == 0 ? 40 : static_cast<int>(rng() % 5);
            for (int i = 0; i < n; ++i) {
                std::string key = rng() % 25 == 0 && i > 0 ? "\"k0\"" : "\"k" + std::to_string(i) + "\"";
                out += (i ? "," + space(rng) : "") + key + space(rng) + ":" + space(rng) + random_json(rng, depth + 1) + space(rng);
            }
            return out + "}";
        }
    }
}

// Changes one byte: deletes it, doubles it, or puts a JSON-significant byte in its place.
std::string corrupt(std::string text, std::mt19937& rng) {
    if (text.empty()) return "x";
    std::size_t at = rng() % text.size();
    static const char replacement[] = {',', ':', '[', ']', '{', '}', '"', '\\', 'x', ' ', '\n', '0', '-', '.', 'e', '\x01', '\xff', '\xc3'};
    switch (rng() % 3) {
        case 0: text.erase(at, 1); break;
        case 1: text.insert(at, 1, text[at]); break;
        default: text[at] = replacement[rng() % sizeof replacement]; break;
    }
    return text;
}

// "" when equal, else where they differ.
std::string compare(const Value& a, const Value& b, const std::string& path) {
    std::ostringstream out;
    if (a.kind != b.kind) out << path << ": kind";
    else if (a.line != b.line || a.column != b.column)
        out << path << ": at " << a.line << ":" << a.column << " vs " << b.line << ":" << b.column;
    else if (a.boolean != b.boolean || a.text != b.text) out << path << ": \"" << a.text << "\" vs \"" << b.text << "\"";
    else if (a.items.size() != b.items.size() || a.members.size() != b.members.size()) out << path << ": size";
    if (!out.str().empty()) return out.str();
    for (std::size_t i = 0; i < a.items.size(); ++i) {
        std::string d = compare(a.items[i], b.items[i], path + "[" + std::to_string(i) + "]");
        if (!d.empty()) return d;
    }
    for (std::size_t i = 0; i < a.members.size(); ++i) {
        if (a.members[i].first != b.members[i].first) return path + ": member name";
        std::string d = compare(a.members[i].second, b.members[i].second, path + "." + a.members[i].first);
        if (!d.empty()) return d;
    }
    return {};
}

// The text with control and non-ASCII bytes escaped, for failure messages.
std::string shown(const std::string& text) {
    std::string out;
    for (unsigned char c : text) {
        if (c >= 0x20 && c < 0x7f) out += static_cast<char>(c);
        else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        }
    }
    return out.size() > 300 ? out.substr(0, 300) + "..." : out;
}

struct Tally {
    int accepted = 0, rejected = 0, overflow = 0, moved = 0;
};

// The byte offset of a 1-based line and column (after a leading byte-order mark on line 1).
std::size_t offset_of(const std::string& text, std::uint64_t line, std::uint32_t column) {
    std::size_t start = text.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
    for (std::uint64_t l = 1; l < line; ++l) start = text.find('\n', start) + 1;
    return start + column - 1;
}

void check_same(const std::string& text, Tally& tally) {
    auto ours = ripen::json::parse(text);
    ripen::Issue legacy_error;
    auto theirs = legacy::parse(text, legacy_error);
    // A difference by design: a number beyond the range of a double (1e400) is refused by
    // nlohmann/json and was kept as text by the legacy parser (Ripen's numbers stop at 9e14).
    if (!ours.ok() && ours.issues[0].message.find("is out of range") != std::string::npos) {
        ++tally.overflow;
        return;
    }
    REQUIRE_MESSAGE(ours.ok() == theirs.has_value(), "accept/reject differs on: " << shown(text) << "\n  new: "
                                                         << (ours.ok() ? "ok" : ours.issues[0].message) << "\n  old: "
                                                         << (theirs ? "ok" : legacy_error.message));
    if (ours.ok()) {
        ++tally.accepted;
        std::string difference = compare(*ours.value, *theirs, "$");
        CHECK_MESSAGE(difference.empty(), difference << " in: " << shown(text));
        return;
    }
    ++tally.rejected;
    const ripen::Issue& e = ours.issues[0];
    CHECK_MESSAGE(e.message == legacy_error.message, "message differs on: " << shown(text) << "\n  new: " << e.message << "\n  old: " << legacy_error.message);
    // Two places that moved on purpose, to where a reader looks: a duplicate member in a big
    // object at its name (the legacy parser pointed at its value there, at the name in small
    // objects), an unpaired surrogate at its escape's backslash (the legacy parser pointed just
    // past the escape).
    std::size_t at = offset_of(text, e.line, e.column);
    if (e.message.rfind("duplicate member", 0) == 0 && e.line <= legacy_error.line) {
        CHECK_MESSAGE(text.compare(at, 1, "\"") == 0, "duplicate member not at its name: " << shown(text));
        ++tally.moved;
        return;
    }
    if (e.message == "unpaired surrogate in \\u escape") {
        CHECK_MESSAGE(text.compare(at, 2, "\\u") == 0, "unpaired surrogate not at its escape: " << shown(text));
        ++tally.moved;
        return;
    }
    CHECK_MESSAGE((e.line == legacy_error.line && e.column == legacy_error.column),
                  "position differs on: " << shown(text) << " (" << e.message << ")\n  new: " << e.line << ":" << e.column << "\n  old: "
                                          << legacy_error.line << ":" << legacy_error.column);
}

}  // namespace

TEST_SUITE("json") {

TEST_CASE("the nlohmann/json parser and the legacy parser agree on generated documents and corrupted copies") {
    std::mt19937 rng(20261202);
    Tally tally;
    for (int i = 0; i < 20000; ++i) {
        std::string text = space(rng) + random_json(rng, 0) + space(rng);
        if (i % 3 == 1) text = corrupt(text, rng);
        if (i % 3 == 2) text = corrupt(corrupt(text, rng), rng);
        if (i % 50 == 0) text = "\xEF\xBB\xBF" + text;
        check_same(text, tally);
    }
    CHECK(tally.accepted > 5000);
    CHECK(tally.rejected > 5000);
    MESSAGE(tally.accepted << " accepted, " << tally.rejected << " rejected (" << tally.moved << " of them reported at a better place), "
                           << tally.overflow << " with a number past 1.8e308");
}

TEST_CASE("the two parsers agree on the repository's JSON files, whole and with bytes changed") {
    std::mt19937 rng(7);
    Tally tally;
    int files = 0;
    for (const char* dir : {"models", "examples", "tests/golden", "tests/cli/data", "tests/browser/pages/models", "schema"}) {
        for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(RIPEN_SOURCE_DIR) + "/" + dir)) {
            std::string name = entry.path().string();
            bool json = name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0;
            bool ndjson = name.size() > 7 && name.compare(name.size() - 7, 7, ".ndjson") == 0;
            if (!json && !ndjson) continue;
            std::ifstream in(name, std::ios::binary);
            std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            ++files;
            std::vector<std::string> documents;
            if (json) documents.push_back(text);
            else {
                std::istringstream lines(text);
                for (std::string line; std::getline(lines, line);) documents.push_back(line);
            }
            for (const auto& document : documents) {
                check_same(document, tally);
                for (int k = 0; k < 20; ++k) check_same(corrupt(document, rng), tally);
            }
        }
    }
    CHECK(files > 20);
    CHECK(tally.accepted > 100);
}

TEST_CASE("the two parsers agree on nesting at and past the limit") {
    Tally tally;
    for (int depth : {1, 199, 200, 201, 5000}) {
        check_same(std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']'), tally);
        std::string objects;
        for (int i = 0; i < depth; ++i) objects += "{\"a\":";
        check_same(objects + "1" + std::string(static_cast<std::size_t>(depth), '}'), tally);
    }
}

}  // TEST_SUITE
