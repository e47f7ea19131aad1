// CRM export import (see ripen/import.hpp): mapping files, value normalisation, the row mapper
// and the streaming importer into a LeadTable. Guessing a mapping: infer_mapping.cpp.
//
// Sections
//   placeholders, loose numbers   what counts as no answer; numbers written as a CRM writes them
//   normalise_value               the canonical form of a raw value
//   parse_mapping, mapping_to_json   the mapping file, read with located errors and written
//   the importer                  Importer::Impl: streaming records into a LeadTable
#include "ripen/import.hpp"
#include "model_data.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "evaluator.hpp"
#include "countries.hpp"
#include "import_internal.hpp"
#include "row_mapper.hpp"
#include "ripen/csv.hpp"
#include "ripen/decision.hpp"
#include "text_match.hpp"

namespace ripen {

namespace {

using json::Value;

bool is_word(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || static_cast<unsigned char>(c) >= 0x80; }

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

const std::set<std::string, std::less<>>& placeholders() {
    static const std::set<std::string, std::less<>> values = {"", "n_a", "na", "null", "none", "nil", "select", "please_select",
                                                              "unknown", "not_set", "not_specified", "tbd"};
    return values;
}

Issue issue(std::string code, std::string message, std::string path, const Value* at) {
    Issue i;
    i.code = std::move(code);
    i.message = std::move(message);
    i.path = std::move(path);
    if (at) {
        i.line = at->line;
        i.column = at->column;
    }
    return i;
}

// A number as CRM exports write it: "1234", "1,234.50", "1.234,50", "12,5", "$ 1 200", "15%".

}  // namespace

namespace {

// normalise_value(raw) == "unknown", without building the string: placeholders are short.
bool is_placeholder(std::string_view raw) {
    char buffer[16];
    std::size_t size = 0;
    bool gap = false;
    for (char c : raw) {
        char l = detail::ascii_lower(c);
        if (is_word(l)) {
            if (gap && size) {
                if (size == sizeof buffer) return false;
                buffer[size++] = '_';
            }
            if (size == sizeof buffer) return false;
            buffer[size++] = l;
            gap = false;
        } else {
            gap = true;
        }
    }
    return placeholders().count(std::string_view(buffer, size)) > 0;
}

}  // namespace

std::optional<Mapping> infer_mapping_from_csv(const Model& model, std::string_view head, bool whole) {
    std::string converted;
    if (looks_windows1252(head)) {
        append_windows1252(head, converted);
        head = converted;
    }
    CsvReader reader(detect_delimiter(head));
    reader.feed(head);
    if (whole) reader.finish();
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    CsvRecord record;
    Issue error;
    while (rows.size() < 2000) {
        auto status = reader.next(record, error);
        if (status == CsvReader::Status::error) continue;
        if (status != CsvReader::Status::record) break;
        std::vector<std::string> fields(record.fields.begin(), record.fields.end());
        if (header.empty()) header = std::move(fields);
        else if (fields.size() == header.size()) rows.push_back(std::move(fields));  // bad rows are the import's to report
    }
    if (header.empty()) return std::nullopt;
    return infer_mapping(model, header, rows);
}

std::string normalise_value(std::string_view raw) {
    std::string out;
    bool gap = false;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        char l = detail::ascii_lower(raw[i]);
        if (is_word(l)) {
            if (gap && !out.empty()) out += '_';
            gap = false;
            if (static_cast<unsigned char>(l) < 0x80) {
                out += l;
                continue;
            }
            // Valid UTF-8 as it is; any other byte as U+FFFD, so a value written to a mapping
            // file (always valid UTF-8) still matches the cell it came from.
            std::size_t n = detail::utf8_sequence_length(raw, i);
            if (n == 0) {
                out += "\xEF\xBF\xBD";
                continue;
            }
            out.append(raw.data() + i, n);
            i += n - 1;
        } else {
            gap = true;
        }
    }
    if (out.size() <= 13 && placeholders().count(out)) return "unknown";  // the longest placeholder is 13 long
    return out;
}

const ColumnMapping* Mapping::find(std::string_view column) const {
    for (const auto& c : columns)
        if (c.column == column) return &c;
    return nullptr;
}

