// The model loader's internals, shared by model_loader.cpp (sections, ranges, thresholds) and
// conditions.cpp (show_if, when and rule conditions compiled to the flat node array).
#pragma once

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiled.hpp"
#include "message.hpp"
#include "model_data.hpp"
#include "ripen/model.hpp"

namespace ripen::detail {

using json::Kind;
using json::Value;

inline constexpr int kMaxOptions = 64;  // option sets are 64-bit masks
inline constexpr int kMaxPoints = 1000;

bool reserved_question_id(std::string_view id);
// Fixed lists of names are written as one string, "id label max": a call site passes one
// pointer instead of building a list, which the form module paid for at each of ~40 sites.
std::vector<std::string_view> words(const char* list);
// The position of `word` in `list`, or -1.
int word_index(const char* list, std::string_view word);
// ", did you mean "x"?" when a known name is a likely typo of `name`.
std::string suggestion(std::string_view name, const std::vector<std::string_view>& known);
bool valid_id(std::string_view id);
bool valid_language(std::string_view tag);
bool valid_url(std::string_view url);

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
inline Path child(const Path& path, std::string_view key) { return Path(&path, key, 0, false); }
inline Path item(const Path& path, std::size_t index) { return Path(&path, {}, index, true); }
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
    void move_indexes_to(ModelData& data) {
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
    void read_booking_params();
    void compute_ranges();
    void check_thresholds();

    int compile(const Value& v, const Path& path, Place place, int owner);
    int add_node(CondNode node) {
        comp.nodes.push_back(node);
        return static_cast<int>(comp.nodes.size() - 1);
    }
    int read_hashed_domains(const Value& operand, const Path& at);
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

}  // namespace ripen::detail
