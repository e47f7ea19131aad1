// Reads a model document, reports every structural and semantic problem at once, and compiles
// lookup tables and point ranges for evaluation (conditions: conditions.cpp).
//
// Sections
//   names and checks       reserved ids, word lists, edit-distance suggestions, ids, languages, URLs
//   Loader::run            the order in which a document is read
//   read_*                 languages, criteria, questions, signals, rules, thresholds, segments,
//                          nurture, texts
//   compute_ranges, check_thresholds   point ranges and thresholds that can never be reached
//   Model::load, load_model            the entry points
#include "model_loader.hpp"

#include <algorithm>
#include <memory>

#include "answer_range.hpp"
#include "small_sort.hpp"

namespace ripen {

namespace detail {


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


void Loader::run() {
    if (!expect(doc_, Kind::object, "$")) return;
    check_members(doc_, "$", "$schema format id version name description provenance audience languages criteria questions signals rules thresholds segments nurture texts booking_url booking_params progressive");
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
    // Where the points came from (ripen fit writes it): free-form, for people; an object.
    if (const Value* provenance = doc_.find("provenance"); provenance && !provenance->is_object())
        error(provenance, Path("$.provenance"), "schema.type", "expected an object, got {}", {std::string(json::describe(provenance->kind))});
    // ripen publish marks the visitor-facing model it writes: its internal labels and cadences
    // are gone, so they are not required.
    if (auto audience = read_string(doc_, "audience", "$", false)) {
        if (*audience == "visitor") spec.visitor_model = true;
        else error(doc_.find("audience"), "$.audience", "value.audience", "audience \"{}\" is not known (\"visitor\" marks a published model)", {*audience});
    }
    read_languages();
    spec.name = read_text(doc_, "name", "$", false, false);
    read_string(doc_, "description", "$", false);
    read_string(doc_, "$schema", "$", false);
    spec.booking_url = read_url(doc_, "booking_url", "$");
    if (const Value* p = doc_.find("progressive"); p && expect(*p, Kind::object, "$.progressive")) {
        // talk_to_sales is the form's (web/form.mjs): a nurture outcome offers "Talk to sales anyway".
        check_members(*p, "$.progressive", "questions_per_step talk_to_sales settle_track");
        if (const Value* t = p->find("talk_to_sales"); t && !t->is_bool())
            error(t, Path("$.progressive.talk_to_sales"), "schema.type", "expected true or false, got {}", {std::string(json::describe(t->kind))});
        if (auto n = read_int(*p, "questions_per_step", "$.progressive", false, 1, 20)) spec.questions_per_step = *n;
        if (const Value* t = p->find("settle_track")) {
            if (t->is_bool()) spec.settle_track = t->boolean;
            else error(t, Path("$.progressive.settle_track"), "schema.type", "expected true or false, got {}", {std::string(json::describe(t->kind))});
        }
    }
    read_criteria();
    read_questions();
    read_booking_params();
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
        criterion.label = read_text(c, "label", path, !spec.visitor_model, false);
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
            "id type label help placeholder required show_if bands min max step",             // number
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
        question.step = read_decimal(q, "step", path);
        if (question.step && question.step->units <= 0) {
            error(q.find("step"), child(path, "step"), "schema.range", "step must be above 0, got {}", {to_string(*question.step)});
            question.step.reset();
        }
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
        if (rule.kind == RuleKind::knockout) check_members(r, path, "id kind label when message url link");
        else check_members(r, path, "id kind label when");
        rule.label = read_text(r, "label", path, !spec.visitor_model, false);
        if (rule.kind == RuleKind::knockout) {
            rule.message = read_text(r, "message", path, true, true);
            rule.url = read_url(r, "url", path);
            rule.link = read_text(r, "link", path, false, true);
            if (!rule.url.empty() && rule.link.empty())
                warn(r.find("url"), child(path, "url"), "rule.link_text",
                     "knock-out \"{}\" links to {} without a link text (\"link\"); the form shows a generic \"Learn more\"", {rule.id, rule.url});
        }
        if (const Value* w = member(r, "when", path, true)) rule_whens_.push_back(Pending{w, child(path, "when").str(), place_rule, index});
        spec.rules.push_back(std::move(rule));
    });
    comp.rule_when.assign(spec.rules.size(), -1);
    if (spec.rules.size() > 32)
        error(doc_.find("rules"), "$.rules", "schema.range", "a model has at most 32 rules, got {}", {spec.rules.size()});
}

// "booking_params": {"email": "email", "a1": "company"}: URL parameters the form adds to the
// booking link from the visitor's answers, so the scheduler's form is filled in.
void Loader::read_booking_params() {
    const Value* params = doc_.find("booking_params");
    if (!params || !expect(*params, Kind::object, "$.booking_params")) return;
    for (const auto& [name, value] : params->members) {
        const Path list_path("$.booking_params");
        Path path = child(list_path, name);
        bool valid = !name.empty() && name.size() <= 64;
        for (char c : name)
            valid = valid && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.');
        if (!valid) {
            error(&value, path, "value.param", "\"{}\" is not a URL parameter name (1 to 64 letters, digits, '_', '-' or '.')", {name});
            continue;
        }
        if (!expect(value, Kind::string, path)) continue;
        int q = question_ids_.find(value.text);
        if (q < 0) {
            std::vector<std::string_view> known;
            for (const auto& other : spec.questions) known.push_back(other.id);
            error(&value, path, "ref.unknown_question", "unknown question \"{}\"{}", {value.text, suggestion(value.text, known)});
            continue;
        }
        spec.booking_params.emplace_back(name, q);
    }
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
        segment.label = read_text(s, "label", path, !spec.visitor_model, false);
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
        each_item(s, "cadence", path, !spec.visitor_model, [&](const Value& t, const Path& tpath) {
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
        track.label = read_text(t, "label", path, !spec.visitor_model, false);
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
        // A draft whose points are all still zero is a model to fit (ripen fit), not a broken one.
        if (threshold > reachable && reachable == 0)
            warn(at, path, "threshold.unreachable",
                 "hand-off threshold {} cannot be reached while no answer has points: every lead is nurtured until points are given "
                 "(ripen fit fits them from outcomes)",
                 {threshold});
        else if (threshold > reachable)
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

}  // namespace detail


Result<Model> Model::load(json::Value document) {
    detail::Loader loader(document);
    loader.run();
    Result<Model> result;
    result.issues = std::move(loader.issues);
    // In file order, so a reader can walk down the file.
    detail::small_sort(result.issues.begin(), result.issues.end(), [](const Issue& a, const Issue& b) {
        return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    if (has_errors(result.issues)) return result;
    auto data = std::make_unique<detail::ModelData>();
    data->spec = std::move(loader.spec);
    data->compiled = std::move(loader.comp);
    data->source = std::move(document);
    loader.move_indexes_to(*data);
    Model model;
    detail::ModelAccess::adopt(model, data.release());
    result.value = std::move(model);
    return result;
}

Result<Model> load_model(const json::Value& document) { return Model::load(document); }

Result<Model> load_model(std::string_view json_text) {
    auto document = json::parse(json_text);
    if (!document.ok()) return failed_with<Model>(std::move(document));
    return Model::load(std::move(*document.value));
}

}  // namespace ripen
