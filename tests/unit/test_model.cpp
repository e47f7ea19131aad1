// Model validation: every error and warning code, with its exact message and place, and all
// problems reported at once.
#include <algorithm>
#include <atomic>
#ifndef __EMSCRIPTEN__
#include <thread>
#endif

#include "support.hpp"

TEST_SUITE_BEGIN("model");

namespace {

// The tiny model with `from` replaced by `to` (which must occur exactly once).
std::string edit(const std::string& from, const std::string& to, std::string text = test::tiny_model_json()) {
    std::size_t at = text.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, "not in the model: " << from);
    REQUIRE_MESSAGE(text.find(from, at + 1) == std::string::npos, "more than once in the model: " << from);
    return text.replace(at, from.size(), to);
}

// The one issue with `code`; fails when there is none or several.
ripen::Issue issue(const std::string& model_text, const std::string& code) { return test::only_issue(model_text, code); }

void check(const std::string& model_text, const std::string& code, const std::string& path, const std::string& message) {
    ripen::Issue i = issue(model_text, code);
    CHECK(i.path == path);
    CHECK(i.message == message);
    CHECK(i.line > 0);
    CHECK(i.column > 0);
}

}  // namespace

TEST_CASE("the tiny and the default model are valid") {
    auto tiny = ripen::load_model(test::tiny_model_json());
    CHECK(tiny.ok());
    CHECK(tiny.issues.empty());
    auto model = test::default_model();
    CHECK(model.max_total() == 12);
    CHECK(model.spec().handoff_at == 8);
    CHECK(model.spec().segments.size() >= 4);
    CHECK(model.spec().tracks.size() == 3);
    for (const auto& s : model.spec().segments) {
        CHECK(s.cadence.size() >= 7);
        CHECK(s.cadence.size() <= 13);
    }
}

TEST_CASE("copies share one model, across threads too; the last copy frees it") {
    ripen::Model model = test::tiny();
    const ripen::ModelSpec* spec = &model.spec();
    ripen::Model copy = model;
    CHECK(&copy.spec() == spec);
    ripen::Model moved = std::move(copy);
    CHECK(&moved.spec() == spec);
    copy = moved;  // into the moved-from model
    CHECK(&copy.spec() == spec);
    ripen::Model& same = copy;
    copy = same;  // onto itself
    CHECK(&copy.spec() == spec);
    {
        ripen::Model last = test::tiny();
        ripen::Model other = last;
        last = model;  // drops one reference to the second model; `other` keeps it alive
        CHECK(other.spec().criteria.size() == model.spec().criteria.size());
    }
#ifndef __EMSCRIPTEN__
    // The native CLI hands copies to its threads (the sanitizer build checks the counting).
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 20000; ++i) {
                ripen::Model mine = model;
                ripen::Model again = std::move(mine);
                if (&again.spec() != spec) ++wrong;
            }
        });
    for (auto& thread : threads) thread.join();
    CHECK(wrong == 0);
#endif
}

TEST_CASE("a JSON syntax error gives its line and column") {
    auto result = ripen::load_model("{\n  \"format\": 1,\n  \"id\": tiny\n}");
    REQUIRE(result.issues.size() == 1);
    CHECK(result.issues[0].code == "json.syntax");
    CHECK(result.issues[0].message == "invalid literal, expected 'true'");
    CHECK(result.issues[0].line == 3);
    CHECK(result.issues[0].column == 9);
    CHECK(ripen::format_issue(result.issues[0]) == "3:9: invalid literal, expected 'true' [json.syntax]");
}

