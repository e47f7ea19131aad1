// Streams of leads through the scorer (see batch.hpp).
#include "cli/batch.hpp"

#include "cli/text.hpp"

namespace ripen::cli {

void Io::score_stream(BatchJob& job) { score_serially(job); }

bool BatchJob::emit(std::string& rows) {
    if (write_rows && !rows.empty()) session.out(rows);
    rows.clear();
    return !session.out_failed();
}

void BatchJob::report(std::vector<Issue>& errors, std::uint64_t line_offset) {
    for (auto& e : errors) {
        if (e.severity == Severity::warning) {  // about the header: always shown, not a row error
            e.line += line_offset;
            session.err(row_error(shown_path, e));
            continue;
        }
        ++reported;
        if (max_errors != 0 && printed >= max_errors) continue;
        ++printed;
        e.line += line_offset;
        session.err(row_error(shown_path, e));
    }
    errors.clear();
}

void score_serially(BatchJob& job) {
    BatchScorer scorer(job.model, job.format, job.options);
    std::string chunk(kReadChunk, '\0'), out;
    std::vector<Issue> errors;
    bool ok = true;
    for (;;) {
        std::int64_t n = job.input.read(&chunk[0], chunk.size(), job.read_error);
        if (n < 0) break;
        if (n == 0) {
            ok = scorer.finish(out, errors);
            job.report(errors);
            job.emit(out);
            break;
        }
        ok = scorer.feed(std::string_view(chunk.data(), static_cast<std::size_t>(n)), out, errors);
        job.report(errors);
        if (!job.emit(out) || !ok) break;
        job.session.io().progress("scored", scorer.stats().rows, scorer.stats().bytes);
    }
    job.session.io().progress_done();
    job.fatal = !ok;
    job.stats = scorer.stats();
}

}  // namespace ripen::cli