Result<Mapping> parse_mapping(const Model& model, std::string_view text) {
    Result<Mapping> result;
    auto parsed = json::parse(text);
    if (!parsed.ok()) return failed_with<Mapping>(std::move(parsed));
    const Value* doc = &*parsed.value;
    auto& issues = result.issues;
    if (!doc->is_object()) {
        issues.push_back(issue("schema.type", "a mapping must be an object with \"columns\", got " + std::string(json::describe(doc->kind)), "$", doc));
        return result;
    }
    for (const auto& [key, value] : doc->members)
        if (key != "format" && key != "columns" && key != "$schema" && key != "description")
            issues.push_back(issue("schema.unknown_member", "unknown member " + quoted(key) + " (expected one of: format, columns, description)", "$." + key, &value));
    const Value* format = doc->find("format");
    if (format && !(format->is_number() && format->text == "1"))
        issues.push_back(issue("model.format", "unsupported mapping format; this version of Ripen reads format 1", "$.format", format));
    const Value* columns = doc->find("columns");
    if (!columns || !columns->is_object()) {
        issues.push_back(issue(columns ? "schema.type" : "schema.required",
                               columns ? "\"columns\" must be an object keyed by column name" : "missing required member \"columns\"",
                               columns ? "$.columns" : "$", columns ? columns : doc));
        return result;
    }
    Mapping mapping;
    for (const auto& [name, spec] : columns->members) {
        std::string path = "$.columns." + name;
        if (!spec.is_object()) {
            issues.push_back(issue("schema.type", "expected an object, got " + std::string(json::describe(spec.kind)), path, &spec));
            continue;
        }
        ColumnMapping column;
        column.column = name;
        int roles = 0;
        for (const auto& [key, value] : spec.members) {
            std::string at = path + "." + key;
            if (key == "question") {
                ++roles;
                column.role = ColumnMapping::Role::question;
                if (!value.is_string() || model.question_index(value.text) < 0) {
                    issues.push_back(issue("ref.unknown_question", "unknown question " + (value.is_string() ? quoted(value.text) : std::string("(not a string)")), at, &value));
                    continue;
                }
                column.target = value.text;
            } else if (key == "source") {
                ++roles;
                column.role = ColumnMapping::Role::source;
                if (!value.is_bool() || !value.boolean) issues.push_back(issue("schema.type", "\"source\" takes true", at, &value));
            } else if (key == "outcome") {
                ++roles;
                column.role = ColumnMapping::Role::outcome;
                std::vector<const Value*> items;
                if (value.is_string()) items.push_back(&value);
                else if (value.is_array()) for (const auto& item : value.items) items.push_back(&item);
                if (items.empty()) issues.push_back(issue("schema.type", "\"outcome\" takes the values that mean converted, e.g. [\"yes\", \"won\"]", at, &value));
                for (const Value* item : items) {
                    if (!item->is_string()) issues.push_back(issue("schema.type", "outcome values must be strings", at, item));
                    else column.positive.push_back(normalise_value(item->text));
                }
            } else if (key == "context") {
                ++roles;
                column.role = ColumnMapping::Role::context;
                if (!value.is_string() || value.text.empty()) issues.push_back(issue("schema.type", "\"context\" takes the context key", at, &value));
                else column.target = value.text;
            } else if (key == "ignore") {
                ++roles;
                column.role = ColumnMapping::Role::ignore;
                if (!value.is_bool() || !value.boolean) issues.push_back(issue("schema.type", "\"ignore\" takes true", at, &value));
            } else if (key == "values") {
                if (!value.is_object()) {
                    issues.push_back(issue("schema.type", "\"values\" must map raw values to option values", at, &value));
                    continue;
                }
                for (const auto& [raw, target] : value.members) {
                    // "*" is the catch-all: the option for every value not listed.
                    std::string from = raw == "*" ? std::string("*") : normalise_value(raw);
                    if (target.is_null()) column.values.emplace_back(from, "");
                    else if (target.is_string()) column.values.emplace_back(from, target.text);
                    else issues.push_back(issue("schema.type", "a value maps to an option value (a string) or null", at + "." + raw, &target));
                }
            } else {
                issues.push_back(issue("schema.unknown_member",
                                       "unknown member " + quoted(key) + " (expected one of: question, source, outcome, context, ignore, values)", at, &value));
            }
        }
        if (roles != 1)
            issues.push_back(issue("mapping.role", "a column needs exactly one of: question, source, outcome, context, ignore", path, &spec));
        // Mapped values must exist in the model.
        const Value* values = spec.find("values");
        for (const auto& [raw, target] : column.values) {
            if (target.empty()) continue;
            bool known = true;
            if (column.role == ColumnMapping::Role::question && !column.target.empty()) {
                const Question& q = model.spec().questions[static_cast<std::size_t>(model.question_index(column.target))];
                const std::string& wanted = target;  // (a structured binding cannot be captured in C++17)
                known = std::any_of(q.options.begin(), q.options.end(), [&](const Option& o) { return o.value == wanted; });
                // A country question takes any ISO code, as a CSV cell does: one not listed as an
                // option scores as the catch-all option ("*").
                if (!known && q.type == QuestionType::country) known = detail::is_country_code(target);
            } else if (column.role == ColumnMapping::Role::source) {
                known = model.segment_index(target) >= 0;
            }
            if (!known) {
                std::string what = column.role == ColumnMapping::Role::source ? std::string("a segment") : "an option of " + quoted(column.target);
                if (column.role == ColumnMapping::Role::question && !column.target.empty() &&
                    model.spec().questions[static_cast<std::size_t>(model.question_index(column.target))].type == QuestionType::country)
                    what = "an ISO 3166-1 alpha-2 country code (such as \"US\") or an option of " + quoted(column.target);
                issues.push_back(issue("ref.unknown_option", quoted(target) + " is not " + what, path + ".values", values));
            }
        }
        mapping.columns.push_back(std::move(column));
    }
    if (std::none_of(mapping.columns.begin(), mapping.columns.end(), [](const ColumnMapping& c) { return c.role == ColumnMapping::Role::question; }))
        issues.push_back(issue("mapping.empty", "no column is mapped to a question", "$.columns", columns));
    if (!has_errors(issues)) result.value = std::move(mapping);
    return result;
}

