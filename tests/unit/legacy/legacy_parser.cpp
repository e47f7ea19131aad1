// The hand-written JSON parser the core used before nlohmann/json, kept only for the differential
// test (test_json_differential.cpp) that shows the two agree before this one is deleted.
#include "legacy_parser.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>

#include "message.hpp"
#include "small_sort.hpp"

namespace legacy {

using namespace ripen;
using namespace ripen::json;

namespace {

class Parser {
public:
    Parser(std::string_view text, Issue& error, int max_depth)
        : text_(text), error_(error), max_depth_(max_depth) {}

    std::optional<Value> run() {
        skip_bom();
        skip_space();
        Value root;
        if (!parse_value(root, 0)) return std::nullopt;
        skip_space();
        if (pos_ != text_.size()) {
            fail("unexpected content after the JSON value");
            return std::nullopt;
        }
        return root;
    }

private:
    std::string_view text_;
    Issue& error_;
    int max_depth_;
    std::size_t pos_ = 0;
    std::uint32_t line_ = 1;
    std::size_t line_start_ = 0;

    std::uint32_t column() const { return static_cast<std::uint32_t>(pos_ - line_start_ + 1); }

    // The message is `pattern` with its holes filled (message.hpp), at the current position.
    bool fail(std::string_view pattern, std::initializer_list<detail::Piece> pieces = {}) {
        error_.message = detail::format(pattern, pieces);
        error_.line = line_;
        error_.column = column();
        return false;
    }

    // "unexpected 'x', expected <what>", or "unexpected end of input, expected <what>".
    bool unexpected(std::string_view what) {
        if (pos_ >= text_.size()) return fail("unexpected end of input, expected {}", {what});
        return fail("unexpected {}, expected {}", {shown(text_[pos_]), what});
    }

    // Fills the error at a member found twice.
    bool duplicate_member(const std::string& key, std::uint32_t line, std::uint32_t column) {
        error_.message = detail::format("duplicate member \"{}\"", {key});
        error_.line = line;
        error_.column = column;
        return false;
    }

    void skip_bom() {
        if (text_.size() >= 3 && static_cast<unsigned char>(text_[0]) == 0xEF &&
            static_cast<unsigned char>(text_[1]) == 0xBB && static_cast<unsigned char>(text_[2]) == 0xBF) {
            pos_ = 3;
            line_start_ = 3;
        }
    }

    void skip_space() {
        while (pos_ < text_.size()) {
            char c = text_[pos_];
            if (c == '\n') {
                ++pos_;
                ++line_;
                line_start_ = pos_;
            } else if (c == ' ' || c == '\t' || c == '\r') {
                ++pos_;
            } else {
                break;
            }
        }
    }

    static std::string shown(char c) {
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
            static const char hex[] = "0123456789abcdef";
            const char digits[2] = {hex[(static_cast<unsigned char>(c) >> 4) & 15], hex[static_cast<unsigned char>(c) & 15]};
            return detail::format("byte 0x{}", {std::string_view(digits, 2)});
        }
        return detail::format("'{}'", {std::string_view(&c, 1)});
    }

    bool parse_value(Value& out, int depth) {
        if (pos_ >= text_.size()) return unexpected("a value");
        out.line = line_;
        out.column = column();
        char c = text_[pos_];
        switch (c) {
            case '{': return parse_object(out, depth);
            case '[': return parse_array(out, depth);
            case '"':
                out.kind = Kind::string;
                return parse_string(out.text);
            case 't': return parse_literal("true", out, Kind::boolean, true);
            case 'f': return parse_literal("false", out, Kind::boolean, false);
            case 'n': return parse_literal("null", out, Kind::null, false);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return parse_number(out);
                return unexpected("a value");
        }
    }

    bool parse_literal(std::string_view word, Value& out, Kind kind, bool value) {
        if (text_.substr(pos_, word.size()) != word)
            return fail("invalid literal, expected '{}'", {word});
        pos_ += word.size();
        out.kind = kind;
        out.boolean = value;
        return true;
    }

