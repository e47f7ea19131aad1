// The ripen command-line tool: validate models, score lead files, explain one decision, write
// sample leads, and summarise a batch. A thin user of the core: it reads files and prints.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <memory>
#include <mutex>
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

    std::uint64_t printed = 0, reported = 0;
    auto report = [&](std::vector<ripen::Issue>& errors) {
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

    // Input is cut into blocks of whole records. Each thread takes the next block (under the
    // input lock), scores it with line numbers counted from the block's start, then waits its
    // turn to write its output and report its errors in input order (under the output lock).
    // Reading and writing thus overlap the other threads' scoring instead of stopping them.
    const std::size_t block_size = std::size_t{1} << 20;
    const std::size_t read_size = std::size_t{256} << 10;
    const std::size_t longest_record = std::size_t{256} << 20;
    std::string carry;  // read, not yet handed out; starts at a record boundary
    bool ok = true, at_end = false;
    auto read_into = [&](std::string& into) {
        const std::size_t old = into.size();
        into.resize(old + read_size);
        const std::size_t n = std::fread(&into[old], 1, read_size, in);
        into.resize(old + n);
        if (n == 0) at_end = true;
    };
    auto too_long = [&](std::uint64_t near_line) {
        std::fprintf(stderr, "ripen %s: a record in \"%s\" near line %llu is longer than 256 MB (an unclosed quote?)\n",
                     command.c_str(), shown_path.c_str(), static_cast<unsigned long long>(near_line));
        ok = false;
    };
    std::uint64_t line = 1;  // of the next record to write

    // The header goes through the main scorer, which then lends its layout to the workers.
    while (ok && !scorer.header_ready()) {
        std::size_t end = ripen::BatchScorer::record_end(carry, format, false);
        if (end == std::string::npos && !at_end) {
            if (carry.size() > longest_record) too_long(line);
            else read_into(carry);
            continue;
        }
        if (end == std::string::npos) end = carry.size();
        std::string out;
        std::vector<ripen::Issue> errors;
        ok = scorer.feed(std::string_view(carry).substr(0, end), out, errors);
        if (ok && at_end && end == carry.size()) ok = scorer.finish(out, errors);
        report(errors);
        emit(out);
        line += count_lines(std::string_view(carry).substr(0, end));
        carry.erase(0, end);
        if (at_end && carry.empty()) break;
    }

    Progress progress("scored");
    std::uint64_t rows_seen = 0, bytes_seen = 0;
    std::mutex input_lock, output_lock;
    std::condition_variable output_turn;
    std::uint64_t next_block = 0, next_output = 0;
    auto run_worker = [&](ripen::BatchScorer& worker) {
        std::string block, out;
        std::vector<ripen::Issue> errors;
        for (;;) {
            std::uint64_t seq;
            {
                std::lock_guard<std::mutex> hold(input_lock);
                if (!ok) return;
                // Copied, not moved: the block keeps its capacity from round to round (a fresh
                // buffer per block costs a page fault per 4 KB).
                block.assign(carry);
                carry.clear();
                // At least a block's worth, cut after its last whole record; a longer record
                // makes a longer block.
                std::size_t cut = std::string::npos;
                for (;;) {
                    while (!at_end && block.size() < block_size) read_into(block);
                    if (at_end) {
                        cut = block.size();
                        break;
                    }
                    cut = ripen::BatchScorer::record_end(block, format, true);
                    if (cut != std::string::npos) break;
                    if (block.size() > longest_record) {
                        too_long(line);
                        return;
                    }
                    read_into(block);
                }
                if (cut == 0) return;  // nothing left
                carry.assign(block, cut, std::string::npos);
                block.resize(cut);
                seq = next_block++;
            }
            const std::uint64_t lines = count_lines(block);
            const std::uint64_t rows_before = worker.stats().rows;
            worker.score_block(block, 1, out, errors);
            const std::uint64_t rows = worker.stats().rows - rows_before;
            {
                std::unique_lock<std::mutex> hold(output_lock);
                output_turn.wait(hold, [&] { return next_output == seq; });
                for (auto& e : errors) e.line += line - 1;
                report(errors);
                emit(out);
                line += lines;
                rows_seen += rows;
                bytes_seen += block.size();
                progress.update(rows_seen, bytes_seen);
                ++next_output;
            }
            output_turn.notify_all();
        }
    };
    if (ok && scorer.header_ready()) {
        // Workers share the header's layout (NDJSON has none). Each thread makes its own, so
        // the scorer's working memory comes from that thread's malloc arena: made one after
        // another on this thread, the workers' small scratch vectors shared cache lines (two
        // threads took 694 ms for 1M leads that way, 574 ms this way).
        workers.resize(threads);
        std::vector<std::thread> running;
        for (unsigned t = 1; t < threads; ++t)
            running.emplace_back([&, t] {
                workers[t] = scorer.fork();
                run_worker(*workers[t]);
            });
        workers[0] = scorer.fork();
        run_worker(*workers[0]);
        for (auto& th : running) th.join();
    }
    bool read_failed = std::ferror(in) != 0;
    if (in != stdin) std::fclose(in);
    if (ok && !scorer.header_ready()) {
        std::string out;
        std::vector<ripen::Issue> errors;
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
        std::string out = ripen::to_json(*model, decision, language, 2);
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


// ---- report, tune, fit, map: historical leads with outcomes ---------------------------------

std::string pct(double share) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f %%", 100.0 * share);
    return buffer;
}

std::string fixed(double value, int digits) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
    return buffer;
}

