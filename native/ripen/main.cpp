// The ripen command-line tool: validate models, score lead files, explain one decision, write
// sample leads, and summarise a batch. A thin user of the core: it reads files and prints.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cli_text.hpp"
#include "ripen/ripen.hpp"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitInvalid = 1;  // invalid model, answers or rows
constexpr int kExitUsage = 2;    // bad arguments, unreadable files

struct Args {
    std::vector<std::string> positional;
    std::map<std::string, std::string> values;
    std::vector<std::string> flags;
    bool help = false;
};

// Parses "--name value", "--name=value" and flags. Unknown options are errors.
bool parse_args(int argc, char** argv, int first, const std::vector<std::string>& with_value,
                const std::vector<std::string>& flags, Args& args, std::string& error) {
    for (int i = first; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--help" || a == "-h") {
            args.help = true;
            continue;
        }
        if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
            std::string name = a.substr(2), value;
            bool inline_value = false;
            if (auto eq = name.find('='); eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
                inline_value = true;
            }
            if (std::find(flags.begin(), flags.end(), name) != flags.end() && !inline_value) {
                args.flags.push_back(name);
                continue;
            }
            if (std::find(with_value.begin(), with_value.end(), name) == with_value.end()) {
                error = "unknown option --" + name;
                return false;
            }
            if (!inline_value) {
                if (i + 1 >= argc) {
                    error = "option --" + name + " needs a value";
                    return false;
                }
                value = argv[++i];
            }
            args.values[name] = value;
            continue;
        }
        args.positional.push_back(a);
    }
    return true;
}

bool has_flag(const Args& args, const std::string& name) {
    return std::find(args.flags.begin(), args.flags.end(), name) != args.flags.end();
}

int usage_error(const std::string& command, const std::string& message) {
    std::fputs(ripen::cli::usage_error(command, message).c_str(), stderr);
    return kExitUsage;
}

bool read_file(const std::string& path, std::string& out, std::string& error) {
    FILE* f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
    if (!f) {
        error = "cannot read \"" + path + "\": " + std::strerror(errno);
        return false;
    }
    char buffer[1 << 16];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) out.append(buffer, n);
    bool failed = std::ferror(f) != 0;
    if (f != stdin) std::fclose(f);
    if (failed) {
        error = "cannot read \"" + path + "\": read error";
        return false;
    }
    return true;
}

void print_issues(const std::string& file, const std::vector<ripen::Issue>& issues) {
    for (const auto& issue : issues) std::fprintf(stderr, "%s\n", ripen::cli::located(file, issue).c_str());
}

// Loads and validates the model named by --model; prints problems and returns nullopt.
std::optional<ripen::Model> load_model_arg(const std::string& command, const Args& args, int& exit_code) {
    auto it = args.values.find("model");
    if (it == args.values.end()) {
        exit_code = usage_error(command, "missing --model MODEL");
        return std::nullopt;
    }
    std::string text, error;
    if (!read_file(it->second, text, error)) {
        std::fprintf(stderr, "ripen %s: %s\n", command.c_str(), error.c_str());
        exit_code = kExitUsage;
        return std::nullopt;
    }
    auto result = ripen::load_model(text);
    if (!result.ok()) {
        std::fputs(ripen::cli::invalid_model(command, it->second, result.issues).c_str(), stderr);
        exit_code = kExitInvalid;
        return std::nullopt;
    }
    return std::move(*result.value);
}

int cmd_validate(int argc, char** argv) {
    Args args;
    std::string error;
    if (!parse_args(argc, argv, 2, {}, {}, args, error)) return usage_error("validate", error);
    if (args.help) {
        std::fputs(ripen::cli::help("validate").data(), stdout);
        return kExitOk;
    }
    if (args.positional.size() != 1) return usage_error("validate", "expected one MODEL file");
    const std::string& path = args.positional[0];
    std::string text;
    if (!read_file(path, text, error)) {
        std::fprintf(stderr, "ripen validate: %s\n", error.c_str());
        return kExitUsage;
    }
    int exit_code = kExitOk;
    std::fputs(ripen::cli::validate_report(path, text, exit_code).c_str(), stdout);
    return exit_code;
}

