// ripen fit: points fitted from outcomes, written as a new model with a readable diff.
#include <cmath>

#include "cli/text.hpp"
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
    if (!Args::parse(words, {"model", "data", "map", "format", "out", "seed", "holdout", "l2", "split-out"}, {}, o.args, error))
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
    const FitResult& f = *fitted.value;
    const std::string out_path = *o.args.value("out");
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
        out.set("diff", Value::make_string(f.diff));
        out.set("out", Value::make_string(out_path));
        s.out(json::to_string(out, 2) + "\n");
        return kExitOk;
    }
    s.err(import_summary(o.args.value_or("data", ""), history));
    s.out(printf_string("Fitted on %llu leads, %llu held out (seed %llu), %d iterations\n", static_cast<unsigned long long>(f.train),
                        static_cast<unsigned long long>(f.holdout), static_cast<unsigned long long>(o.fit.seed), f.iterations));
    s.out("AUC                      train   holdout\n");
    s.out(printf_string("  model before           %.4f  %.4f\n", f.auc_before_train, f.auc_before_holdout));
    s.out(printf_string("  fitted integer points  %.4f  %.4f\n", f.auc_train, f.auc_holdout));
    s.out(printf_string("  regression (no limits) %.4f  %.4f\n", f.lr_auc_train, f.lr_auc_holdout));
    s.out("Points changed:\n" + f.diff + "Wrote " + out_path + "\n");
    return kExitOk;
}

}  // namespace

int fit_command(Session& s, const Words& words) {
    FitCommandOptions o;
    int code = parse(s, words, o);
    return code >= 0 ? code : run(s, o);
}

}  // namespace ripen::cli
