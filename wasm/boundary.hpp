// What crosses the WebAssembly boundary: handles instead of C++ objects, and JSON text instead
// of exceptions. Every binding returns {"ok": ...} or {"issues": [...]}; web/ripen.mjs turns the
// latter into a RipenError.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "ripen/ripen.hpp"

namespace ripen::wasm {

// Models loaded by JavaScript, by handle. A slot is reused after release().
class ModelRegistry {
public:
    int add(Model model);
    const Model* get(int handle) const;
    void release(int handle);

private:
    std::vector<std::unique_ptr<Model>> slots_;
};

ModelRegistry& models();

json::Value issues_value(const std::vector<Issue>& issues);
std::string failure(const std::vector<Issue>& issues);  // {"issues": [...]}
std::string failure(const std::string& code, const std::string& message);
std::string success(json::Value value);                 // {"ok": value}

}  // namespace ripen::wasm