// Reports progress on standard error when it is a terminal, at most four times a second.
class Progress {
public:
    explicit Progress(const char* verb) : verb_(verb), enabled_(isatty(STDERR_FILENO) != 0), start_(Clock::now()), last_(start_) {}

    void update(std::uint64_t rows, std::uint64_t bytes) {
        if (!enabled_) return;
        auto now = Clock::now();
        if (now - last_ < std::chrono::milliseconds(250)) return;
        last_ = now;
        shown_ = true;
        double seconds = std::chrono::duration<double>(now - start_).count();
        std::fprintf(stderr, "\r%s %llu rows, %.1f MB, %.1f MB/s   ", verb_, static_cast<unsigned long long>(rows),
                     static_cast<double>(bytes) / 1e6, static_cast<double>(bytes) / 1e6 / (seconds > 0 ? seconds : 1));
    }
    void done() {
        if (shown_) std::fputs("\r\033[K", stderr);
    }

private:
    using Clock = std::chrono::steady_clock;
    const char* verb_;
    bool enabled_;
    bool shown_ = false;
    Clock::time_point start_, last_;
};

// Counts line ends, to number the first line of the next block.
std::uint64_t count_lines(std::string_view bytes) {
    std::uint64_t n = 0;
    const char* p = bytes.data();
    const char* end = p + bytes.size();
    while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)))) != nullptr) {
        ++n;
        ++p;
    }
    return n;
}

