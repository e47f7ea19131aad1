// JSON reading (nlohmann/json's parser, building Ripen's located document) and writing.
//
// Sections
//   Value                       building and finding in the located document
//   reading                     Cursor, TrackedIterator (positions), TreeBuilder (the SAX
//                               handler: values, duplicate members, depth, Ripen's messages)
//   writing                     write_value, write_string (valid UTF-8 only), Writer
//   parse, to_int64             the entry points
#include "ripen/json_value.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <iterator>

#include "message.hpp"
#include "text_match.hpp"
#include "small_sort.hpp"

namespace ripen::json {

std::string_view describe(Kind kind) {
    switch (kind) {
        case Kind::null: return "null";
        case Kind::boolean: return "a boolean";
        case Kind::number: return "a number";
        case Kind::string: return "a string";
        case Kind::array: return "an array";
        case Kind::object: return "an object";
    }
    return "a value";
}

const Value* Value::find(std::string_view key) const {
    for (const auto& member : members)
        if (member.first == key) return &member.second;
    return nullptr;
}

Value* Value::find(std::string_view key) {
    for (auto& member : members)
        if (member.first == key) return &member.second;
    return nullptr;
}

Value& Value::set(std::string key, Value value) {
    if (Value* existing = find(key)) {
        *existing = std::move(value);
        return *existing;
    }
    members.emplace_back(std::move(key), std::move(value));
    return members.back().second;
}

Value Value::make_bool(bool b) {
    Value v;
    v.kind = Kind::boolean;
    v.boolean = b;
    return v;
}

Value Value::make_string(std::string s) {
    Value v;
    v.kind = Kind::string;
    v.text = std::move(s);
    return v;
}

Value Value::make_int(std::int64_t n) {
    Value v;
    v.kind = Kind::number;
    v.text = std::to_string(n);
    return v;
}

Value Value::make_number_lexeme(std::string lexeme) {
    Value v;
    v.kind = Kind::number;
    v.text = std::move(lexeme);
    return v;
}

Value Value::make_array() {
    Value v;
    v.kind = Kind::array;
    return v;
}

Value Value::make_object() {
    Value v;
    v.kind = Kind::object;
    return v;
}

namespace {

// ---- reading: nlohmann/json's SAX parser with positions -------------------------------------
//
// nlohmann/json lexes and parses; this handler builds the Value tree and adds what Ripen's
// messages need and the SAX events do not carry: where each value starts, the exact number
// lexeme, duplicate members, the nesting limit, and messages that name what was expected.
//
// Positions: the lexer reads its input through TrackedIterator, which moves one shared cursor.
// When an event arrives the cursor stands just past the token (one byte further after a number,
// whose end the lexer finds by reading the next byte). The tokens that give no event are ',' and
// ':', so a value starts at the first byte after the previous event's end that is neither
// whitespace nor the one separator the grammar allows there.

struct Cursor {
    const char* at = nullptr;
};

class TrackedIterator {
public:
    using iterator_category = std::input_iterator_tag;
    using value_type = char;
    using difference_type = std::ptrdiff_t;
    using pointer = const char*;
    using reference = const char&;

    TrackedIterator(Cursor* cursor, const char* end) : cursor_(cursor), end_(end) {}
    reference operator*() const { return *cursor_->at; }
    TrackedIterator& operator++() {
        ++cursor_->at;
        return *this;
    }
    bool operator==(const TrackedIterator& other) const { return position() == other.position(); }
    bool operator!=(const TrackedIterator& other) const { return position() != other.position(); }

private:
    const char* position() const { return cursor_ ? cursor_->at : end_; }
    Cursor* cursor_;   // null for the end iterator
    const char* end_;  // the end iterator's position
};

using Lexed = nlohmann::json;

class TreeBuilder {
public:
    TreeBuilder(std::string_view text, Issue& error, int max_depth, Cursor& cursor)
        : text_(text), error_(error), max_depth_(max_depth), cursor_(cursor) {
        if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0) counted_ = line_start_ = prev_end_ = 3;
    }

    std::optional<Value> root;

