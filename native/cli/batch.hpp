// A stream of leads through the scorer, for `score` and `summary`: what the command asks for,
// what the run reports back, and the pieces every runner shares (writing rows in order, printing
// row errors up to --max-errors). Io::score_stream runs it; the default runner (here) reads and
// scores on one thread, the native CLI's on several.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/io.hpp"
#include "cli/session.hpp"
#include "ripen/batch.hpp"

namespace ripen::cli {

struct BatchJob {
    BatchJob(Session& s, const Model& m, Input& in) : session(s), model(m), input(in) {}

    Session& session;
    const Model& model;
    Input& input;
    BatchScorer::Format format = BatchScorer::Format::csv;
    ScoreOptions options;
    std::string shown_path;       // the input as error lines name it
    bool write_rows = true;       // score: the scored rows to standard output; summary: counts only
    std::uint64_t max_errors = 100;  // row errors printed; 0 = all (all are counted)
    unsigned threads = 1;

    // What the run found.
    ScoreStats stats;
    std::uint64_t reported = 0, printed = 0;  // row errors
    bool fatal = false;       // the input could not be scored on (a bad header, a record too long)
    std::string read_error;   // why reading failed, or ""

    // Scored rows, in input order; false once standard output has failed (stop scoring).
    bool emit(std::string& rows);
    // Row errors, in input order, with their lines shifted by `line_offset`.
    void report(std::vector<Issue>& errors, std::uint64_t line_offset = 0);
};

// The single-threaded runner: reads `job.input` in chunks and feeds one BatchScorer.
void score_serially(BatchJob& job);

// The bytes read at a time and the size of a block of records handed to one scorer.
constexpr std::size_t kReadChunk = std::size_t{256} << 10;
constexpr std::size_t kBlockBytes = std::size_t{1} << 20;

}  // namespace ripen::cli