// Streams FILE (or stdin) through BatchScorers: the input is cut into blocks of whole records,
// scored on several threads, and written in input order. Returns the exit status.
int run_batch(const std::string& command, const ripen::Model& model, const Args& args, bool write_output,
              ripen::ScoreStats& stats_out) {
    using Format = ripen::BatchScorer::Format;
    Format format = Format::csv;
    if (auto it = args.values.find("format"); it != args.values.end()) {
        if (it->second == "ndjson") format = Format::ndjson;
        else if (it->second != "csv") return usage_error(command, "--format must be csv or ndjson, got \"" + it->second + "\"");
    }
    long max_errors = 100;
    if (auto it = args.values.find("max-errors"); it != args.values.end()) {
        char* end = nullptr;
        max_errors = std::strtol(it->second.c_str(), &end, 10);
        if (it->second.empty() || *end || max_errors < 0) return usage_error(command, "--max-errors must be a number >= 0");
    }
    unsigned threads = std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
    if (auto it = args.values.find("threads"); it != args.values.end()) {
        char* end = nullptr;
        long n = std::strtol(it->second.c_str(), &end, 10);
        if (it->second.empty() || *end || n < 1 || n > 64) return usage_error(command, "--threads must be a number from 1 to 64");
        threads = static_cast<unsigned>(n);
    }
    if (args.positional.size() > 1) return usage_error(command, "expected at most one input FILE");
    std::string path = args.positional.empty() ? "-" : args.positional[0];
    std::string shown_path = path == "-" ? "<stdin>" : path;
    FILE* in = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
    if (!in) {
        std::fprintf(stderr, "ripen %s: cannot read \"%s\": %s\n", command.c_str(), path.c_str(), std::strerror(errno));
        return kExitUsage;
    }
    ripen::ScoreOptions options;
    options.complete = has_flag(args, "complete");
    ripen::BatchScorer scorer(model, format, options);
    std::vector<std::unique_ptr<ripen::BatchScorer>> workers;
    struct Slot {
        std::string_view block;  // into `buffer`, which stays put during a round
        std::string out;
        std::vector<ripen::RowError> errors;
        std::uint64_t first_line = 0;
    };
    std::vector<Slot> slots(threads);

    std::uint64_t printed = 0, reported = 0;
    auto report = [&](std::vector<ripen::RowError>& errors) {
        for (const auto& e : errors) {
            ++reported;
            if (max_errors == 0 || printed < static_cast<std::uint64_t>(max_errors)) {
                ++printed;
                std::fputs(ripen::cli::row_error(shown_path, e).c_str(), stderr);
            }
        }
        errors.clear();
    };
    auto emit = [&](std::string& out) {
        if (write_output && !out.empty()) std::fwrite(out.data(), 1, out.size(), stdout);
        out.clear();
    };

    const std::size_t block_size = std::size_t{4} << 20;  // per thread and round
    std::string buffer;
    std::vector<char> chunk(block_size);
    std::uint64_t line = 1;
    bool ok = true, at_end = false;
    Progress progress("scored");
    std::uint64_t rows_seen = 0, bytes_seen = 0;
    while (ok && !at_end) {
        // Fill the buffer with enough input for one block per thread.
        while (buffer.size() < block_size * threads) {
            std::size_t n = std::fread(chunk.data(), 1, chunk.size(), in);
            if (n == 0) {
                at_end = true;
                break;
            }
            buffer.append(chunk.data(), n);
        }
        if (!scorer.header_ready()) {
            // The header goes through the main scorer, which then lends its layout to workers.
            std::size_t end = ripen::BatchScorer::record_end(buffer, format, false);
            if (end == std::string::npos) {
                if (!at_end) continue;
                end = buffer.size();
            }
            std::string out;
            std::vector<ripen::RowError> errors;
            ok = scorer.feed(std::string_view(buffer).substr(0, end), out, errors);
            if (ok && at_end && end == buffer.size()) ok = scorer.finish(out, errors);
            report(errors);
            emit(out);
            line += count_lines(std::string_view(buffer).substr(0, end));
            buffer.erase(0, end);
            if (!ok) break;
        }
        // Workers share the header's layout (NDJSON has none), so they start after it.
        if (workers.empty())
            for (unsigned t = 0; t < threads; ++t) workers.push_back(scorer.fork());
        // Cut the buffer into one block per thread at record boundaries.
        std::size_t usable = at_end ? buffer.size() : ripen::BatchScorer::record_end(buffer, format, true);
        if (usable == std::string::npos) {
            if (buffer.size() > (std::size_t{256} << 20)) {
                std::fprintf(stderr, "ripen %s: a record in \"%s\" near line %llu is longer than 256 MB (an unclosed quote?)\n",
                             command.c_str(), shown_path.c_str(), static_cast<unsigned long long>(line));
                ok = false;
                break;
            }
            continue;
        }
        std::size_t start = 0;
        unsigned used = 0;
        for (unsigned t = 0; t < threads && start < usable; ++t) {
            std::size_t end = usable;
            if (t + 1 < threads && usable - start > block_size) {
                std::size_t cut = ripen::BatchScorer::record_end(std::string_view(buffer).substr(start, block_size), format, true);
                if (cut != std::string::npos) end = start + cut;
            }
            Slot& slot = slots[t];
            slot.block = std::string_view(buffer).substr(start, end - start);
            slot.first_line = line;
            line += count_lines(slot.block);
            start = end;
            ++used;
        }
        std::vector<std::thread> running;
        for (unsigned t = 1; t < used; ++t)
            running.emplace_back([&, t] { workers[t]->score_block(slots[t].block, slots[t].first_line, slots[t].out, slots[t].errors); });
        if (used > 0) workers[0]->score_block(slots[0].block, slots[0].first_line, slots[0].out, slots[0].errors);
        for (auto& th : running) th.join();
        for (unsigned t = 0; t < used; ++t) {
            emit(slots[t].out);
            report(slots[t].errors);
            bytes_seen += slots[t].block.size();
        }
        buffer.erase(0, start);
        rows_seen = 0;
        for (const auto& w : workers) rows_seen += w->stats().rows;
        progress.update(rows_seen, bytes_seen);
    }
    bool read_failed = std::ferror(in) != 0;
    if (in != stdin) std::fclose(in);
    if (ok && !scorer.header_ready()) {
        std::string out;
        std::vector<ripen::RowError> errors;
        ok = scorer.finish(out, errors);
        report(errors);
    }
    progress.done();
    std::fflush(stdout);
    for (const auto& w : workers) scorer.add_stats(w->stats());
    stats_out = scorer.stats();
    if (read_failed) {
        std::fprintf(stderr, "ripen %s: read error on \"%s\"\n", command.c_str(), path.c_str());
        return kExitUsage;
    }
    if (!ok) {
        std::fprintf(stderr, "ripen %s: cannot score \"%s\"\n", command.c_str(), shown_path.c_str());
        return kExitUsage;
    }
    std::fputs(ripen::cli::score_footer(command, reported, printed, stats_out.failed, stats_out.rows).c_str(), stderr);
    if (stats_out.failed > 0) {
        if (!has_flag(args, "keep-going")) return kExitInvalid;
    }
    return kExitOk;
}

