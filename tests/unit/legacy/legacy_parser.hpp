// The hand-written JSON parser the core used before nlohmann/json (test only).
#pragma once

#include <optional>
#include <string_view>

#include "ripen/issue.hpp"
#include "ripen/json_value.hpp"

namespace legacy {
std::optional<ripen::json::Value> parse(std::string_view text, ripen::Issue& error, int max_depth = 200);
}
