// ripen score and ripen summary: a CSV or NDJSON stream of leads through the scorer; score writes
// every row with its route and points, summary counts the routes per segment.
#include "cli/batch.hpp"
#include "cli/text.hpp"
#include "commands/commands.hpp"
#include "commands/common.hpp"

namespace ripen::cli {

namespace {

struct StreamOptions {
    Args args;
    BatchScorer::Format format = BatchScorer::Format::csv;
    std::uint64_t max_errors = 100;
    unsigned threads = 1;
    std::string path = "-";
    std::optional<Mapping> mapping;  // --map: the export's columns and values, as report reads them
};

int parse(Session& s, const Words& words, StreamOptions& o) {
    std::string error;
    if (!Args::parse(words, {"model", "format", "max-errors", "threads", "map"}, {"complete", "keep-going"}, o.args, error))
        return s.usage(error);
    if (o.args.help) {
        s.out(help(s.command()));
        return kExitOk;
    }
    Args& a = o.args;
    if (a.choice("format", {"csv", "ndjson"}, "csv") == "ndjson") o.format = BatchScorer::Format::ndjson;
    if (auto n = a.integer("max-errors", 0, INT64_MAX, "--max-errors must be a number >= 0")) o.max_errors = static_cast<std::uint64_t>(*n);
    o.threads = s.io().default_threads();
    if (auto n = a.integer("threads", 1, 64, "--threads must be a number from 1 to 64")) o.threads = static_cast<unsigned>(*n);
    a.at_most_positional(1, "expected at most one input FILE");
    if (!a.ok()) return s.usage(a.error());
    if (!a.positional.empty()) o.path = a.positional[0];
    if (a.has("map") && o.format == BatchScorer::Format::ndjson) return s.usage("--map reads CSV columns; NDJSON members are named by question id");
    return -1;
}

// Reads --map against the model; -1 when there is none or it is good, else the exit status.
int read_mapping(Session& s, StreamOptions& o, const Model& model) {
    const std::string* path = o.args.value("map");
    if (!path) return -1;
    std::string text;
    if (!s.read_whole(*path, kMaxMappingBytes, "a mapping file", text)) return kExitUsage;
    auto parsed = parse_mapping(model, text);
    if (!parsed.ok()) {
        s.say("the mapping \"" + safe(*path) + "\" is invalid:");
        print_issues(s, *path, parsed.issues);
        return kExitInvalid;
    }
    o.mapping = std::move(*parsed.value);
    return -1;
}

struct Stream {
    std::unique_ptr<Input> input;
    std::unique_ptr<BatchJob> job;
};

// Scores the input; -1 when it went through (the job then has the counts), else the exit status.
int stream(Session& s, const StreamOptions& o, const Model& model, bool write_rows, Stream& run) {
    std::string error;
    auto& input = run.input;
    auto& job = run.job;
    input = s.io().open(o.path, error);
    if (!input) return s.fail("cannot read \"" + safe(o.path) + "\": " + error, kExitUsage);
    job = std::make_unique<BatchJob>(s, model, *input);
    job->format = o.format;
    job->options.complete = o.args.flag("complete");
    job->options.mapping = o.mapping ? &*o.mapping : nullptr;
    job->shown_path = shown_path(o.path);
    job->write_rows = write_rows;
    job->max_errors = o.max_errors;
    job->threads = o.threads;
    s.io().score_stream(*job);
    if (s.out_failed()) return s.finish(kExitUsage);
    if (!job->read_error.empty()) return s.fail("cannot read \"" + safe(o.path) + "\": " + job->read_error, kExitUsage);
    if (job->fatal) return s.fail("cannot score \"" + safe(job->shown_path) + "\"", kExitUsage);
    s.err(unmapped_summary(job->stats.unmapped));
    s.err(score_footer(s.command(), job->reported, job->printed, job->stats.failed, job->stats.rows));
    return -1;
}

}  // namespace

int score_command(Session& s, const Words& words) {
    StreamOptions o;
    if (int code = parse(s, words, o); code >= 0) return code;
    int code = kExitOk;
    auto model = load_model_option(s, o.args, code);
    if (!model) return code;
    if (int status = read_mapping(s, o, *model); status >= 0) return status;
    Stream run;
    if (int status = stream(s, o, *model, true, run); status >= 0) return status;
    return run.job->stats.failed > 0 && !o.args.flag("keep-going") ? kExitInvalid : kExitOk;
}

int summary_command(Session& s, const Words& words) {
    StreamOptions o;
    if (int code = parse(s, words, o); code >= 0) return code;
    int code = kExitOk;
    auto model = load_model_option(s, o.args, code);
    if (!model) return code;
    if (int status = read_mapping(s, o, *model); status >= 0) return status;
    Stream run;
    if (int status = stream(s, o, *model, false, run); status >= 0) return status;
    code = run.job->stats.failed > 0 && !o.args.flag("keep-going") ? kExitInvalid : kExitOk;
    const ScoreStats& stats = run.job->stats;
    const auto& spec = model->spec();
    s.out(printf_string("Model %s %s: %llu leads, %llu scored, %llu could not be scored\n\n", spec.id.c_str(), spec.version.c_str(),
                        static_cast<unsigned long long>(stats.rows), static_cast<unsigned long long>(stats.scored),
                        static_cast<unsigned long long>(stats.failed)));
    SegmentStats all;
    bool any_undecided = false;
    for (const auto& seg : stats.segments) any_undecided = any_undecided || seg.by_route[3] > 0;
    s.out(printf_string("%-12s %7s  %-16s %-16s %-16s %s%9s  %s\n", "segment", "leads", "hand-off", "nurture", "disqualify",
                        any_undecided ? "undecided         " : "", "avg score", "SLA"));
    auto row = [&](const std::string& name, const SegmentStats& seg, const std::string& sla) {
        std::string undecided = any_undecided ? percent(seg.by_route[3], seg.leads) : "";
        if (any_undecided) undecided.resize(18, ' ');
        std::string line = printf_string("%-12s %7llu  %-16s %-16s %-16s %s%9.1f  %s", name.c_str(), static_cast<unsigned long long>(seg.leads),
                                         percent(seg.by_route[0], seg.leads).c_str(), percent(seg.by_route[1], seg.leads).c_str(),
                                         percent(seg.by_route[2], seg.leads).c_str(), undecided.c_str(),
                                         seg.leads ? static_cast<double>(seg.score_sum) / static_cast<double>(seg.leads) : 0.0, sla.c_str());
        while (!line.empty() && line.back() == ' ') line.pop_back();
        s.out(line + "\n");
    };
    for (std::size_t i = 0; i < spec.segments.size(); ++i) {
        const auto& seg = stats.segments[i];
        all.leads += seg.leads;
        for (int r = 0; r < 4; ++r) all.by_route[r] += seg.by_route[r];
        all.score_sum += seg.score_sum;
        std::string sla = "accept within " + std::to_string(spec.segments[i].sla_hours) + " h, " +
                          counted(spec.segments[i].cadence.size(), "touch");
        row(spec.segments[i].id, seg, sla);
    }
    row("all", all, "");
    return code;
}

}  // namespace ripen::cli
