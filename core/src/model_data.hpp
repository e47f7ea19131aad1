// The core's internal view of a Model (as imgui_internal.h is ImGui's): what its copies share, the
// specification, the compiled form and the source, and how the core reaches them.
#pragma once

#include <atomic>
#include <string>

#include "compiled.hpp"
#include "ripen/model.hpp"

namespace ripen {

namespace detail {

struct ModelData {
    mutable std::atomic<int> references{1};  // Models sharing this, across threads in the CLI; the last deletes it
    ModelSpec spec;
    detail::Compiled compiled;
    json::Value source;
    detail::StringIndex criterion_ids, question_ids, segment_ids, track_ids;
};

struct ModelAccess {
    static const ModelData& data(const Model& model) { return *model.data_; }
    static void adopt(Model& model, const ModelData* data) { model.data_ = data; }
};

// The compiled form of a model: conditions, evaluation order, lookup tables.
inline const Compiled& compiled(const Model& model) { return ModelAccess::data(model).compiled; }

}  // namespace detail

}  // namespace ripen
