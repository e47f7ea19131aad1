// ripen sample: seeded synthetic historical leads for a model, as CSV.
#include "cli/text.hpp"
#include "commands/commands.hpp"
#include "commands/common.hpp"
#include "ripen/sample.hpp"

namespace ripen::cli {

namespace {

struct SampleOptions {
    Args args;
    unsigned long long count = 0;
    unsigned long long seed = 1;
};

int parse(Session& s, const Words& words, SampleOptions& o) {
    std::string error;
    if (!Args::parse(words, {"model", "count", "seed"}, {}, o.args, error)) return s.usage(error);
    if (o.args.help) {
        s.out(help("sample"));
        return kExitOk;
    }
    Args& a = o.args;
    a.no_positional();
    if (!a.ok()) return s.usage(a.error());
    if (!a.has("count")) return s.usage("missing --count N");
    if (auto n = a.integer("count", 0, 100000000, "--count must be a whole number from 0 to 100000000")) o.count = static_cast<unsigned long long>(*n);
    if (auto n = a.unsigned_integer("seed", "--seed must be a whole number")) o.seed = *n;
    if (!a.ok()) return s.usage(a.error());
    return -1;
}

int run(Session& s, const SampleOptions& o) {
    int code = kExitOk;
    auto model = load_model_option(s, o.args, code);
    if (!model) return code;
    LeadGenerator generator(*model, o.seed);
    SampleLead lead;
    std::string out = generator.csv_header();
    for (unsigned long long i = 0; i < o.count; ++i) {
        generator.next(lead);
        generator.append_csv(lead, out);
        if (out.size() > (1u << 20)) {
            s.out(out);
            out.clear();
            if (s.out_failed()) break;
            s.io().progress("wrote", i + 1, 0);
        }
    }
    s.out(out);
    s.io().progress_done();
    return kExitOk;
}

}  // namespace

int sample_command(Session& s, const Words& words) {
    SampleOptions o;
    int code = parse(s, words, o);
    return code >= 0 ? code : run(s, o);
}

}  // namespace ripen::cli
