// Answers and context: reading from JSON and from CSV cells, every error code with its message,
// and time parsing for SLA deadlines.
#include "support.hpp"

using ripen::Answer;

TEST_SUITE_BEGIN("answers");

namespace {

ripen::Issue answer_error(const ripen::Model& model, const std::string& json) {
    auto result = ripen::parse_answers(model, json);
    CHECK_FALSE(result.ok());
    REQUIRE(result.issues.size() == 1);
    return result.issues[0];
}

ripen::Issue cell_error(const ripen::Model& model, const std::string& question, const std::string& cell) {
    Answer a;
    ripen::Issue error;
    CHECK_FALSE(ripen::set_answer_text(model, model.question_index(question), cell, a, error));
    return error;
}

}  // namespace

TEST_CASE("JSON values of every question type") {
    auto model = test::tiny();
    auto a = test::answers(model, R"({"goal": "look", "size": 150, "tools": ["b", "a"], "student": null,
                                      "email": "Jane@Mail.Example.COM", "country": "de", "why": "Because"})");
    const auto& v = a.values;
    CHECK(v[0].state == Answer::State::given);
    CHECK(v[0].option == 1);
    CHECK(v[1].number.units == 1500000);
    CHECK(v[1].band == 1);
    CHECK(v[2].selected == 3u);
    CHECK(v[3].state == Answer::State::declined);
    CHECK(v[4].text == "Jane@Mail.Example.COM");
    CHECK(v[4].folded == "mail.example.com");
    CHECK(v[5].text == "DE");
    CHECK(v[5].option == 0);
    CHECK(v[6].text == "Because");
    // Numbers may come as strings (form fields and URL parameters are text).
    CHECK(test::answers(model, R"({"size": "99.5"})").values[1].band == 0);
    // An empty string leaves a question open; an unlisted country takes the "*" option.
    CHECK(test::answers(model, R"({"goal": ""})").values[0].state == Answer::State::open);
    CHECK(test::answers(model, R"({"country": "FR"})").values[5].option == 1);
}

TEST_CASE("JSON errors name the question and its place") {
    auto model = test::tiny();
    ripen::Issue e = answer_error(model, "{\n  \"size\": \"many\"\n}");
    CHECK(e.code == "answer.not_a_number");
    CHECK(e.message == "\"many\" is not a number (the answer to \"size\")");
    CHECK(e.path == "$.size");
    CHECK(e.line == 2);
    CHECK(e.column == 11);

    CHECK(answer_error(model, R"({"goal": "sell"})").message == "\"sell\" is not an option of \"goal\" (expected one of: buy, look)");
    CHECK(answer_error(model, R"({"goal": " buy"})").code == "answer.unknown_option");
    CHECK(answer_error(model, R"({"goal": 3})").message == "expected a string (one of its options) for \"goal\", got a number");
    CHECK(answer_error(model, R"({"tools": "a"})").message == "expected an array of option values for \"tools\", got a string");
    CHECK(answer_error(model, R"({"tools": ["a", 1]})").message == "expected option values (strings) for \"tools\", got a number");
    CHECK(answer_error(model, R"({"tools": ["a", "a"]})").message == "\"a\" is chosen twice in the answer to \"tools\"");
    CHECK(answer_error(model, R"({"size": 0})").message == "0 is below the minimum 1 of \"size\"");
    CHECK(answer_error(model, R"({"size": 1e20})").message == "1e20 is out of range for \"size\"");
    CHECK(answer_error(model, R"({"size": true})").message == "expected a number for \"size\", got a boolean");
    CHECK(answer_error(model, R"({"email": "jane@"})").message == "\"jane@\" is not a valid e-mail address");
    CHECK(answer_error(model, R"({"email": "a@b@c.com"})").code == "answer.invalid_email");
    CHECK(answer_error(model, R"({"country": "ZZ"})").message == "\"ZZ\" is not an ISO 3166-1 alpha-2 country code");
    CHECK(answer_error(model, R"({"why": 5})").message == "expected a string for \"why\", got a number");
    CHECK(answer_error(model, R"({"whom": "x"})").message == "unknown question \"whom\"");
    CHECK(answer_error(model, R"({"whom": "x"})").code == "answer.unknown_question");
    CHECK(answer_error(model, "[]").message == "answers must be an object keyed by question id, got an array");
    CHECK(answer_error(model, "{").code == "json.syntax");

    // What a visitor typed is echoed back cut at 60 bytes: 57 and "...".
    std::string long_option(100, 'x');
    CHECK(answer_error(model, "{\"goal\": \"" + long_option + "\"}").message ==
          "\"" + std::string(57, 'x') + "...\" is not an option of \"goal\" (expected one of: buy, look)");
    std::string sixty(60, 'y');
    CHECK(answer_error(model, "{\"goal\": \"" + sixty + "\"}").message ==
          "\"" + sixty + "\" is not an option of \"goal\" (expected one of: buy, look)");

    auto several = ripen::parse_answers(model, R"({"goal": "x", "size": "y"})");
    CHECK(several.issues.size() == 2);  // every bad answer, not just the first
}