// A mapping inferred from the start of a file (its first megabyte).
std::optional<ripen::Mapping> infer_from_file(const ripen::Model& model, const std::string& path, std::string& error) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) {
        error = "cannot read \"" + path + "\": " + std::strerror(errno);
        return std::nullopt;
    }
    std::vector<char> buffer(1 << 20);
    std::size_t n = std::fread(buffer.data(), 1, buffer.size(), f);
    std::fclose(f);
    auto mapping = ripen::infer_mapping_from_csv(model, std::string_view(buffer.data(), n), n < buffer.size());
    if (!mapping) error = "\"" + path + "\" has no header row";
    return mapping;
}

struct History {
    std::optional<ripen::LeadTable> table;
    ripen::ImportStats stats;
    ripen::Mapping mapping;
    bool inferred = false;
};

// Loads --data through --map (or an inferred mapping) into a LeadTable. Prints problems and
// returns the exit status (kExitOk when the data is usable).
int load_history(const std::string& command, const Args& args, const ripen::Model& model, History& history) {
    auto data = args.values.find("data");
    if (data == args.values.end()) return usage_error(command, "missing --data CSV");
    std::string error;
    if (auto map = args.values.find("map"); map != args.values.end()) {
        std::string text;
        if (!read_file(map->second, text, error)) {
            std::fprintf(stderr, "ripen %s: %s\n", command.c_str(), error.c_str());
            return kExitUsage;
        }
        auto parsed = ripen::parse_mapping(model, text);
        if (!parsed.ok()) {
            std::fprintf(stderr, "ripen %s: the mapping \"%s\" is invalid:\n", command.c_str(), map->second.c_str());
            print_issues(map->second, parsed.issues);
            return kExitInvalid;
        }
        history.mapping = std::move(*parsed.value);
    } else {
        auto inferred = infer_from_file(model, data->second, error);
        if (!inferred) {
            std::fprintf(stderr, "ripen %s: %s\n", command.c_str(), error.c_str());
            return kExitUsage;
        }
        history.mapping = std::move(*inferred);
        history.inferred = true;
    }
    FILE* in = std::fopen(data->second.c_str(), "rb");
    if (!in) {
        std::fprintf(stderr, "ripen %s: cannot read \"%s\": %s\n", command.c_str(), data->second.c_str(), std::strerror(errno));
        return kExitUsage;
    }
    history.table.emplace(model);
    ripen::Importer importer(model, history.mapping, *history.table);
    std::vector<char> buffer(1 << 20);
    Progress progress("imported");
    std::uint64_t bytes = 0;
    bool ok = true;
    std::size_t n;
    while (ok && (n = std::fread(buffer.data(), 1, buffer.size(), in)) > 0) {
        bytes += n;
        ok = importer.feed(std::string_view(buffer.data(), n));
        progress.update(importer.stats().rows, bytes);
    }
    std::fclose(in);
    if (ok) ok = importer.finish();
    progress.done();
    history.stats = importer.stats();
    for (const auto& e : history.stats.errors) std::fputs(ripen::cli::row_error(data->second, e).c_str(), stderr);
    if (history.stats.bad_rows > history.stats.errors.size())
        std::fprintf(stderr, "ripen %s: %llu more bad rows not shown\n", command.c_str(),
                     static_cast<unsigned long long>(history.stats.bad_rows - history.stats.errors.size()));
    if (!ok) {
        std::fprintf(stderr, "ripen %s: cannot import \"%s\"\n", command.c_str(), data->second.c_str());
        return kExitUsage;
    }
    if (history.stats.imported == 0 || history.stats.imported == history.stats.outcome_unknown) {
        std::fprintf(stderr, "ripen %s: no lead in \"%s\" has an outcome; map the outcome column (ripen map shows the mapping)\n",
                     command.c_str(), data->second.c_str());
        return kExitInvalid;
    }
    return kExitOk;
}