int cmd_score(int argc, char** argv) {
    Args args;
    std::string error;
    if (!parse_args(argc, argv, 2, {"model", "format", "max-errors", "threads"}, {"complete", "keep-going"}, args, error))
        return usage_error("score", error);
    if (args.help) {
        std::fputs(ripen::cli::help("score").data(), stdout);
        return kExitOk;
    }
    int code = kExitOk;
    auto model = load_model_arg("score", args, code);
    if (!model) return code;
    ripen::ScoreStats stats;
    return run_batch("score", *model, args, true, stats);
}

// A JSON argument given inline or as @file.
bool read_json_arg(const std::string& command, const std::string& option, const std::string& value, std::string& text,
                   std::string& place, int& exit_code) {
    if (!value.empty() && value[0] == '@') {
        std::string error;
        place = value.substr(1);
        if (!read_file(place, text, error)) {
            std::fprintf(stderr, "ripen %s: %s\n", command.c_str(), error.c_str());
            exit_code = kExitUsage;
            return false;
        }
    } else {
        text = value;
        place = "--" + option;
    }
    return true;
}

int cmd_explain(int argc, char** argv) {
    Args args;
    std::string error;
    if (!parse_args(argc, argv, 2, {"model", "answers", "context", "lang", "format"}, {}, args, error))
        return usage_error("explain", error);
    if (args.help) {
        std::fputs(ripen::cli::help("explain").data(), stdout);
        return kExitOk;
    }
    if (!args.positional.empty()) return usage_error("explain", "unexpected argument \"" + args.positional[0] + "\"");
    std::string format = args.values.count("format") ? args.values["format"] : "text";
    if (format != "text" && format != "json") return usage_error("explain", "--format must be text or json, got \"" + format + "\"");
    if (!args.values.count("answers")) return usage_error("explain", "missing --answers JSON|@FILE");
    int code = kExitOk;
    auto model = load_model_arg("explain", args, code);
    if (!model) return code;
    std::string language = args.values.count("lang") ? args.values["lang"] : std::string();
    if (!language.empty()) {
        const auto& langs = model->spec().languages;
        if (std::find(langs.begin(), langs.end(), language) == langs.end())
            std::fprintf(stderr, "ripen explain: warning: the model has no \"%s\" texts; using \"%s\"\n", language.c_str(), langs.front().c_str());
    }

    std::string text, place;
    if (!read_json_arg("explain", "answers", args.values["answers"], text, place, code)) return code;
    auto answers = ripen::parse_answers(*model, text);
    if (!answers.ok()) {
        print_issues(place, answers.issues);
        return kExitInvalid;
    }
    ripen::Context context;
    if (args.values.count("context")) {
        if (!read_json_arg("explain", "context", args.values["context"], text, place, code)) return code;
        auto parsed = ripen::parse_context(text);
        if (!parsed.ok()) {
            print_issues(place, parsed.issues);
            return kExitInvalid;
        }
        context = std::move(*parsed.value);
    }
    ripen::Decision decision = ripen::decide(*model, *answers, context);
    if (format == "json") {
        std::string out = ripen::json::to_string(ripen::decision_to_json(*model, decision, language), 2);
        std::fprintf(stdout, "%s\n", out.c_str());
    } else {
        std::fputs(ripen::explain(*model, decision, language).c_str(), stdout);
    }
    return kExitOk;
}

