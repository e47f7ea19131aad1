// CRM export import (see ripen/import.hpp): mapping files, mapping inference, value
// normalisation and the streaming importer into a LeadTable.
//
// Sections
//   placeholders, loose numbers   what counts as no answer; numbers written as a CRM writes them
//   normalise_value               the canonical form of a raw value
//   parse_mapping, mapping_to_json   the mapping file, read with located errors and written
//   infer_mapping                 guessing a mapping from a header and some rows
//   the importer                  Importer::Impl: streaming records into a LeadTable
#include "ripen/import.hpp"
#include "model_data.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "evaluator.hpp"
#include "countries.hpp"
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
    CsvReader reader;
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

namespace {

// The option of `q` a normalised value names: by value, then by label in any language.
int match_option(const Question& q, const std::string& normalised) {
    for (std::size_t o = 0; o < q.options.size(); ++o)
        if (normalise_value(q.options[o].value) == normalised) return static_cast<int>(o);
    for (std::size_t o = 0; o < q.options.size(); ++o)
        for (const auto& [lang, text] : q.options[o].label.translations)
            if (normalise_value(text) == normalised) return static_cast<int>(o);
    return -1;
}

bool looks_numeric(const std::vector<std::string>& values) {
    std::size_t numbers = 0, total = 0;
    for (const auto& v : values) {
        if (normalise_value(v) == "unknown") continue;
        ++total;
        if (parse_loose_number(v)) ++numbers;
    }
    return total > 0 && numbers * 10 >= total * 9;
}

}  // namespace

namespace {

std::vector<std::string> name_words(std::string_view name);

}  // namespace

double name_similarity(std::string_view column, std::string_view name);

namespace {

// The one option whose value or label a raw value resembles ("just exploring" -> "Just exploring
// options"), or -1 when none does closely or two do equally.
int similar_option(const Question& q, std::string_view raw) {
    double best = 0, second = 0;
    int option = -1;
    for (std::size_t k = 0; k < q.options.size(); ++k) {
        double score = name_similarity(raw, q.options[k].value);
        for (const auto& [lang, text] : q.options[k].label.translations) score = std::max(score, name_similarity(raw, text));
        if (score > best) {
            second = best;
            best = score;
            option = static_cast<int>(k);
        } else if (score > second) {
            second = score;
        }
    }
    return best >= 0.66 && best - second >= 0.1 ? option : -1;
}

// The words of a name: camelCase split, normalised, abbreviations spelled out, plurals and
// common endings removed, stop words and units dropped.
std::vector<std::string> name_words(std::string_view name) {
    static const std::set<std::string, std::less<>> stop = {"the", "a", "an", "of", "by", "for", "to", "in", "on", "at", "your", "you",
                                                            "is", "are", "do", "does", "what", "which", "how", "many", "much", "and",
                                                            "or", "with", "from", "per", "lead", "leads", "please", "select", "current"};
    static const std::set<std::string, std::less<>> units = {"usd", "eur", "gbp", "chf", "inr", "jpy", "cad", "aud", "pct", "percent",
                                                             "k", "mm", "yes_no", "y_n"};
    static const std::vector<std::pair<std::string_view, std::string_view>> spelled = {
        {"ad", "advert"}, {"ads", "advert"}, {"advertisement", "advert"}, {"advertising", "advert"}, {"adverts", "advert"},
        {"no", "number"}, {"num", "number"}, {"nr", "number"}, {"qty", "quantity"}, {"amt", "amount"}, {"rev", "revenue"},
        {"emp", "employee"}, {"emps", "employee"}, {"headcount", "employee"}, {"staff", "employee"}, {"org", "organisation"},
        {"organization", "organisation"}, {"co", "company"}, {"dept", "department"}, {"tel", "phone"}, {"telephone", "phone"},
        {"mail", "email"}, {"e", ""}, {"mgr", "manager"}, {"yr", "year"}, {"yrs", "year"}, {"mo", "month"}, {"desc", "description"},
        {"addr", "address"}, {"ctry", "country"}, {"cntry", "country"}, {"nation", "country"}, {"biz", "business"},
        {"info", "information"}, {"pos", "position"}, {"mktg", "marketing"}, {"src", "source"}, {"ref", "referral"}};
    // camelCase and PascalCase boundaries become blanks before normalising.
    std::string spaced;
    for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        bool upper = c >= 'A' && c <= 'Z';
        bool after_lower = i > 0 && ((name[i - 1] >= 'a' && name[i - 1] <= 'z') || (name[i - 1] >= '0' && name[i - 1] <= '9'));
        if (upper && after_lower) spaced += ' ';
        spaced += c;
    }
    std::string n = normalise_value(spaced);
    std::vector<std::string> words;
    std::size_t start = 0;
    while (start <= n.size()) {
        std::size_t end = n.find('_', start);
        std::string w = n.substr(start, end == std::string::npos ? std::string::npos : end - start);
        start = end == std::string::npos ? n.size() + 1 : end + 1;
        if (w.empty() || stop.count(w) || units.count(w)) continue;
        for (const auto& [from, to] : spelled)
            if (w == from) w = std::string(to);
        if (w.empty()) continue;
        // Endings: plurals and the -ed/-al/-ing of one stem ("referred", "referral").
        for (std::string_view ending : {"ing", "als", "al", "ed", "es", "s"}) {
            if (w.size() > ending.size() + 2 && w.compare(w.size() - ending.size(), ending.size(), ending) == 0) {
                w.resize(w.size() - ending.size());
                break;
            }
        }
        if (std::find(words.begin(), words.end(), w) == words.end()) words.push_back(w);
    }
    return words;
}

}  // namespace

