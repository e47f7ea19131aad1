// The decision as JSON: the one shape the CLI, the WebAssembly API, DOM events and golden
// files share (documented in docs/decision.md).
#include "ripen/decision.hpp"

namespace ripen {

namespace {

std::string_view rule_state(RuleKind kind, Truth t) {
    if (t == Truth::maybe) return "open";
    if (kind == RuleKind::knockout) return t == Truth::yes ? "fired" : "clear";
    return t == Truth::yes ? "passed" : "failed";
}

}  // namespace

void write_decision(const Model& model, const Decision& d, std::string_view language, json::Writer& w) {
    const ModelSpec& spec = model.spec();
    if (language.empty()) language = spec.languages.front();
    auto number = [&](const char* key, std::int64_t n) {
        w.key(key);
        w.number(n);
    };
    auto string = [&](const char* key, std::string_view s) {
        w.key(key);
        w.string(s);
    };
    w.begin_object();
    string("route", to_string(d.route));
    number("total", d.total);
    number("max", d.max);
    number("score", d.score);
    number("lo", d.lo);
    number("hi", d.hi);
    number("threshold", d.threshold);

    w.key("criteria");
    w.begin_object();
    for (std::size_t c = 0; c < spec.criteria.size(); ++c) {
        const CriterionResult& r = d.criteria[c];
        w.key(spec.criteria[c].id);
        w.begin_object();
        number("points", r.points);
        number("lo", r.lo);
        number("hi", r.hi);
        number("max", spec.criteria[c].max);
        number("weight", spec.criteria[c].weight);
        w.key("from");
        w.begin_array();
        for (const Contribution& k : r.from) {
            w.begin_object();
            if (k.question >= 0) {
                string("question", spec.questions[static_cast<std::size_t>(k.question)].id);
                string("answer", k.answer);
            } else {
                string("signal", spec.signals[static_cast<std::size_t>(k.signal)].id);
            }
            number("points", k.points);
            w.end_object();
        }
        w.end_array();
        w.end_object();
    }
    w.end_object();

    w.key("signals");
    w.begin_object();
    for (std::size_t s = 0; s < spec.signals.size(); ++s) {
        w.key(spec.signals[s].id);
        if (d.signals[s] == Truth::maybe) w.null();
        else w.boolean(d.signals[s] == Truth::yes);
    }
    w.end_object();

    w.key("rules");
    w.begin_array();
    for (std::size_t r = 0; r < spec.rules.size(); ++r) {
        w.begin_object();
        string("id", spec.rules[r].id);
        string("kind", to_string(spec.rules[r].kind));
        string("state", rule_state(spec.rules[r].kind, d.rules[r]));
        w.end_object();
    }
    w.end_array();
    w.key("knockouts");
    w.begin_array();
    for (std::size_t r = 0; r < spec.rules.size(); ++r)
        if (spec.rules[r].kind == RuleKind::knockout && d.rules[r] == Truth::yes) w.string(spec.rules[r].id);
    w.end_array();

    const Segment& segment = spec.segments[static_cast<std::size_t>(d.segment)];
    w.key("segment");
    w.begin_object();
    string("id", segment.id);
    w.key("settled");
    w.boolean(d.segment_settled);
    number("sla_hours", segment.sla_hours);
    w.end_object();

    w.key("handoff");
    if (d.route == Route::handoff) {
        w.begin_object();
        number("sla_hours", segment.sla_hours);
        w.key("deadline");
        if (d.sla_deadline) w.string(format_time(*d.sla_deadline));
        else w.null();
        w.key("booking_url");
        w.string_or_null(segment.booking_url.empty() ? spec.booking_url : segment.booking_url);
        w.key("cadence");
        w.begin_array();
        for (const Touch& t : segment.cadence) {
            w.begin_object();
            number("day", t.day);
            string("channel", t.channel);
            string("role", t.role);
            string("purpose", t.purpose);
            w.end_object();
        }
        w.end_array();
        w.end_object();
    } else {
        w.null();
    }

    w.key("nurture");
    if (d.route == Route::nurture && d.track >= 0) {
        const Track& track = spec.tracks[static_cast<std::size_t>(d.track)];
        w.begin_object();
        string("track", track.id);
        string("stage", track.stage);
        // Only for models that ask on to settle it: other decisions stay as they were.
        if (spec.settle_track) {
            w.key("track_settled");
            w.boolean(d.track_settled);
        }
        number("every_days", track.every_days);
        w.key("content");
        w.begin_array();
        for (const Content& c : track.content) {
            w.begin_object();
            string("title", c.title.in(language));
            string("url", c.url);
            string("format", c.format);
            w.end_object();
        }
        w.end_array();
        w.end_object();
    } else {
        w.null();
    }

    w.key("flip");
    if (d.flip) {
        w.begin_object();
        string("to", to_string(d.flip->to));
        number("total", d.flip->total);
        w.key("changes");
        w.begin_array();
        for (const AnswerChange& ch : d.flip->changes) {
            w.begin_object();
            string("question", spec.questions[static_cast<std::size_t>(ch.question)].id);
            w.key("from");
            w.string_or_null(ch.from);
            string("to", ch.to);
            w.end_object();
        }
        w.end_array();
        w.end_object();
    } else {
        w.null();
    }

    w.key("next_questions");
    w.begin_array();
    for (int q : d.next_questions) w.string(spec.questions[static_cast<std::size_t>(q)].id);
    w.end_array();
    number("answered", d.answered);
    number("open", d.open);

    w.key("warnings");
    w.begin_array();
    for (const Issue& warning : d.warnings) {
        w.begin_object();
        string("code", warning.code);
        string("message", warning.message);
        string("path", warning.path);
        w.end_object();
    }
    w.end_array();
    w.end_object();
}

std::string to_json(const Model& model, const Decision& decision, std::string_view language, int indent) {
    std::string out;
    json::Writer writer(out, indent);
    write_decision(model, decision, language, writer);
    return out;
}

bool decide_json(const Model& model, std::string_view request, std::string_view language, std::string& out,
                 std::vector<Issue>& errors) {
    auto parsed = json::parse(request);
    auto fail = [&](std::string code, std::string message, std::string path, std::uint64_t line, std::uint32_t column) {
        Issue issue;
        issue.code = std::move(code);
        issue.message = std::move(message);
        issue.path = std::move(path);
        issue.line = line;
        issue.column = column;
        errors.push_back(std::move(issue));
        return false;
    };
    if (!parsed.ok()) {
        errors.push_back(std::move(parsed.issues.front()));
        return false;
    }
    const json::Value* document = &*parsed.value;
    if (!document->is_object())
        return fail("json.type", "a request must be an object with \"answers\" and optionally \"context\", got " +
                                     std::string(json::describe(document->kind)), "$", document->line, document->column);
    for (const auto& [key, value] : document->members)
        if (key != "answers" && key != "context")
            return fail("schema.unknown_member", "unknown member \"" + key + "\" (expected one of: answers, context)", "$." + key, value.line, value.column);
    const json::Value* answers_json = document->find("answers");
    if (!answers_json) return fail("schema.required", "missing required member \"answers\"", "$", document->line, document->column);
    auto answers = parse_answers(model, *answers_json);
    Context context;
    bool ok = answers.ok();
    move_under("$.answers", answers.issues, errors);
    if (const json::Value* context_json = document->find("context")) {
        auto context_result = parse_context(*context_json);
        ok = ok && context_result.ok();
        move_under("$.context", context_result.issues, errors);
        if (context_result.ok()) context = std::move(*context_result.value);
    }
    if (!ok) return false;
    json::Writer writer(out);
    write_decision(model, decide(model, *answers.value, context), language, writer);
    out += '\n';
    return true;
}

}  // namespace ripen
