// ripen tune: a hand-off threshold for a precision target or a sales capacity.
#include <cmath>
#include <cstdlib>

#include "cli/text.hpp"
#include "commands/commands.hpp"
#include "commands/common.hpp"

namespace ripen::cli {

namespace {

struct TuneOptions {
    Args args;
    std::string format;
    bool by_precision = false;
    double target = 0, capacity = 0;
    std::string capacity_text;  // how the capacity was worked out, for the output
};

int parse(Session& s, const Words& words, TuneOptions& o) {
    std::string error;
    if (!Args::parse(words, {"model", "data", "map", "format", "target-precision", "capacity", "days", "period-days", "out", "segment", "split-in", "part"}, {}, o.args, error))
        return s.usage(error);
    if (o.args.help) {
        s.out(data_help("tune"));
        return kExitOk;
    }
    Args& a = o.args;
    o.format = a.choice("format", {"text", "json"}, "text");
    if (!a.ok()) return s.usage(a.error());
    o.by_precision = a.has("target-precision");
    if (o.by_precision == a.has("capacity")) return s.usage("give one of --target-precision P and --capacity N");
    if (o.by_precision) {
        const std::string& text = *a.value("target-precision");
        char* end = nullptr;
        double x = std::strtod(text.c_str(), &end);
        bool percent = end && *end == '%' && end[1] == '\0';
        if (text.empty() || !end || !(*end == '\0' || percent) || !std::isfinite(x))
            return s.usage("--target-precision must be a share such as 0.35 or 35%");
        // "20" could mean 20 % or a slip for 0.20: a bare number must be a share.
        if (!percent && x > 1) return s.usage("--target-precision " + safe(text) + " is ambiguous: write " + safe(text) + "% or a share such as 0.35");
        o.target = percent ? x / 100 : x;
        if (o.target <= 0 || o.target > 1) return s.usage("--target-precision must be between 0 and 100%");
        if (a.has("days") || a.has("period-days")) return s.usage("--days and --period-days go with --capacity");
    } else {
        auto capacity = a.number("capacity", 0, 1e300, false, "--capacity must be a number of hand-offs >= 0");
        auto days = a.number("days", 0, 1e300, true, "--days must be a number of days > 0");
        auto period = a.number("period-days", 0, 1e300, true, "--period-days must be a number of days > 0");
        if (!a.ok()) return s.usage(a.error());
        if (period && !days) return s.usage("--period-days needs --days (how many days the data covers)");
        o.capacity = *capacity;
        o.capacity_text = printf_string("%.0f %s", o.capacity, o.capacity == 1 ? "hand-off" : "hand-offs");
        if (days) {
            const double per = period ? *period : 30;
            o.capacity *= *days / per;
            o.capacity_text = printf_string("%s per %.0f days, %.0f for the %.0f days of data", fixed(*capacity, 0).c_str(), per, o.capacity, *days);
        }
    }
    a.no_positional();
    if (!a.ok()) return s.usage(a.error());
    return -1;
}

// The model document with the suggested threshold set: the model's, or one segment's own.
std::string with_threshold(const Model& model, const Suggestion& suggestion) {
    json::Value doc = model.source();
    if (suggestion.segment < 0) {
        if (auto* t = doc.find("thresholds")) t->set("handoff", json::Value::make_int(suggestion.at.threshold));
    } else if (auto* segments = doc.find("segments")) {
        const std::string& id = model.spec().segments[static_cast<std::size_t>(suggestion.segment)].id;
        for (auto& segment : segments->items)
            if (const auto* sid = segment.find("id"); sid && sid->text == id) segment.set("handoff_at", json::Value::make_int(suggestion.at.threshold));
    }
    return json::to_string(doc, 2) + "\n";
}

Suggestion suggest(const TuneOptions& o, const Metrics& m, int segment) {
    return o.by_precision ? suggest_for_precision(m, o.target, segment) : suggest_for_capacity(m, o.capacity, segment);
}

// "1,224 of 2,000 (61.2 %); the next lower threshold would hand off 2,060"
std::string capacity_use(const Suggestion& s, double capacity) {
    const RouteCounts& c = s.segment < 0 ? s.at.counts : s.segment_at;
    std::string out = printf_string("%s of %s (%.1f %%)", thousands(c.handoff).c_str(), thousands(static_cast<std::uint64_t>(std::llround(capacity))).c_str(),
                                    capacity > 0 ? 100.0 * static_cast<double>(c.handoff) / capacity : 0.0);
    if (s.has_next) out += "; the next lower threshold would hand off " + thousands(s.next_handoff);
    return out;
}

int run(Session& s, const TuneOptions& o) {
    int code = kExitOk;
    auto model = load_model_option(s, o.args, code);
    if (!model) return code;
    const auto& spec = model->spec();
    int segment = -1;
    if (const std::string* id = o.args.value("segment")) {
        segment = model->segment_index(*id);
        if (segment < 0) {
            std::string known;
            for (const auto& seg : spec.segments) known += (known.empty() ? "" : ", ") + seg.id;
            return s.usage("--segment " + safe(*id) + " is not a segment of the model (its segments: " + known + ")");
        }
    }
    History history;
    if ((code = load_history(s, o.args, *model, history)) != kExitOk) return code;
    if ((code = apply_split(s, o.args, history, "train")) != kExitOk) return code;
    Scoring scoring = Scoring::from(*model);
    TableScorer scorer(*model, scoring);
    TableResult result;
    scorer.score(*history.table, result);
    Metrics m = compute_metrics(*history.table, result, scoring);
    Suggestion suggestion = suggest(o, m, segment);
    // Each segment's own threshold for the same target, as a table to decide with.
    std::vector<Suggestion> per_segment;
    for (std::size_t k = 0; k < spec.segments.size(); ++k) per_segment.push_back(suggest(o, m, static_cast<int>(k)));
    const int current = segment < 0 ? spec.handoff_at : m.thresholds[static_cast<std::size_t>(segment)];

    const std::string* out_path = o.args.value("out");
    if (suggestion.found && out_path) {
        std::string error;
        if (!s.io().write_file(*out_path, with_threshold(*model, suggestion), error))
            return s.fail("cannot write \"" + safe(*out_path) + "\": " + error, kExitUsage);
    }
    if (o.format == "json") {
        using json::Value;
        Value out = Value::make_object();
        out.set("import", import_json(history));
        if (segment >= 0) out.set("segment", Value::make_string(spec.segments[static_cast<std::size_t>(segment)].id));
        out.set("found", Value::make_bool(suggestion.found));
        out.set("reason", Value::make_string(suggestion.reason));
        out.set("current_threshold", Value::make_int(current));
        out.set("current", route_counts_to_json(m.overall));
        if (suggestion.found) {
            out.set("threshold", Value::make_int(suggestion.at.threshold));
            out.set("at", route_counts_to_json(suggestion.at.counts));
            if (segment >= 0) out.set("segment_at", route_counts_to_json(suggestion.segment_at));
            if (!o.by_precision) {
                const RouteCounts& c = segment < 0 ? suggestion.at.counts : suggestion.segment_at;
                Value use = Value::make_object();
                use.set("capacity", Value::make_number_lexeme(fixed(o.capacity, 0)));
                use.set("handoff", Value::make_int(static_cast<std::int64_t>(c.handoff)));
                use.set("share", Value::make_number_lexeme(fixed4(o.capacity > 0 ? static_cast<double>(c.handoff) / o.capacity : 0)));
                if (suggestion.has_next) use.set("next_lower_threshold_handoff", Value::make_int(static_cast<std::int64_t>(suggestion.next_handoff)));
                out.set("capacity_use", std::move(use));
            }
        }
        Value segments = Value::make_object();
        for (std::size_t k = 0; k < spec.segments.size(); ++k) {
            Value item = Value::make_object();
            item.set("current_threshold", Value::make_int(m.thresholds[k]));
            item.set("own_threshold", Value::make_bool(m.own_threshold[k] != 0));
            item.set("found", Value::make_bool(per_segment[k].found));
            if (per_segment[k].found) {
                item.set("threshold", Value::make_int(per_segment[k].at.threshold));
                item.set("at", route_counts_to_json(per_segment[k].segment_at));
            }
            segments.set(spec.segments[k].id, std::move(item));
        }
        out.set("segments", std::move(segments));
        s.out(json::to_string(out, 2) + "\n");
        return suggestion.found ? kExitOk : kExitInvalid;
    }
    s.err(import_summary(o.args.value_or("data", ""), history));
    const std::string whose = segment < 0 ? "" : " for segment " + spec.segments[static_cast<std::size_t>(segment)].id;
    if (!suggestion.found) {
        s.out("No suggestion" + whose + ": " + suggestion.reason + ".\n");
        if (!o.by_precision) s.out("Capacity: " + o.capacity_text + "\n");
    } else {
        s.out(printf_string("Suggested hand-off threshold%s: %d (%s; now %d)\n", whose.c_str(), suggestion.at.threshold, suggestion.reason.c_str(), current));
        if (segment < 0) {
            std::string kept;
            for (std::size_t k = 0; k < spec.segments.size(); ++k)
                if (m.own_threshold[k]) kept += (kept.empty() ? "" : ", ") + spec.segments[k].id + " " + std::to_string(m.thresholds[k]);
            if (!kept.empty()) s.out("Segments with their own threshold keep it (" + kept + "); the figures below count them so.\n");
        }
        s.out(kCountsHeader);
        if (segment >= 0) s.out(counts_row(spec.segments[static_cast<std::size_t>(segment)].id, suggestion.segment_at));
        s.out(counts_row("suggested", suggestion.at.counts));
        s.out(counts_row("current", m.overall));
        if (!o.by_precision) s.out("Capacity: " + o.capacity_text + "; the suggestion uses " + capacity_use(suggestion, o.capacity) + "\n");
    }
    s.out("\nEach segment's own threshold for the same " + std::string(o.by_precision ? "target" : "capacity") +
          " (tune --segment ID writes one)\nsegment        now  suggested     leads  hand-offs  precision\n");
    for (std::size_t k = 0; k < spec.segments.size(); ++k) {
        const Suggestion& p = per_segment[k];
        const RouteCounts& c = p.found ? p.segment_at : m.segments[k];
        s.out(printf_string("%-12s %5d %10s %9s %10s %10s\n", safe(spec.segments[k].id, 12).c_str(), m.thresholds[k],
                            p.found ? std::to_string(p.at.threshold).c_str() : "none", thousands(c.leads).c_str(),
                            p.found ? thousands(c.handoff).c_str() : "-", p.found ? pct(c.precision()).c_str() : "-"));
    }
    if (suggestion.found && out_path) s.out("Wrote " + *out_path + "\n");
    return suggestion.found ? kExitOk : kExitInvalid;
}

}  // namespace

int tune_command(Session& s, const Words& words) {
    TuneOptions o;
    int code = parse(s, words, o);
    return code >= 0 ? code : run(s, o);
}

}  // namespace ripen::cli