double name_similarity(std::string_view column, std::string_view name) {
    if (normalise_value(column) == normalise_value(name)) return 1.0;
    auto a = name_words(column), b = name_words(name);
    if (a.empty() || b.empty()) return 0.0;
    std::size_t common = 0;
    for (const auto& w : a)
        if (std::find(b.begin(), b.end(), w) != b.end()) ++common;
    // Dice's coefficient on the words, just below an exact name when every word agrees.
    double dice = 2.0 * static_cast<double>(common) / static_cast<double>(a.size() + b.size());
    return dice >= 1.0 ? 0.95 : dice;
}

Mapping infer_mapping(const Model& model, const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
    static const std::set<std::string, std::less<>> source_names = {"source", "lead_source", "leadsource", "channel", "segment", "origin", "lead_origin"};
    static const std::set<std::string, std::less<>> outcome_names = {"outcome", "converted", "conversion", "won", "is_won", "y",
                                                                      "result", "status", "closed_won", "target", "subscribed", "deal_won"};
    static const std::set<std::string, std::less<>> positive_values = {"yes", "y", "true", "1", "won", "closed_won", "converted", "success", "subscribed"};
    const ModelSpec& spec = model.spec();
    Mapping mapping;
    std::set<std::string> used_questions;
    for (std::size_t col = 0; col < header.size(); ++col) {
        ColumnMapping c;
        c.column = header[col];
        std::string name = normalise_value(header[col]);
        std::vector<std::string> values;
        for (const auto& row : rows)
            if (col < row.size()) values.push_back(row[col]);
        // The question this column names best: by id or label, in any language. A match below
        // kTake is not taken; one that another question matches about as well is ambiguous: the
        // user confirms it (both are listed as candidates).
        constexpr double kTake = 0.66, kTie = 0.05;
        int question = -1;
        double best = 0, second = 0;
        int second_question = -1;
        for (std::size_t q = 0; q < spec.questions.size(); ++q) {
            if (used_questions.count(spec.questions[q].id)) continue;
            double score = name_similarity(header[col], spec.questions[q].id);
            for (const auto& [lang, text] : spec.questions[q].label.translations) score = std::max(score, name_similarity(header[col], text));
            // A column whose words hold all of the id's ("Job Role", "JobRole" -> role).
            const auto id_words = name_words(spec.questions[q].id), column_words = name_words(header[col]);
            if (!id_words.empty() && std::all_of(id_words.begin(), id_words.end(), [&](const std::string& w) {
                    return std::find(column_words.begin(), column_words.end(), w) != column_words.end();
                }))
                score = std::max(score, 0.9);
            if (score > best) {
                second = best;
                second_question = question;
                best = score;
                question = static_cast<int>(q);
            } else if (score > second) {
                second = score;
                second_question = static_cast<int>(q);
            }
        }
        if (best < kTake || (best < 1.0 && best - second < kTie && second >= kTake)) {
            if (best >= 0.4) c.candidates.push_back(spec.questions[static_cast<std::size_t>(question)].id);
            if (second >= 0.4 && second_question >= 0) c.candidates.push_back(spec.questions[static_cast<std::size_t>(second_question)].id);
            question = -1;
        }
        // A question match is preferred to a role guess: a column "Origin" for a question
        // labelled "Lead origin" is that question, not the source.
        if (question >= 0) {
            const Question& q = spec.questions[static_cast<std::size_t>(question)];
            c.role = ColumnMapping::Role::question;
            c.target = q.id;
            c.confidence = best;
            used_questions.insert(q.id);
            if (q.type == QuestionType::single || q.type == QuestionType::multiple) {
                std::set<std::string> seen;
                for (const auto& v : values) {
                    std::vector<std::string> parts;
                    if (q.type == QuestionType::multiple) {
                        std::size_t start = 0;
                        while (start <= v.size()) {
                            std::size_t sep = v.find_first_of(";|", start);
                            parts.push_back(v.substr(start, sep == std::string::npos ? std::string::npos : sep - start));
                            if (sep == std::string::npos) break;
                            start = sep + 1;
                        }
                    } else {
                        parts.push_back(v);
                    }
                    for (const auto& part : parts) {
                        std::string n = normalise_value(part);
                        if (!seen.insert(n).second || seen.size() > 60) continue;
                        int o = match_option(q, n);
                        if (o >= 0 && normalise_value(q.options[static_cast<std::size_t>(o)].value) == n) continue;  // matches as is
                        if (n == "unknown" && o < 0) continue;  // a placeholder: left unanswered
                        if (o < 0) o = similar_option(q, part);
                        c.values.emplace_back(n, o >= 0 ? q.options[static_cast<std::size_t>(o)].value : "");
                    }
                }
            }
        } else if (source_names.count(name)) {
            c.role = ColumnMapping::Role::source;
            std::set<std::string> seen;
            for (const auto& v : values) {
                std::string n = normalise_value(v);
                if (n == "unknown" || !seen.insert(n).second || seen.size() > 60) continue;
                std::string target;
                for (const auto& s : spec.segments) {
                    if (normalise_value(s.id) == n) target = s.id;
                    for (const auto& [lang, text] : s.label.translations)
                        if (normalise_value(text) == n) target = s.id;
                }
                if (target.empty() || normalise_value(target) != n) c.values.emplace_back(n, target);
            }
        } else if (outcome_names.count(name) && !looks_numeric(values)) {
            c.role = ColumnMapping::Role::outcome;
            std::set<std::string> seen;
            for (const auto& v : values) {
                std::string n = normalise_value(v);
                if (positive_values.count(n) && seen.insert(n).second) c.positive.push_back(n);
            }
            if (c.positive.empty()) c.positive.push_back("yes");
        } else if (outcome_names.count(name)) {
            c.role = ColumnMapping::Role::outcome;
            c.positive.push_back("1");
        } else {
            // A context key the model's conditions use, named alike ("PageViews" -> page_views).
            const auto& keys = detail::compiled(model).context_keys;
            auto it = std::find(keys.begin(), keys.end(), name);
            double key_score = it != keys.end() ? 1.0 : 0.0;
            for (auto k = keys.begin(); k != keys.end() && key_score < 1.0; ++k)
                if (double score = name_similarity(header[col], *k); score >= 0.9 && score > key_score) {
                    key_score = score;
                    it = k;
                }
            if (it != keys.end()) {
                c.role = ColumnMapping::Role::context;
                c.target = *it;
                c.confidence = key_score;
            } else {
                c.role = ColumnMapping::Role::ignore;
            }
        }
        mapping.columns.push_back(std::move(c));
    }
    return mapping;
}

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
    bool header_read = false;
    bool fatal = false;
    Answers answers;
    Context context;

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

bool Importer::feed(std::string_view chunk) {
    if (impl_->fatal) return false;
    impl_->reader.feed(chunk);
    return impl_->run();
}

bool Importer::finish() {
    if (impl_->fatal) return false;
    impl_->reader.finish();
    if (!impl_->run()) return false;
    if (!impl_->header_read) {
        impl_->error(1, 1, "csv.empty", "the input has no header row");
        impl_->fatal = true;
        return false;
    }
    return true;
}

const ImportStats& Importer::stats() const { return impl_->stats; }

}  // namespace ripen
