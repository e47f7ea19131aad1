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
    if (!Args::parse(words, {"model", "data", "map", "format", "split-in", "part"}, {}, o.args, error)) return s.usage(error);
    if (o.args.help) {
        s.out(data_help("report"));
        return kExitOk;
    }
    o.format = o.args.choice("format", {"text", "json"}, "text");
    o.args.no_positional();
    if (!o.args.ok()) return s.usage(o.args.error());
    return -1;
}

// "Head of team or department" for an option, "from 50" for a band, "(no answer)".
std::string answer_name(const Model& model, const AnswerRow& row) {
    const Question& q = model.spec().questions[static_cast<std::size_t>(row.question)];
    if (row.option < 0) return "(no answer)";
    if (q.type == QuestionType::number) {
        const auto& band = q.bands[static_cast<std::size_t>(row.option)];
        return band.from ? "from " + to_string(*band.from) : "lowest band";
    }
    const Option& option = q.options[static_cast<std::size_t>(row.option)];
    std::string label(option.label.in(""));
    return label.empty() ? option.value : label;
}

int run(Session& s, const ReportOptions& o) {
    int code = kExitOk;
    auto model = load_model_option(s, o.args, code);
    if (!model) return code;
    History history;
    if ((code = load_history(s, o.args, *model, history)) != kExitOk) return code;
    if ((code = apply_split(s, o.args, history, "holdout")) != kExitOk) return code;
    Scoring scoring = Scoring::from(*model);
    TableScorer scorer(*model, scoring);
    TableResult result;
    scorer.score(*history.table, result);
    Metrics m = compute_metrics(*history.table, result, scoring);
    const auto answers = answer_report(*history.table, result);
    const auto rules = rule_impact(*history.table, scoring);
    const Brier brier = brier_score(m);
    const auto& spec = model->spec();
    const double base = m.overall.base_rate();
    if (o.format == "json") {
        using json::Value;
        auto number = [](double x) { return Value::make_number_lexeme(fixed4(x)); };
        Value out = Value::make_object();
        out.set("model", Value::make_string(spec.id));
        out.set("import", import_json(history));
        for (auto& member : metrics_to_json(*model, m).members) out.set(member.first, std::move(member.second));
        Value b = Value::make_object();
        b.set("by_total", number(brier.by_total));
        b.set("by_base_rate", number(brier.by_base_rate));
        out.set("brier", std::move(b));
        Value list = Value::make_array();
        for (const auto& row : answers) {
            Value item = Value::make_object();
            item.set("question", Value::make_string(spec.questions[static_cast<std::size_t>(row.question)].id));
            const Question& q = spec.questions[static_cast<std::size_t>(row.question)];
            item.set("answer", row.option < 0 ? Value::make_null()
                                              : Value::make_string(q.type == QuestionType::number ? answer_name(*model, row)
                                                                                                  : q.options[static_cast<std::size_t>(row.option)].value));
            item.set("leads", Value::make_int(static_cast<std::int64_t>(row.leads)));
            item.set("converted", Value::make_int(static_cast<std::int64_t>(row.converted)));
            item.set("conversion", row.leads ? number(row.conversion()) : Value::make_null());
            item.set("handoff", Value::make_int(static_cast<std::int64_t>(row.handoff)));
            item.set("share_of_handoffs", m.overall.handoff ? number(static_cast<double>(row.handoff) / static_cast<double>(m.overall.handoff)) : Value::make_null());
            item.set("lift", row.leads && base > 0 ? number(row.conversion() / base) : Value::make_null());
            list.items.push_back(std::move(item));
        }
        out.set("answers", std::move(list));
        Value impact = Value::make_array();
        for (const auto& r : rules) {
            Value item = Value::make_object();
            item.set("rule", Value::make_string(spec.rules[static_cast<std::size_t>(r.rule)].id));
            item.set("kind", Value::make_string(spec.rules[static_cast<std::size_t>(r.rule)].kind == RuleKind::knockout ? "knockout" : "gate"));
            item.set("removed", Value::make_int(static_cast<std::int64_t>(r.removed)));
            item.set("removed_converted", Value::make_int(static_cast<std::int64_t>(r.removed_converted)));
            impact.items.push_back(std::move(item));
        }
        out.set("rules", std::move(impact));
        s.out(json::to_string(out, 2) + "\n");
        return kExitOk;
    }
    s.out("Model " + spec.id + " " + spec.version + "\n" + import_summary(o.args.value_or("data", ""), history) + "\n");
    // The Brier score needs leads that reach a total (not knocked out, gates passed).
    const std::string brier_text = m.calibration.empty() ? std::string()
                                                          : printf_string("; Brier score %.4f, %.4f with the base rate alone", brier.by_total, brier.by_base_rate);
    s.out(printf_string("At the model's thresholds (AUC %.3f, base rate %s%s)\n%s", m.auc, pct(base).c_str(), brier_text.c_str(), kCountsHeader.c_str()));
    s.out(counts_row("all", m.overall));
    for (std::size_t i = 0; i < spec.segments.size(); ++i)
        if (m.segments[i].leads) s.out(counts_row(spec.segments[i].id, m.segments[i]));

    s.out("\nRules: the leads each one routes away (from the hand-off, or disqualified), and how many of them converted\n");
    for (const auto& r : rules) {
        const Rule& rule = spec.rules[static_cast<std::size_t>(r.rule)];
        std::string line = printf_string("  %-9s %-22s %s %s, %s converted", rule.kind == RuleKind::knockout ? "knock-out" : "gate", safe(rule.id, 22).c_str(),
                                         rule.kind == RuleKind::knockout ? "disqualified" : "kept from the hand-off",
                                         (thousands(r.removed) + (r.removed == 1 ? " lead" : " leads")).c_str(), thousands(r.removed_converted).c_str());
        if (r.removed) line += " (" + pct(static_cast<double>(r.removed_converted) / static_cast<double>(r.removed)) + ")";
        if (rule.kind == RuleKind::knockout && r.removed && static_cast<double>(r.removed_converted) / static_cast<double>(r.removed) >= base && base > 0)
            line += ": they convert at the base rate or better, check this rule";
        s.out(line + "\n");
    }
    if (rules.empty()) s.out("  (the model has no knock-outs or gates)\n");

    s.out("\nPer answer: leads, conversion rate, share of the hand-offs and lift (conversion rate / base rate)\n");
    s.out(printf_string("  %-36s %8s %10s %8s %13s %6s\n", "answer", "leads", "converted", "rate", "of hand-offs", "lift"));
    int last = -1;
    for (const auto& row : answers) {
        if (row.question != last) {
            const Question& q = spec.questions[static_cast<std::size_t>(row.question)];
            std::string label(q.label.in(""));
            s.out("  " + safe(label.empty() ? q.id : label, 70) + " (" + q.id + ")\n");
            last = row.question;
        }
        if (row.leads == 0 && row.option < 0) continue;
        const std::string dash = "\u2013";
        std::string line = printf_string("    %-34s %8s %10s %8s %13s %6s", safe(answer_name(*model, row), 34).c_str(), thousands(row.leads).c_str(),
                                         thousands(row.converted).c_str(), row.leads ? pct(row.conversion()).c_str() : dash.c_str(),
                                         m.overall.handoff ? pct(static_cast<double>(row.handoff) / static_cast<double>(m.overall.handoff)).c_str() : dash.c_str(),
                                         row.leads && base > 0 ? fixed(row.conversion() / base, 2).c_str() : dash.c_str());
        while (!line.empty() && line.back() == ' ') line.pop_back();
        s.out(line + "\n");
    }

    std::string kept;
    for (std::size_t i = 0; i < spec.segments.size(); ++i)
        if (m.own_threshold[i]) kept += (kept.empty() ? "" : ", ") + spec.segments[i].id + " " + std::to_string(m.thresholds[i]);
    s.out("\nAt other model thresholds" + (kept.empty() ? std::string() : " (segments with their own keep it: " + kept + ")") + "\n");
    s.out("threshold" + kCountsHeader.substr(9));
    for (const auto& p : m.sweep) s.out(counts_row(std::to_string(p.threshold), p.counts));
    s.out("\nConversion rate per total (calibration)\n total     leads  converted    rate\n");
    for (const auto& b : m.calibration)
        s.out(printf_string("%6d %9s %10s %7s\n", b.total, thousands(b.leads).c_str(), thousands(b.converted).c_str(),
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