TEST_CASE("required questions cannot be declined; no choice declines a multiple choice") {
    auto model = test::tiny();
    auto e = answer_error(model, R"({"goal": null})");
    CHECK(e.code == "answer.required");
    CHECK(e.message == "\"goal\" is required and cannot be declined (null); leave it out while it is not answered");
    CHECK(e.path == "$.goal");
    CHECK(test::answers(model, R"({"student": null})").values[3].state == Answer::State::declined);
    CHECK(test::answers(model, R"({"tools": []})").values[2].state == Answer::State::declined);
    std::string text = test::tiny_model_json();
    std::string from = "{\"id\": \"tools\", \"type\": \"multiple\", \"label\": \"Tools\",";
    text.replace(text.find(from), from.size(), from + " \"required\": true,");
    auto strict = test::load(text);
    CHECK(answer_error(strict, R"({"tools": []})").message == "\"tools\" is required and needs at least one choice");
}

TEST_CASE("CSV cells") {
    auto model = test::tiny();
    Answer a;
    ripen::Issue error;
    CHECK(ripen::set_answer_text(model, 2, " a ; b ", a, error));
    CHECK(a.selected == 3u);
    CHECK(ripen::set_answer_text(model, 1, "100", a, error));
    CHECK(a.band == 1);
    CHECK(ripen::set_answer_text(model, 1, "99.9999", a, error));
    CHECK(a.band == 0);
    CHECK(ripen::set_answer_text(model, 0, "", a, error));
    CHECK(a.state == Answer::State::open);
    CHECK(ripen::set_answer_text(model, 0, "  ", a, error));
    CHECK(a.state == Answer::State::open);

    CHECK(cell_error(model, "goal", "Buy").message == "\"Buy\" is not an option of \"goal\" (expected one of: buy, look)");
    CHECK(cell_error(model, "tools", "a;;b").message == "empty choice in the answer to \"tools\"");
    CHECK(cell_error(model, "tools", "a;c").message == "\"c\" is not an option of \"tools\" (expected one of: a, b)");
    CHECK(cell_error(model, "size", "1,5").message == "\"1,5\" is not a number (the answer to \"size\")");
    CHECK(cell_error(model, "size", "0.5").code == "answer.out_of_range");
    CHECK(cell_error(model, "why", std::string(1001, 'x')).message == "the answer to \"why\" is 1001 bytes long; the limit is 1000");
    CHECK(cell_error(model, "why", "caf\xe9").message == "the answer to \"why\" is not valid UTF-8");
    CHECK(cell_error(model, "why", "caf\xe9").code == "answer.encoding");
}