json::Value mapping_to_json(const Mapping& mapping) {
    Value doc = Value::make_object();
    doc.set("format", Value::make_int(1));
    Value columns = Value::make_object();
    for (const auto& c : mapping.columns) {
        Value spec = Value::make_object();
        switch (c.role) {
            case ColumnMapping::Role::question: spec.set("question", Value::make_string(c.target)); break;
            case ColumnMapping::Role::source: spec.set("source", Value::make_bool(true)); break;
            case ColumnMapping::Role::context: spec.set("context", Value::make_string(c.target)); break;
            case ColumnMapping::Role::ignore: spec.set("ignore", Value::make_bool(true)); break;
            case ColumnMapping::Role::outcome: {
                Value list = Value::make_array();
                for (const auto& p : c.positive) list.items.push_back(Value::make_string(p));
                spec.set("outcome", std::move(list));
                break;
            }
        }
        if (!c.values.empty()) {
            Value values = Value::make_object();
            for (const auto& [raw, target] : c.values) values.set(raw, target.empty() ? Value::make_null() : Value::make_string(target));
            spec.set("values", std::move(values));
        }
        columns.set(c.column, std::move(spec));
    }
    doc.set("columns", std::move(columns));
    return doc;
}

namespace detail {

std::optional<Decimal> parse_loose_number(std::string_view raw) {
    std::string s;
    for (char c : detail::trim(raw))
        if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == ',' || c == 'e' || c == 'E') s += c;
        else if (c != ' ' && c != '$' && c != '%' && c != '\'' && static_cast<unsigned char>(c) < 0x80) return std::nullopt;
    std::size_t comma = s.find(','), dot = s.find('.');
    if (comma != std::string::npos && dot != std::string::npos) {
        // Both: the later one is the decimal mark.
        char thousands = comma < dot ? ',' : '.';
        s.erase(std::remove(s.begin(), s.end(), thousands), s.end());
        std::replace(s.begin(), s.end(), ',', '.');
    } else if (comma != std::string::npos) {
        // "1,234" (thousands) or "12,5" (decimal comma): three digits after every comma means thousands.
        bool thousands = true;
        for (std::size_t at = comma; at != std::string::npos; at = s.find(',', at + 1)) {
            std::size_t next = s.find(',', at + 1);
            std::size_t digits = (next == std::string::npos ? s.size() : next) - at - 1;
            thousands = thousands && digits == 3;
        }
        if (thousands) s.erase(std::remove(s.begin(), s.end(), ','), s.end());
        else std::replace(s.begin(), s.end(), ',', '.');
    }
    return parse_decimal(s);
}