int cmd_decide(int argc, char** argv) {
    Args args;
    std::string error;
    if (!parse_args(argc, argv, 2, {"model", "lang"}, {"keep-going"}, args, error)) return usage_error("decide", error);
    if (args.help) {
        std::fputs(ripen::cli::help("decide").data(), stdout);
        return kExitOk;
    }
    if (args.positional.size() > 1) return usage_error("decide", "expected at most one input FILE");
    int code = kExitOk;
    auto model = load_model_arg("decide", args, code);
    if (!model) return code;
    std::string path = args.positional.empty() ? "-" : args.positional[0];
    std::string text;
    if (!read_file(path, text, error)) {
        std::fprintf(stderr, "ripen decide: %s\n", error.c_str());
        return kExitUsage;
    }
    std::string shown = path == "-" ? "<stdin>" : path;
    std::string language = args.values.count("lang") ? args.values["lang"] : std::string();
    std::uint64_t line = 0, failed = 0, total = 0;
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string_view request = std::string_view(text).substr(start, end - start);
        start = end + 1;
        ++line;
        if (!request.empty() && request.back() == '\r') request.remove_suffix(1);
        if (request.find_first_not_of(" \t") == std::string_view::npos) continue;
        ++total;
        std::vector<ripen::Issue> issues;
        if (!ripen::decide_json(*model, request, language, out, issues)) {
            ++failed;
            for (auto& issue : issues) {
                std::string where = std::to_string(line) + ":" + std::to_string(issue.column) + ": ";
                issue.line = 0;
                std::fprintf(stderr, "%s:%s%s\n", shown.c_str(), where.c_str(), ripen::format_issue(issue).c_str());
            }
        }
        if (out.size() > (1u << 20)) {
            std::fwrite(out.data(), 1, out.size(), stdout);
            out.clear();
        }
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    if (failed) {
        std::fprintf(stderr, "ripen decide: %llu of %llu requests could not be decided\n", static_cast<unsigned long long>(failed),
                     static_cast<unsigned long long>(total));
        if (!has_flag(args, "keep-going")) return kExitInvalid;
    }
    return kExitOk;
}

int cmd_sample(int argc, char** argv) {
    Args args;
    std::string error;
    if (!parse_args(argc, argv, 2, {"model", "count", "seed"}, {}, args, error)) return usage_error("sample", error);
    if (args.help) {
        std::fputs(ripen::cli::help("sample").data(), stdout);
        return kExitOk;
    }
    if (!args.positional.empty()) return usage_error("sample", "unexpected argument \"" + args.positional[0] + "\"");
    auto number = [&](const char* name, unsigned long long max, unsigned long long& out) {
        const std::string& s = args.values[name];
        char* end = nullptr;
        errno = 0;
        out = std::strtoull(s.c_str(), &end, 10);
        return !s.empty() && s[0] != '-' && *end == 0 && errno == 0 && out <= max;
    };
    if (!args.values.count("count")) return usage_error("sample", "missing --count N");
    unsigned long long count = 0, seed = 1;
    if (!number("count", 100000000ull, count)) return usage_error("sample", "--count must be a whole number from 0 to 100000000");
    if (args.values.count("seed") && !number("seed", ~0ull, seed)) return usage_error("sample", "--seed must be a whole number");
    int code = kExitOk;
    auto model = load_model_arg("sample", args, code);
    if (!model) return code;
    ripen::LeadGenerator generator(*model, seed);
    ripen::SampleLead lead;
    std::string out = generator.csv_header();
    Progress progress("wrote");
    for (unsigned long long i = 0; i < count; ++i) {
        generator.next(lead);
        generator.append_csv(lead, out);
        if (out.size() > (1u << 20)) {
            std::fwrite(out.data(), 1, out.size(), stdout);
            progress.update(i + 1, 0);
            out.clear();
        }
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    progress.done();
    return std::fflush(stdout) == 0 ? kExitOk : kExitUsage;
}

std::string percent(std::uint64_t part, std::uint64_t whole) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%llu (%.1f%%)", static_cast<unsigned long long>(part),
                  whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
    return buffer;
}

