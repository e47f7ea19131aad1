// What a Model shares between its copies: the specification, its compiled form and the source.
#pragma once

#include <atomic>
#include <string>

#include "compiled.hpp"
#include "ripen/model.hpp"

namespace ripen {

struct Model::Data {
    mutable std::atomic<int> references{1};  // Models sharing this, across threads in the CLI; the last deletes it
    ModelSpec spec;
    detail::Compiled compiled;
    json::Value source;
    detail::StringIndex criterion_ids, question_ids, segment_ids, track_ids;
};

}  // namespace ripen
