// Shared by import.cpp (mapping files, the row mapper, the importer) and infer_mapping.cpp
// (guessing a mapping from a header and rows).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ripen/decimal.hpp"
#include "ripen/model.hpp"

namespace ripen::detail {

// A number as CRMs write it: "1,250", "1 250", "1.250,5", "$ 1,250", "12%".
std::optional<Decimal> parse_loose_number(std::string_view raw);
// The option of `q` a normalised value names: by value, then by label in any language; or -1.
int match_option(const Question& q, const std::string& normalised);

}  // namespace ripen::detail
