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

json::Value issues_value(const std::vector<Issue>& issues) {
    json::Value list = json::Value::make_array();
    for (const Issue& i : issues) {
        json::Value item = json::Value::make_object();
        item.set("code", json::Value::make_string(i.code));
        item.set("message", json::Value::make_string(i.message));
        item.set("path", json::Value::make_string(i.path));
        item.set("line", json::Value::make_int(i.line));
        item.set("column", json::Value::make_int(i.column));
        item.set("severity", json::Value::make_string(i.severity == Severity::error ? "error" : "warning"));
        list.items.push_back(std::move(item));
    }
    return list;
}

std::string failure(const std::vector<Issue>& issues) {
    json::Value out = json::Value::make_object();
    out.set("issues", issues_value(issues));
    return json::to_string(out);
}

std::string failure(const std::string& code, const std::string& message) {
    Issue issue;
    issue.code = code;
    issue.message = message;
    return failure(std::vector<Issue>{issue});
}

std::string success(json::Value value) {
    json::Value out = json::Value::make_object();
    out.set("ok", std::move(value));
    return json::to_string(out);
}

}  // namespace ripen::wasm
