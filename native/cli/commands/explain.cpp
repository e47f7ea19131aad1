// ripen explain: the decision for one lead, as prose or as the decision JSON.
#include <algorithm>

#include "cli/text.hpp"
#include "commands/commands.hpp"
#include "commands/common.hpp"
#include "ripen/decision.hpp"

namespace ripen::cli {

namespace {

struct ExplainOptions {
    Args args;
    std::string format;
    std::string language;
};

int parse(Session& s, const Words& words, ExplainOptions& o) {
    std::string error;
    if (!Args::parse(words, {"model", "answers", "context", "lang", "format"}, {}, o.args, error)) return s.usage(error);
    if (o.args.help) {
        s.out(help("explain"));
        return kExitOk;
    }
    Args& a = o.args;
    a.no_positional();
    o.format = a.choice("format", {"text", "json"}, "text");
    if (!a.ok()) return s.usage(a.error());
    if (!a.has("answers")) return s.usage("missing --answers JSON|@FILE");
    o.language = a.value_or("lang", "");
    return -1;
}

int run(Session& s, const ExplainOptions& o) {
    int code = kExitOk;
    auto model = load_model_option(s, o.args, code);
    if (!model) return code;
    if (!o.language.empty()) {
        const auto& langs = model->spec().languages;
        if (std::find(langs.begin(), langs.end(), o.language) == langs.end())
            s.say("warning: the model has no \"" + safe(o.language) + "\" texts; using \"" + langs.front() + "\"");
    }
    std::string text, place;
    if (!read_json_option(s, "answers", *o.args.value("answers"), text, place)) return kExitUsage;
    auto answers = parse_answers(*model, text);
    if (!answers.ok()) {
        print_issues(s, place, answers.issues);
        return kExitInvalid;
    }
    Context context;
    if (const std::string* context_option = o.args.value("context")) {
        if (!read_json_option(s, "context", *context_option, text, place)) return kExitUsage;
        auto parsed = parse_context(text);
        if (!parsed.ok()) {
            print_issues(s, place, parsed.issues);
            return kExitInvalid;
        }
        context = std::move(*parsed.value);
    }
    Decision decision = decide(*model, *answers, context);
    if (o.format == "json") s.out(to_json(*model, decision, o.language, 2) + "\n");
    else s.out(explain(*model, decision, o.language));
    return kExitOk;
}

}  // namespace

int explain_command(Session& s, const Words& words) {
    ExplainOptions o;
    int code = parse(s, words, o);
    return code >= 0 ? code : run(s, o);
}

}  // namespace ripen::cli
