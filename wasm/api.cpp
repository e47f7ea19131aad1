// Embind bindings of the form module: load a model, decide, explain, choose next questions.
// Strings in, JSON strings out; no C++ object or exception ever reaches JavaScript.
#include <emscripten/bind.h>

#include "boundary.hpp"

namespace {

using namespace ripen;
using wasm::failure;
using wasm::success;

// {"ok": {"handle": n, "warnings": [...]}} or {"issues": [...]}
std::string load(const std::string& text) {
    auto result = load_model(text);
    if (!result.ok()) return failure(result.issues);
    int handle = wasm::models().add(std::move(*result.value));
    return success([&](json::Writer& out) {
        out.begin_object();
        out.key("handle");
        out.number(handle);
        out.key("warnings");
        wasm::write_issues(out, result.issues);
        out.end_object();
    });
}

void release(int handle) { wasm::models().release(handle); }

const Model* model_or_null(int handle) { return wasm::models().get(handle); }

// Reads answers and context; on failure fills `error` with the envelope to return.
bool read_request(const Model& model, const std::string& answers_json, const std::string& context_json, Answers& answers,
                  Context& context, std::string& error) {
    auto a = parse_answers(model, answers_json);
    auto c = parse_context(context_json);
    if (!a.ok() || !c.ok()) {
        // JavaScript sends JSON.stringify output, which our parser can still refuse: a lone
        // surrogate ("\ud800") or nesting deeper than 200. Those errors have no path.
        std::vector<Issue> issues;
        move_under("$.answers", a.issues, issues);
        move_under("$.context", c.issues, issues);
        error = failure(issues);
        return false;
    }
    answers = std::move(*a.value);
    context = std::move(*c.value);
    return true;
}

// The three requests on a lead share one binding: what = 0 decides, 1 explains, 2 chooses the
// next questions (at most `max`). A binding each cost the form module more than this switch.
std::string ask(int handle, int what, const std::string& answers_json, const std::string& context_json,
                const std::string& language, int max) {
    const Model* model = model_or_null(handle);
    if (!model) return failure("api.released", "the model was released");
    Answers answers;
    Context context;
    std::string error;
    if (!read_request(*model, answers_json, context_json, answers, context, error)) return error;
    if (what == 2) {
        std::vector<int> chosen = next_questions(*model, answers, context, max);
        return success([&](json::Writer& out) {
            out.begin_array();
            for (int q : chosen) out.string(model->spec().questions[static_cast<std::size_t>(q)].id);
            out.end_array();
        });
    }
    Decision decision = decide(*model, answers, context);
    if (what == 1) {
        std::string text = explain(*model, decision, language);
        return success([&](json::Writer& out) { out.string(text); });
    }
    return success([&](json::Writer& out) { write_decision(*model, decision, language, out); });
}

std::string library_version() { return std::string(ripen::version()); }

}  // namespace

EMSCRIPTEN_BINDINGS(ripen_api) {
    emscripten::function("load", &load);
    emscripten::function("release", &release);
    emscripten::function("ask", &ask);
    emscripten::function("version", &library_version);
}