    // Checks, after a successful parse, that only whitespace follows the root value: the lexer
    // takes a NUL byte for the end of its input.
    bool only_blanks_follow() {
        std::size_t p = prev_end_;
        while (p < text_.size() && blank(text_[p])) ++p;
        return p == text_.size() || fail(p, "unexpected content after the JSON value");
    }

    // The SAX interface (nlohmann::json_sax), without virtual calls.
    bool null() { return scalar(Value{}); }
    bool boolean(bool b) { return scalar(Value::make_bool(b)); }
    bool number_integer(Lexed::number_integer_t) { return number(); }
    bool number_unsigned(Lexed::number_unsigned_t) { return number(); }
    bool number_float(Lexed::number_float_t, const std::string&) { return number(); }
    bool string(std::string& s) { return scalar(Value::make_string(std::move(s))); }
    bool binary(Lexed::binary_t&) { return false; }  // not in JSON text
    bool start_object(std::size_t) { return open(Kind::object); }
    bool start_array(std::size_t) { return open(Kind::array); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }
    bool key(std::string& name);
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex);

private:
    // What the grammar allows after the last event.
    enum class Expect : std::uint8_t { value, first_member, member, colon, array_next, object_next, end };

    struct Frame {
        Value value;
        std::vector<std::pair<std::uint32_t, std::uint32_t>> key_positions;  // large objects only
    };
    struct Position {
        std::uint32_t line, column;
    };

    std::string_view text_;
    Issue& error_;
    int max_depth_;
    Cursor& cursor_;
    std::vector<Frame> stack_;
    Expect expect_ = Expect::value;
    std::size_t prev_end_ = 0;     // where the last event's token ended
    std::size_t last_number_ = std::string_view::npos;  // start of the last value if it was a number
    std::uint32_t line_ = 1;
    std::size_t line_start_ = 0, counted_ = 0;  // line_ counts the newlines before counted_

    std::size_t read_to() const { return static_cast<std::size_t>(cursor_.at - text_.data()); }

    static bool blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

    // Where the token after the last event starts, and the expectation once the separator the
    // grammar allows there has been passed.
    std::size_t next_token(Expect& expect) const {
        std::size_t p = prev_end_;
        expect = expect_;
        while (p < text_.size() && blank(text_[p])) ++p;
        if (p < text_.size()) {
            char c = text_[p];
            Expect after = expect_ == Expect::colon && c == ':'         ? Expect::value
                           : expect_ == Expect::array_next && c == ','  ? Expect::value
                           : expect_ == Expect::object_next && c == ',' ? Expect::member
                                                                        : expect_;
            if (after != expect_) {
                expect = after;
                for (++p; p < text_.size() && blank(text_[p]);) ++p;
            }
        }
        return p;
    }

    // Line and column of an offset at or after every offset asked for before.
    Position position_of(std::size_t offset) {
        for (std::size_t p = counted_; p < offset; ++p)
            if (text_[p] == '\n') {
                ++line_;
                line_start_ = p + 1;
            }
        counted_ = offset;
        return Position{line_, static_cast<std::uint32_t>(offset - line_start_ + 1)};
    }

    bool fail(std::size_t offset, std::string_view pattern, std::initializer_list<detail::Piece> pieces = {}) {
        Position at = position_of(offset);
        error_.message = detail::format(pattern, pieces);
        error_.line = at.line;
        error_.column = at.column;
        return false;
    }

    // A value from `start` to `end` (the next token): positioned, placed in its container.
    bool place(Value value, std::size_t start, std::size_t end, bool is_number) {
        Position at = position_of(start);
        value.line = at.line;
        value.column = at.column;
        last_number_ = is_number ? start : std::string_view::npos;
        prev_end_ = end;
        if (stack_.empty()) {
            root = std::move(value);
            expect_ = Expect::end;
            return true;
        }
        Value& parent = stack_.back().value;
        if (parent.kind == Kind::array) {
            parent.items.push_back(std::move(value));
            expect_ = Expect::array_next;
        } else {
            parent.members.back().second = std::move(value);
            expect_ = Expect::object_next;
        }
        return true;
    }