    bool parse_number(Value& out) {
        std::size_t start = pos_;
        auto digit = [&](std::size_t i) { return i < text_.size() && text_[i] >= '0' && text_[i] <= '9'; };
        if (text_[pos_] == '-') ++pos_;
        if (!digit(pos_)) return fail("invalid number: expected a digit");
        if (text_[pos_] == '0') {
            ++pos_;
            if (digit(pos_)) return fail("invalid number: leading zeros are not allowed");
        } else {
            while (digit(pos_)) ++pos_;
        }
        if (pos_ < text_.size() && text_[pos_] == '.') {
            ++pos_;
            if (!digit(pos_)) return fail("invalid number: expected a digit after '.'");
            while (digit(pos_)) ++pos_;
        }
        if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
            ++pos_;
            if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
            if (!digit(pos_)) return fail("invalid number: expected a digit in the exponent");
            while (digit(pos_)) ++pos_;
        }
        out.kind = Kind::number;
        out.text.assign(text_.substr(start, pos_ - start));
        return true;
    }

    static void append_utf8(std::string& s, std::uint32_t cp) {
        if (cp < 0x80) {
            s += static_cast<char>(cp);
        } else if (cp < 0x800) {
            s += static_cast<char>(0xC0 | (cp >> 6));
            s += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            s += static_cast<char>(0xE0 | (cp >> 12));
            s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            s += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            s += static_cast<char>(0xF0 | (cp >> 18));
            s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            s += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }

    bool read_hex4(std::uint32_t& cp) {
        if (pos_ + 4 > text_.size()) return fail("invalid \\u escape: expected four hex digits");
        cp = 0;
        for (int i = 0; i < 4; ++i) {
            char h = text_[pos_ + i];
            cp <<= 4;
            if (h >= '0' && h <= '9') cp |= static_cast<std::uint32_t>(h - '0');
            else if (h >= 'a' && h <= 'f') cp |= static_cast<std::uint32_t>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') cp |= static_cast<std::uint32_t>(h - 'A' + 10);
            else return fail("invalid \\u escape: expected four hex digits");
        }
        pos_ += 4;
        return true;
    }

    // Length of a valid UTF-8 sequence starting at pos_, or 0.
    std::size_t utf8_length() const {
        auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text_[i]); };
        unsigned char b0 = byte(pos_);
        std::size_t n;
        std::uint32_t cp;
        if (b0 >= 0xC2 && b0 <= 0xDF) { n = 2; cp = b0 & 0x1F; }
        else if (b0 >= 0xE0 && b0 <= 0xEF) { n = 3; cp = b0 & 0x0F; }
        else if (b0 >= 0xF0 && b0 <= 0xF4) { n = 4; cp = b0 & 0x07; }
        else return 0;
        if (pos_ + n > text_.size()) return 0;
        for (std::size_t i = 1; i < n; ++i) {
            unsigned char b = byte(pos_ + i);
            if ((b & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (b & 0x3F);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
        if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
        return n;
    }

    bool parse_string(std::string& out) {
        ++pos_;  // opening quote
        out.clear();
        while (true) {
            std::size_t run = pos_;
            while (run < text_.size()) {
                unsigned char c = static_cast<unsigned char>(text_[run]);
                if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
                ++run;
            }
            out.append(text_.data() + pos_, run - pos_);
            pos_ = run;
            if (pos_ >= text_.size()) return fail("unterminated string");
            unsigned char c = static_cast<unsigned char>(text_[pos_]);
            if (c == '"') {
                ++pos_;
                return true;
            }
            if (c < 0x20) return fail("control character {} in string; escape it", {shown(static_cast<char>(c))});
            if (c >= 0x80) {
                std::size_t n = utf8_length();
                if (n == 0) return fail("invalid UTF-8 in string");
                out.append(text_.data() + pos_, n);
                pos_ += n;
                continue;
            }
            // backslash escape
            ++pos_;
            if (pos_ >= text_.size()) return fail("unterminated string");
            char e = text_[pos_++];
            switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    std::uint32_t cp;
                    if (!read_hex4(cp)) return false;
                    if (cp >= 0xD800 && cp <= 0xDBFF) {
                        std::uint32_t low;
                        if (text_.substr(pos_, 2) != "\\u") return fail("unpaired surrogate in \\u escape");
                        pos_ += 2;
                        if (!read_hex4(low)) return false;
                        if (low < 0xDC00 || low > 0xDFFF) return fail("unpaired surrogate in \\u escape");
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                        return fail("unpaired surrogate in \\u escape");
                    }
                    append_utf8(out, cp);
                    break;
                }
                default:
                    --pos_;
                    return fail("invalid escape \\{}", {std::string_view(&e, 1)});
            }
        }
    }