// What the import found, as text lines (for stderr) and JSON.
std::string import_summary(const std::string& path, const History& h) {
    const auto& s = h.stats;
    std::string out = "Data " + path + ": " + std::to_string(s.rows) + " rows, " + std::to_string(s.imported) + " imported, " +
                      std::to_string(s.bad_rows) + " bad; " + std::to_string(s.converted) + " converted";
    if (s.outcome_unknown) out += ", " + std::to_string(s.outcome_unknown) + " without an outcome (left out of the metrics)";
    out += "\nMapping: " + std::string(h.inferred ? "inferred from the data (save and edit it with: ripen map --model ... --data ...)" : "as given") + "\n";
    for (const auto& [column, values] : s.unmapped) {
        std::uint64_t total = 0;
        for (const auto& [v, count] : values) total += count;
        out += "Unmapped in " + column + ": " + std::to_string(total) + " values, left unanswered:";
        int shown = 0;
        for (const auto& [v, count] : values) {
            if (++shown > 8) {
                out += " ...";
                break;
            }
            out += " \"" + v + "\" x" + std::to_string(count);
        }
        out += "\n";
    }
    return out;
}

ripen::json::Value import_json(const History& h) {
    using ripen::json::Value;
    Value v = Value::make_object();
    v.set("rows", Value::make_int(static_cast<std::int64_t>(h.stats.rows)));
    v.set("imported", Value::make_int(static_cast<std::int64_t>(h.stats.imported)));
    v.set("bad_rows", Value::make_int(static_cast<std::int64_t>(h.stats.bad_rows)));
    v.set("converted", Value::make_int(static_cast<std::int64_t>(h.stats.converted)));
    v.set("outcome_unknown", Value::make_int(static_cast<std::int64_t>(h.stats.outcome_unknown)));
    v.set("mapping_inferred", Value::make_bool(h.inferred));
    Value unmapped = Value::make_object();
    for (const auto& [column, values] : h.stats.unmapped) {
        Value list = Value::make_object();
        for (const auto& [value, count] : values) list.set(value, Value::make_int(static_cast<std::int64_t>(count)));
        unmapped.set(column, std::move(list));
    }
    v.set("unmapped", std::move(unmapped));
    return v;
}

ripen::json::Value counts_json(const ripen::RouteCounts& c) { return ripen::route_counts_to_json(c); }

std::string counts_row(const std::string& name, const ripen::RouteCounts& c) {
    char line[256];
    std::snprintf(line, sizeof line, "%-12s %8llu  %8llu %-8s %9s %8s %8s %6s\n", name.c_str(), static_cast<unsigned long long>(c.leads),
                  static_cast<unsigned long long>(c.handoff), ("(" + pct(c.handoff_share()) + ")").c_str(), pct(c.precision()).c_str(),
                  pct(c.recall()).c_str(), pct(c.leakage()).c_str(), fixed(c.lift(), 2).c_str());
    return line;
}

const char* const kCountsHeader = "             leads     hand-offs          precision   recall  leakage   lift\n";