    bool scalar(Value value) {
        Expect ignored;
        std::size_t start = next_token(ignored);
        return place(std::move(value), start, read_to(), false);
    }

    bool number() {
        // The lexeme as written, which the lexer has checked; it has read one byte past it.
        Expect ignored;
        std::size_t start = next_token(ignored), end = start;
        auto digits = [&] {
            while (end < text_.size() && std::isdigit(static_cast<unsigned char>(text_[end]))) ++end;
        };
        if (text_[end] == '-') ++end;
        if (text_[end] == '0') ++end;  // no digit may follow a leading zero
        else digits();
        if (end < text_.size() && text_[end] == '.') {
            ++end;
            digits();
        }
        if (end < text_.size() && (text_[end] == 'e' || text_[end] == 'E')) {
            ++end;
            if (text_[end] == '+' || text_[end] == '-') ++end;
            digits();
        }
        return place(Value::make_number_lexeme(std::string(text_.substr(start, end - start))), start, end, true);
    }

    bool open(Kind kind) {
        if (static_cast<int>(stack_.size()) >= max_depth_) return fail(read_to() - 1, "nesting deeper than {} levels", {max_depth_});
        Expect ignored;
        Position at = position_of(next_token(ignored));
        prev_end_ = read_to();
        last_number_ = std::string_view::npos;
        Frame frame;
        frame.value.kind = kind;
        frame.value.line = at.line;
        frame.value.column = at.column;
        stack_.push_back(std::move(frame));
        expect_ = kind == Kind::array ? Expect::value : Expect::first_member;
        return true;
    }

    bool close() {
        Frame frame = std::move(stack_.back());
        stack_.pop_back();
        if (frame.value.kind == Kind::object && frame.value.members.size() >= kLinearCheck && !check_large_object(frame)) return false;
        // The container's position was set when it opened.
        prev_end_ = read_to();
        last_number_ = std::string_view::npos;
        if (stack_.empty()) {
            root = std::move(frame.value);
            expect_ = Expect::end;
        } else if (stack_.back().value.kind == Kind::array) {
            stack_.back().value.items.push_back(std::move(frame.value));
            expect_ = Expect::array_next;
        } else {
            stack_.back().value.members.back().second = std::move(frame.value);
            expect_ = Expect::object_next;
        }
        return true;
    }

    // Small objects are checked for duplicate members as they grow; big ones once, sorted, when
    // they close.
    static constexpr std::size_t kLinearCheck = 32;
    bool check_large_object(const Frame& frame);

    // What a message says was expected.
    static std::string_view expected(Expect expect, bool at_end) {
        switch (expect) {
            case Expect::value: return "a value";
            case Expect::first_member:
            case Expect::member: return at_end ? "a member name" : "a member name in double quotes";
            case Expect::colon: return "':'";
            case Expect::array_next: return "',' or ']'";
            case Expect::object_next: return "',' or '}'";
            case Expect::end: break;
        }
        return "the end of input";
    }

    static std::string shown(char c) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
            static const char hex[] = "0123456789abcdef";
            const char digits[2] = {hex[(static_cast<unsigned char>(c) >> 4) & 15], hex[static_cast<unsigned char>(c) & 15]};
            return detail::format("byte 0x{}", {std::string_view(digits, 2)});
        }
        return detail::format("'{}'", {std::string_view(&c, 1)});
    }

    bool lexer_error(std::size_t token, std::string_view problem);
};

bool TreeBuilder::key(std::string& name) {
    Expect ignored;
    std::size_t start = next_token(ignored);
    Position at = position_of(start);
    prev_end_ = read_to();
    last_number_ = std::string_view::npos;
    Frame& frame = stack_.back();
    auto& members = frame.value.members;
    if (members.size() < kLinearCheck) {
        for (const auto& m : members)
            if (m.first == name) return fail(start, "duplicate member \"{}\"", {name});
    }
    if (members.size() + 1 >= kLinearCheck) {
        // Positions of every key, for the check when the object closes.
        if (frame.key_positions.empty())
            for (std::size_t i = 0; i < members.size(); ++i) frame.key_positions.emplace_back(0, 0);
        frame.key_positions.emplace_back(at.line, at.column);
    }
    members.emplace_back(std::move(name), Value{});
    expect_ = Expect::colon;
    return true;
}