TEST_CASE("structural errors") {
    check(edit("\"max\": 3, \"weight\": 2", "\"max\": \"3\", \"weight\": 2"), "schema.type", "$.criteria[1].max",
          "expected a number, got a string");
    check(edit("\"max\": 3, \"weight\": 2", "\"max\": 2.5, \"weight\": 2"), "schema.type", "$.criteria[1].max",
          "expected an integer, got 2.5");
    check(edit("{\"id\": \"need\", \"label\": \"Need\", \"max\": 3}", "{\"id\": \"need\", \"max\": 3}"), "schema.required",
          "$.criteria[0]", "missing required member \"label\"");
    check(edit("\"weight\": 2", "\"weigth\": 2"), "schema.unknown_member", "$.criteria[1].weigth",
          "unknown member \"weigth\", did you mean \"weight\"? (expected one of: id, label, description, max, weight)");
    check(edit("\"max\": 3, \"weight\": 2", "\"max\": 0, \"weight\": 2"), "schema.range", "$.criteria[1].max",
          "max must be between 1 and 1000, got 0");
    check(edit("\"type\": \"single\", \"label\": \"Goal\"", "\"type\": \"singel\", \"label\": \"Goal\""), "schema.enum",
          "$.questions[0].type",
          "unknown question type \"singel\", did you mean \"single\"? (expected one of: single, multiple, number, email, country, text)");
    check(edit("\"format\": 1", "\"format\": 2"), "model.format", "$.format", "unsupported format 2; this version of Ripen reads format 1");
    check(edit("{\"day\": 7, \"channel\": \"video\"", "{\"day\": 7, \"channel\": \"fax\""),
          "schema.enum", "$.segments[0].cadence[4].channel",
          "unknown channel \"fax\" (expected one of: phone, email, linkedin, video, meeting, sms, mail, event)");
    // The form's own progressive settings: talk_to_sales is true or false; a fitted model's
    // provenance is an object.
    CHECK(ripen::load_model(edit("\"format\": 1,", "\"format\": 1, \"progressive\": {\"talk_to_sales\": false}, \"provenance\": {\"rows\": 3},")).ok());
    check(edit("\"format\": 1,", "\"format\": 1, \"progressive\": {\"talk_to_sales\": \"no\"},"), "schema.type",
          "$.progressive.talk_to_sales", "expected true or false, got a string");
    check(edit("\"format\": 1,", "\"format\": 1, \"provenance\": \"fitted\","), "schema.type", "$.provenance",
          "expected an object, got a string");
    auto empty = ripen::load_model(edit("\"rejection\": [{\"id\": \"no_budget\", \"label\": \"No budget\", \"track\": \"cold\", \"recycle_after_days\": 90}]",
                                        "\"rejection\": []"));
    CHECK(empty.ok());  // optional lists may be empty
    ripen::Issue i = issue(edit("\"languages\": [\"en\"]", "\"languages\": []"), "schema.empty");
    CHECK(i.message == "languages must not be empty");
}

TEST_CASE("ids") {
    check(edit("{\"id\": \"goal\", \"type\"", "{\"id\": \"Goal\", \"type\""), "id.invalid", "$.questions[0].id",
          "question id \"Goal\" must start with a lowercase letter and contain only a-z, 0-9 and _ (at most 64)");
    check(edit("{\"id\": \"fit\", \"label\": \"Fit\"", "{\"id\": \"need\", \"label\": \"Fit\""), "id.duplicate", "$.criteria[1].id",
          "duplicate criterion id \"need\"");
    check(edit("{\"id\": \"why\",", "{\"id\": \"score\","), "id.reserved", "$.questions[6].id",
          "question id \"score\" is reserved for scoring output columns");
    check(edit("\"languages\": [\"en\"]", "\"languages\": [\"EN\"]"), "value.language", "$.languages[0]",
          "language \"EN\" must be a lowercase tag such as \"en\" or \"pt-br\"");
}