int cmd_report(int argc, char** argv) {
    Args args;
    std::string error;
    if (!parse_args(argc, argv, 2, {"model", "data", "map", "format"}, {}, args, error)) return usage_error("report", error);
    if (args.help) {
        std::fputs(ripen::cli::data_help("report").c_str(), stdout);
        return kExitOk;
    }
    std::string format = args.values.count("format") ? args.values["format"] : "text";
    if (format != "text" && format != "json") return usage_error("report", "--format must be text or json, got \"" + format + "\"");
    if (!args.positional.empty()) return usage_error("report", "unexpected argument \"" + args.positional[0] + "\"");
    int code = kExitOk;
    auto model = load_model_arg("report", args, code);
    if (!model) return code;
    History history;
    if ((code = load_history("report", args, *model, history)) != kExitOk) return code;
    ripen::Scoring scoring = ripen::Scoring::from(*model);
    ripen::TableScorer scorer(*model, scoring);
    ripen::TableResult result;
    scorer.score(*history.table, result);
    ripen::Metrics m = ripen::compute_metrics(*history.table, result, scoring);
    const auto& spec = model->spec();
    if (format == "json") {
        using ripen::json::Value;
        Value out = Value::make_object();
        out.set("model", Value::make_string(spec.id));
        out.set("import", import_json(history));
        for (auto& member : ripen::metrics_to_json(*model, m).members) out.set(member.first, std::move(member.second));
        std::printf("%s\n", ripen::json::to_string(out, 2).c_str());
        return kExitOk;
    }
    std::printf("Model %s %s\n%s\n", spec.id.c_str(), spec.version.c_str(), import_summary(args.values["data"], history).c_str());
    std::printf("At the model's thresholds (AUC %.3f, base rate %s)\n%s", m.auc, pct(m.overall.base_rate()).c_str(), kCountsHeader);
    std::fputs(counts_row("all", m.overall).c_str(), stdout);
    for (std::size_t s = 0; s < spec.segments.size(); ++s)
        if (m.segments[s].leads) std::fputs(counts_row(spec.segments[s].id, m.segments[s]).c_str(), stdout);
    std::printf("\nOne threshold for every segment\nthreshold   leads     hand-offs          precision   recall  leakage   lift\n");
    for (const auto& p : m.sweep) std::fputs(counts_row(std::to_string(p.threshold), p.counts).c_str(), stdout);
    std::printf("\nConversion rate per total (calibration)\n total     leads  converted    rate\n");
    for (const auto& b : m.calibration)
        std::printf("%6d %9llu %10llu %7s\n", b.total, static_cast<unsigned long long>(b.leads), static_cast<unsigned long long>(b.converted),
                    pct(b.leads ? static_cast<double>(b.converted) / static_cast<double>(b.leads) : 0).c_str());
    return kExitOk;
}

// The model document with its hand-off threshold set.
std::string with_threshold(const ripen::Model& model, int threshold) {
    ripen::json::Value doc = model.source();
    if (auto* t = doc.find("thresholds")) t->set("handoff", ripen::json::Value::make_int(threshold));
    return ripen::json::to_string(doc, 2) + "\n";
}

bool write_file(const std::string& path, const std::string& text, std::string& error) {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) {
        error = "cannot write \"" + path + "\": " + std::strerror(errno);
        return false;
    }
    bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    ok = std::fclose(f) == 0 && ok;
    if (!ok) error = "cannot write \"" + path + "\"";
    return ok;
}

bool parse_number_arg(const std::string& text, double& out) {
    char* end = nullptr;
    out = std::strtod(text.c_str(), &end);
    return !text.empty() && end && (*end == 0 || (*end == '%' && end[1] == 0)) && std::isfinite(out);
}