bool TreeBuilder::check_large_object(const Frame& frame) {
    const auto& members = frame.value.members;
    std::vector<std::size_t> order(members.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    // By key, equal keys in document order.
    detail::heap_sort(order.data(), order.size(), [&](std::size_t a, std::size_t b) {
        int c = members[a].first.compare(members[b].first);
        return c < 0 || (c == 0 && a < b);
    });
    for (std::size_t i = 1; i < order.size(); ++i) {
        if (members[order[i]].first != members[order[i - 1]].first) continue;
        // The second of the two, as a reader meets it.
        const auto& at = frame.key_positions[order[i]];
        error_.message = detail::format("duplicate member \"{}\"", {members[order[i]].first});
        error_.line = at.first;
        error_.column = at.second;
        return false;
    }
    return true;
}

bool TreeBuilder::parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& ex) {
    Expect expect;
    const std::size_t token = next_token(expect);
    if (token >= text_.size()) return fail(text_.size(), "unexpected end of input, expected {}", {expected(expect, true)});
    const char c = text_[token];
    // A number written with leading zeros lexes as "0" and then another number.
    if (last_number_ != std::string_view::npos && prev_end_ == token && std::isdigit(static_cast<unsigned char>(c)))
        return fail(token, "invalid number: leading zeros are not allowed");
    if (expect == Expect::end) return fail(token, "unexpected content after the JSON value");
    if (expect == Expect::colon || expect == Expect::array_next || expect == Expect::object_next)
        return fail(token, "unexpected {}, expected {}", {shown(c), expected(expect, false)});
    if ((expect == Expect::first_member || expect == Expect::member) && c != '"')
        return fail(token, "unexpected {}, expected {}", {shown(c), expected(expect, false)});
    // A value or a member name was expected: the lexer's own complaint, when it had one.
    if (ex.id == 406) {  // a number beyond the range of a double
        std::size_t end = token;
        while (end < text_.size() && !blank(text_[end]) && text_[end] != ',' && text_[end] != ']' && text_[end] != '}') ++end;
        return fail(token, "number {clip} is out of range", {text_.substr(token, end - token)});
    }
    std::string_view what(ex.what());
    std::size_t from = what.find(" - "), to = what.find("; last read: '");
    if (from == std::string_view::npos || to == std::string_view::npos || to < from)
        return fail(token, "unexpected {}, expected {}", {shown(c), expected(expect, false)});
    return lexer_error(token, what.substr(from + 3, to - from - 3));
}