// The option of `q` a normalised value names: by value, then by label in any language.
int match_option(const Question& q, const std::string& normalised) {
    for (std::size_t o = 0; o < q.options.size(); ++o)
        if (normalise_value(q.options[o].value) == normalised) return static_cast<int>(o);
    for (std::size_t o = 0; o < q.options.size(); ++o)
        for (const auto& [lang, text] : q.options[o].label.translations)
            if (normalise_value(text) == normalised) return static_cast<int>(o);
    return -1;
}

}  // namespace detail

// ---- mapping records --------------------------------------------------------------------------

namespace detail {

struct RowMapper::Impl {
    Impl(const Model& m, const Mapping& map, UnmappedCounts& counts) : model(m), mapping(map), unmapped_counts(counts) {}

    const Model& model;
    const Mapping& mapping;
    UnmappedCounts& unmapped_counts;
    struct Bound {
        const ColumnMapping* mapping = nullptr;
        int question = -1;
        std::vector<std::pair<std::string, int>> values;  // normalised raw -> option (or -1: unmapped)
        int catch_all = kNoCatchAll;  // the option of "*": values not listed (-1: left unanswered)
        std::vector<std::pair<std::string, std::string>> countries;  // country question: normalised raw -> ISO code
        std::vector<std::pair<std::string, std::string>> segments;
        // Raw value -> option (or kUnknown / kUnmapped) of a choice column: CRM exports repeat a
        // few values millions of times, so each distinct one is normalised and matched once.
        std::unordered_map<std::string, int> seen;
    };
    static constexpr int kUnknown = -2, kUnmapped = -3, kNoCatchAll = -4;
    static constexpr std::size_t kSeenLimit = 4096;
    std::vector<Bound> bound;  // per header column; mapping nullptr when the column is not mapped
    std::size_t fields = 0;

    void unmapped(const std::string& column, const std::string& value) { ++unmapped_counts[column][value]; }

    bool bind(const CsvRecord& rec, std::vector<Issue>& issues) {
        fields = rec.fields.size();
        bound.assign(fields, Bound{});
        // Hashed both ways, so a header of 400,000 columns costs what its bytes cost to read.
        std::unordered_map<std::string_view, const ColumnMapping*> by_name;
        by_name.reserve(mapping.columns.size());
        for (const auto& c : mapping.columns) by_name.emplace(c.column, &c);
        std::unordered_set<const ColumnMapping*> present;
        for (std::size_t i = 0; i < fields; ++i) {
            auto found = by_name.find(detail::trim(rec.fields[i]));
            if (found == by_name.end()) continue;
            const ColumnMapping* c = found->second;
            present.insert(c);
            Bound b;
            b.mapping = c;
            if (c->role == ColumnMapping::Role::question) {
                b.question = model.question_index(c->target);
                const Question& q = model.spec().questions[static_cast<std::size_t>(b.question)];
                for (const auto& [raw, target] : c->values) {
                    int o = -1;
                    for (std::size_t k = 0; k < q.options.size(); ++k)
                        if (q.options[k].value == target) o = static_cast<int>(k);
                    if (q.type == QuestionType::country && o < 0 && detail::is_country_code(target)) {
                        b.countries.emplace_back(raw, target);
                        continue;
                    }
                    if (raw == "*") b.catch_all = o;
                    else b.values.emplace_back(raw, o);
                }
            } else if (c->role == ColumnMapping::Role::source) {
                b.segments = c->values;
            }
            bound[i] = std::move(b);
        }
        bool ok = true;
        for (const auto& c : mapping.columns) {
            if (present.count(&c)) continue;
            Issue issue;
            issue.line = 1;
            issue.column = 1;
            issue.code = "csv.missing_column";
            // Files written by other tools drop or rename empty columns ("Unnamed: 12"): a
            // column the mapping only ignores is no reason to stop.
            if (c.role == ColumnMapping::Role::ignore) {
                issue.severity = Severity::warning;
                issue.message = "the mapping ignores column " + quoted(c.column) + ", which the header does not have";
            } else {
                issue.message = "the mapping names column " + quoted(c.column) + ", which the header does not have";
                ok = false;
            }
            issues.push_back(std::move(issue));
        }
        return ok;
    }