int cmd_summary(int argc, char** argv) {
    Args args;
    std::string error;
    if (!parse_args(argc, argv, 2, {"model", "format", "max-errors", "threads"}, {"complete", "keep-going"}, args, error))
        return usage_error("summary", error);
    if (args.help) {
        std::fputs(ripen::cli::help("summary").data(), stdout);
        return kExitOk;
    }
    int code = kExitOk;
    auto model = load_model_arg("summary", args, code);
    if (!model) return code;
    ripen::ScoreStats stats;
    code = run_batch("summary", *model, args, false, stats);
    if (code == kExitUsage) return code;
    const auto& spec = model->spec();
    std::printf("Model %s %s: %llu leads, %llu scored, %llu could not be scored\n\n", spec.id.c_str(), spec.version.c_str(),
                static_cast<unsigned long long>(stats.rows), static_cast<unsigned long long>(stats.scored),
                static_cast<unsigned long long>(stats.failed));
    ripen::SegmentStats all;
    bool any_undecided = false;
    for (const auto& s : stats.segments) any_undecided = any_undecided || s.by_route[3] > 0;
    std::printf("%-12s %7s  %-16s %-16s %-16s %s%9s  %s\n", "segment", "leads", "hand-off", "nurture", "disqualify",
                any_undecided ? "undecided         " : "", "avg score", "SLA");
    auto row = [&](const std::string& name, const ripen::SegmentStats& s, const std::string& sla) {
        std::string undecided = any_undecided ? percent(s.by_route[3], s.leads) : "";
        if (any_undecided) undecided.resize(18, ' ');
        std::printf("%-12s %7llu  %-16s %-16s %-16s %s%9.1f  %s\n", name.c_str(), static_cast<unsigned long long>(s.leads),
                    percent(s.by_route[0], s.leads).c_str(), percent(s.by_route[1], s.leads).c_str(),
                    percent(s.by_route[2], s.leads).c_str(), undecided.c_str(),
                    s.leads ? static_cast<double>(s.score_sum) / static_cast<double>(s.leads) : 0.0, sla.c_str());
    };
    for (std::size_t i = 0; i < spec.segments.size(); ++i) {
        const auto& s = stats.segments[i];
        all.leads += s.leads;
        for (int r = 0; r < 4; ++r) all.by_route[r] += s.by_route[r];
        all.score_sum += s.score_sum;
        std::string sla = "accept within " + std::to_string(spec.segments[i].sla_hours) + " h, " +
                          std::to_string(spec.segments[i].cadence.size()) + " touches";
        row(spec.segments[i].id, s, sla);
    }
    row("all", all, "");
    return code;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fputs(ripen::cli::help("").data(), stderr);
        return kExitUsage;
    }
    std::string command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
        std::fputs(ripen::cli::help("").data(), stdout);
        return kExitOk;
    }
    if (command == "--version") {
        std::printf("ripen %s\n", std::string(ripen::version()).c_str());
        return kExitOk;
    }
    if (command == "validate") return cmd_validate(argc, argv);
    if (command == "score") return cmd_score(argc, argv);
    if (command == "explain") return cmd_explain(argc, argv);
    if (command == "decide") return cmd_decide(argc, argv);
    if (command == "sample") return cmd_sample(argc, argv);
    if (command == "summary") return cmd_summary(argc, argv);
    std::fprintf(stderr, "ripen: unknown command \"%s\"\n%s", command.c_str(), ripen::cli::help("").data());
    return kExitUsage;
}
