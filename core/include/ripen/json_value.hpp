// A small JSON document model with source positions, used for model files, answers, requests and
// mappings. nlohmann/json parses (its SAX interface); the document it builds carries what a DOM
// of doubles would lose: every node's line:column, so validation errors point into the file, and
// each number's lexeme, so nothing is lost to binary floating point. The writer is Ripen's own:
// it streams the decision on every decide() call without building a document, which keeps the
// WebAssembly form module small (bench/RESULTS.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ripen/issue.hpp"

namespace ripen::json {

enum class Kind : std::uint8_t { null, boolean, number, string, array, object };

// Name of a kind as used in error messages ("an object", "a string", ...).
std::string_view describe(Kind kind);

struct Value {
    Kind kind = Kind::null;
    bool boolean = false;
    std::string text;  // string contents (decoded), or the number's lexeme as written
    std::vector<Value> items;                           // array elements
    std::vector<std::pair<std::string, Value>> members; // object members in document order
    std::uint32_t line = 0;   // 1-based position of the value's first character
    std::uint32_t column = 0; // 1-based, in bytes

    bool is_null() const { return kind == Kind::null; }
    bool is_bool() const { return kind == Kind::boolean; }
    bool is_number() const { return kind == Kind::number; }
    bool is_string() const { return kind == Kind::string; }
    bool is_array() const { return kind == Kind::array; }
    bool is_object() const { return kind == Kind::object; }

    const Value* find(std::string_view key) const;  // object member, or nullptr
    Value* find(std::string_view key);
    Value& set(std::string key, Value value);        // replaces or appends a member

    static Value make_null() { return Value{}; }
    static Value make_bool(bool b);
    static Value make_string(std::string s);
    static Value make_int(std::int64_t n);
    static Value make_number_lexeme(std::string lexeme);  // caller guarantees JSON grammar
    static Value make_array();
    static Value make_object();
};

// Parses one JSON text (RFC 8259). Rejects duplicate object keys, invalid UTF-8, nesting deeper
// than max_depth and trailing content: the issue then has code "json.syntax" and the line:column.
Result<Value> parse(std::string_view text, int max_depth = 200);

// Serialises a value: compact when indent < 0, otherwise pretty-printed with that many spaces.
// Strings come out as valid UTF-8 whatever they hold: a byte that is not UTF-8 becomes U+FFFD.
void write(const Value& value, std::string& out, int indent = -1);
std::string to_string(const Value& value, int indent = -1);
void write_string(std::string_view s, std::string& out);  // a quoted, escaped JSON string

// Writes JSON straight into a string, in the same form as write(), without building a Value
// first: the decision is written this way on every decide() call.
//   Writer w(out);  w.begin_object();  w.key("total");  w.number(7);  w.end_object();
class Writer {
public:
    explicit Writer(std::string& out, int indent = -1) : out_(out), indent_(indent) {}

    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    void begin_array() { open('['); }
    void end_array() { close(']'); }
    void key(std::string_view name);  // the next value's member name, inside an object
    void string(std::string_view s);
    void number(std::int64_t n);
    void boolean(bool b);
    void null();
    void string_or_null(std::string_view s);  // null for ""

private:
    void before_value();
    void open(char bracket);
    void close(char bracket);

    std::string& out_;
    int indent_;
    int depth_ = 0;
    std::uint64_t has_items_ = 0;  // bit d: the open container at depth d has an item (so at most 64 deep; a decision is 4)
    bool after_key_ = false;
};

// Integer value of a number lexeme without fraction or exponent ("12", "-3"), if it fits.
std::optional<std::int64_t> to_int64(std::string_view lexeme);

}  // namespace ripen::json
