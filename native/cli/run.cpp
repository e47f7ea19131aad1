// The command dispatch: help, version, and one command per word (see cli.hpp).
#include "cli/cli.hpp"

#include "cli/session.hpp"
#include "cli/text.hpp"
#include "commands/commands.hpp"
#include "ripen/version.hpp"

namespace ripen::cli {

namespace {

struct Command {
    const char* name;
    int (*run)(Session&, const Words&);
};

constexpr Command kCommands[] = {
    {"validate", validate_command}, {"score", score_command}, {"explain", explain_command}, {"decide", decide_command},
    {"sample", sample_command},     {"summary", summary_command}, {"report", report_command}, {"tune", tune_command},
    {"fit", fit_command},           {"map", map_command},         {"publish", publish_command},
};

}  // namespace

int run(Io& io, const std::vector<std::string>& words) {
    if (words.empty()) {
        io.write_err(help(""));
        return kExitUsage;
    }
    const std::string& name = words[0];
    if (name == "--help" || name == "-h" || name == "help") {
        Session s(io, "");
        s.out(help(""));
        return s.finish(kExitOk);
    }
    if (name == "--version") {
        Session s(io, "");
        s.out("ripen " + std::string(version()) + "\n");
        return s.finish(kExitOk);
    }
    for (const Command& command : kCommands) {
        if (name != command.name) continue;
        Session s(io, name);
        int code = command.run(s, Words(words.begin() + 1, words.end()));
        return s.finish(code);
    }
    io.write_err("ripen: unknown command \"" + safe(name) + "\"\n" + std::string(help("")));
    return kExitUsage;
}

}  // namespace ripen::cli