TEST_CASE("references") {
    check(edit("\"show_if\": {\"answer\": \"goal\"", "\"show_if\": {\"answer\": \"gaol\""), "ref.unknown_question",
          "$.questions[6].show_if.answer", "unknown question \"gaol\", did you mean \"goal\"?");
    check(edit("\"points\": {\"need\": 3}", "\"points\": {\"nede\": 3}"), "ref.unknown_criterion",
          "$.questions[0].options[0].points.nede", "unknown criterion \"nede\", did you mean \"need\"?");
    check(edit("\"when\": {\"answer\": \"goal\", \"in\": [\"buy\"]}", "\"when\": {\"answer\": \"goal\", \"in\": [\"bye\"]}"),
          "ref.unknown_option", "$.nurture.tracks[0].when.in", "\"bye\" is not an option of \"goal\", did you mean \"buy\"?");
    check(edit("\"when\": {\"criterion\": \"fit\", \"gte\": 1}", "\"when\": {\"signal\": \"free_mial\"}"), "ref.unknown_signal",
          "$.rules[1].when.signal", "unknown signal \"free_mial\"");
    check(edit("\"when\": {\"criterion\": \"fit\", \"gte\": 1}", "\"when\": {\"segment\": [\"events\"]}"), "ref.unknown_segment",
          "$.rules[1].when.segment", "unknown segment \"events\"");
    check(edit("\"track\": \"cold\"", "\"track\": \"warm\""), "ref.unknown_track", "$.nurture.rejection[0].track",
          "unknown track \"warm\"");
    check(edit("\"label\": \"Need\"", "\"label\": {\"en\": \"Need\", \"fr\": \"Besoin\"}"), "ref.unknown_language",
          "$.criteria[0].label.fr", "language \"fr\" is not listed in $.languages");
    check(edit("\"when\": {\"answer\": \"email\", \"domain_in\": [\"gmail.com\"]}", "\"when\": {\"signal\": \"free_mail\"}"),
          "ref.signal_order", "$.signals[0].when.signal",
          "signal \"free_mail\" is not defined before this one; a signal may only use earlier signals");
    check(edit("\"when\": {\"criterion\": \"fit\", \"gte\": 1}", "\"when\": {\"criterion\": \"fitt\", \"gte\": 1}"),
          "ref.unknown_criterion", "$.rules[1].when.criterion", "unknown criterion \"fitt\", did you mean \"fit\"?");
}

TEST_CASE("show_if cycles are found") {
    std::string text = edit("{\"id\": \"goal\", \"type\": \"single\", \"label\": \"Goal\", \"required\": true,",
                            "{\"id\": \"goal\", \"type\": \"single\", \"label\": \"Goal\", \"required\": true, \"show_if\": {\"answer\": \"why\", \"answered\": true},");
    check(text, "show_if.cycle", "$.questions[0].show_if", "show_if conditions form a cycle: goal -> why -> goal");
    check(edit("\"show_if\": {\"answer\": \"goal\", \"in\": [\"buy\"]}", "\"show_if\": {\"answer\": \"why\", \"answered\": true}"),
          "show_if.cycle", "$.questions[6].show_if", "show_if conditions form a cycle: why -> why");
}