    // The option a normalised value maps to for question q, or -1.
    int option_for(const Bound& b, const Question& q, const std::string& n) {
        for (const auto& [raw, o] : b.values)
            if (raw == n) return o;
        int o = match_option(q, n);
        return o < 0 && b.catch_all != kNoCatchAll ? b.catch_all : o;
    }

    // A country cell: a code the mapping names for it, an option, a country's name or alias
    // ("United States", "Deutschland"), or an ISO code. True when answered.
    bool set_country(const Bound& b, const std::string& n, std::string_view raw, Answer& a) {
        Issue ignored;
        for (const auto& [from, code] : b.countries)
            if (from == n) return set_answer_text(model, b.question, code, a, ignored);
        for (const auto& [from, o] : b.values)
            if (from == n) {
                if (o < 0) return false;
                return set_answer_text(model, b.question, model.spec().questions[static_cast<std::size_t>(b.question)].options[static_cast<std::size_t>(o)].value, a, ignored);
            }
        if (std::string_view code = detail::country_code_for_name(n); !code.empty()) return set_answer_text(model, b.question, code, a, ignored);
        if (set_answer_text(model, b.question, detail::trim(raw), a, ignored)) return true;
        a = Answer{};
        return false;
    }

    void set_question(Bound& b, std::string_view raw, Answers& answers) {
        const Question& q = model.spec().questions[static_cast<std::size_t>(b.question)];
        Answer& a = answers.values[static_cast<std::size_t>(b.question)];
        a = Answer{};
        const std::string& name = b.mapping->column;
        switch (q.type) {
            case QuestionType::country: {
                std::string n = normalise_value(raw);
                if (n == "unknown") return;  // a placeholder: unanswered
                if (!set_country(b, n, raw, a)) unmapped(name, std::string(detail::trim(raw)));
                return;
            }
            case QuestionType::single: {
                auto cached = b.seen.find(std::string(raw));
                if (cached != b.seen.end()) {
                    if (cached->second >= 0) {
                        a.state = Answer::State::given;
                        a.option = cached->second;
                    } else if (cached->second == kUnmapped) {
                        unmapped(name, std::string(detail::trim(raw)));
                    }
                    return;
                }
                std::string n = normalise_value(raw);
                int o = -1;
                if (n != "unknown") {
                    o = option_for(b, q, n);
                } else {
                    // A placeholder ("", "N/A", "None") leaves the question unanswered, even where an
                    // option's value is itself placeholder-like (budget "none"), unless the
                    // mapping names it or the cell is that option's value word for word.
                    for (const auto& [from, option] : b.values)
                        if (from == n) o = option;
                    std::string_view literal = detail::trim(raw);
                    for (std::size_t k = 0; k < q.options.size() && o < 0 && !literal.empty(); ++k)
                        if (literal.size() == q.options[k].value.size() &&
                            std::equal(literal.begin(), literal.end(), q.options[k].value.begin(),
                                       [](char x, char y) { return detail::ascii_lower(x) == detail::ascii_lower(y); }))
                            o = static_cast<int>(k);
                }
                if (o >= 0) {
                    a.state = Answer::State::given;
                    a.option = o;
                } else if (n != "unknown") {
                    unmapped(name, std::string(detail::trim(raw)));
                }
                if (b.seen.size() < kSeenLimit) b.seen.emplace(std::string(raw), o >= 0 ? o : n == "unknown" ? kUnknown : kUnmapped);
                return;
            }
            case QuestionType::multiple: {
                std::size_t start = 0;
                while (start <= raw.size()) {
                    std::size_t sep = raw.find_first_of(";|", start);
                    std::string n = normalise_value(raw.substr(start, sep == std::string_view::npos ? std::string_view::npos : sep - start));
                    if (n != "unknown") {
                        int o = option_for(b, q, n);
                        if (o >= 0) a.selected |= std::uint64_t{1} << o;
                        else unmapped(name, n);
                    }
                    if (sep == std::string_view::npos) break;
                    start = sep + 1;
                }
                if (q.max_select && __builtin_popcountll(a.selected) > q.max_select) {
                    unmapped(name, std::string(detail::trim(raw)) + " (more than " + std::to_string(q.max_select) + " choices)");
                    a.selected = 0;
                }
                if (a.selected) a.state = Answer::State::given;
                return;
            }
            case QuestionType::number: {
                std::string_view trimmed = detail::trim(raw);
                auto digit = [](char c) { return c >= '0' && c <= '9'; };
                bool plain = !trimmed.empty() && (digit(trimmed[0]) || (trimmed.size() > 1 && trimmed[0] == '-' && digit(trimmed[1])));
                if (!plain && is_placeholder(raw)) return;
                auto number = parse_loose_number(raw);
                Issue problem;
                if (!number || !set_answer_text(model, b.question, to_string(*number), a, problem)) {
                    a = Answer{};
                    unmapped(name, std::string(detail::trim(raw)));
                }
                return;
            }
            default: {
                std::string_view value = detail::trim(raw);
                if (is_placeholder(value)) return;
                Issue problem;
                if (!set_answer_text(model, b.question, value, a, problem)) {
                    a = Answer{};
                    unmapped(name, std::string(value));
                }
                return;
            }
        }
    }