    bool parse_array(Value& out, int depth) {
        if (depth >= max_depth_) return fail("nesting deeper than {} levels", {max_depth_});
        out.kind = Kind::array;
        ++pos_;
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == ']') {
            ++pos_;
            return true;
        }
        while (true) {
            skip_space();
            out.items.emplace_back();
            if (!parse_value(out.items.back(), depth + 1)) return false;
            skip_space();
            char c = pos_ < text_.size() ? text_[pos_] : '\0';
            if (c == ',') { ++pos_; continue; }
            if (c == ']') { ++pos_; return true; }
            return unexpected("',' or ']'");
        }
    }

    bool parse_object(Value& out, int depth) {
        if (depth >= max_depth_) return fail("nesting deeper than {} levels", {max_depth_});
        out.kind = Kind::object;
        ++pos_;
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == '}') {
            ++pos_;
            return true;
        }
        while (true) {
            skip_space();
            if (pos_ >= text_.size()) return unexpected("a member name");
            if (text_[pos_] != '"') return unexpected("a member name in double quotes");
            std::uint32_t key_line = line_, key_column = column();
            std::string key;
            if (!parse_string(key)) return false;
            // Small objects are checked as they grow; big ones once, sorted, at the end.
            bool duplicate = false;
            if (out.members.size() < 32)
                for (const auto& m : out.members) duplicate = duplicate || m.first == key;
            if (duplicate) return duplicate_member(key, key_line, key_column);
            skip_space();
            if (pos_ >= text_.size() || text_[pos_] != ':') return unexpected("':'");
            ++pos_;
            skip_space();
            out.members.emplace_back(std::move(key), Value{});
            if (!parse_value(out.members.back().second, depth + 1)) return false;
            skip_space();
            char c = pos_ < text_.size() ? text_[pos_] : '\0';
            if (c == ',') { ++pos_; continue; }
            if (c == '}') {
                ++pos_;
                return out.members.size() < 32 || check_large_object(out);
            }
            return unexpected("',' or '}'");
        }
    }

    bool check_large_object(const Value& object) {
        using Member = std::pair<std::string, Value>;
        std::vector<const Member*> sorted;
        for (const auto& m : object.members) sorted.push_back(&m);
        // By key, equal keys in document order (members are stored in document order).
        detail::heap_sort(sorted.data(), sorted.size(), [](const Member* a, const Member* b) {
            int order = a->first.compare(b->first);
            return order < 0 || (order == 0 && a < b);
        });
        for (std::size_t i = 1; i < sorted.size(); ++i) {
            if (sorted[i]->first != sorted[i - 1]->first) continue;
            // The second of the two, as a reader meets it.
            return duplicate_member(sorted[i]->first, sorted[i]->second.line, sorted[i]->second.column);
        }
        return true;
    }
};

}  // namespace

std::optional<Value> parse(std::string_view text, Issue& error, int max_depth) { return Parser(text, error, max_depth).run(); }

}  // namespace legacy