TEST_CASE("conditions") {
    std::string path = "\"when\": {\"criterion\": \"fit\", \"gte\": 1}";
    check(edit(path, "\"when\": {\"answer\": \"goal\"}"), "condition.invalid", "$.rules[1].when",
          "a \"answer\" condition needs exactly one operator (one of: in, not_in, answered, lt, lte, gt, gte, eq, domain_in, domain_not_in)");
    check(edit(path, "\"when\": {\"answer\": \"goal\", \"inn\": [\"buy\"]}"), "condition.invalid", "$.rules[1].when.inn",
          "unknown operator \"inn\", did you mean \"in\"? for \"answer\" (expected one of: in, not_in, answered, lt, lte, gt, gte, eq, domain_in, domain_not_in)");
    check(edit(path, "\"when\": {}"), "condition.invalid", "$.rules[1].when",
          "a condition needs one of: all, any, not, answer, context, signal, criterion, segment");
    check(edit(path, "\"when\": {\"anny\": []}"), "condition.invalid", "$.rules[1].when",
          "a condition needs one of: all, any, not, answer, context, signal, criterion, segment; got \"anny\", did you mean \"any\"?");
    check(edit(path, "\"when\": {\"all\": []}"), "condition.invalid", "$.rules[1].when.all", "\"all\" needs at least one condition");
    check(edit("\"show_if\": {\"answer\": \"goal\", \"in\": [\"buy\"]}", "\"show_if\": {\"criterion\": \"need\", \"gte\": 2}"),
          "condition.not_allowed", "$.questions[6].show_if", "criterion conditions are not allowed in show_if");
    check(edit(path, "\"when\": {\"answer\": \"goal\", \"gte\": 3}"), "condition.type_mismatch", "$.rules[1].when.gte",
          "operator \"gte\" applies to number questions; \"goal\" is a single question");
    check(edit(path, "\"when\": {\"answer\": \"goal\", \"domain_in\": [\"a.com\"]}"), "condition.type_mismatch",
          "$.rules[1].when.domain_in", "operator \"domain_in\" applies to email questions; \"goal\" is a single question");
    check(edit(path, "\"when\": {\"answer\": \"email\", \"in\": [\"jane@acme.com\"]}"), "condition.type_mismatch", "$.rules[1].when.in",
          "operator \"in\" applies to choice, country and text (use domain_in for e-mail) questions; \"email\" is a email question");
    check(edit(path, "\"when\": {\"answer\": \"email\", \"domain_in\": [\"not a domain\"]}"), "value.domain",
          "$.rules[1].when.domain_in", "\"not a domain\" is not a domain name such as \"example.com\"");
    check(edit(path, "\"when\": {\"answer\": \"country\", \"in\": [\"XX\"]}"), "value.country", "$.rules[1].when.in",
          "\"XX\" is not an ISO 3166-1 alpha-2 country code");
}

TEST_CASE("thresholds") {
    check(edit("\"handoff\": 6", "\"handoff\": 10"), "threshold.unreachable", "$.thresholds.handoff",
          "hand-off threshold 10 is above the highest reachable total 9 (of 9)");
    check(edit("\"handoff_at\": 5", "\"handoff_at\": 12"), "threshold.unreachable", "$.segments[0].handoff_at",
          "hand-off threshold 12 is above the highest reachable total 9 (of 9)");
    // Reachable is lower than the nominal maximum when no answer can fill a criterion.
    check(edit("{\"value\": \"DE\", \"points\": {\"fit\": 1}}", "{\"value\": \"DE\"}",
               edit("{\"from\": 100, \"label\": \"large\", \"points\": {\"fit\": 3}}", "{\"from\": 100, \"label\": \"large\", \"points\": {\"fit\": 2}}",
                    edit("\"handoff\": 6", "\"handoff\": 9"))),
          "threshold.unreachable", "$.thresholds.handoff", "hand-off threshold 9 is above the highest reachable total 7 (of 9)");
    ripen::Issue w = issue(edit("\"handoff\": 6", "\"handoff\": 0"), "threshold.trivial");
    CHECK(w.severity == ripen::Severity::warning);
    CHECK(w.message == "hand-off threshold 0 is met by every lead without a knock-out");
    CHECK(ripen::load_model(edit("\"handoff\": 6", "\"handoff\": 0")).ok());
}