int cmd_tune(int argc, char** argv) {
    Args args;
    std::string error;
    if (!parse_args(argc, argv, 2, {"model", "data", "map", "format", "target-precision", "capacity", "days", "period-days", "out"}, {}, args, error))
        return usage_error("tune", error);
    if (args.help) {
        std::fputs(ripen::cli::data_help("tune").c_str(), stdout);
        return kExitOk;
    }
    std::string format = args.values.count("format") ? args.values["format"] : "text";
    if (format != "text" && format != "json") return usage_error("tune", "--format must be text or json, got \"" + format + "\"");
    bool by_precision = args.values.count("target-precision") > 0, by_capacity = args.values.count("capacity") > 0;
    if (by_precision == by_capacity) return usage_error("tune", "give one of --target-precision P and --capacity N");
    double target = 0, capacity = 0, days = 0, period = 30;
    if (by_precision) {
        const std::string& text = args.values["target-precision"];
        if (!parse_number_arg(text, target)) return usage_error("tune", "--target-precision must be a share such as 0.35 or 35%");
        if (text.back() == '%' || target > 1) target /= 100;
        if (target <= 0 || target > 1) return usage_error("tune", "--target-precision must be between 0 and 100%");
    } else {
        if (!parse_number_arg(args.values["capacity"], capacity) || capacity < 0) return usage_error("tune", "--capacity must be a number of hand-offs >= 0");
        if (args.values.count("days") && (!parse_number_arg(args.values["days"], days) || days <= 0))
            return usage_error("tune", "--days must be a number of days > 0");
        if (args.values.count("period-days") && (!parse_number_arg(args.values["period-days"], period) || period <= 0))
            return usage_error("tune", "--period-days must be a number of days > 0");
        if (days > 0) capacity *= days / period;
    }
    int code = kExitOk;
    auto model = load_model_arg("tune", args, code);
    if (!model) return code;
    History history;
    if ((code = load_history("tune", args, *model, history)) != kExitOk) return code;
    ripen::Scoring scoring = ripen::Scoring::from(*model);
    ripen::TableScorer scorer(*model, scoring);
    ripen::TableResult result;
    scorer.score(*history.table, result);
    ripen::Metrics m = ripen::compute_metrics(*history.table, result, scoring);
    ripen::Suggestion suggestion = by_precision ? ripen::suggest_for_precision(m, target) : ripen::suggest_for_capacity(m, capacity);
    if (suggestion.found && args.values.count("out")) {
        if (!write_file(args.values["out"], with_threshold(*model, suggestion.at.threshold), error)) {
            std::fprintf(stderr, "ripen tune: %s\n", error.c_str());
            return kExitUsage;
        }
    }
    if (format == "json") {
        using ripen::json::Value;
        Value out = Value::make_object();
        out.set("import", import_json(history));
        out.set("found", Value::make_bool(suggestion.found));
        out.set("reason", Value::make_string(suggestion.reason));
        out.set("current_threshold", Value::make_int(model->spec().handoff_at));
        out.set("current", counts_json(m.overall));
        if (suggestion.found) {
            out.set("threshold", Value::make_int(suggestion.at.threshold));
            out.set("at", counts_json(suggestion.at.counts));
        }
        std::printf("%s\n", ripen::json::to_string(out, 2).c_str());
        return suggestion.found ? kExitOk : kExitInvalid;
    }
    std::fputs(import_summary(args.values["data"], history).c_str(), stderr);
    if (!suggestion.found) {
        std::printf("No suggestion: %s.\n", suggestion.reason.c_str());
        return kExitInvalid;
    }
    std::printf("Suggested hand-off threshold: %d (%s; the model has %d)\n%s", suggestion.at.threshold, suggestion.reason.c_str(),
                model->spec().handoff_at, kCountsHeader);
    std::fputs(counts_row("suggested", suggestion.at.counts).c_str(), stdout);
    std::fputs(counts_row("current", m.overall).c_str(), stdout);
    if (by_capacity) std::printf("Capacity: %.0f hand-offs for this data\n", capacity);
    if (args.values.count("out")) std::printf("Wrote %s\n", args.values["out"].c_str());
    return kExitOk;
}

