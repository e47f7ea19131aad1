// Reads a model document, reports every structural and semantic problem at once, and compiles
// conditions and lookup tables for evaluation.
#include <algorithm>
#include <initializer_list>
#include <memory>

#include "answer_range.hpp"
#include "compiled.hpp"
#include "message.hpp"
#include "model_data.hpp"
#include "small_sort.hpp"
#include "ripen/model.hpp"

namespace ripen {

namespace {

using json::Kind;
using json::Value;
using detail::CondNode;
using detail::CondOp;
using detail::Cmp;
using detail::format;
using detail::format_to;
using detail::join;

constexpr int kMaxOptions = 64;  // option sets are 64-bit masks
constexpr int kMaxPoints = 1000;

bool reserved_question_id(std::string_view id) {
    static const std::string_view reserved[] = {"source", "route", "total", "max", "score", "lo", "hi", "segment", "points", "error"};
    return std::find(std::begin(reserved), std::end(reserved), id) != std::end(reserved) || id.substr(0, 7) == "points_";
}

// Fixed lists of names are written as one string, "id label max": a call site passes one
// pointer instead of building a list, which the form module paid for at each of ~40 sites.
std::vector<std::string_view> words(const char* list) {
    std::vector<std::string_view> out;
    std::string_view rest(list);
    for (std::size_t space = 0; space != std::string_view::npos; rest.remove_prefix(space + 1)) {
        space = rest.find(' ');
        out.push_back(rest.substr(0, space));
    }
    return out;
}

// The position of `word` in `list`, or -1. Asked for every member the loader checks, so it walks
// the string rather than splitting it.
int word_index(const char* list, std::string_view word) {
    std::string_view rest(list);
    for (int position = 0;; ++position) {
        std::size_t space = rest.find(' ');
        if (rest.substr(0, space) == word) return position;
        if (space == std::string_view::npos) return -1;
        rest.remove_prefix(space + 1);
    }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

// ", did you mean "x"?" when a known name is a likely typo of `name`.
std::string suggestion(std::string_view name, const std::vector<std::string_view>& known) {
    std::string_view best;
    std::size_t best_distance = 3;
    for (std::string_view k : known) {
        std::size_t d = edit_distance(name, k);
        if (d < best_distance) {
            best_distance = d;
            best = k;
        }
    }
    return best.empty() ? std::string() : format(", did you mean \"{}\"?", {best});
}

bool valid_id(std::string_view id) {
    if (id.empty() || id.size() > 64 || id[0] < 'a' || id[0] > 'z') return false;
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

bool valid_language(std::string_view tag) {
    // lowercase BCP 47 subset: "en", "de", "pt-br", "zh-hant"
    std::size_t i = 0;
    std::size_t primary = 0;
    while (i < tag.size() && tag[i] >= 'a' && tag[i] <= 'z') { ++i; ++primary; }
    if (primary < 2 || primary > 3) return false;
    while (i < tag.size()) {
        if (tag[i] != '-') return false;
        ++i;
        std::size_t n = 0;
        while (i < tag.size() && ((tag[i] >= 'a' && tag[i] <= 'z') || (tag[i] >= '0' && tag[i] <= '9'))) { ++i; ++n; }
        if (n < 2 || n > 8) return false;
    }
    return true;
}

bool valid_url(std::string_view url) {
    auto starts = [&](std::string_view p) { return url.substr(0, p.size()) == p; };
    if (url.empty()) return false;
    for (char c : url)
        if (static_cast<unsigned char>(c) <= ' ') return false;
    return starts("https://") || starts("http://") || starts("mailto:") || (starts("/") && !starts("//"));
}

// Where a value sits in the document ("$.questions[3].label"), linked on the stack as the loader
// descends and written out only when an issue is reported: the loader no longer builds a string
// for every member it checks.
struct Path {
    Path(const char* root) : name(root) {}
    Path(const std::string& root) : name(root) {}
    Path(const Path* parent_path, std::string_view member, std::size_t item_index, bool item)
        : parent(parent_path), name(member), index(item_index), is_item(item) {}

    std::string str() const {
        std::string out = parent ? parent->str() : std::string();
        if (!parent) out += name;
        else if (is_item) format_to(out, "[{}]", {index});
        else format_to(out, ".{}", {name});
        return out;
    }

    const Path* parent = nullptr;
    std::string_view name;  // a member's name; for the root, the whole path it stands for
    std::size_t index = 0;
    bool is_item = false;
};

// A member's and an array item's path; valid while `path` is (so not of a temporary).
Path child(const Path& path, std::string_view key) { return Path(&path, key, 0, false); }
Path item(const Path& path, std::size_t index) { return Path(&path, {}, index, true); }
Path child(Path&& path, std::string_view key) = delete;
Path item(Path&& path, std::size_t index) = delete;

// The ids of one kind (criteria, questions, ...) read so far, for duplicate checks and references.
struct Ids {
    detail::StringIndex index;
    std::vector<int> owners;  // by position in `index`: the criterion, question, ... with that id

    int find(std::string_view id) const {
        int at = index.find(id);
        return at < 0 ? -1 : owners[static_cast<std::size_t>(at)];
    }
};

class Loader {
public:
    explicit Loader(const Value& document) : doc_(document) {}

    std::vector<Issue> issues;
    ModelSpec spec;
    detail::Compiled comp;

    void run();

    // After a run without errors every id is valid, unique and read in order, so the loader's
    // indexes already map each id to its item's position: the model takes them as they are.
    void move_indexes_to(Model::Data& data) {
        data.criterion_ids = std::move(criterion_ids_.index);
        data.question_ids = std::move(question_ids_.index);
        data.segment_ids = std::move(segment_ids_.index);
        data.track_ids = std::move(track_ids_.index);
    }

private:
    const Value& doc_;
    Ids criterion_ids_, question_ids_, signal_ids_, segment_ids_, track_ids_;
    // Conditions are compiled after all ids are known.
    struct Pending {
        const Value* value;
        std::string path;
        int place;  // see Place
        int owner;  // index of the question/signal/... that owns the condition
    };
    std::vector<Pending> show_ifs_, signal_whens_, rule_whens_, segment_whens_, track_whens_;
    std::vector<std::vector<int>> show_if_deps_;  // per question: the questions its show_if reads
    detail::StringIndex context_key_index_;       // positions match comp.context_keys

    enum Place { place_show_if, place_signal, place_rule, place_segment, place_track };

    // ---- reporting --------------------------------------------------------------------------
    void add(Severity severity, const Value* at, const Path& path, const char* code, std::string_view pattern,
             std::initializer_list<detail::Piece> pieces) {
        Issue issue;
        issue.code = code;
        issue.message = format(pattern, pieces);
        issue.path = path.str();
        if (at) {
            issue.line = at->line;
            issue.column = at->column;
        }
        issue.severity = severity;
        issues.push_back(std::move(issue));
    }
    // The message is `pattern` with each "{}" replaced by the next piece (see message.hpp).
    void error(const Value* at, const Path& path, const char* code, std::string_view pattern,
               std::initializer_list<detail::Piece> pieces = {}) {
        add(Severity::error, at, path, code, pattern, pieces);
    }
    void warn(const Value* at, const Path& path, const char* code, std::string_view pattern,
              std::initializer_list<detail::Piece> pieces = {}) {
        add(Severity::warning, at, path, code, pattern, pieces);
    }

    bool expect(const Value& v, Kind kind, const Path& path) {
        if (v.kind == kind) return true;
        error(&v, path, "schema.type", "expected {}, got {}", {json::describe(kind), json::describe(v.kind)});
        return false;
    }

    void check_members(const Value& obj, const Path& path, const char* allowed) {
        for (const auto& [key, value] : obj.members) {
            if (word_index(allowed, key) >= 0) continue;
            auto names = words(allowed);
            error(&value, child(path, key), "schema.unknown_member", "unknown member \"{}\"{} (expected one of: {})",
                  {key, suggestion(key, names), join(names)});
        }
    }

    // A required string member that must be one of `choices` ("unknown question type ..."):
    // its position in `choices`, -1 when it is another string, -2 when it is missing or no string.
    int read_choice(const Value& obj, std::string_view key, const Path& path, const char* what, const char* choices,
                    std::string* text = nullptr) {
        auto value = read_string(obj, key, path, true);
        if (!value) return -2;
        if (text) *text = *value;
        int at = word_index(choices, *value);
        if (at < 0) {
            auto names = words(choices);
            error(obj.find(key), child(path, key), "schema.enum", "unknown {} \"{}\"{} (expected one of: {})",
                  {what, *value, suggestion(*value, names), join(names)});
        }
        return at;
    }

    const Value* member(const Value& obj, std::string_view key, const Path& path, bool required) {
        const Value* v = obj.find(key);
        if (!v && required) error(&obj, path, "schema.required", "missing required member \"{}\"", {key});
        return v;
    }

    std::optional<int> read_int(const Value& obj, std::string_view key, const Path& path, bool required,
                                int lo, int hi) {
        const Value* v = member(obj, key, path, required);
        if (!v) return std::nullopt;
        Path at = child(path, key);
        if (!expect(*v, Kind::number, at)) return std::nullopt;
        auto n = json::to_int64(v->text);
        if (!n) {
            error(v, at, "schema.type", "expected an integer, got {}", {v->text});
            return std::nullopt;
        }
        if (*n < lo || *n > hi) {
            error(v, at, "schema.range", "{} must be between {} and {}, got {}", {key, lo, hi, v->text});
            return std::nullopt;
        }
        return static_cast<int>(*n);
    }

    std::optional<std::string> read_string(const Value& obj, std::string_view key, const Path& path,
                                           bool required) {
        const Value* v = member(obj, key, path, required);
        if (!v) return std::nullopt;
        if (!expect(*v, Kind::string, child(path, key))) return std::nullopt;
        return v->text;
    }

    std::optional<bool> read_bool(const Value& obj, std::string_view key, const Path& path) {
        const Value* v = obj.find(key);
        if (!v) return std::nullopt;
        if (!expect(*v, Kind::boolean, child(path, key))) return std::nullopt;
        return v->boolean;
    }

    std::optional<Decimal> read_decimal(const Value& obj, std::string_view key, const Path& path) {
        const Value* v = obj.find(key);
        if (!v) return std::nullopt;
        Path at = child(path, key);
        if (!expect(*v, Kind::number, at)) return std::nullopt;
        auto d = parse_decimal(v->text);
        if (!d) error(v, at, "schema.range", "number {} is out of range (at most 9e14)", {v->text});
        return d;
    }

    std::string read_url(const Value& obj, std::string_view key, const Path& path) {
        auto url = read_string(obj, key, path, false);
        if (!url) return {};
        if (!valid_url(*url)) {
            error(obj.find(key), child(path, key), "value.url", "URL \"{}\" must start with https://, http://, mailto: or /", {*url});
            return {};
        }
        return *url;
    }

    Text read_text(const Value& obj, std::string_view key, const Path& parent_path, bool required,
                   bool visitor_facing) {
        Text text;
        const Value* v = member(obj, key, parent_path, required);
        if (!v) return text;
        Path path = child(parent_path, key);
        const std::string& default_language = spec.languages.empty() ? std::string() : spec.languages[0];
        if (v->is_string()) {
            text.translations.emplace_back(default_language, v->text);
            if (visitor_facing && spec.languages.size() > 1)
                warn(v, path, "text.missing_translation", "no translation for {}; the default language is shown",
                     {join(std::vector<std::string_view>(spec.languages.begin() + 1, spec.languages.end()))});
            return text;
        }
        if (!v->is_object()) {
            error(v, path, "schema.type", "expected a string or an object of translations, got {}", {json::describe(v->kind)});
            return text;
        }
        const Value* main = v->find(default_language);
        if (!main) {
            error(v, path, "text.missing_default", "missing the default language \"{}\"", {default_language});
        } else if (expect(*main, Kind::string, child(path, default_language))) {
            text.translations.emplace_back(default_language, main->text);
        }
        std::vector<std::string_view> missing;
        for (std::size_t i = 1; i < spec.languages.size(); ++i)
            if (!v->find(spec.languages[i])) missing.push_back(spec.languages[i]);
        for (const auto& [lang, value] : v->members) {
            if (lang == default_language) continue;
            if (std::find(spec.languages.begin(), spec.languages.end(), lang) == spec.languages.end()) {
                error(&value, child(path, lang), "ref.unknown_language", "language \"{}\" is not listed in $.languages", {lang});
                continue;
            }
            if (expect(value, Kind::string, child(path, lang))) text.translations.emplace_back(lang, value.text);
        }
        if (visitor_facing && !missing.empty())
            warn(v, path, "text.missing_translation", "no translation for {}; the default language is shown", {join(missing)});
        return text;
    }

    // Reads "id", checks its form and uniqueness among `seen`, and records it.
    std::string read_id(const Value& obj, const Path& path, Ids& seen, int index, const char* what) {
        auto id = read_string(obj, "id", path, true);
        if (!id) return {};
        const Value* at = obj.find("id");
        if (!valid_id(*id)) {
            error(at, child(path, "id"), "id.invalid",
                  "{} id \"{}\" must start with a lowercase letter and contain only a-z, 0-9 and _ (at most 64)", {what, *id});
            return *id;
        }
        if (seen.index.add(*id) < static_cast<int>(seen.owners.size()))
            error(at, child(path, "id"), "id.duplicate", "duplicate {} id \"{}\"", {what, *id});
        else
            seen.owners.push_back(index);
        return *id;
    }

    std::vector<int> read_points(const Value& obj, const Path& parent_path) {
        std::vector<int> points(spec.criteria.size(), 0);
        const Value* v = obj.find("points");
        if (!v) return points;
        Path path = child(parent_path, "points");
        if (!expect(*v, Kind::object, path)) return points;
        for (const auto& [criterion, value] : v->members) {
            Path at = child(path, criterion);
            int c = criterion_ids_.find(criterion);
            if (c < 0) {
                std::vector<std::string_view> known;
                for (const auto& other : spec.criteria) known.push_back(other.id);
                error(&value, at, "ref.unknown_criterion", "unknown criterion \"{}\"{}", {criterion, suggestion(criterion, known)});
                continue;
            }
            if (!expect(value, Kind::number, at)) continue;
            auto n = json::to_int64(value.text);
            if (!n) {
                error(&value, at, "schema.type", "points must be an integer, got {}", {value.text});
                continue;
            }
            if (*n < -kMaxPoints || *n > kMaxPoints) {
                error(&value, at, "schema.range", "points must be between -1000 and 1000, got {}", {value.text});
                continue;
            }
            const Criterion& capped = spec.criteria[static_cast<std::size_t>(c)];
            if (*n > capped.max)
                warn(&value, at, "points.exceeds_max", "{} points exceed the maximum of \"{}\" ({}); the criterion is capped",
                     {value.text, capped.id, capped.max});
            points[static_cast<std::size_t>(c)] = static_cast<int>(*n);
        }
        return points;
    }

    template <class F>
    void each_item(const Value& obj, std::string_view key, const Path& path, bool required, F&& f) {
        const Value* list = member(obj, key, path, required);
        if (!list) return;
        Path at = child(path, key);
        if (!expect(*list, Kind::array, at)) return;
        if (required && list->items.empty()) error(list, at, "schema.empty", "{} must not be empty", {key});
        for (std::size_t i = 0; i < list->items.size(); ++i) {
            Path item_path = item(at, i);
            if (!expect(list->items[i], Kind::object, item_path)) continue;
            f(list->items[i], item_path);
        }
    }

    // ---- sections ---------------------------------------------------------------------------
    void read_languages();
    void read_criteria();
    void read_questions();
    void read_question(const Value& q, const Path& path);
    void read_signals();
    void read_rules();
    void read_thresholds();
    void read_segments();
    void read_nurture();
    void read_texts();
    void compile_conditions();
    void check_show_if_cycles();
    void visit_show_if(int q, std::vector<int>& state, std::vector<int>& stack, bool& reported);
    void compute_ranges();
    void check_thresholds();

    int compile(const Value& v, const Path& path, Place place, int owner);
    int add_node(CondNode node) {
        comp.nodes.push_back(node);
        return static_cast<int>(comp.nodes.size() - 1);
    }
    int add_string_set(std::vector<std::string> items) {
        comp.string_sets.emplace_back(std::move(items));
        return static_cast<int>(comp.string_sets.size() - 1);
    }
    int context_key(const std::string& key) {
        int at = context_key_index_.add(key);
        if (static_cast<std::size_t>(at) == comp.context_keys.size()) {
            comp.context_keys.push_back(key);
            comp.context_numeric.push_back(0);
        }
        return at;
    }
};

void Loader::run() {
    if (!expect(doc_, Kind::object, "$")) return;
    check_members(doc_, "$", "$schema format id version name description languages criteria questions signals rules thresholds segments nurture texts booking_url progressive");
    if (auto format = read_int(doc_, "format", "$", true, 0, 1000)) {
        if (*format != 1)
            error(doc_.find("format"), "$.format", "model.format",
                  "unsupported format {}; this version of Ripen reads format 1", {*format});
        spec.format = *format;
    }
    if (auto id = read_string(doc_, "id", "$", true)) {
        spec.id = *id;
        bool ok = !id->empty() && id->size() <= 100;
        for (char c : *id) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.');
        if (!ok) error(doc_.find("id"), "$.id", "id.invalid", "model id \"{}\" must use only a-z, 0-9, '-', '_' and '.'", {*id});
    }
    if (auto version = read_string(doc_, "version", "$", false)) spec.version = *version;
    read_languages();
    spec.name = read_text(doc_, "name", "$", false, false);
    read_string(doc_, "description", "$", false);
    read_string(doc_, "$schema", "$", false);
    spec.booking_url = read_url(doc_, "booking_url", "$");
    if (const Value* p = doc_.find("progressive"); p && expect(*p, Kind::object, "$.progressive")) {
        check_members(*p, "$.progressive", "questions_per_step");
        if (auto n = read_int(*p, "questions_per_step", "$.progressive", false, 1, 20)) spec.questions_per_step = *n;
    }
    read_criteria();
    read_questions();
    read_signals();
    read_rules();
    read_thresholds();
    read_segments();
    read_nurture();
    read_texts();
    compile_conditions();
    check_show_if_cycles();
    compute_ranges();
    check_thresholds();
}

void Loader::read_languages() {
    const Value* list = member(doc_, "languages", "$", true);
    if (!list || !expect(*list, Kind::array, "$.languages")) {
        spec.languages.push_back("en");  // lets the rest of the document be checked
        return;
    }
    const Path list_path("$.languages");
    for (std::size_t i = 0; i < list->items.size(); ++i) {
        const Value& language = list->items[i];
        Path path = item(list_path, i);
        if (!expect(language, Kind::string, path)) continue;
        if (!valid_language(language.text)) {
            error(&language, path, "value.language", "language \"{}\" must be a lowercase tag such as \"en\" or \"pt-br\"", {language.text});
            continue;
        }
        if (std::find(spec.languages.begin(), spec.languages.end(), language.text) != spec.languages.end()) {
            error(&language, path, "id.duplicate", "duplicate language \"{}\"", {language.text});
            continue;
        }
        spec.languages.push_back(language.text);
    }
    if (list->items.empty()) error(list, "$.languages", "schema.empty", "languages must not be empty");
    if (spec.languages.empty()) spec.languages.push_back("en");
}

void Loader::read_criteria() {
    each_item(doc_, "criteria", "$", true, [&](const Value& c, const Path& path) {
        check_members(c, path, "id label description max weight");
        Criterion criterion;
        criterion.id = read_id(c, path, criterion_ids_, static_cast<int>(spec.criteria.size()), "criterion");
        if (criterion.id == "total")
            error(c.find("id"), child(path, "id"), "id.reserved", "criterion id \"total\" is reserved for the weighted total");
        criterion.label = read_text(c, "label", path, true, false);
        read_text(c, "description", path, false, false);
        criterion.max = read_int(c, "max", path, true, 1, kMaxPoints).value_or(1);
        criterion.weight = read_int(c, "weight", path, false, 0, 100).value_or(1);
        spec.criteria.push_back(std::move(criterion));
    });
    comp.criteria = static_cast<int>(spec.criteria.size());
    // Limits of the scoring kernel's fixed-size state (see core/src/table.cpp).
    if (spec.criteria.size() > 32)
        error(doc_.find("criteria"), "$.criteria", "schema.range", "a model has at most 32 criteria, got {}", {spec.criteria.size()});
}

void Loader::read_questions() {
    each_item(doc_, "questions", "$", true, [&](const Value& q, const Path& path) { read_question(q, path); });
    show_if_deps_.resize(spec.questions.size());
}

void Loader::read_question(const Value& q, const Path& path) {
    int index = static_cast<int>(spec.questions.size());
    Question question;
    question.path = path.str();
    question.id = read_id(q, path, question_ids_, index, "question");
    if (reserved_question_id(question.id))
        error(q.find("id"), child(path, "id"), "id.reserved", "question id \"{}\" is reserved for scoring output columns", {question.id});
    int type = read_choice(q, "type", path, "question type", "single multiple number email country text");
    bool type_ok = type >= 0;
    if (type_ok) {
        question.type = static_cast<QuestionType>(type);
        static const char* const allowed[] = {
            "id type label help placeholder required show_if options",                        // single
            "id type label help placeholder required show_if options min_select max_select",  // multiple
            "id type label help placeholder required show_if bands min max",                  // number
            "id type label help placeholder required show_if max_length",                     // email
            "id type label help placeholder required show_if options",                        // country
            "id type label help placeholder required show_if max_length",                     // text
        };
        check_members(q, path, allowed[type]);
    }
    question.label = read_text(q, "label", path, true, true);
    question.help = read_text(q, "help", path, false, true);
    question.placeholder = read_text(q, "placeholder", path, false, true);
    question.required = read_bool(q, "required", path).value_or(false);

    bool choice = question.type == QuestionType::single || question.type == QuestionType::multiple;
    if (type_ok && (choice || question.type == QuestionType::country)) {
        detail::StringIndex values;
        each_item(q, "options", path, choice, [&](const Value& o, const Path& opath) {
            check_members(o, opath, "value label points frequency");
            Option option;
            if (auto value = read_string(o, "value", opath, true)) {
                option.value = *value;
                const Value* at = o.find("value");
                if (value->empty() || detail::trim(*value) != *value || value->find_first_of(";\n\r") != std::string::npos) {
                    error(at, child(opath, "value"), "value.option",
                          "option value \"{}\" must be non-empty, without surrounding spaces, ';' or line breaks", {*value});
                } else if (question.type == QuestionType::country && *value != "*" && !detail::is_country_code(*value)) {
                    error(at, child(opath, "value"), "value.country",
                          "\"{}\" is not an ISO 3166-1 alpha-2 country code (or \"*\" for any other country)", {*value});
                } else if (int before = static_cast<int>(values.size()); values.add(*value) < before) {
                    error(at, child(opath, "value"), "id.duplicate", "duplicate option value \"{}\"", {*value});
                }
            }
            option.label = read_text(o, "label", opath, choice, true);
            option.points = read_points(o, opath);
            option.frequency = read_int(o, "frequency", opath, false, 0, 1000000000).value_or(1);
            question.options.push_back(std::move(option));
        });
        if (static_cast<int>(question.options.size()) > kMaxOptions)
            error(q.find("options"), child(path, "options"), "question.options", "a question has at most {} options, got {}",
                  {kMaxOptions, question.options.size()});
    }
    if (type_ok && question.type == QuestionType::number) {
        question.min = read_decimal(q, "min", path);
        question.max = read_decimal(q, "max", path);
        if (question.min && question.max && *question.max < *question.min)
            error(q.find("max"), child(path, "max"), "question.min_max", "max {} is below min {}",
                  {to_string(*question.max), to_string(*question.min)});
        each_item(q, "bands", path, false, [&](const Value& b, const Path& bpath) {
            check_members(b, bpath, "from label points frequency");
            Band band;
            band.from = read_decimal(b, "from", bpath);
            if (!band.from && !question.bands.empty())
                error(&b, bpath, "schema.required", "missing required member \"from\" (only the first band may omit it)");
            if (band.from && !question.bands.empty() && question.bands.back().from && *band.from <= *question.bands.back().from)
                error(b.find("from"), child(bpath, "from"), "bands.order",
                      "bands must be in ascending order: {} does not exceed the previous band's {}",
                      {to_string(*band.from), to_string(*question.bands.back().from)});
            band.label = read_text(b, "label", bpath, false, true);
            band.points = read_points(b, bpath);
            band.frequency = read_int(b, "frequency", bpath, false, 0, 1000000000).value_or(1);
            question.bands.push_back(std::move(band));
        });
    }
    if (type_ok && question.type == QuestionType::multiple) {
        int n = static_cast<int>(question.options.size());
        question.min_select = read_int(q, "min_select", path, false, 0, kMaxOptions).value_or(0);
        question.max_select = read_int(q, "max_select", path, false, 0, kMaxOptions).value_or(0);
        if (question.max_select && question.min_select > question.max_select)
            error(q.find("max_select"), child(path, "max_select"), "question.min_max", "max_select {} is below min_select {}",
                  {question.max_select, question.min_select});
        if (question.min_select > n)
            error(q.find("min_select"), child(path, "min_select"), "question.min_max", "min_select {} exceeds the {} options",
                  {question.min_select, n});
    }
    if (type_ok && (question.type == QuestionType::text || question.type == QuestionType::email))
        question.max_length = read_int(q, "max_length", path, false, 1, 100000).value_or(0);
    if (const Value* s = q.find("show_if")) {
        question.has_show_if = true;
        show_ifs_.push_back(Pending{s, child(path, "show_if").str(), place_show_if, index});
    }
    spec.questions.push_back(std::move(question));
}

void Loader::read_signals() {
    each_item(doc_, "signals", "$", false, [&](const Value& s, const Path& path) {
        check_members(s, path, "id label when points");
        int index = static_cast<int>(spec.signals.size());
        Signal signal;
        signal.id = read_id(s, path, signal_ids_, index, "signal");
        signal.label = read_text(s, "label", path, false, false);
        signal.points = read_points(s, path);
        if (const Value* w = member(s, "when", path, true)) signal_whens_.push_back(Pending{w, child(path, "when").str(), place_signal, index});
        spec.signals.push_back(std::move(signal));
    });
    if (spec.signals.size() > 32)
        error(doc_.find("signals"), "$.signals", "schema.range", "a model has at most 32 signals, got {}", {spec.signals.size()});
}

void Loader::read_rules() {
    Ids rule_ids;
    each_item(doc_, "rules", "$", false, [&](const Value& r, const Path& path) {
        int index = static_cast<int>(spec.rules.size());
        Rule rule;
        rule.id = read_id(r, path, rule_ids, index, "rule");
        if (read_choice(r, "kind", path, "rule kind", "knockout gate") == 1) rule.kind = RuleKind::gate;
        if (rule.kind == RuleKind::knockout) check_members(r, path, "id kind label when message url");
        else check_members(r, path, "id kind label when");
        rule.label = read_text(r, "label", path, true, false);
        if (rule.kind == RuleKind::knockout) {
            rule.message = read_text(r, "message", path, true, true);
            rule.url = read_url(r, "url", path);
        }
        if (const Value* w = member(r, "when", path, true)) rule_whens_.push_back(Pending{w, child(path, "when").str(), place_rule, index});
        spec.rules.push_back(std::move(rule));
    });
    comp.rule_when.assign(spec.rules.size(), -1);
    if (spec.rules.size() > 32)
        error(doc_.find("rules"), "$.rules", "schema.range", "a model has at most 32 rules, got {}", {spec.rules.size()});
}

void Loader::read_thresholds() {
    const Value* t = member(doc_, "thresholds", "$", true);
    if (!t || !expect(*t, Kind::object, "$.thresholds")) return;
    check_members(*t, "$.thresholds", "handoff");
    spec.handoff_at = read_int(*t, "handoff", "$.thresholds", true, -100000, 100000).value_or(0);
}

void Loader::read_segments() {
    int defaults = 0;
    each_item(doc_, "segments", "$", true, [&](const Value& s, const Path& path) {
        check_members(s, path, "id label when handoff_at sla_hours cadence booking_url");
        int index = static_cast<int>(spec.segments.size());
        Segment segment;
        segment.id = read_id(s, path, segment_ids_, index, "segment");
        segment.label = read_text(s, "label", path, true, false);
        segment.handoff_at = read_int(s, "handoff_at", path, false, -100000, 100000);
        segment.sla_hours = read_int(s, "sla_hours", path, true, 1, 8760).value_or(24);
        segment.booking_url = read_url(s, "booking_url", path);
        if (const Value* w = s.find("when")) {
            segment_whens_.push_back(Pending{w, child(path, "when").str(), place_segment, index});
            if (defaults > 0)
                error(w, path, "segment.default", "segment \"{}\" follows the default segment and can never be chosen", {segment.id});
        } else {
            segment.is_default = true;
            if (++defaults > 1)
                error(&s, path, "segment.default", "only one segment may omit \"when\" (the default); \"{}\" is a second", {segment.id});
        }
        int previous_day = -1;
        each_item(s, "cadence", path, true, [&](const Value& t, const Path& tpath) {
            check_members(t, tpath, "day channel role purpose");
            Touch touch;
            touch.day = read_int(t, "day", tpath, true, 0, 3650).value_or(0);
            if (touch.day < previous_day)
                error(t.find("day"), child(tpath, "day"), "cadence.order", "touches must be in day order: day {} comes after day {}",
                      {touch.day, previous_day});
            previous_day = std::max(previous_day, touch.day);
            read_choice(t, "channel", tpath, "channel", "phone email linkedin video meeting sms mail event", &touch.channel);
            if (auto role = read_string(t, "role", tpath, true)) {
                if (!valid_id(*role))
                    error(t.find("role"), child(tpath, "role"), "id.invalid", "contact role \"{}\" must be an id such as \"economic_buyer\"", {*role});
                touch.role = *role;
            }
            touch.purpose = read_string(t, "purpose", tpath, true).value_or("");
            segment.cadence.push_back(std::move(touch));
        });
        if (!segment.cadence.empty() && (segment.cadence.size() < 7 || segment.cadence.size() > 13))
            warn(s.find("cadence"), child(path, "cadence"), "cadence.touches", "hand-off cadences usually plan 7 to 13 touches; this one has {}",
                 {segment.cadence.size()});
        spec.segments.push_back(std::move(segment));
    });
    if (defaults == 0 && !spec.segments.empty())
        error(doc_.find("segments"), "$.segments", "segment.default", "one segment must omit \"when\" to be the default");
    comp.segment_when.assign(spec.segments.size(), -1);
    if (spec.segments.size() > 64)
        error(doc_.find("segments"), "$.segments", "schema.range", "a model has at most 64 segments");
}

void Loader::read_nurture() {
    const Value* n = member(doc_, "nurture", "$", true);
    if (!n || !expect(*n, Kind::object, "$.nurture")) return;
    check_members(*n, "$.nurture", "tracks rejection");
    int defaults = 0;
    each_item(*n, "tracks", "$.nurture", true, [&](const Value& t, const Path& path) {
        check_members(t, path, "id stage label when content every_days");
        int index = static_cast<int>(spec.tracks.size());
        Track track;
        track.id = read_id(t, path, track_ids_, index, "track");
        read_choice(t, "stage", path, "buying stage", "awareness consideration decision", &track.stage);
        track.label = read_text(t, "label", path, true, false);
        track.every_days = read_int(t, "every_days", path, false, 1, 365).value_or(14);
        if (const Value* w = t.find("when")) {
            track_whens_.push_back(Pending{w, child(path, "when").str(), place_track, index});
            if (defaults > 0)
                error(w, path, "track.default", "track \"{}\" follows the default track and can never be chosen", {track.id});
        } else {
            track.is_default = true;
            if (++defaults > 1)
                error(&t, path, "track.default", "only one track may omit \"when\" (the default); \"{}\" is a second", {track.id});
        }
        each_item(t, "content", path, true, [&](const Value& c, const Path& cpath) {
            check_members(c, cpath, "title url format");
            Content content;
            content.title = read_text(c, "title", cpath, true, true);
            content.url = read_url(c, "url", cpath);
            if (!c.find("url")) error(&c, cpath, "schema.required", "missing required member \"url\"");
            content.format = read_string(c, "format", cpath, false).value_or("");
            track.content.push_back(std::move(content));
        });
        spec.tracks.push_back(std::move(track));
    });
    if (defaults == 0 && !spec.tracks.empty())
        error(n->find("tracks"), "$.nurture.tracks", "track.default", "one track must omit \"when\" to be the default");
    comp.track_when.assign(spec.tracks.size(), -1);
    Ids reason_ids;
    each_item(*n, "rejection", "$.nurture", false, [&](const Value& r, const Path& path) {
        check_members(r, path, "id label track recycle_after_days");
        RejectionReason reason;
        reason.id = read_id(r, path, reason_ids, static_cast<int>(spec.rejection.size()), "rejection reason");
        reason.label = read_text(r, "label", path, true, false);
        if (auto track = read_string(r, "track", path, true)) {
            if (track_ids_.find(*track) < 0) {
                std::vector<std::string_view> known;
                for (const auto& t : spec.tracks) known.push_back(t.id);
                error(r.find("track"), child(path, "track"), "ref.unknown_track", "unknown track \"{}\"{}", {*track, suggestion(*track, known)});
            }
            reason.track = *track;
        }
        reason.recycle_after_days = read_int(r, "recycle_after_days", path, true, 0, 3650).value_or(0);
        spec.rejection.push_back(std::move(reason));
    });
}

void Loader::read_texts() {
    const Value* t = member(doc_, "texts", "$", true);
    if (!t || !expect(*t, Kind::object, "$.texts")) return;
    for (const auto& [key, value] : t->members) {
        (void)value;
        spec.texts.emplace_back(key, read_text(*t, key, "$.texts", true, true));
    }
    std::string missing;
    for (std::string_view key : required_text_keys())
        if (!t->find(key)) format_to(missing, missing.empty() ? "\"{}\"" : ", \"{}\"", {key});
    if (!missing.empty())
        error(t, "$.texts", "text.missing_key", "missing form text{} {}", {missing.find(',') != std::string::npos ? "s" : "", missing});
}

// ---- conditions ------------------------------------------------------------------------------

int Loader::compile(const Value& v, const Path& path, Place place, int owner) {
    if (!expect(v, Kind::object, path)) return -1;
    auto invalid = [&](std::string_view pattern, std::initializer_list<detail::Piece> pieces) {
        error(&v, path, "condition.invalid", pattern, pieces);
        return -1;
    };
    auto not_allowed = [&](const char* what) {
        static const char* places[] = {"show_if", "signal conditions", "rules", "segment conditions", "track conditions"};
        error(&v, path, "condition.not_allowed", "{} conditions are not allowed in {}", {what, places[place]});
        return -1;
    };
    // Combinators
    for (const char* combinator : {"all", "any"}) {
        if (const Value* list = v.find(combinator)) {
            if (v.members.size() != 1) return invalid("\"{}\" must be the only member of its condition", {combinator});
            Path at = child(path, combinator);
            if (!expect(*list, Kind::array, at)) return -1;
            if (list->items.empty()) {
                error(list, at, "condition.invalid", "\"{}\" needs at least one condition", {combinator});
                return -1;
            }
            std::vector<std::int32_t> kids;
            bool ok = true;
            for (std::size_t i = 0; i < list->items.size(); ++i) {
                int k = compile(list->items[i], item(at, i), place, owner);
                ok = ok && k >= 0;
                kids.push_back(k);
            }
            if (!ok) return -1;
            CondNode node;
            node.op = combinator[1] == 'l' ? CondOp::all : CondOp::any;
            node.first = static_cast<std::int32_t>(comp.children.size());
            node.count = static_cast<std::int32_t>(kids.size());
            comp.children.insert(comp.children.end(), kids.begin(), kids.end());
            return add_node(node);
        }
    }
    if (const Value* inner = v.find("not")) {
        if (v.members.size() != 1) return invalid("\"not\" must be the only member of its condition", {});
        int k = compile(*inner, child(path, "not"), place, owner);
        if (k < 0) return -1;
        CondNode node;
        node.op = CondOp::negate;
        node.first = static_cast<std::int32_t>(comp.children.size());
        node.count = 1;
        comp.children.push_back(k);
        return add_node(node);
    }
    if (const Value* s = v.find("segment")) {
        if (place != place_rule && place != place_track) return not_allowed("segment");
        if (v.members.size() != 1) return invalid("\"segment\" must be the only member of its condition", {});
        std::vector<const Value*> ids;
        if (s->is_string()) ids.push_back(s);
        else if (s->is_array()) for (const auto& item : s->items) ids.push_back(&item);
        else return invalid("\"segment\" takes a segment id or a list of segment ids", {});
        CondNode node;
        node.op = CondOp::segment_in;
        for (const Value* id : ids) {
            int segment = id->is_string() ? segment_ids_.find(id->text) : -1;
            if (segment < 0) {
                if (id->is_string()) error(id, child(path, "segment"), "ref.unknown_segment", "unknown segment \"{}\"", {id->text});
                else error(id, child(path, "segment"), "ref.unknown_segment", "unknown segment {}", {json::describe(id->kind)});
                return -1;
            }
            node.mask |= std::uint64_t{1} << segment;
        }
        return add_node(node);
    }
    if (const Value* s = v.find("signal")) {
        if (place == place_show_if) return not_allowed("signal");
        check_members(v, path, "signal is");
        if (!expect(*s, Kind::string, child(path, "signal"))) return -1;
        int signal = signal_ids_.find(s->text);
        if (signal < 0) {
            error(s, child(path, "signal"), "ref.unknown_signal", "unknown signal \"{}\"", {s->text});
            return -1;
        }
        if (place == place_signal && signal >= owner) {
            error(s, child(path, "signal"), "ref.signal_order",
                  "signal \"{}\" is not defined before this one; a signal may only use earlier signals", {s->text});
            return -1;
        }
        CondNode node;
        node.op = CondOp::signal;
        node.subject = signal;
        node.expect = read_bool(v, "is", path).value_or(true);
        return add_node(node);
    }

    const char* comparisons = "lt lte gt gte eq";  // in the order of Cmp
    // Subject + exactly one operator.
    auto single_operator = [&](const char* subject, const char* ops, std::string& op, const Value*& operand) -> bool {
        if (v.members.size() != 2) {
            invalid("a \"{}\" condition needs exactly one operator (one of: {})", {subject, join(words(ops))});
            return false;
        }
        for (const auto& [key, value] : v.members) {
            if (key == subject) continue;
            if (word_index(ops, key) < 0) {
                auto names = words(ops);
                error(&value, child(path, key), "condition.invalid", "unknown operator \"{}\"{} for \"{}\" (expected one of: {})",
                      {key, suggestion(key, names), subject, join(names)});
                return false;
            }
            op = key;
            operand = &value;
        }
        return true;
    };
    auto read_string_list = [&](const Value& operand, const Path& at, std::vector<std::string>& out) -> bool {
        if (operand.is_string()) {
            out.push_back(operand.text);
            return true;
        }
        if (!operand.is_array() || operand.items.empty()) {
            error(&operand, at, "schema.type", "expected a string or a non-empty list of strings");
            return false;
        }
        for (std::size_t i = 0; i < operand.items.size(); ++i) {
            if (!expect(operand.items[i], Kind::string, item(at, i))) return false;
            out.push_back(operand.items[i].text);
        }
        return true;
    };
    auto read_domains = [&](const Value& operand, const Path& at, std::vector<std::string>& out) -> bool {
        if (!read_string_list(operand, at, out)) return false;
        for (const auto& d : out) {
            if (detail::email_domain(format("x@{}", {d})).empty()) {
                error(&operand, at, "value.domain", "\"{}\" is not a domain name such as \"example.com\"", {d});
                return false;
            }
        }
        return true;
    };
    auto read_number = [&](const Value& operand, const Path& at) -> std::optional<Decimal> {
        if (!expect(operand, Kind::number, at)) return std::nullopt;
        auto d = parse_decimal(operand.text);
        if (!d) error(&operand, at, "schema.range", "number {} is out of range", {operand.text});
        return d;
    };

    // An answer or a context value, with one operator. Both take "in"/"not_in", a presence test,
    // the five comparisons and "domain_in"/"domain_not_in" (operator k below), and compile to
    // CondOp::answer_* or the CondOp::context_* six places later.
    static_assert(static_cast<int>(CondOp::context_in) == static_cast<int>(CondOp::answer_in) + 6 &&
                  static_cast<int>(CondOp::context_domain_not_in) == static_cast<int>(CondOp::answer_domain_not_in) + 6);
    const Value* answer = v.find("answer");
    const Value* subject = answer ? answer : v.find("context");
    if (subject) {
        const char* subject_name = answer ? "answer" : "context";
        Path subject_path = child(path, subject_name);
        if (!expect(*subject, Kind::string, subject_path)) return -1;
        const Question* question = nullptr;
        CondNode node;
        if (answer) {
            int q = question_ids_.find(subject->text);
            if (q < 0) {
                std::vector<std::string_view> known;
                for (const auto& other : spec.questions) known.push_back(other.id);
                error(subject, subject_path, "ref.unknown_question", "unknown question \"{}\"{}", {subject->text, suggestion(subject->text, known)});
                return -1;
            }
            question = &spec.questions[static_cast<std::size_t>(q)];
            if (place == place_show_if) show_if_deps_[static_cast<std::size_t>(owner)].push_back(q);
            else comp.in_conditions[static_cast<std::size_t>(q)] = 1;
            node.subject = q;
        } else if (!valid_id(subject->text)) {
            error(subject, subject_path, "id.invalid", "context key \"{}\" must be an id such as \"utm_source\"", {subject->text});
            return -1;
        }
        const char* ops = answer ? "in not_in answered lt lte gt gte eq domain_in domain_not_in"
                                 : "in not_in present lt lte gt gte eq domain_in domain_not_in";
        std::string op;
        const Value* operand = nullptr;
        if (!single_operator(subject_name, ops, op, operand)) return -1;
        int k = word_index(ops, op);
        int first_op = static_cast<int>(answer ? CondOp::answer_in : CondOp::context_in);
        Path at = child(path, op);
        if (!answer) node.subject = context_key(subject->text);
        auto mismatch = [&](const char* types) {
            error(operand, at, "condition.type_mismatch", "operator \"{}\" applies to {} questions; \"{}\" is a {} question",
                  {op, types, question->id, to_string(question->type)});
            return -1;
        };
        if (k == 2) {  // answered / present
            if (!expect(*operand, Kind::boolean, at)) return -1;
            node.op = static_cast<CondOp>(first_op + 2);
            node.expect = operand->boolean;
        } else if (k <= 1) {  // in / not_in
            node.op = static_cast<CondOp>(first_op + k);
            std::vector<std::string> values;
            if (!read_string_list(*operand, at, values)) return -1;
            QuestionType type = question ? question->type : QuestionType::text;
            if (type == QuestionType::single || type == QuestionType::multiple) {
                for (const auto& value : values) {
                    auto o = std::find_if(question->options.begin(), question->options.end(), [&](const Option& x) { return x.value == value; });
                    if (o == question->options.end()) {
                        std::vector<std::string_view> known;
                        for (const auto& x : question->options) known.push_back(x.value);
                        error(operand, at, "ref.unknown_option", "\"{}\" is not an option of \"{}\"{}",
                              {value, question->id, suggestion(value, known)});
                        return -1;
                    }
                    node.mask |= std::uint64_t{1} << (o - question->options.begin());
                }
                return add_node(node);
            }
            if (type == QuestionType::number) return mismatch("choice, country and text");
            // An e-mail's conditions look at its domain: "in" a list of addresses would be a trap.
            if (type == QuestionType::email) return mismatch("choice, country and text (use domain_in for e-mail)");
            if (type == QuestionType::country) {
                for (const auto& value : values) {
                    if (!detail::is_country_code(value)) {
                        error(operand, at, "value.country", "\"{}\" is not an ISO 3166-1 alpha-2 country code", {value});
                        return -1;
                    }
                }
            }
            node.set = add_string_set(values);
        } else if (k >= 8) {  // domain_in / domain_not_in
            if (question && question->type != QuestionType::email) return mismatch("email");
            node.op = static_cast<CondOp>(first_op + 4 + (k - 8));
            std::vector<std::string> domains;
            if (!read_domains(*operand, at, domains)) return -1;
            node.set = add_string_set(domains);
        } else {  // lt lte gt gte eq
            if (question && question->type != QuestionType::number) return mismatch("number");
            auto number = read_number(*operand, at);
            if (!number) return -1;
            node.op = static_cast<CondOp>(first_op + 3);
            node.cmp = static_cast<Cmp>(k - 3);
            node.number = *number;
            if (!answer) comp.context_numeric[static_cast<std::size_t>(node.subject)] = 1;
        }
        return add_node(node);
    }
    if (const Value* criterion = v.find("criterion")) {
        if (place != place_rule && place != place_track) return not_allowed("criterion");
        if (!expect(*criterion, Kind::string, child(path, "criterion"))) return -1;
        CondNode node;
        if (criterion->text == "total") {
            node.op = CondOp::total_cmp;
        } else {
            int c = criterion_ids_.find(criterion->text);
            if (c < 0) {
                std::vector<std::string_view> known = {"total"};
                for (const auto& other : spec.criteria) known.push_back(other.id);
                error(criterion, child(path, "criterion"), "ref.unknown_criterion", "unknown criterion \"{}\"{}",
                      {criterion->text, suggestion(criterion->text, known)});
                return -1;
            }
            node.op = CondOp::criterion_cmp;
            node.subject = c;
        }
        std::string op;
        const Value* operand = nullptr;
        if (!single_operator("criterion", comparisons, op, operand)) return -1;
        Path at = child(path, op);
        if (!expect(*operand, Kind::number, at)) return -1;
        auto n = json::to_int64(operand->text);
        if (!n || *n < -100000 || *n > 100000) {
            error(operand, at, "schema.type", "criterion comparisons take an integer, got {}", {operand->text});
            return -1;
        }
        node.cmp = static_cast<Cmp>(word_index(comparisons, op));
        node.number = Decimal::from_int(*n);
        return add_node(node);
    }
    auto subjects = words("all any not answer context signal criterion segment");
    std::string first = v.members.empty() ? std::string() : v.members.front().first;
    if (first.empty()) return invalid("a condition needs one of: {}", {join(subjects)});
    return invalid("a condition needs one of: {}; got \"{}\"{}", {join(subjects), first, suggestion(first, subjects)});
}

void Loader::compile_conditions() {
    comp.show_if.assign(spec.questions.size(), -1);
    comp.in_conditions.assign(spec.questions.size(), 0);
    comp.signal_when.assign(spec.signals.size(), -1);
    for (const auto& p : show_ifs_) comp.show_if[static_cast<std::size_t>(p.owner)] = compile(*p.value, p.path, place_show_if, p.owner);
    for (const auto& p : signal_whens_) comp.signal_when[static_cast<std::size_t>(p.owner)] = compile(*p.value, p.path, place_signal, p.owner);
    for (const auto& p : rule_whens_) comp.rule_when[static_cast<std::size_t>(p.owner)] = compile(*p.value, p.path, place_rule, p.owner);
    for (const auto& p : segment_whens_) comp.segment_when[static_cast<std::size_t>(p.owner)] = compile(*p.value, p.path, place_segment, p.owner);
    for (const auto& p : track_whens_) comp.track_when[static_cast<std::size_t>(p.owner)] = compile(*p.value, p.path, place_track, p.owner);
}

void Loader::visit_show_if(int q, std::vector<int>& state, std::vector<int>& stack, bool& reported) {
    state[static_cast<std::size_t>(q)] = 1;
    stack.push_back(q);
    for (int dep : show_if_deps_[static_cast<std::size_t>(q)]) {
        if (state[static_cast<std::size_t>(dep)] == 1) {
            if (reported) continue;
            reported = true;
            std::string cycle;
            auto start = std::find(stack.begin(), stack.end(), dep);
            for (auto it = start; it != stack.end(); ++it) format_to(cycle, "{} -> ", {spec.questions[static_cast<std::size_t>(*it)].id});
            cycle += spec.questions[static_cast<std::size_t>(dep)].id;
            const Question& owner = spec.questions[static_cast<std::size_t>(*start)];
            const Value* at = nullptr;
            for (const auto& p : show_ifs_)
                if (p.owner == *start) at = p.value;
            const Path owner_path(owner.path);
            error(at, child(owner_path, "show_if"), "show_if.cycle", "show_if conditions form a cycle: {}", {cycle});
        } else if (state[static_cast<std::size_t>(dep)] == 0) {
            visit_show_if(dep, state, stack, reported);
        }
    }
    stack.pop_back();
    state[static_cast<std::size_t>(q)] = 2;
    comp.question_order.push_back(q);
    if (comp.show_if[static_cast<std::size_t>(q)] >= 0) comp.conditional.push_back(q);
}

void Loader::check_show_if_cycles() {
    std::vector<int> state(spec.questions.size(), 0);  // 0 new, 1 on the stack, 2 done
    std::vector<int> stack;
    bool reported = false;
    // Dependencies in question order, once each, so the evaluation order does not depend on how
    // the conditions were written.
    for (auto& deps : show_if_deps_) {
        detail::small_sort(deps.begin(), deps.end(), [](int a, int b) { return a < b; });
        deps.erase(std::unique(deps.begin(), deps.end()), deps.end());
    }
    for (std::size_t q = 0; q < spec.questions.size(); ++q)
        if (state[q] == 0) visit_show_if(static_cast<int>(q), state, stack, reported);
}

void Loader::compute_ranges() {
    std::size_t C = spec.criteria.size();
    std::size_t Q = spec.questions.size();
    comp.answer_min.assign(Q * C, 0);
    comp.answer_max.assign(Q * C, 0);
    comp.option_index.resize(Q);
    comp.country_other.assign(Q, -1);
    comp.points_row.assign(Q, 0);
    for (std::size_t q = 0; q < Q; ++q) {
        const Question& question = spec.questions[q];
        comp.points_row[q] = static_cast<std::int32_t>(comp.points_table.size());
        for (const auto& o : question.options) comp.points_table.insert(comp.points_table.end(), o.points.begin(), o.points.end());
        for (const auto& b : question.bands) comp.points_table.insert(comp.points_table.end(), b.points.begin(), b.points.end());
        std::vector<std::string> values;
        for (std::size_t o = 0; o < question.options.size(); ++o) {
            values.push_back(question.options[o].value);
            if (question.options[o].value == "*") comp.country_other[q] = static_cast<std::int32_t>(o);
        }
        comp.option_index[q] = detail::StringIndex(std::move(values));
        for (std::size_t c = 0; c < C; ++c) {
            int lo = 0, hi = 0;
            auto points = [&](std::size_t i) {
                return question.type == QuestionType::number ? question.bands[i].points[c] : question.options[i].points[c];
            };
            detail::answer_range(question, comp.country_other[q] >= 0, points, lo, hi);
            comp.answer_min[q * C + c] = lo;
            comp.answer_max[q * C + c] = hi;
        }
    }
    int total = 0;
    for (const auto& c : spec.criteria) total += c.weight * c.max;
    comp.max_total = total;
}

void Loader::check_thresholds() {
    // The highest total any lead can reach, given the points the questions and signals can give.
    std::size_t C = spec.criteria.size();
    int reachable = 0;
    for (std::size_t c = 0; c < C; ++c) {
        int sum = 0;
        for (std::size_t q = 0; q < spec.questions.size(); ++q) sum += std::max(0, comp.answer_max[q * C + c]);
        for (const auto& s : spec.signals) sum += std::max(0, s.points[c]);
        reachable += spec.criteria[c].weight * std::min(spec.criteria[c].max, sum);
    }
    auto check = [&](int threshold, const Value* at, const Path& path) {
        if (threshold > reachable)
            error(at, path, "threshold.unreachable", "hand-off threshold {} is above the highest reachable total {} (of {})",
                  {threshold, reachable, comp.max_total});
        else if (threshold <= 0)
            warn(at, path, "threshold.trivial", "hand-off threshold {} is met by every lead without a knock-out", {threshold});
    };
    if (const Value* t = doc_.find("thresholds"); t && t->is_object() && t->find("handoff") && !spec.criteria.empty())
        check(spec.handoff_at, t->find("handoff"), "$.thresholds.handoff");
    const Value* segments = doc_.find("segments");
    for (std::size_t s = 0; s < spec.segments.size() && segments; ++s) {
        if (!spec.segments[s].handoff_at || spec.criteria.empty()) continue;
        const Value* at = nullptr;
        if (segments->is_array() && s < segments->items.size()) at = segments->items[s].find("handoff_at");
        check(*spec.segments[s].handoff_at, at, format("$.segments[{}].handoff_at", {s}));
    }
}

}  // namespace

Result<Model> Model::load(json::Value document) {
    Loader loader(document);
    loader.run();
    Result<Model> result;
    result.issues = std::move(loader.issues);
    // In file order, so a reader can walk down the file.
    detail::small_sort(result.issues.begin(), result.issues.end(), [](const Issue& a, const Issue& b) {
        return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    if (has_errors(result.issues)) return result;
    auto data = std::make_unique<Model::Data>();
    data->spec = std::move(loader.spec);
    data->compiled = std::move(loader.comp);
    data->source = std::move(document);
    loader.move_indexes_to(*data);
    Model model;
    model.data_ = data.release();
    result.value = std::move(model);
    return result;
}

Result<Model> load_model(const json::Value& document) { return Model::load(document); }

Result<Model> load_model(std::string_view json_text) {
    json::ParseError parse_error;
    auto document = json::parse(json_text, parse_error);
    if (!document) {
        Result<Model> result;
        Issue issue;
        issue.code = "json.syntax";
        issue.message = parse_error.message;
        issue.line = parse_error.line;
        issue.column = parse_error.column;
        result.issues.push_back(std::move(issue));
        return result;
    }
    return Model::load(std::move(*document));
}

}  // namespace ripen
