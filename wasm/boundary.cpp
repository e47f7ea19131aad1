// Handles and JSON envelopes for the bindings (see boundary.hpp).
#include "boundary.hpp"

namespace ripen::wasm {

int ModelRegistry::add(Model model) {
    for (std::size_t i = 0; i < slots_.size(); ++i) {
        if (!slots_[i]) {
            slots_[i] = std::make_unique<Model>(std::move(model));
            return static_cast<int>(i) + 1;
        }
    }
    slots_.push_back(std::make_unique<Model>(std::move(model)));
    return static_cast<int>(slots_.size());
}

const Model* ModelRegistry::get(int handle) const {
    if (handle < 1 || handle > static_cast<int>(slots_.size())) return nullptr;
    return slots_[static_cast<std::size_t>(handle - 1)].get();
}

void ModelRegistry::release(int handle) {
    if (handle >= 1 && handle <= static_cast<int>(slots_.size())) slots_[static_cast<std::size_t>(handle - 1)].reset();
}

ModelRegistry& models() {
    static ModelRegistry registry;
    return registry;
}

void write_issues(json::Writer& out, const std::vector<Issue>& issues) {
    out.begin_array();
    for (const Issue& i : issues) {
        out.begin_object();
        out.key("code");
        out.string(i.code);
        out.key("message");
        out.string(i.message);
        out.key("path");
        out.string(i.path);
        out.key("line");
        out.number(i.line);
        out.key("column");
        out.number(i.column);
        out.key("severity");
        out.string(i.severity == Severity::error ? "error" : "warning");
        out.end_object();
    }
    out.end_array();
}

std::string failure(const std::vector<Issue>& issues) {
    std::string text;
    json::Writer out(text);
    out.begin_object();
    out.key("issues");
    write_issues(out, issues);
    out.end_object();
    return text;
}

std::string failure(const std::string& code, const std::string& message) {
    Issue issue;
    issue.code = code;
    issue.message = message;
    return failure(std::vector<Issue>{issue});
}

}  // namespace ripen::wasm
