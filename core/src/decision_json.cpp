// The decision as JSON: the one shape the CLI, the WebAssembly API, DOM events and golden
// files share (documented in docs/decision.md).
#include "ripen/decision.hpp"

namespace ripen {

namespace {

using json::Value;

Value str(std::string_view s) { return Value::make_string(std::string(s)); }
Value num(long long n) { return Value::make_int(n); }

Value truth_value(Truth t) {
    if (t == Truth::maybe) return Value::make_null();
    return Value::make_bool(t == Truth::yes);
}

std::string_view rule_state(RuleKind kind, Truth t) {
    if (t == Truth::maybe) return "open";
    if (kind == RuleKind::knockout) return t == Truth::yes ? "fired" : "clear";
    return t == Truth::yes ? "passed" : "failed";
}

}  // namespace

json::Value decision_to_json(const Model& model, const Decision& d, std::string_view language) {
    const ModelSpec& spec = model.spec();
    if (language.empty()) language = spec.languages.front();
    Value out = Value::make_object();
    out.set("route", str(to_string(d.route)));
    out.set("total", num(d.total));
    out.set("max", num(d.max));
    out.set("score", num(d.score));
    out.set("lo", num(d.lo));
    out.set("hi", num(d.hi));
    out.set("threshold", num(d.threshold));

    Value criteria = Value::make_object();
    for (std::size_t c = 0; c < spec.criteria.size(); ++c) {
        const CriterionResult& r = d.criteria[c];
        Value item = Value::make_object();
        item.set("points", num(r.points));
        item.set("lo", num(r.lo));
        item.set("hi", num(r.hi));
        item.set("max", num(spec.criteria[c].max));
        item.set("weight", num(spec.criteria[c].weight));
        Value from = Value::make_array();
        for (const Contribution& k : r.from) {
            Value source = Value::make_object();
            if (k.question >= 0) {
                source.set("question", str(spec.questions[static_cast<std::size_t>(k.question)].id));
                source.set("answer", str(k.answer));
            } else {
                source.set("signal", str(spec.signals[static_cast<std::size_t>(k.signal)].id));
            }
            source.set("points", num(k.points));
            from.items.push_back(std::move(source));
        }
        item.set("from", std::move(from));
        criteria.set(spec.criteria[c].id, std::move(item));
    }
    out.set("criteria", std::move(criteria));

    Value signals = Value::make_object();
    for (std::size_t s = 0; s < spec.signals.size(); ++s) signals.set(spec.signals[s].id, truth_value(d.signals[s]));
    out.set("signals", std::move(signals));

    Value rules = Value::make_array();
    Value fired = Value::make_array();
    for (std::size_t r = 0; r < spec.rules.size(); ++r) {
        Value item = Value::make_object();
        item.set("id", str(spec.rules[r].id));
        item.set("kind", str(to_string(spec.rules[r].kind)));
        item.set("state", str(rule_state(spec.rules[r].kind, d.rules[r])));
        rules.items.push_back(std::move(item));
        if (spec.rules[r].kind == RuleKind::knockout && d.rules[r] == Truth::yes) fired.items.push_back(str(spec.rules[r].id));
    }
    out.set("rules", std::move(rules));
    out.set("knockouts", std::move(fired));

    const Segment& segment = spec.segments[static_cast<std::size_t>(d.segment)];
    Value seg = Value::make_object();
    seg.set("id", str(segment.id));
    seg.set("settled", Value::make_bool(d.segment_settled));
    seg.set("sla_hours", num(segment.sla_hours));
    out.set("segment", std::move(seg));

    if (d.route == Route::handoff) {
        Value plan = Value::make_object();
        plan.set("sla_hours", num(segment.sla_hours));
        plan.set("deadline", d.sla_deadline ? str(format_time(*d.sla_deadline)) : Value::make_null());
        const std::string& booking = segment.booking_url.empty() ? spec.booking_url : segment.booking_url;
        plan.set("booking_url", booking.empty() ? Value::make_null() : str(booking));
        Value cadence = Value::make_array();
        for (const Touch& t : segment.cadence) {
            Value touch = Value::make_object();
            touch.set("day", num(t.day));
            touch.set("channel", str(t.channel));
            touch.set("role", str(t.role));
            touch.set("purpose", str(t.purpose));
            cadence.items.push_back(std::move(touch));
        }
        plan.set("cadence", std::move(cadence));
        out.set("handoff", std::move(plan));
    } else {
        out.set("handoff", Value::make_null());
    }

    if (d.route == Route::nurture && d.track >= 0) {
        const Track& track = spec.tracks[static_cast<std::size_t>(d.track)];
        Value plan = Value::make_object();
        plan.set("track", str(track.id));
        plan.set("stage", str(track.stage));
        plan.set("every_days", num(track.every_days));
        Value content = Value::make_array();
        for (const Content& c : track.content) {
            Value item = Value::make_object();
            item.set("title", str(c.title.in(language)));
            item.set("url", str(c.url));
            item.set("format", str(c.format));
            content.items.push_back(std::move(item));
        }
        plan.set("content", std::move(content));
        out.set("nurture", std::move(plan));
    } else {
        out.set("nurture", Value::make_null());
    }

    if (d.flip) {
        Value flip = Value::make_object();
        flip.set("to", str(to_string(d.flip->to)));
        flip.set("total", num(d.flip->total));
        Value changes = Value::make_array();
        for (const AnswerChange& ch : d.flip->changes) {
            Value change = Value::make_object();
            change.set("question", str(spec.questions[static_cast<std::size_t>(ch.question)].id));
            change.set("from", ch.from.empty() ? Value::make_null() : str(ch.from));
            change.set("to", str(ch.to));
            changes.items.push_back(std::move(change));
        }
        flip.set("changes", std::move(changes));
        out.set("flip", std::move(flip));
    } else {
        out.set("flip", Value::make_null());
    }

    Value next = Value::make_array();
    for (int q : d.next_questions) next.items.push_back(str(spec.questions[static_cast<std::size_t>(q)].id));
    out.set("next_questions", std::move(next));
    out.set("answered", num(d.answered));
    out.set("open", num(d.open));

    Value warnings = Value::make_array();
    for (const Issue& w : d.warnings) {
        Value item = Value::make_object();
        item.set("code", str(w.code));
        item.set("message", str(w.message));
        item.set("path", str(w.path));
        warnings.items.push_back(std::move(item));
    }
    out.set("warnings", std::move(warnings));
    return out;
}

std::string to_json(const Model& model, const Decision& decision, std::string_view language) {
    return json::to_string(decision_to_json(model, decision, language));
}

bool decide_json(const Model& model, std::string_view request, std::string_view language, std::string& out,
                 std::vector<Issue>& errors) {
    json::ParseError parse_error;
    auto document = json::parse(request, parse_error);
    auto fail = [&](std::string code, std::string message, std::string path, std::uint32_t line, std::uint32_t column) {
        Issue issue;
        issue.code = std::move(code);
        issue.message = std::move(message);
        issue.path = std::move(path);
        issue.line = line;
        issue.column = column;
        errors.push_back(std::move(issue));
        return false;
    };
    if (!document) return fail("json.syntax", parse_error.message, "", parse_error.line, parse_error.column);
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
    for (auto& issue : answers.issues) {
        issue.path = "$.answers" + issue.path.substr(1);
        errors.push_back(std::move(issue));
    }
    if (const json::Value* context_json = document->find("context")) {
        auto parsed = parse_context(*context_json);
        ok = ok && parsed.ok();
        for (auto& issue : parsed.issues) {
            issue.path = "$.context" + issue.path.substr(1);
            errors.push_back(std::move(issue));
        }
        if (parsed.ok()) context = std::move(*parsed.value);
    }
    if (!ok) return false;
    json::write(decision_to_json(model, decide(model, *answers.value, context), language), out);
    out += '\n';
    return true;
}

}  // namespace ripen