    void map(const CsvRecord& rec, Answers& answers, Context& context, int& outcome) {
        for (auto& a : answers.values) a = Answer{};
        context.values.clear();
        outcome = -1;
        for (std::size_t i = 0; i < fields; ++i) {
            Bound& b = bound[i];
            if (!b.mapping) continue;
            std::string_view raw = rec.fields[i];
            switch (b.mapping->role) {
                case ColumnMapping::Role::question: set_question(b, raw, answers); break;
                case ColumnMapping::Role::source: {
                    auto cached = b.seen.find(std::string(raw));
                    if (cached != b.seen.end()) {
                        if (cached->second >= 0) context.values.emplace_back("source", model.spec().segments[static_cast<std::size_t>(cached->second)].id);
                        else if (cached->second == kUnmapped) unmapped(b.mapping->column, std::string(detail::trim(raw)));
                        break;
                    }
                    std::string n = normalise_value(raw);
                    if (n == "unknown") {
                        if (b.seen.size() < kSeenLimit) b.seen.emplace(std::string(raw), kUnknown);
                        break;
                    }
                    std::string segment;
                    bool listed = false;
                    for (const auto& [from, to] : b.segments)
                        if (from == n) {
                            segment = to;
                            listed = true;
                        }
                    if (!listed)
                        for (const auto& s : model.spec().segments)
                            if (normalise_value(s.id) == n) segment = s.id;
                    int index = segment.empty() ? -1 : model.segment_index(segment);
                    if (index < 0) unmapped(b.mapping->column, std::string(detail::trim(raw)));
                    else context.values.emplace_back("source", segment);
                    if (b.seen.size() < kSeenLimit) b.seen.emplace(std::string(raw), index >= 0 ? index : kUnmapped);
                    break;
                }
                case ColumnMapping::Role::outcome: {
                    auto cached = b.seen.find(std::string(raw));
                    if (cached == b.seen.end()) {
                        std::string n = normalise_value(raw);
                        int value = n == "unknown" ? -1 : std::find(b.mapping->positive.begin(), b.mapping->positive.end(), n) != b.mapping->positive.end() ? 1 : 0;
                        if (b.seen.size() >= kSeenLimit) {
                            if (value >= 0) outcome = value;
                            break;
                        }
                        cached = b.seen.emplace(std::string(raw), value).first;
                    }
                    if (cached->second >= 0) outcome = cached->second;
                    break;
                }
                case ColumnMapping::Role::context: {
                    std::string_view value = detail::trim(raw);
                    if (!value.empty()) context.values.emplace_back(b.mapping->target, std::string(value));
                    break;
                }
                case ColumnMapping::Role::ignore: break;
            }
        }
    }
};

RowMapper::RowMapper(const Model& model, const Mapping& mapping, UnmappedCounts& unmapped)
    : impl_(std::make_unique<Impl>(model, mapping, unmapped)) {}
RowMapper::~RowMapper() = default;
bool RowMapper::bind(const CsvRecord& header, std::vector<Issue>& issues) { return impl_->bind(header, issues); }
std::size_t RowMapper::fields() const { return impl_->fields; }
std::vector<int> RowMapper::questions() const {
    std::vector<int> out;
    for (const auto& b : impl_->bound)
        if (b.mapping && b.question >= 0 && std::find(out.begin(), out.end(), b.question) == out.end()) out.push_back(b.question);
    return out;
}
void RowMapper::map(const CsvRecord& record, Answers& answers, Context& context, int& outcome) {
    impl_->map(record, answers, context, outcome);
}

}  // namespace detail

