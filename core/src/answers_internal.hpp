// Answer reading shared by parse_answers() and NDJSON batch scoring.
#pragma once

#include "ripen/decision.hpp"

namespace ripen {

// Sets question q's answer from a JSON value (null declines it). False with `error` filled
// (code and message) when the value is not a valid answer.
bool set_answer_json(const Model& model, int q, const json::Value& value, Answer& out, Issue& error);

}  // namespace ripen
