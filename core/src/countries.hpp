// Country names and aliases to ISO codes (countries.cpp), for the importer's country columns.
#pragma once

#include <cstddef>
#include <string_view>

namespace ripen::detail {

// The ISO 3166-1 alpha-2 code of a country name or alias in normalise_value's form
// ("united_states", "u_s", "deutschland"), or "" when the name is not known.
std::string_view country_code_for_name(std::string_view normalised);
std::size_t country_name_count();

}  // namespace ripen::detail