TEST_CASE("questions") {
    check(edit("{\"from\": 100, \"label\": \"large\"", "{\"from\": 1, \"label\": \"large\""), "bands.order",
          "$.questions[1].bands[1].from", "bands must be in ascending order: 1 does not exceed the previous band's 1");
    check(edit("\"required\": true, \"min\": 1,", "\"required\": true, \"min\": 10, \"max\": 5,"), "question.min_max",
          "$.questions[1].max", "max 5 is below min 10");
    std::string many;
    for (int i = 0; i < 65; ++i) many += std::string(i ? "," : "") + "{\"value\": \"o" + std::to_string(i) + "\", \"label\": \"O\"}";
    check(edit("{\"value\": \"yes\", \"label\": \"Yes\"}, {\"value\": \"no\", \"label\": \"No\"}", many), "question.options",
          "$.questions[3].options", "a question has at most 64 options, got 65");
    check(edit("{\"value\": \"a\", \"label\": \"A\"", "{\"value\": \"a;b\", \"label\": \"A\""), "value.option",
          "$.questions[2].options[0].value", "option value \"a;b\" must be non-empty, without surrounding spaces, ';' or line breaks");
    check(edit("{\"value\": \"DE\",", "{\"value\": \"XX\","), "value.country", "$.questions[5].options[0].value",
          "\"XX\" is not an ISO 3166-1 alpha-2 country code (or \"*\" for any other country)");
    check(edit("{\"value\": \"no\", \"label\": \"No\"}", "{\"value\": \"yes\", \"label\": \"No\"}"), "id.duplicate",
          "$.questions[3].options[1].value", "duplicate option value \"yes\"");
    ripen::Issue w = issue(edit("\"points\": {\"need\": 3}", "\"points\": {\"need\": 5}"), "points.exceeds_max");
    CHECK(w.severity == ripen::Severity::warning);
    CHECK(w.message == "5 points exceed the maximum of \"need\" (3); the criterion is capped");
}

TEST_CASE("texts and translations") {
    std::string two_languages = edit("\"languages\": [\"en\"]", "\"languages\": [\"en\", \"de\"]");
    auto result = ripen::load_model(two_languages);
    CHECK(result.ok());  // missing translations are warnings
    auto missing = std::count_if(result.issues.begin(), result.issues.end(), [](const ripen::Issue& i) { return i.code == "text.missing_translation"; });
    CHECK(missing > 20);
    auto with_object = ripen::load_model(edit("\"label\": \"Goal\"", "\"label\": {\"en\": \"Goal\"}", two_languages));
    auto w = std::find_if(with_object.issues.begin(), with_object.issues.end(), [](const ripen::Issue& i) { return i.path == "$.questions[0].label"; });
    REQUIRE(w != with_object.issues.end());
    CHECK(w->code == "text.missing_translation");
    CHECK(w->severity == ripen::Severity::warning);
    CHECK(w->message == "no translation for de; the default language is shown");
    check(edit("\"label\": \"Goal\"", "\"label\": {\"de\": \"Ziel\"}", two_languages), "text.missing_default", "$.questions[0].label",
          "missing the default language \"en\"");
    check(edit("\"next\": \"Next\", ", ""), "text.missing_key", "$.texts", "missing form text \"next\"");
    check(edit("\"url\": \"/academic\"", "\"url\": \"javascript:alert(1)\""), "value.url", "$.rules[0].url",
          "URL \"javascript:alert(1)\" must start with https://, http://, mailto: or /");
}

TEST_CASE("segments, tracks and cadences") {
    check(edit("{\"id\": \"web\", \"label\": \"Web\",", "{\"id\": \"web\", \"label\": \"Web\", \"when\": {\"answer\": \"goal\", \"in\": [\"buy\"]},"),
          "segment.default", "$.segments", "one segment must omit \"when\" to be the default");
    check(edit("\"when\": {\"context\": \"utm_medium\", \"in\": [\"event\"]}, ", ""), "segment.default", "$.segments[1]",
          "only one segment may omit \"when\" (the default); \"web\" is a second");
    check(edit("{\"id\": \"cold\", \"stage\": \"awareness\", \"label\": \"Cold\",", "{\"id\": \"cold\", \"stage\": \"awareness\", \"label\": \"Cold\", \"when\": {\"answer\": \"goal\", \"in\": [\"look\"]},"),
          "track.default", "$.nurture.tracks", "one track must omit \"when\" to be the default");
    check(edit("{\"day\": 1, \"channel\": \"phone\"", "{\"day\": -1, \"channel\": \"phone\""), "schema.range", "$.segments[0].cadence[1].day",
          "day must be between 0 and 3650, got -1");
    check(edit("{\"day\": 2, \"channel\": \"linkedin\", \"role\": \"champion\"", "{\"day\": 0, \"channel\": \"linkedin\", \"role\": \"champion\""),
          "cadence.order", "$.segments[0].cadence[2].day", "touches must be in day order: day 0 comes after day 1");
    ripen::json::Value doc = test::tiny_document();
    doc.find("segments")->items[0].find("cadence")->items.resize(1);
    ripen::Issue w = issue(ripen::json::to_string(doc), "cadence.touches");
    CHECK(w.severity == ripen::Severity::warning);
    CHECK(w.message == "hand-off cadences usually plan 7 to 13 touches; this one has 1");
}

