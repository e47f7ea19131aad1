// ripen validate MODEL: every problem in a model file, or OK.
#include "cli/text.hpp"
#include "commands/commands.hpp"
#include "commands/common.hpp"

namespace ripen::cli {

namespace {

struct ValidateOptions {
    std::string path;
};

// -1 to go on, else the exit status.
int parse(Session& s, const Words& words, ValidateOptions& o) {
    Args args;
    std::string error;
    if (!Args::parse(words, {}, {}, args, error)) return s.usage(error);
    if (args.help) {
        s.out(help("validate"));
        return kExitOk;
    }
    if (args.positional.size() != 1) return s.usage("expected one MODEL file");
    o.path = args.positional[0];
    return -1;
}

int run(Session& s, const ValidateOptions& o) {
    std::string text;
    if (!s.read_whole(o.path, kMaxModelBytes, "a model file", text)) return kExitUsage;
    int exit_code = kExitOk;
    s.out(validate_report(o.path, text, exit_code));
    return exit_code;
}

}  // namespace

int validate_command(Session& s, const Words& words) {
    ValidateOptions o;
    int code = parse(s, words, o);
    return code >= 0 ? code : run(s, o);
}

}  // namespace ripen::cli
