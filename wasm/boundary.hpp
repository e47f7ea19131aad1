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

// The envelopes are written straight to text with json::Writer: no json::Value is built.
void write_issues(json::Writer& out, const std::vector<Issue>& issues);  // [{code, message, path, ...}]
std::string failure(const std::vector<Issue>& issues);                   // {"issues": [...]}
std::string failure(const std::string& code, const std::string& message);

// {"ok": ...}: `write_value` writes the value.
template <class WriteValue>
std::string success(WriteValue&& write_value) {
    std::string text;
    json::Writer out(text);
    out.begin_object();
    out.key("ok");
    write_value(out);
    out.end_object();
    return text;
}

}  // namespace ripen::wasm
