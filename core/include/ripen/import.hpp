// Importing real CRM exports: a mapping sends columns to questions, the lead source, the outcome
// and context; values are normalised (case, blanks, placeholders such as "N/A" or "Select",
// thousands separators) and mapped to the model's options and bands. Every row that cannot be
// imported is reported with its line and counted, and every value that maps to nothing is
// counted and listed, so nothing is dropped silently.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ripen/batch.hpp"
#include "ripen/issue.hpp"
#include "ripen/json_value.hpp"
#include "ripen/model.hpp"
#include "ripen/table.hpp"

namespace ripen {

struct ColumnMapping {
    enum class Role : std::uint8_t { question, source, outcome, context, ignore };
    std::string column;  // as in the header
    Role role = Role::ignore;
    std::string target;  // question id, or context key
    // Normalised raw value -> option value (questions) or segment id (source). Values not listed
    // are matched to options by their normalised form.
    // An empty option value marks a raw value as deliberately unmapped.
    std::vector<std::pair<std::string, std::string>> values;
    std::vector<std::string> positive;  // outcome: normalised values that mean "converted"
    // Set by infer_mapping, not read from or written to mapping files: how sure the match is
    // (1 = the column is named by the id or a label; below 0.9 the user should confirm it) and,
    // for a column left ignored, the questions it resembled too weakly or too equally to take.
    double confidence = 1.0;
    std::vector<std::string> candidates;
};

struct Mapping {
    std::vector<ColumnMapping> columns;
    const ColumnMapping* find(std::string_view column) const;
};

// Reads a mapping file:
//   {"format": 1, "columns": {"job": {"question": "job", "values": {"admin.": "admin"}},
//    "y": {"outcome": ["yes"]}, "duration": {"ignore": true}, "channel": {"source": true},
//    "utm_source": {"context": "utm_source"}}}
Result<Mapping> parse_mapping(const Model& model, std::string_view json_text);
json::Value mapping_to_json(const Mapping& mapping);

// How closely a column name matches a question's id or label, 0..1: case, camelCase and
// snake_case, punctuation and units in parentheses, stop words, plurals, abbreviations and word
// order do not matter ("PageViews" = "page_views", "Annual Revenue" = "Annual revenue (USD)",
// "Paid Advertisement" = "paid_ad", "Referred By Partners" = "partner_referral").
double name_similarity(std::string_view column, std::string_view name);

// Guesses a mapping from the header and some rows: columns named like a question (id or label),
// "source"/"lead source"/"channel", an outcome column ("converted", "outcome", "won", "y", ...
// with yes/no, true/false, 1/0, won/lost values) and context keys the model's conditions use.
// Values are matched to options by normalised value or label.
Mapping infer_mapping(const Model& model, const std::vector<std::string>& header,
                      const std::vector<std::vector<std::string>>& rows);

// The same from the start of a CSV (the header and up to 2,000 well-formed records of `head`;
// `whole` when head is the entire file). Returns nothing when there is no header row.
std::optional<Mapping> infer_mapping_from_csv(const Model& model, std::string_view head, bool whole);

// The canonical form of a raw value: trimmed, lower case, runs of blanks and punctuation folded to
// one '_' ("Blue-Collar " -> "blue_collar", "admin." -> "admin"); placeholders (empty, "N/A",
// "NA", "null", "none", "-", "?", "Select", "Please select", "unknown") all become "unknown".
// Bytes that are not UTF-8 become U+FFFD.
std::string normalise_value(std::string_view raw);

// One column of a CSV as the mapping step shows it: its values, normalised, with their counts.
struct ColumnProfile {
    std::string column;  // as in the header
    // Normalised value -> how many rows have it, the most frequent first. Counted for the first
    // kProfileValues distinct values; a column with more (amounts, names, ids) sets many_values
    // and its list holds only the values seen before that.
    std::vector<std::pair<std::string, std::uint64_t>> values;
    bool many_values = false;
    std::vector<std::string> examples;  // the first three distinct raw values, as written
    static constexpr std::size_t kProfileValues = 64;
};

// The option a column mapped to a choice question gives a normalised value: the mapping's own
// entry for it, then the option it names (value or label), then the catch-all ("*"); -1 when
// the value is left unanswered (and so counted as unmapped).
int mapped_option(const Model& model, const ColumnMapping& column, std::string_view normalised);

struct ImportStats {
    std::uint64_t rows = 0;      // data rows read
    std::uint64_t imported = 0;
    std::uint64_t bad_rows = 0;  // rows that could not be imported
    std::vector<Issue> errors;  // the first `max_errors` of them (all are counted)
    std::vector<Issue> warnings;  // about the header: ignored columns it does not have
    // Per column: values that mapped to nothing (the answer is then left unanswered), with how
    // often they came up.
    std::map<std::string, std::map<std::string, std::uint64_t>> unmapped;
    std::uint64_t converted = 0;
    std::uint64_t outcome_unknown = 0;
    std::vector<ColumnProfile> profiles;  // per header column, when ImportOptions::profile is set
};

struct ImportOptions {
    bool complete = true;            // an empty answer was not given (historical data is final)
    std::size_t max_errors = 1000;   // how many row errors to keep with their text
    bool profile = false;            // count every column's values (ImportStats::profiles)
};

// Streams CSV bytes into a LeadTable through a mapping.
class Importer {
public:
    Importer(const Model& model, Mapping mapping, LeadTable& table, ImportOptions options = {});
    ~Importer();
    Importer(const Importer&) = delete;
    Importer& operator=(const Importer&) = delete;

    // Returns false after a fatal problem (no header, a mapped column missing from it).
    bool feed(std::string_view chunk);
    bool finish();
    const ImportStats& stats() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ripen
