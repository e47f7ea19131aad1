// A CRM export's records turned into answers, context and an outcome through a mapping: what
// the importer does for the tuning engine and what batch scoring does with --map, in one place.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ripen/csv.hpp"
#include "ripen/decision.hpp"
#include "ripen/import.hpp"

namespace ripen::detail {

// Per column: values that mapped to nothing, with how often they came up.
using UnmappedCounts = std::map<std::string, std::map<std::string, std::uint64_t>>;

class RowMapper {
public:
    // `mapping` and `unmapped` must outlive the mapper.
    RowMapper(const Model& model, const Mapping& mapping, UnmappedCounts& unmapped);
    ~RowMapper();
    RowMapper(const RowMapper&) = delete;
    RowMapper& operator=(const RowMapper&) = delete;

    // Binds the header's columns to the mapping. A mapped column the header lacks is an error
    // (csv.missing_column); one the mapping only ignores is a warning. False on an error.
    bool bind(const CsvRecord& header, std::vector<Issue>& issues);
    std::size_t fields() const;
    std::vector<int> questions() const;  // the questions a column of the header maps to
    // One record of the header's width: `answers` (of the model's size) reset and filled,
    // `context` cleared and filled ("source" holds a segment id), outcome 1, 0 or -1 (unknown).
    void map(const CsvRecord& record, Answers& answers, Context& context, int& outcome);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ripen::detail