TEST_CASE("every problem is reported at once") {
    std::string text = edit("\"weight\": 2", "\"weigth\": 2",
                            edit("\"handoff\": 6", "\"handoff\": 99", edit("\"points\": {\"need\": 3}", "\"points\": {\"nede\": 3}")));
    auto result = ripen::load_model(text);
    CHECK_FALSE(result.ok());
    std::vector<std::string> codes;
    for (const auto& i : result.issues) codes.push_back(i.code);
    CHECK(std::count(codes.begin(), codes.end(), "schema.unknown_member") == 1);
    CHECK(std::count(codes.begin(), codes.end(), "ref.unknown_criterion") == 1);
    CHECK(std::count(codes.begin(), codes.end(), "threshold.unreachable") == 1);
}

TEST_CASE("wrong shapes never crash the loader") {
    for (const char* text : {"[]", "null", "1", "\"x\"", "{}", "{\"criteria\": {}}", "{\"questions\": [1, \"a\", null]}",
                             "{\"format\": 1, \"criteria\": [{\"id\": 5}], \"questions\": [{\"id\": \"q\", \"type\": 3}]}",
                             "{\"segments\": [{\"when\": {\"all\": [{\"not\": {\"any\": [{}]}}]}}]}",
                             "{\"nurture\": {\"tracks\": [{}], \"rejection\": \"x\"}, \"texts\": []}"}) {
        auto result = ripen::load_model(text);
        CHECK_FALSE(result.ok());
        CHECK_FALSE(result.issues.empty());
        for (const auto& i : result.issues) {
            CHECK_FALSE(i.code.empty());
            CHECK_FALSE(i.message.empty());
        }
    }
}

TEST_CASE("a knock-out link needs its text, and booking parameters name questions") {
    // A url without a link text: valid, with a warning the form's generic text covers.
    auto no_link = issue(edit(R"("url": "/academic", "link": "Academic program")", R"("url": "/academic")"), "rule.link_text");
    CHECK(no_link.severity == ripen::Severity::warning);
    CHECK(no_link.path == "$.rules[0].url");
    CHECK(no_link.message == "knock-out \"student\" links to /academic without a link text (\"link\"); the form shows a generic \"Learn more\"");
    auto model = test::load(edit(R"("thresholds")", R"("booking_params": {"email": "email", "a1": "why"}, "thresholds")"));
    REQUIRE(model.spec().booking_params.size() == 2);
    CHECK(model.spec().booking_params[0].first == "email");
    CHECK(model.spec().booking_params[1].second == model.question_index("why"));
    check(edit(R"("thresholds")", R"("booking_params": {"email": "e-mail"}, "thresholds")"), "ref.unknown_question", "$.booking_params.email",
          "unknown question \"e-mail\", did you mean \"email\"?");
    check(edit(R"("thresholds")", R"("booking_params": {"your name": "why"}, "thresholds")"), "value.param", "$.booking_params.your name",
          "\"your name\" is not a URL parameter name (1 to 64 letters, digits, '_', '-' or '.')");
    check(edit(R"("thresholds")", R"("booking_params": {"email": 3}, "thresholds")"), "schema.type", "$.booking_params.email",
          "expected a string, got a number");
    check(edit(R"("thresholds")", R"("booking_params": ["email"], "thresholds")"), "schema.type", "$.booking_params",
          "expected an object, got an array");
}

TEST_SUITE_END();