bool TreeBuilder::lexer_error(std::size_t token, std::string_view problem) {
    auto starts = [&](std::string_view prefix) { return problem.substr(0, prefix.size()) == prefix; };
    const char c = text_[token];
    const std::size_t last = read_to() > token ? read_to() - 1 : token;  // the last byte the lexer read
    if (starts("invalid literal")) {
        if (c == 't') return fail(token, "invalid literal, expected 'true'");
        if (c == 'f') return fail(token, "invalid literal, expected 'false'");
        if (c == 'n') return fail(token, "invalid literal, expected 'null'");
        return fail(token, "unexpected {}, expected a value", {shown(c)});
    }
    if (starts("invalid number")) {
        // At the first byte that does not continue the number.
        std::size_t p = token;
        if (p < text_.size() && text_[p] == '-') ++p;
        while (p < text_.size() && std::isdigit(static_cast<unsigned char>(text_[p]))) ++p;
        if (problem.find("after '.'") != std::string_view::npos) {
            return fail(p + 1, "invalid number: expected a digit after '.'");
        }
        if (problem.find("exponent") != std::string_view::npos) {
            while (p < text_.size() && (text_[p] == '.' || std::isdigit(static_cast<unsigned char>(text_[p])))) ++p;
            ++p;  // the e
            if (p < text_.size() && (text_[p] == '+' || text_[p] == '-')) ++p;
            return fail(p, "invalid number: expected a digit in the exponent");
        }
        return fail(p, "invalid number: expected a digit");
    }
    if (starts("invalid string: missing closing quote") ||
        (starts("invalid string: forbidden character after backslash") && read_to() == text_.size() && text_[last] == '\\'))
        return fail(text_.size(), "unterminated string");
    if (starts("invalid string: control character")) return fail(last, "control character {} in string; escape it", {shown(text_[last])});
    if (starts("invalid string: forbidden character after backslash"))
        return fail(last, "invalid escape \\{}", {std::string_view(&text_[last], 1)});
    if (starts("invalid string: '\\u'")) {
        // At the escape's first hex digit.
        std::size_t u = last;
        while (u > token && !(text_[u] == 'u' && text_[u - 1] == '\\')) --u;
        return fail(u + 1, "invalid \\u escape: expected four hex digits");
    }
    if (starts("invalid string: surrogate")) {
        // At the backslash of the escape that has no partner.
        auto hex4 = [&](std::size_t at) -> long {
            if (at + 6 > text_.size() || text_[at] != '\\' || text_[at + 1] != 'u') return -1;
            long v = 0;
            for (std::size_t k = at + 2; k < at + 6; ++k) {
                int d = std::isdigit(static_cast<unsigned char>(text_[k])) ? text_[k] - '0' : (text_[k] | 0x20) - 'a' + 10;
                if (d < 0 || d > 15) return -1;
                v = v * 16 + d;
            }
            return v;
        };
        std::size_t p = token + 1;
        while (p < last) {
            if (text_[p] != '\\') {
                ++p;
                continue;
            }
            long v = hex4(p);
            if (v >= 0xD800 && v <= 0xDBFF) {
                long low = hex4(p + 6);
                if (low < 0xDC00 || low > 0xDFFF) break;
                p += 12;
            } else if (v >= 0xDC00 && v <= 0xDFFF) {
                break;
            } else {
                p += v >= 0 ? 6 : 2;
            }
        }
        return fail(p, "unpaired surrogate in \\u escape");
    }
    if (starts("invalid string: ill-formed UTF-8")) {
        // At the first byte of the sequence that is not UTF-8.
        std::size_t p = token + 1;
        while (p < last) {
            std::size_t n = detail::utf8_sequence_length(text_, p);
            if (n == 0) break;
            p += n;
        }
        return fail(p, "invalid UTF-8 in string");
    }
    if (starts("invalid BOM")) return fail(token, "invalid byte-order mark; a UTF-8 one is EF BB BF");
    return fail(last, "{}", {problem});
}

void write_indent(std::string& out, int indent, int level) {
    out += '\n';
    out.append(static_cast<std::size_t>(indent * level), ' ');
}

void write_value(const Value& v, std::string& out, int indent, int level) {
    switch (v.kind) {
        case Kind::null: out += "null"; return;
        case Kind::boolean: out += v.boolean ? "true" : "false"; return;
        case Kind::number: out += v.text; return;
        case Kind::string: write_string(v.text, out); return;
        case Kind::array:
            if (v.items.empty()) { out += "[]"; return; }
            out += '[';
            for (std::size_t i = 0; i < v.items.size(); ++i) {
                if (i) out += ',';
                if (indent >= 0) write_indent(out, indent, level + 1);
                write_value(v.items[i], out, indent, level + 1);
            }
            if (indent >= 0) write_indent(out, indent, level);
            out += ']';
            return;
        case Kind::object:
            if (v.members.empty()) { out += "{}"; return; }
            out += '{';
            for (std::size_t i = 0; i < v.members.size(); ++i) {
                if (i) out += ',';
                if (indent >= 0) write_indent(out, indent, level + 1);
                write_string(v.members[i].first, out);
                out += indent >= 0 ? ": " : ":";
                write_value(v.members[i].second, out, indent, level + 1);
            }
            if (indent >= 0) write_indent(out, indent, level);
            out += '}';
            return;
    }
}

}  // namespace

