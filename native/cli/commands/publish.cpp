// ripen publish MODEL: the visitor-facing model for the form (see ripen/publish.hpp).
#include "cli/text.hpp"
#include "commands/commands.hpp"
#include "commands/common.hpp"
#include "ripen/publish.hpp"

namespace ripen::cli {

namespace {

struct PublishOptions {
    Args args;
    std::string path;
};

int parse(Session& s, const Words& words, PublishOptions& o) {
    std::string error;
    if (!Args::parse(words, {"out", "salt"}, {}, o.args, error)) return s.usage(error);
    if (o.args.help) {
        s.out(help("publish"));
        return kExitOk;
    }
    if (o.args.positional.size() != 1) return s.usage("expected one MODEL file");
    if (const std::string* salt = o.args.value("salt"); salt && (salt->empty() || salt->size() > 64))
        return s.usage("--salt must have 1 to 64 characters");
    o.path = o.args.positional[0];
    return -1;
}

int run(Session& s, const PublishOptions& o) {
    std::string text;
    if (!s.read_whole(o.path, kMaxModelBytes, "a model file", text)) return kExitUsage;
    auto loaded = load_model(text);
    if (!loaded.ok()) {
        s.err(invalid_model(s.command(), o.path, loaded.issues));
        return kExitInvalid;
    }
    if (loaded.value->spec().visitor_model)
        return s.fail(safe(shown_path(o.path)) + " is already a published model (\"audience\": \"visitor\"); publish the full model", kExitInvalid);
    PublishResult published = publish_model(*loaded.value, o.args.value_or("salt", ""));
    // What the form will load must load: a failure here is a bug in publish, not in the model.
    auto check = load_model(published.json);
    if (!check.ok()) {
        s.err(invalid_model(s.command(), "the published model", check.issues));
        return kExitInvalid;
    }
    const ModelSpec& spec = loaded.value->spec();
    std::string summary = "Published " + safe(spec.id) + (spec.version.empty() ? "" : " " + safe(spec.version)) + " for visitors: removed " + counted(static_cast<std::uint64_t>(published.touches_removed), "cadence touch") + ", " +
                          counted(static_cast<std::uint64_t>(published.labels_removed), "internal label") + " and " +
                          counted(static_cast<std::uint64_t>(published.reasons_removed), "rejection reason") + "; renamed " +
                          counted(static_cast<std::uint64_t>(published.ids_renamed), "rule and signal id") + "; hashed " +
                          counted(static_cast<std::uint64_t>(published.domains_hashed), "domain") + " in " +
                          counted(static_cast<std::uint64_t>(published.lists_hashed), "list") + ". " + thousands(text.size()) +
                          " -> " + thousands(published.json.size()) + " bytes (compact JSON).\n";
    if (const std::string* out = o.args.value("out"); out && *out != "-") {
        std::string error;
        if (!s.io().write_file(*out, published.json, error)) return s.fail("cannot write \"" + safe(*out) + "\": " + error, kExitUsage);
        s.out(summary + "Wrote " + safe(*out) + "\n");
        return kExitOk;
    }
    s.err(summary);
    s.out(published.json);
    return kExitOk;
}

}  // namespace

int publish_command(Session& s, const Words& words) {
    PublishOptions o;
    int code = parse(s, words, o);
    return code >= 0 ? code : run(s, o);
}

}  // namespace ripen::cli
