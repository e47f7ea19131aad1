// Golden files: every case of tests/golden/cases.json scored in-process gives exactly the
// expected output (the CLI, WebAssembly and browser tests check the same files).
#include "support.hpp"

TEST_SUITE_BEGIN("golden");

namespace {

std::string golden(const std::string& relative) { return test::read_file(test::source_path("tests/golden/" + relative)); }

ripen::json::Value cases() { return test::parse_json(golden("cases.json")); }

}  // namespace

TEST_CASE("batch scoring matches every expected output") {
    auto all = cases();
    const auto& score_cases = all.find("score")->items;
    REQUIRE(score_cases.size() >= 5);
    for (const auto& c : score_cases) {
        std::string name = c.find("name")->text;
        CAPTURE(name);
        auto model = test::load(golden(c.find("model")->text));
        ripen::ScoreOptions options;
        auto format = ripen::BatchScorer::Format::csv;
        const auto& args = c.find("args")->items;
        for (std::size_t i = 0; i < args.size(); ++i) {
            if (args[i].text == "--complete") options.complete = true;
            else if (args[i].text == "--format" && args[i + 1].text == "ndjson") format = ripen::BatchScorer::Format::ndjson;
        }
        ripen::BatchScorer scorer(model, format, options);
        std::string out;
        std::vector<ripen::Issue> errors;
        REQUIRE(scorer.feed(golden(c.find("input")->text), out, errors));
        REQUIRE(scorer.finish(out, errors));
        CHECK(errors.empty());
        CHECK(out == golden(c.find("expected")->text));
    }
}

TEST_CASE("decisions match every expected line") {
    auto all = cases();
    for (const auto& c : all.find("decide")->items) {
        std::string name = c.find("name")->text;
        CAPTURE(name);
        auto model = test::load(golden(c.find("model")->text));
        std::string input = golden(c.find("input")->text), out;
        std::size_t start = 0;
        int lines = 0;
        while (start < input.size()) {
            std::size_t end = input.find('\n', start);
            std::vector<ripen::Issue> issues;
            CHECK(ripen::decide_json(model, std::string_view(input).substr(start, end - start), {}, out, issues));
            CHECK(issues.empty());
            start = end + 1;
            ++lines;
        }
        CHECK(lines >= 100);
        CHECK(out == golden(c.find("expected")->text));
    }
}

TEST_CASE("decide_json reports bad requests with their place") {
    auto model = test::tiny();
    auto errors_of = [&](const std::string& request) {
        std::string out;
        std::vector<ripen::Issue> issues;
        CHECK_FALSE(ripen::decide_json(model, request, {}, out, issues));
        CHECK(out.empty());
        std::string text;
        for (const auto& i : issues) text += ripen::format_issue(i) + "\n";
        return text;
    };
    CHECK(errors_of("{\"answers\": {\"size\": \"x\"}, \"context\": {\"utm\": [1]}}") ==
          "1:22: $.answers.size: \"x\" is not a number (the answer to \"size\") [answer.not_a_number]\n"
          "1:47: $.context.utm: context values must be strings or numbers, got an array [context.type]\n");
    CHECK(errors_of("{\"context\": {}}") == "1:1: $: missing required member \"answers\" [schema.required]\n");
    CHECK(errors_of("{\"answers\": {}, \"extra\": 1}") == "1:26: $.extra: unknown member \"extra\" (expected one of: answers, context) [schema.unknown_member]\n");
    CHECK(errors_of("[]") == "1:1: $: a request must be an object with \"answers\" and optionally \"context\", got an array [json.type]\n");
    CHECK(errors_of("{\"answers\": ") == "1:13: unexpected end of input, expected a value [json.syntax]\n");
}

TEST_SUITE_END();