// ---- the importer ----------------------------------------------------------------------------

int mapped_option(const Model& model, const ColumnMapping& column, std::string_view normalised) {
    if (column.role != ColumnMapping::Role::question) return -1;
    const int q = model.question_index(column.target);
    if (q < 0) return -1;
    const Question& question = model.spec().questions[static_cast<std::size_t>(q)];
    auto option_named = [&](const std::string& value) {
        for (std::size_t k = 0; k < question.options.size(); ++k)
            if (question.options[k].value == value) return static_cast<int>(k);
        return -1;
    };
    for (const auto& [raw, target] : column.values)
        if (raw == normalised) return option_named(target);
    if (int o = detail::match_option(question, std::string(normalised)); o >= 0) return o;
    for (const auto& [raw, target] : column.values)
        if (raw == "*") return option_named(target);
    return -1;
}

namespace {

// Counts each column's values for the mapping step. Each distinct raw value is normalised once;
// a column stops counting new values after ColumnProfile::kProfileValues of them, so memory
// stays bounded however many rows and distinct amounts a file has.
class Profiler {
public:
    void header(const CsvRecord& rec) {
        columns_.assign(rec.fields.size(), Column{});
        profiles_.assign(rec.fields.size(), ColumnProfile{});
        for (std::size_t i = 0; i < rec.fields.size(); ++i) profiles_[i].column = detail::trim(rec.fields[i]);
    }
    void row(const CsvRecord& rec) {
        const std::size_t n = std::min(rec.fields.size(), columns_.size());
        for (std::size_t i = 0; i < n; ++i) {
            Column& c = columns_[i];
            if (c.full) continue;
            key_.assign(rec.fields[i].data(), rec.fields[i].size());
            auto seen = c.seen.find(key_);
            if (seen == c.seen.end()) {
                ColumnProfile& p = profiles_[i];
                if (p.examples.size() < 3) p.examples.push_back(key_);
                std::string normalised = normalise_value(key_);
                std::size_t slot = c.index.emplace(normalised, p.values.size()).first->second;
                if (slot == p.values.size()) {
                    if (p.values.size() >= ColumnProfile::kProfileValues) {
                        p.many_values = true;
                        c.full = true;
                        c.seen.clear();
                        c.index.clear();
                        continue;
                    }
                    p.values.emplace_back(std::move(normalised), 0);
                }
                seen = c.seen.emplace(key_, slot).first;
            }
            ++profiles_[i].values[seen->second].second;
        }
    }
    std::vector<ColumnProfile> take() {
        for (auto& p : profiles_)
            std::stable_sort(p.values.begin(), p.values.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
        return std::move(profiles_);
    }

private:
    struct Column {
        std::unordered_map<std::string, std::size_t> seen;   // raw -> slot in values
        std::unordered_map<std::string, std::size_t> index;  // normalised -> slot
        bool full = false;
    };
    std::vector<Column> columns_;
    std::vector<ColumnProfile> profiles_;
    std::string key_;
};

}  // namespace

struct Importer::Impl {
    Impl(const Model& m, Mapping map, LeadTable& t, ImportOptions o)
        : model(m), mapping(std::move(map)), table(t), options(o), mapper(m, mapping, stats.unmapped), answers(empty_answers(m)) {}

    const Model& model;
    Mapping mapping;
    LeadTable& table;
    ImportOptions options;
    ImportStats stats;
    detail::RowMapper mapper;
    CsvReader reader;
    bool delimiter_chosen = false;  // from the first piece's first line
    bool windows1252 = false;       // the start was not UTF-8: every piece is converted
    std::string converted;
    std::string head;               // pieces held back until the separator and encoding are chosen
    void choose_format(std::string_view start);
    bool feed_chosen(std::string_view chunk);
    bool header_read = false;
    bool fatal = false;
    Answers answers;
    Context context;
    Profiler profiler;

    void error(std::uint64_t line, std::uint32_t column, std::string code, std::string message) {
        if (stats.errors.size() >= options.max_errors) return;
        Issue issue;
        issue.code = std::move(code);
        issue.message = std::move(message);
        issue.line = line;
        issue.column = column;
        stats.errors.push_back(std::move(issue));
    }

