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
    const std::string& data = *o.args.value("data");
    auto inferred = infer_from_file(s, *model, data, code);
    if (!inferred) return code;
    // The same check as report and tune make on the same mapping: they must agree.
    // When nothing matched, the mapping is still written (every column ignored) for the user to
    // fill in, and the status says it cannot be used as it is.
    if (int status = check_mapping_coverage(s, *model, *inferred, true, data); status >= 0) {
        s.out(json::to_string(mapping_to_json(*inferred), 2) + "\n");
        return status;
    }
    // Through the importer once, for what a user must confirm or fix: values no option matches.
    LeadTable table(*model);
    Importer importer(*model, *inferred, table);
    std::string error;
    if (auto input = s.io().open(data, error)) {
        std::string buffer(std::size_t{1} << 20, '\0');
        for (;;) {
            std::int64_t n = input->read(&buffer[0], buffer.size(), error);
            if (n <= 0 || !importer.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)))) break;
        }
        importer.finish();
    }
    s.err(mapping_table(*model, *inferred));
    s.err(unmapped_summary(importer.stats().unmapped));
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
