// What several commands share: the model named by --model, JSON arguments given inline or as
// @FILE, historical leads read through a mapping (report, tune, fit), and the number formats of
// their tables.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/session.hpp"
#include "ripen/import.hpp"
#include "ripen/model.hpp"
#include "ripen/table.hpp"
#include "ripen/tuning.hpp"

namespace ripen::cli {

// Reads and validates the model named by --model; prints the problems and sets `exit_code`
// when it cannot.
std::optional<Model> load_model_option(Session& s, const Args& args, int& exit_code);

// Prints every issue located in `file`.
void print_issues(Session& s, const std::string& file, const std::vector<Issue>& issues);

// The text of a JSON option given inline or as @FILE (at most 1 MB); `place` names it in
// messages: the file, or "--answers".
bool read_json_option(Session& s, const std::string& option, const std::string& value, std::string& text, std::string& place);

// Historical leads with outcomes, imported through --map or an inferred mapping.
struct History {
    std::optional<LeadTable> table;
    ImportStats stats;
    Mapping mapping;
    bool inferred = false;
};

// A mapping that maps no column to a question is refused (exit 1), naming the columns and the
// questions; questions without a column are named in a warning. -1 when it can be used.
int check_mapping_coverage(Session& s, const Model& model, const Mapping& mapping, bool inferred, const std::string& data);

// Loads --data into `history`; prints the problems and returns the exit status (kExitOk when the
// data is usable).
int load_history(Session& s, const Args& args, const Model& model, History& history);

// A mapping inferred from the start of a CSV file (its first megabyte); prints why not.
std::optional<Mapping> infer_from_file(Session& s, const Model& model, const std::string& path, int& exit_code);

// What the import found: text lines for standard error, and JSON.
std::string import_summary(const std::string& path, const History& h);
json::Value import_json(const History& h);

// "12.3 %", "0.77", "16959 (37.5%)", and a row of the counts table.
// The mapping as a table for people: each column and what it maps to.
std::string mapping_table(const Model& model, const Mapping& mapping);
// --split-in FILE [--part train|holdout]: keeps the outcomes of one part of a fit's split (the
// file fit --split-out writes); the others are left out of the metrics. kExitOk when done.
int apply_split(Session& s, const Args& args, History& history, const char* default_part);
// "Unmapped in COLUMN: N values, left unanswered: "v" xN ..." per column.
std::string unmapped_summary(const std::map<std::string, std::map<std::string, std::uint64_t>>& unmapped);
std::string pct(double share);
using ripen::thousands;  // 1224 -> "1,224": counts people read (the core's, shared with the playground)
std::string fixed(double value, int digits);
std::string percent(std::uint64_t part, std::uint64_t whole);
std::string counts_row(const std::string& name, const RouteCounts& c);
extern const std::string kCountsHeader;

}  // namespace ripen::cli
