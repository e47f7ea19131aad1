// ripen map: a mapping from a CRM export's columns to the model, inferred, as JSON to edit.
#include "cli/text.hpp"
#include "commands/commands.hpp"
#include "commands/common.hpp"

namespace ripen::cli {

namespace {

struct MapOptions {
    Args args;
};

int parse(Session& s, const Words& words, MapOptions& o) {
    std::string error;
    if (!Args::parse(words, {"model", "data"}, {}, o.args, error)) return s.usage(error);
    if (o.args.help) {
        s.out(help("map"));
        return kExitOk;
    }
    if (!o.args.has("data")) return s.usage("missing --data CSV");
    return -1;
}

int run(Session& s, const MapOptions& o) {
    int code = kExitOk;
    auto model = load_model_option(s, o.args, code);
    if (!model) return code;
    auto inferred = infer_from_file(s, *model, *o.args.value("data"), code);
    if (!inferred) return code;
    s.out(json::to_string(mapping_to_json(*inferred), 2) + "\n");
    return kExitOk;
}

}  // namespace

int map_command(Session& s, const Words& words) {
    MapOptions o;
    int code = parse(s, words, o);
    return code >= 0 ? code : run(s, o);
}

}  // namespace ripen::cli
