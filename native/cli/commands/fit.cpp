// ripen fit: points fitted from outcomes, written as a new model with a readable diff.
#include <cmath>

#include "cli/text.hpp"
#include "ripen/version.hpp"
#include "commands/commands.hpp"
#include "commands/common.hpp"

namespace ripen::cli {

namespace {

struct FitCommandOptions {
    Args args;
    std::string format;
    FitOptions fit;
};

int parse(Session& s, const Words& words, FitCommandOptions& o) {
    std::string error;
    if (!Args::parse(words, {"model", "data", "map", "format", "out", "seed", "holdout", "l2", "split-out", "min-support", "date"}, {"keep-criteria"}, o.args, error))
        return s.usage(error);
    if (o.args.help) {
        s.out(data_help("fit"));
        return kExitOk;
    }
    Args& a = o.args;
    o.format = a.choice("format", {"text", "json"}, "text");
    if (!a.ok()) return s.usage(a.error());
    if (!a.has("out")) return s.usage("missing --out NEWMODEL");
    if (auto seed = a.unsigned_integer("seed", "--seed must be a whole number")) o.fit.seed = *seed;
    if (auto holdout = a.number("holdout", 0, 0.9, false, "--holdout must be a share from 0 to 0.9")) o.fit.holdout = *holdout;
    if (auto l2 = a.number("l2", 0, 1e300, true, "--l2 must be a number > 0")) o.fit.l2 = *l2;
    if (auto n = a.integer("min-support", 1, 1000000000, "--min-support must be a number of leads >= 1")) o.fit.min_support = static_cast<std::uint64_t>(*n);
    o.fit.keep_criteria = a.flag("keep-criteria");
    if (const std::string* date = a.value("date"); date && !parse_time(*date + "T00:00:00Z"))
        return s.usage("--date must be a day such as 2026-12-03");
    a.no_positional();
    if (!a.ok()) return s.usage(a.error());
    return -1;
}

int run(Session& s, const FitCommandOptions& o) {
    int code = kExitOk;
    auto model = load_model_option(s, o.args, code);
    if (!model) return code;
    History history;
    if ((code = load_history(s, o.args, *model, history)) != kExitOk) return code;
    auto fitted = fit_points(*model, *history.table, o.fit);
    if (!fitted.ok()) {
        for (const auto& i : fitted.issues) s.say(i.message + " [" + i.code + "]");
        return kExitInvalid;
    }
    FitResult& f = *fitted.value;
    const std::string out_path = *o.args.value("out");
    // A new version with where its points came from; the date is given (tests) or today's.
    const std::string version = next_version(model->spec().version);
    {
        using json::Value;
        f.document.set("version", Value::make_string(version));
        Value provenance = Value::make_object();
        provenance.set("fitted_by", Value::make_string("ripen fit " + std::string(ripen::version())));
        provenance.set("from_version", Value::make_string(model->spec().version));
        provenance.set("data", Value::make_string(o.args.value_or("data", "")));
        provenance.set("rows", Value::make_int(static_cast<std::int64_t>(history.stats.imported)));
        provenance.set("train", Value::make_int(static_cast<std::int64_t>(f.train)));
        provenance.set("holdout", Value::make_int(static_cast<std::int64_t>(f.holdout)));
        provenance.set("holdout_share", Value::make_number_lexeme(fixed(o.fit.holdout, 2)));
        provenance.set("seed", Value::make_int(static_cast<std::int64_t>(o.fit.seed)));
        provenance.set("min_support", Value::make_int(static_cast<std::int64_t>(o.fit.min_support)));
        provenance.set("date", Value::make_string(o.args.value_or("date", s.io().today())));
        provenance.set("auc_holdout", Value::make_number_lexeme(fixed(f.auc_holdout, 4)));
        f.document.set("provenance", std::move(provenance));
    }
    // The written model must load: check before writing it.
    std::string text = json::to_string(f.document, 2) + "\n";
    auto reloaded = load_model(text);
    if (!reloaded.ok()) {
        s.say("the fitted model does not validate:");
        print_issues(s, out_path, reloaded.issues);
        return kExitInvalid;
    }
    std::string error;
    if (!s.io().write_file(out_path, text, error)) return s.fail("cannot write \"" + safe(out_path) + "\": " + error, kExitUsage);
    if (const std::string* split_out = o.args.value("split-out")) {
        static constexpr const char* kSplitNames[] = {"left_out", "train", "holdout"};
        std::string lines = "split\n";
        for (auto part : f.split) lines += std::string(kSplitNames[static_cast<int>(part)]) + "\n";
        if (!s.io().write_file(*split_out, lines, error)) return s.fail("cannot write \"" + safe(*split_out) + "\": " + error, kExitUsage);
    }
    if (o.format == "json") {
        using json::Value;
        auto number = [](double x) { return Value::make_number_lexeme(fixed(x, 4)); };
        Value out = Value::make_object();
        out.set("import", import_json(history));
        out.set("train", Value::make_int(static_cast<std::int64_t>(f.train)));
        out.set("holdout", Value::make_int(static_cast<std::int64_t>(f.holdout)));
        out.set("auc_before_train", number(f.auc_before_train));
        out.set("auc_before_holdout", number(f.auc_before_holdout));
        out.set("auc_train", number(f.auc_train));
        out.set("auc_holdout", number(f.auc_holdout));
        out.set("regression_auc_train", number(f.lr_auc_train));
        out.set("regression_auc_holdout", number(f.lr_auc_holdout));
        out.set("scale", number(f.scale));
        out.set("iterations", Value::make_int(f.iterations));
        out.set("version", Value::make_string(version));
        out.set("handoff_at", Value::make_int(f.handoff_at));
        out.set("rare_answers_capped", Value::make_int(static_cast<std::int64_t>(f.capped_rare)));
        out.set("min_support", Value::make_int(static_cast<std::int64_t>(o.fit.min_support)));
        out.set("changes", scoring_changes(*model, Scoring::from(*model), f.scoring));
        out.set("diff", Value::make_string(f.diff));
        out.set("out", Value::make_string(out_path));
        s.out(json::to_string(out, 2) + "\n");
        return kExitOk;
    }
    s.err(import_summary(o.args.value_or("data", ""), history));
    s.out("Fitted on " + counted(f.train, "lead") + ", " + std::to_string(f.holdout) + " held out (seed " + std::to_string(o.fit.seed) + "), " +
          counted(static_cast<std::uint64_t>(f.iterations), "iteration") + "\n");
    s.out("AUC                      train   holdout\n");
    s.out(printf_string("  model before           %.4f  %.4f\n", f.auc_before_train, f.auc_before_holdout));
    s.out(printf_string("  fitted integer points  %.4f  %.4f\n", f.auc_train, f.auc_holdout));
    s.out(printf_string("  regression (no limits) %.4f  %.4f\n", f.lr_auc_train, f.lr_auc_holdout));
    if (f.holdout > 0 && f.auc_holdout < f.auc_before_holdout)
        s.out("Warning: the fitted points rank the held-out leads worse than the model's own; keep the model or fit on more leads.\n");
    s.out("Points are relative to each question's least converting answer, which gets 0 (the regression's log-odds shifted up).\n");
    if (f.capped_rare)
        s.out(printf_string("%llu rare answer%s (fewer than %llu training leads) held to at most 1 point; answers no lead gave get 0.\n",
                            static_cast<unsigned long long>(f.capped_rare), f.capped_rare == 1 ? "" : "s",
                            static_cast<unsigned long long>(o.fit.min_support)));
    s.out(printf_string("Hand-off threshold on the new scale: %d (the same share of hand-offs as the model's %d)\n", f.handoff_at,
                        model->spec().handoff_at));
    s.out("Version " + model->spec().version + " -> " + version + "\nPoints changed:\n" + f.diff + "Wrote " + out_path + "\n");
    return kExitOk;
}

}  // namespace

int fit_command(Session& s, const Words& words) {
    FitCommandOptions o;
    int code = parse(s, words, o);
    return code >= 0 ? code : run(s, o);
}

}  // namespace ripen::cli