int cmd_fit(int argc, char** argv) {
    Args args;
    std::string error;
    if (!parse_args(argc, argv, 2, {"model", "data", "map", "format", "out", "seed", "holdout", "l2", "split-out"}, {}, args, error)) return usage_error("fit", error);
    if (args.help) {
        std::fputs(ripen::cli::data_help("fit").c_str(), stdout);
        return kExitOk;
    }
    std::string format = args.values.count("format") ? args.values["format"] : "text";
    if (format != "text" && format != "json") return usage_error("fit", "--format must be text or json, got \"" + format + "\"");
    if (!args.values.count("out")) return usage_error("fit", "missing --out NEWMODEL");
    ripen::FitOptions options;
    if (args.values.count("seed")) {
        double seed = 0;
        if (!parse_number_arg(args.values["seed"], seed) || seed < 0 || seed != std::floor(seed)) return usage_error("fit", "--seed must be a whole number");
        options.seed = static_cast<std::uint64_t>(seed);
    }
    if (args.values.count("holdout") && (!parse_number_arg(args.values["holdout"], options.holdout) || options.holdout < 0 || options.holdout > 0.9))
        return usage_error("fit", "--holdout must be a share from 0 to 0.9");
    if (args.values.count("l2") && (!parse_number_arg(args.values["l2"], options.l2) || options.l2 <= 0))
        return usage_error("fit", "--l2 must be a number > 0");
    int code = kExitOk;
    auto model = load_model_arg("fit", args, code);
    if (!model) return code;
    History history;
    if ((code = load_history("fit", args, *model, history)) != kExitOk) return code;
    auto fitted = ripen::fit_points(*model, *history.table, options);
    if (!fitted.ok()) {
        for (const auto& i : fitted.issues) std::fprintf(stderr, "ripen fit: %s [%s]\n", i.message.c_str(), i.code.c_str());
        return kExitInvalid;
    }
    const ripen::FitResult& f = *fitted.value;
    // The written model must load: check before writing it.
    std::string text = ripen::json::to_string(f.document, 2) + "\n";
    auto reloaded = ripen::load_model(text);
    if (!reloaded.ok()) {
        std::fprintf(stderr, "ripen fit: the fitted model does not validate:\n");
        print_issues(args.values["out"], reloaded.issues);
        return kExitInvalid;
    }
    if (!write_file(args.values["out"], text, error)) {
        std::fprintf(stderr, "ripen fit: %s\n", error.c_str());
        return kExitUsage;
    }
    if (auto split_out = args.values.find("split-out"); split_out != args.values.end()) {
        static constexpr const char* kSplitNames[] = {"left_out", "train", "holdout"};
        std::string lines = "split\n";
        for (auto s : f.split) lines += std::string(kSplitNames[static_cast<int>(s)]) + "\n";
        if (!write_file(split_out->second, lines, error)) {
            std::fprintf(stderr, "ripen fit: %s\n", error.c_str());
            return kExitUsage;
        }
    }
    if (format == "json") {
        using ripen::json::Value;
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
        out.set("out", Value::make_string(args.values["out"]));
        std::printf("%s\n", ripen::json::to_string(out, 2).c_str());
        return kExitOk;
    }
    std::fputs(import_summary(args.values["data"], history).c_str(), stderr);
    std::printf("Fitted on %llu leads, %llu held out (seed %llu), %d iterations\n", static_cast<unsigned long long>(f.train),
                static_cast<unsigned long long>(f.holdout), static_cast<unsigned long long>(options.seed), f.iterations);
    std::printf("AUC                      train   holdout\n");
    std::printf("  model before           %.4f  %.4f\n", f.auc_before_train, f.auc_before_holdout);
    std::printf("  fitted integer points  %.4f  %.4f\n", f.auc_train, f.auc_holdout);
    std::printf("  regression (no limits) %.4f  %.4f\n", f.lr_auc_train, f.lr_auc_holdout);
    std::printf("Points changed:\n%sWrote %s\n", f.diff.c_str(), args.values["out"].c_str());
    return kExitOk;
}

int cmd_map(int argc, char** argv) {
    Args args;
    std::string error;
    if (!parse_args(argc, argv, 2, {"model", "data"}, {}, args, error)) return usage_error("map", error);
    if (args.help) {
        std::fputs(ripen::cli::help("map").data(), stdout);
        return kExitOk;
    }
    if (!args.values.count("data")) return usage_error("map", "missing --data CSV");
    int code = kExitOk;
    auto model = load_model_arg("map", args, code);
    if (!model) return code;
    auto inferred = infer_from_file(*model, args.values["data"], error);
    if (!inferred) {
        std::fprintf(stderr, "ripen map: %s\n", error.c_str());
        return kExitUsage;
    }
    std::printf("%s\n", ripen::json::to_string(ripen::mapping_to_json(*inferred), 2).c_str());
    return kExitOk;
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
    if (command == "report") return cmd_report(argc, argv);
    if (command == "tune") return cmd_tune(argc, argv);
    if (command == "fit") return cmd_fit(argc, argv);
    if (command == "map") return cmd_map(argc, argv);
    std::fprintf(stderr, "ripen: unknown command \"%s\"\n%s", command.c_str(), ripen::cli::help("").data());
    return kExitUsage;
}