TEST_CASE("a number question's step") {
    std::string text = test::tiny_model_json();
    std::string from = "{\"id\": \"size\", \"type\": \"number\",";
    REQUIRE(text.find(from) != std::string::npos);
    text.replace(text.find(from), from.size(), from + " \"step\": 0.5,");
    auto model = test::load(text);
    CHECK(test::answers(model, R"({"size": 150.5})").values[1].state == ripen::Answer::State::given);
    auto e = answer_error(model, R"({"size": 150.25})");
    CHECK(e.code == "answer.step");
    CHECK(e.message == "150.25 is not a valid answer to \"size\": answers go in steps of 0.5");
    std::string zero = test::tiny_model_json();
    zero.replace(zero.find(from), from.size(), from + " \"step\": 0,");
    auto refused = ripen::load_model(zero);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.issues[0].message == "step must be above 0, got 0");
}

TEST_CASE("selection counts") {
    std::string text = test::tiny_model_json();
    std::string from = "{\"id\": \"tools\", \"type\": \"multiple\", \"label\": \"Tools\",";
    text.replace(text.find(from), from.size(), from + " \"min_select\": 1, \"max_select\": 1,");
    auto model = test::load(text);
    CHECK(answer_error(model, R"({"tools": ["a", "b"]})").message == "\"tools\" allows at most 1 choices, got 2");
    CHECK(answer_error(model, R"({"tools": []})").message == "\"tools\" needs at least 1 choices, got 0");
    CHECK(answer_error(model, R"({"tools": []})").code == "answer.selection_count");
}

TEST_CASE("values, completeness and errors" * doctest::test_suite("context")) {
    auto c = test::context(R"({"utm_medium": "event", "page_views": 7, "vip": true, "gone": null, "complete": true})");
    CHECK(c.complete);
    REQUIRE(c.find("utm_medium"));
    CHECK(*c.find("utm_medium") == "event");
    CHECK(*c.find("page_views") == "7");
    CHECK(*c.find("vip") == "true");
    CHECK(c.find("gone") == nullptr);

    auto bad = ripen::parse_context(R"({"utm": ["a"], "complete": "yes"})");
    CHECK_FALSE(bad.ok());
    REQUIRE(bad.issues.size() == 2);
    CHECK(bad.issues[0].code == "context.type");
    CHECK(bad.issues[0].message == "context values must be strings or numbers, got an array");
    CHECK(bad.issues[0].path == "$.utm");
    CHECK(bad.issues[1].message == "\"complete\" must be true or false");
    CHECK(ripen::parse_context("5").issues[0].message == "context must be an object, got a number");
}

TEST_CASE("RFC 3339 and Unix seconds" * doctest::test_suite("time")) {
    CHECK(ripen::parse_time("1970-01-01T00:00:00Z") == 0);
    CHECK(ripen::parse_time("2026-11-23T09:30:00Z") == 1795426200);
    CHECK(ripen::parse_time("2026-11-23T10:30:00+01:00") == 1795426200);
    CHECK(ripen::parse_time("2026-11-23T04:30:00.123-05:00") == 1795426200);
    CHECK(ripen::parse_time("1795426200") == 1795426200);
    CHECK(ripen::parse_time("2024-02-29T12:00:00Z").has_value());
    for (const char* bad : {"", "2026-13-01T00:00:00Z", "2026-11-23", "2026-11-23T09:30:00", "2026-11-23T25:00:00Z", "soon",
                            "2026-02-30T00:00:00Z", "2026-11-23T09:30:00+0100"})
        CHECK_MESSAGE(!ripen::parse_time(bad).has_value(), bad);
    CHECK(ripen::format_time(1795426200) == "2026-11-23T09:30:00Z");
    CHECK(ripen::format_time(0) == "1970-01-01T00:00:00Z");
    CHECK(ripen::format_time(951782400) == "2000-02-29T00:00:00Z");
}

TEST_CASE("move_under puts paths under a root, and a pathless issue at the root" * doctest::test_suite("issues")) {
    std::vector<ripen::Issue> from(2), to(1);
    from[0].path = "$.size";
    from[1].code = "json.syntax";  // no path
    ripen::move_under("$.answers", from, to);
    REQUIRE(to.size() == 3);
    CHECK(to[1].path == "$.answers.size");
    CHECK(to[2].path == "$.answers");
    CHECK(to[2].code == "json.syntax");
}

TEST_SUITE_END();
