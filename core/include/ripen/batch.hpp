// Streaming batch scoring: CSV or NDJSON leads in, the same rows out with route, totals,
// interval, segment and points per criterion appended. Bad rows are reported with line:column
// and counted; scoring goes on. Native CLI and WebAssembly share this code, so their outputs
// are identical byte for byte.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ripen/decision.hpp"
#include "ripen/issue.hpp"
#include "ripen/model.hpp"

namespace ripen {

struct Mapping;

struct ScoreOptions {
    bool complete = false;  // empty answers count as declined, so every lead gets a route
    // CSV through a mapping (ripen/import.hpp), as the tuning commands read a CRM export: its
    // columns, value names and source column. Without one, columns are named by question id,
    // "source" and context keys. Must outlive the scorer.
    const Mapping* mapping = nullptr;
};

struct SegmentStats {
    std::uint64_t leads = 0;
    std::uint64_t by_route[4] = {0, 0, 0, 0};  // indexed by Route
    std::uint64_t score_sum = 0;               // of normalised scores, for the average
};

struct ScoreStats {
    std::uint64_t rows = 0;    // data rows read
    std::uint64_t scored = 0;
    std::uint64_t failed = 0;
    std::uint64_t bytes = 0;   // input bytes consumed
    std::vector<SegmentStats> segments;  // model order
    // With a mapping: per column, values that mapped to nothing (left unanswered), with counts.
    std::map<std::string, std::map<std::string, std::uint64_t>> unmapped;
};

// The columns appended to each row: route,total,max,score,lo,hi,segment,points_<criterion>...
std::vector<std::string> output_columns(const Model& model);

class BatchScorer {
public:
    enum class Format { csv, ndjson };
    BatchScorer(const Model& model, Format format, ScoreOptions options = {});
    ~BatchScorer();
    BatchScorer(const BatchScorer&) = delete;
    BatchScorer& operator=(const BatchScorer&) = delete;

    // Scores the complete rows in `chunk` (plus what earlier chunks left over), appending
    // output to `out` and problems to `errors`. Returns false after a fatal error (a CSV
    // header that cannot be used), after which nothing more is scored.
    bool feed(std::string_view chunk, std::string& out, std::vector<Issue>& errors);
    // Chooses the CSV separator and the encoding (UTF-8, or Windows-1252 when the start is not
    // UTF-8) from the start of the input; the first feed does it otherwise. A caller that feeds
    // the header alone passes more of the file here first. Only the first call counts.
    void sniff(std::string_view head);
    // Scores what is left at the end of input.
    bool finish(std::string& out, std::vector<Issue>& errors);

    const ScoreStats& stats() const;

    // Parallel scoring. After the CSV header has been fed, fork() makes scorers that share the
    // header's layout; each scores blocks of whole records on its own (one per thread) and keeps
    // its own statistics, which add_stats() then merges. The caller cuts blocks at record ends
    // (RecordScanner, csv.hpp) and numbers their first line.
    bool header_ready() const;
    std::unique_ptr<BatchScorer> fork() const;
    void score_block(std::string_view block, std::uint64_t first_line, std::string& out, std::vector<Issue>& errors);
    void add_stats(const ScoreStats& other);


private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ripen
