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
};

int parse(Session& s, const Words& words, TuneOptions& o) {
    std::string error;
    if (!Args::parse(words, {"model", "data", "map", "format", "target-precision", "capacity", "days", "period-days", "out"}, {}, o.args, error))
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
        o.target = percent || x > 1 ? x / 100 : x;
        if (o.target <= 0 || o.target > 1) return s.usage("--target-precision must be between 0 and 100%");
    } else {
        auto capacity = a.number("capacity", 0, 1e300, false, "--capacity must be a number of hand-offs >= 0");
        auto days = a.number("days", 0, 1e300, true, "--days must be a number of days > 0");
        auto period = a.number("period-days", 0, 1e300, true, "--period-days must be a number of days > 0");
        if (!a.ok()) return s.usage(a.error());
        o.capacity = *capacity;
        if (days) o.capacity *= *days / (period ? *period : 30);
    }
    a.no_positional();
    if (!a.ok()) return s.usage(a.error());
    return -1;
}

// The model document with its hand-off threshold set.
std::string with_threshold(const Model& model, int threshold) {
    json::Value doc = model.source();
    if (auto* t = doc.find("thresholds")) t->set("handoff", json::Value::make_int(threshold));
    return json::to_string(doc, 2) + "\n";
}

int run(Session& s, const TuneOptions& o) {
    int code = kExitOk;
    auto model = load_model_option(s, o.args, code);
    if (!model) return code;
    History history;
    if ((code = load_history(s, o.args, *model, history)) != kExitOk) return code;
    Scoring scoring = Scoring::from(*model);
    TableScorer scorer(*model, scoring);
    TableResult result;
    scorer.score(*history.table, result);
    Metrics m = compute_metrics(*history.table, result, scoring);
    Suggestion suggestion = o.by_precision ? suggest_for_precision(m, o.target) : suggest_for_capacity(m, o.capacity);
    const std::string* out_path = o.args.value("out");
    if (suggestion.found && out_path) {
        std::string error;
        if (!s.io().write_file(*out_path, with_threshold(*model, suggestion.at.threshold), error))
            return s.fail("cannot write \"" + safe(*out_path) + "\": " + error, kExitUsage);
    }
    if (o.format == "json") {
        using json::Value;
        Value out = Value::make_object();
        out.set("import", import_json(history));
        out.set("found", Value::make_bool(suggestion.found));
        out.set("reason", Value::make_string(suggestion.reason));
        out.set("current_threshold", Value::make_int(model->spec().handoff_at));
        out.set("current", route_counts_to_json(m.overall));
        if (suggestion.found) {
            out.set("threshold", Value::make_int(suggestion.at.threshold));
            out.set("at", route_counts_to_json(suggestion.at.counts));
        }
        s.out(json::to_string(out, 2) + "\n");
        return suggestion.found ? kExitOk : kExitInvalid;
    }
    s.err(import_summary(o.args.value_or("data", ""), history));
    if (!suggestion.found) {
        s.out("No suggestion: " + suggestion.reason + ".\n");
        return kExitInvalid;
    }
    s.out(printf_string("Suggested hand-off threshold: %d (%s; the model has %d)\n%s", suggestion.at.threshold, suggestion.reason.c_str(),
                        model->spec().handoff_at, kCountsHeader));
    s.out(counts_row("suggested", suggestion.at.counts));
    s.out(counts_row("current", m.overall));
    if (!o.by_precision) s.out(printf_string("Capacity: %.0f hand-offs for this data\n", o.capacity));
    if (out_path) s.out("Wrote " + *out_path + "\n");
    return kExitOk;
}

}  // namespace

int tune_command(Session& s, const Words& words) {
    TuneOptions o;
    int code = parse(s, words, o);
    return code >= 0 ? code : run(s, o);
}

}  // namespace ripen::cli
