// ripen decide: one request per NDJSON line in, one decision per line out. The input is read in
// chunks and decided line by line, so memory stays at one chunk and one line however long the
// input; a line has a length limit.
#include "cli/text.hpp"
#include "commands/commands.hpp"
#include "commands/common.hpp"
#include "ripen/decision.hpp"

namespace ripen::cli {

namespace {

// A request is a few kilobytes; a line past this is not one.
constexpr std::size_t kMaxRequestBytes = std::size_t{16} << 20;

struct DecideOptions {
    Args args;
    std::string path = "-";
    std::string language;
};

int parse(Session& s, const Words& words, DecideOptions& o) {
    std::string error;
    if (!Args::parse(words, {"model", "lang"}, {"keep-going"}, o.args, error)) return s.usage(error);
    if (o.args.help) {
        s.out(help("decide"));
        return kExitOk;
    }
    o.args.at_most_positional(1, "expected at most one input FILE");
    if (!o.args.ok()) return s.usage(o.args.error());
    if (!o.args.positional.empty()) o.path = o.args.positional[0];
    o.language = o.args.value_or("lang", "");
    return -1;
}

int run(Session& s, const DecideOptions& o) {
    int code = kExitOk;
    auto model = load_model_option(s, o.args, code);
    if (!model) return code;
    std::string error;
    auto input = s.io().open(o.path, error);
    if (!input) return s.fail("cannot read \"" + safe(o.path) + "\": " + error, kExitUsage);
    const std::string shown = shown_path(o.path);
    std::uint64_t line = 0, failed = 0, total = 0;
    std::string out, pending, chunk(std::size_t{256} << 10, '\0');
    auto decide_line = [&](std::string_view request) {
        ++line;
        if (!request.empty() && request.back() == '\r') request.remove_suffix(1);
        if (request.find_first_not_of(" \t") == std::string_view::npos) return;
        ++total;
        std::vector<Issue> issues;
        if (!decide_json(*model, request, o.language, out, issues)) {
            ++failed;
            for (auto& issue : issues) {
                // The line is the input's; the column the request's.
                issue.line = line;
                s.err(row_error(shown, issue));
            }
        }
        if (out.size() > (1u << 20)) {
            s.out(out);
            out.clear();
        }
    };
    bool at_end = false;
    while (!at_end && !s.out_failed()) {
        std::int64_t n = input->read(&chunk[0], chunk.size(), error);
        if (n < 0) return s.fail("cannot read \"" + safe(o.path) + "\": " + error, kExitUsage);
        at_end = n == 0;
        std::string_view data(chunk.data(), static_cast<std::size_t>(n));
        // Whole lines in this chunk, the first one completing what the last chunk left.
        std::size_t start = 0;
        for (std::size_t nl; (nl = data.find('\n', start)) != std::string_view::npos; start = nl + 1) {
            if (pending.empty()) {
                decide_line(data.substr(start, nl - start));
            } else {
                pending.append(data.data() + start, nl - start);
                decide_line(pending);
                pending.clear();
            }
        }
        pending.append(data.data() + start, data.size() - start);
        if (pending.size() > kMaxRequestBytes) {
            s.out(out);
            return s.fail(shown + ":" + std::to_string(line + 1) + ": a request is longer than " +
                              std::to_string(kMaxRequestBytes >> 20) + " MB; the input is not read further",
                          kExitUsage);
        }
        if (at_end && !pending.empty()) decide_line(pending);
    }
    s.out(out);
    if (failed) {
        s.say(std::to_string(failed) + " of " + std::to_string(total) + " requests could not be decided");
        if (!o.args.flag("keep-going")) return kExitInvalid;
    }
    return kExitOk;
}

}  // namespace

int decide_command(Session& s, const Words& words) {
    DecideOptions o;
    int code = parse(s, words, o);
    return code >= 0 ? code : run(s, o);
}

}  // namespace ripen::cli
