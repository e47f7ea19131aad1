// ripen report: how the lead definition performs on historical leads with outcomes.
#include "cli/text.hpp"
#include "commands/commands.hpp"
#include "commands/common.hpp"

namespace ripen::cli {

namespace {

struct ReportOptions {
    Args args;
    std::string format;
};

int parse(Session& s, const Words& words, ReportOptions& o) {
    std::string error;
    if (!Args::parse(words, {"model", "data", "map", "format"}, {}, o.args, error)) return s.usage(error);
    if (o.args.help) {
        s.out(data_help("report"));
        return kExitOk;
    }
    o.format = o.args.choice("format", {"text", "json"}, "text");
    o.args.no_positional();
    if (!o.args.ok()) return s.usage(o.args.error());
    return -1;
}

int run(Session& s, const ReportOptions& o) {
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
    const auto& spec = model->spec();
    if (o.format == "json") {
        using json::Value;
        Value out = Value::make_object();
        out.set("model", Value::make_string(spec.id));
        out.set("import", import_json(history));
        for (auto& member : metrics_to_json(*model, m).members) out.set(member.first, std::move(member.second));
        s.out(json::to_string(out, 2) + "\n");
        return kExitOk;
    }
    s.out("Model " + spec.id + " " + spec.version + "\n" + import_summary(o.args.value_or("data", ""), history) + "\n");
    s.out(printf_string("At the model's thresholds (AUC %.3f, base rate %s)\n%s", m.auc, pct(m.overall.base_rate()).c_str(), kCountsHeader));
    s.out(counts_row("all", m.overall));
    for (std::size_t i = 0; i < spec.segments.size(); ++i)
        if (m.segments[i].leads) s.out(counts_row(spec.segments[i].id, m.segments[i]));
    std::string kept;
    for (std::size_t i = 0; i < spec.segments.size(); ++i)
        if (m.own_threshold[i]) kept += (kept.empty() ? "" : ", ") + spec.segments[i].id + " " + std::to_string(m.thresholds[i]);
    s.out("\nAt other model thresholds" + (kept.empty() ? std::string() : " (segments with their own keep it: " + kept + ")") +
          "\nthreshold   leads     hand-offs          precision   recall  leakage   lift\n");
    for (const auto& p : m.sweep) s.out(counts_row(std::to_string(p.threshold), p.counts));
    s.out("\nConversion rate per total (calibration)\n total     leads  converted    rate\n");
    for (const auto& b : m.calibration)
        s.out(printf_string("%6d %9llu %10llu %7s\n", b.total, static_cast<unsigned long long>(b.leads), static_cast<unsigned long long>(b.converted),
                            pct(b.leads ? static_cast<double>(b.converted) / static_cast<double>(b.leads) : 0).c_str()));
    return kExitOk;
}

}  // namespace

int report_command(Session& s, const Words& words) {
    ReportOptions o;
    int code = parse(s, words, o);
    return code >= 0 ? code : run(s, o);
}

}  // namespace ripen::cli
