// Answers and requests against the default model: any bytes as a decide request (answers and
// context) either give one line of decision JSON that parses, or located errors; answers and
// contexts that parse on their own are decided and explained too.
#include <cstdlib>
#include <string>

#include "fuzz_support.hpp"
#include "ripen/decision.hpp"
#include "ripen/json_value.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ripen::Model& model = ripen::fuzz::default_model();
    std::string_view text(reinterpret_cast<const char*>(data), size);

    std::string out;
    std::vector<ripen::Issue> errors;
    if (ripen::decide_json(model, text, "de", out, errors)) {
        if (!errors.empty() || out.empty() || out.back() != '\n') std::abort();
        if (!ripen::json::parse(std::string_view(out).substr(0, out.size() - 1)).ok()) std::abort();
    } else if (errors.empty()) {
        std::abort();
    }

    ripen::Result<ripen::Answers> answers = ripen::parse_answers(model, text);
    ripen::Result<ripen::Context> context = ripen::parse_context(text);
    if (answers.ok()) {
        ripen::Context use = context.ok() ? *context.value : ripen::Context{};
        ripen::Decision decision = ripen::decide(model, *answers, use);
        (void)ripen::explain(model, decision, "");
        (void)ripen::next_questions(model, *answers, use, 3);
    }
    return 0;
}