Result<Value> parse(std::string_view text, int max_depth) {
    Result<Value> result;
    Issue error;
    error.code = "json.syntax";
    if (std::string_view encoding = detail::foreign_encoding(text.substr(0, 8)); !encoding.empty()) {
        error.message = detail::format("the text is {}, not UTF-8: save it as UTF-8", {encoding});
        if (encoding == detail::kTwoByteOrderMarks) error.message = "the text starts with two UTF-8 byte-order marks (converted to UTF-8 twice): remove one";
        error.line = 1;
        error.column = 1;
        result.issues.push_back(std::move(error));
        return result;
    }
    Cursor cursor{text.data()};
    TreeBuilder builder(text, error, max_depth, cursor);
    TrackedIterator first(&cursor, nullptr), last(nullptr, text.data() + text.size());
    if (Lexed::sax_parse(first, last, &builder) && builder.root && builder.only_blanks_follow())
        result.value = std::move(*builder.root);
    else
        result.issues.push_back(std::move(error));
    return result;
}

void write_string(std::string_view s, std::string& out) {
    static const char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t run = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') continue;
        if (c >= 0x80) {
            // Only valid UTF-8 goes out: a byte that is not (a CSV cell from a Latin-1 file, say)
            // becomes U+FFFD, as normalise_value() makes it on the way in.
            std::size_t n = detail::utf8_sequence_length(s, i);
            if (n > 0) {
                i += n - 1;
                continue;
            }
            out.append(s.data() + run, i - run);
            out += "\xEF\xBF\xBD";
            run = i + 1;
            continue;
        }
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 15];
        }
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

void write(const Value& value, std::string& out, int indent) { write_value(value, out, indent, 0); }

std::string to_string(const Value& value, int indent) {
    std::string out;
    write(value, out, indent);
    return out;
}

void Writer::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (depth_ == 0) return;
    std::uint64_t bit = std::uint64_t{1} << (depth_ - 1);
    if (has_items_ & bit) out_ += ',';
    has_items_ |= bit;
    if (indent_ >= 0) write_indent(out_, indent_, depth_);
}

void Writer::open(char bracket) {
    before_value();
    out_ += bracket;
    ++depth_;
    has_items_ &= ~(std::uint64_t{1} << (depth_ - 1));
}

void Writer::close(char bracket) {
    --depth_;
    if (indent_ >= 0 && (has_items_ & (std::uint64_t{1} << depth_))) write_indent(out_, indent_, depth_);
    out_ += bracket;
}

void Writer::key(std::string_view name) {
    before_value();
    write_string(name, out_);
    out_ += indent_ >= 0 ? ": " : ":";
    after_key_ = true;
}

void Writer::string(std::string_view s) {
    before_value();
    write_string(s, out_);
}

void Writer::number(std::int64_t n) {
    before_value();
    char digits[24];
    out_.append(digits, static_cast<std::size_t>(std::to_chars(digits, digits + sizeof digits, n).ptr - digits));
}

void Writer::boolean(bool b) {
    before_value();
    out_ += b ? "true" : "false";
}

void Writer::null() {
    before_value();
    out_ += "null";
}

void Writer::string_or_null(std::string_view s) {
    if (s.empty()) null();
    else string(s);
}

std::optional<std::int64_t> to_int64(std::string_view lexeme) {
    if (lexeme.empty()) return std::nullopt;
    bool negative = lexeme[0] == '-';
    std::size_t i = negative ? 1 : 0;
    if (i >= lexeme.size()) return std::nullopt;
    std::uint64_t magnitude = 0;
    for (; i < lexeme.size(); ++i) {
        char c = lexeme[i];
        if (c < '0' || c > '9') return std::nullopt;
        std::uint64_t next = magnitude * 10 + static_cast<std::uint64_t>(c - '0');
        if (magnitude > (UINT64_MAX - 9) / 10 || next > static_cast<std::uint64_t>(INT64_MAX) + (negative ? 1u : 0u))
            return std::nullopt;
        magnitude = next;
    }
    if (negative) return magnitude == static_cast<std::uint64_t>(INT64_MAX) + 1 ? INT64_MIN : -static_cast<std::int64_t>(magnitude);
    return static_cast<std::int64_t>(magnitude);
}

}  // namespace ripen::json
