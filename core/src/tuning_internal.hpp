// Shared by metrics.cpp and fitting.cpp: the score that routes a lead and two AUCs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "ripen/table.hpp"

namespace ripen::detail {

// The score that routes a settled lead: its total, below every total when a gate failed, and
// lowest when a knock-out fired.
int routing_score(const TableResult& r, std::size_t i);

// Area under the ROC curve of integer scores (ties count half), from per-score counts.
double auc_from_histogram(const std::vector<std::uint64_t>& positive, const std::vector<std::uint64_t>& negative);

// AUC of real-valued scores over a subset of leads (ties count half).
double auc_of(const std::vector<double>& score, const std::vector<std::int8_t>& outcome, const std::vector<std::size_t>& rows);

}  // namespace ripen::detail
