// Guessing a mapping from a CRM export's header and first rows (see ripen/import.hpp): column
// names compared with questions, roles and context keys by their words, with a confidence, and
// values matched to options.
#include <algorithm>
#include <set>

#include "import_internal.hpp"
#include "model_data.hpp"
#include "ripen/import.hpp"

namespace ripen {

using detail::match_option;
using detail::parse_loose_number;

namespace {

bool looks_numeric(const std::vector<std::string>& values) {
    std::size_t numbers = 0, total = 0;
    for (const auto& v : values) {
        if (normalise_value(v) == "unknown") continue;
        ++total;
        if (parse_loose_number(v)) ++numbers;
    }
    return total > 0 && numbers * 10 >= total * 9;
}

std::vector<std::string> name_words(std::string_view name);  // below: what names are compared by

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

}  // namespace ripen