    bool read_header(const CsvRecord& rec) {
        header_read = true;
        if (options.profile) profiler.header(rec);
        std::vector<Issue> issues;
        if (!mapper.bind(rec, issues)) fatal = true;
        for (auto& issue : issues) {
            if (issue.severity == Severity::warning) stats.warnings.push_back(std::move(issue));
            else if (stats.errors.size() < options.max_errors) stats.errors.push_back(std::move(issue));
        }
        return !fatal;
    }

    void import_row(const CsvRecord& rec) {
        ++stats.rows;
        const std::size_t fields = mapper.fields();
        if (rec.fields.size() != fields) {
            std::size_t at = std::min(rec.fields.size(), fields) - (rec.fields.size() < fields ? 1 : 0);
            error(rec.line_of(at), rec.column_of(at), "csv.field_count",
                  "expected " + std::to_string(fields) + " fields as in the header, got " + std::to_string(rec.fields.size()));
            ++stats.bad_rows;
            return;
        }
        if (options.profile) profiler.row(rec);
        int outcome = -1;
        mapper.map(rec, answers, context, outcome);
        if (outcome < 0) ++stats.outcome_unknown;
        if (outcome == 1) ++stats.converted;
        table.append(answers, context, options.complete, outcome);
        ++stats.imported;
    }


    bool run() {
        CsvRecord rec;
        Issue csv_error;
        while (!fatal) {
            auto status = reader.next(rec, csv_error);
            if (status == CsvReader::Status::need_more || status == CsvReader::Status::end) break;
            if (status == CsvReader::Status::error) {
                if (reader.failed()) fatal = true;
                error(csv_error.line, csv_error.column, std::move(csv_error.code), std::move(csv_error.message));
                if (!header_read || fatal) fatal = true;
                else {
                    ++stats.rows;
                    ++stats.bad_rows;
                }
                continue;
            }
            if (!header_read) {
                read_header(rec);
                continue;
            }
            import_row(rec);
        }
        return !fatal;
    }
};

Importer::Importer(const Model& model, Mapping mapping, LeadTable& table, ImportOptions options)
    : impl_(std::make_unique<Impl>(model, std::move(mapping), table, options)) {}
Importer::~Importer() = default;

// The separator and the encoding are chosen from the first 64 KiB (or the whole input when it
// is shorter), however small the pieces: held back until then.
constexpr std::size_t kSniffBytes = std::size_t{64} << 10;

void Importer::Impl::choose_format(std::string_view start) {
    delimiter_chosen = true;
    windows1252 = looks_windows1252(start);
    if (windows1252) {
        Issue note;
        note.code = "csv.windows1252";
        note.message = "the file is not UTF-8: read as Windows-1252 (save it as CSV UTF-8 to be sure)";
        note.line = 1;
        note.column = 1;
        note.severity = Severity::warning;
        stats.warnings.push_back(std::move(note));
    }
    reader = CsvReader(detect_delimiter(start));
}

bool Importer::Impl::feed_chosen(std::string_view chunk) {
    if (windows1252) {
        converted.clear();
        append_windows1252(chunk, converted);
        chunk = converted;
    }
    reader.feed(chunk);
    return run();
}

bool Importer::feed(std::string_view chunk) {
    Impl& impl = *impl_;
    if (impl.fatal) return false;
    if (impl.delimiter_chosen) return impl.feed_chosen(chunk);
    impl.head.append(chunk.data(), chunk.size());
    if (impl.head.size() < kSniffBytes) return true;
    impl.choose_format(impl.head);
    std::string head = std::move(impl.head);
    return impl.feed_chosen(head);
}

bool Importer::finish() {
    if (impl_->fatal) return false;
    if (!impl_->delimiter_chosen) {
        impl_->choose_format(impl_->head);
        std::string head = std::move(impl_->head);
        if (!impl_->feed_chosen(head)) return false;
    }
    impl_->reader.finish();
    if (!impl_->run()) return false;
    if (!impl_->header_read) {
        impl_->error(1, 1, "csv.empty", "the input has no header row");
        impl_->fatal = true;
        return false;
    }
    if (impl_->options.profile) impl_->stats.profiles = impl_->profiler.take();
    return true;
}

const ImportStats& Importer::stats() const { return impl_->stats; }

}  // namespace ripen
