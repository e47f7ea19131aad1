// Explanations: the readable text names the route, the breakdown, the rules, the interval,
// what would flip the route and the plan, with labels in the requested language.
#include "support.hpp"

TEST_SUITE_BEGIN("explain");

namespace {
bool contains(const std::string& text, const std::string& part) {
    if (text.find(part) != std::string::npos) return true;
    MESSAGE("missing: " << part << "\n--- in ---\n" << text);
    return false;
}
}  // namespace

TEST_CASE("a hand-off lists breakdown, rules, flip and cadence") {
    auto model = test::tiny();
    auto d = test::decide(model, R"({"goal": "look", "size": 150, "student": "no", "email": "x@acme.com", "country": "FR"})",
                          R"({"complete": true, "now": "2026-11-23T09:00:00Z"})");
    std::string text = ripen::explain(model, d);
    CHECK(contains(text, "Route: HANDOFF - total 7 of 9 (score 78/100), hand-off at 6\n"));
    CHECK(contains(text, "Final total: 7 (no open question can change it)\n"));
    CHECK(contains(text, "Segment: web (Web)\n"));
    CHECK(contains(text, "  Need  1/3  <- goal = \"Look\" (+1)\n"));
    CHECK(contains(text, "  Fit   3/3 x2  <- size = \"150\" (+3)\n"));
    CHECK(contains(text, "  knock-out student: clear - Students\n"));
    CHECK(contains(text, "  gate fit_gate: passed - Fit at least 1\n"));
    CHECK(contains(text, "  Answering tools \"B\" would nurture this lead (total 5).\n"));
    CHECK(contains(text, "  Hand off to sales: accept or reject within 4 hours (by 2026-11-23T13:00:00Z).\n"));
    CHECK(contains(text, "  Cadence: 7 touches over 14 days\n"));
    CHECK(contains(text, "    day 0   phone    requester        Call\n"));
    CHECK(contains(text, "  If sales rejects: no_budget -> nurture track cold, re-scored after 90 days\n"));
}

TEST_CASE("nurture, disqualify and undecided plans") {
    auto model = test::tiny();
    auto nurture = ripen::explain(model, test::decide(model, R"({"goal": "buy", "size": 10, "student": "no", "email": "x@a.com", "country": "FR"})", R"({"complete": true})"));
    CHECK(contains(nurture, "  Nurture track hot (Hot, stage decision), a touch every 14 days:\n    - Pricing /pricing\n"));
    // Country DE (+1 fit) is a smaller change than the large size band (+2 fit).
    CHECK(contains(nurture, "  Answering country \"DE\" instead of \"FR\" would hand this lead off (total 7).\n"));
    auto ko = ripen::explain(model, test::decide(model, R"({"student": "yes"})"));
    CHECK(contains(ko, "Route: DISQUALIFY"));
    CHECK(contains(ko, "  knock-out student: FIRED - Students\n"));
    CHECK(contains(ko, "  Disqualified by student. The visitor sees: Try the academic program [Academic program: /academic]\n"));
    auto open = ripen::explain(model, test::decide(model, R"({"goal": "buy"})"));
    CHECK(contains(open, "Final total will be between 3 and 9 (6 questions open)\n"));
    CHECK(contains(open, "  Not settled yet:\n"));
    CHECK(contains(open, "  - the total (3..9) can still land on either side of the hand-off at 6\n"));
    CHECK(contains(open, "  Ask next:\n    - student: Student?\n    - size: Size\n    - tools: Tools\n"));
    CHECK(contains(open, "  Fit   0/3 x2 (can reach 0..3)\n"));
}

TEST_CASE("labels follow the language, with the default as fallback") {
    auto model = test::default_model();
    auto d = test::decide(model, R"({"goal": "replace", "timeframe": "no_plan", "role": "executive", "employees": 20, "email": "a@b.de", "country": "DE"})",
                          R"({"complete": true})");
    std::string de = ripen::explain(model, d, "de");
    CHECK(contains(de, "goal = \"Ein bestehendes Tool ablösen\" (+3)"));
    CHECK(contains(de, "  Bedarf / Passung  3/3"));
    std::string de_ch = ripen::explain(model, d, "de-ch");
    CHECK(de_ch == de);
    std::string fr = ripen::explain(model, d, "fr");
    CHECK(fr == ripen::explain(model, d, "en"));
    CHECK(contains(fr, "goal = \"Replace a tool we use today\" (+3)"));
}

TEST_CASE("an undecided route names the rule that is still open, not the total") {
    // Total 11..12 with the hand-off at 8: only open knock-outs keep it undecided (the text used
    // to say the total could land on either side of 8).
    auto model = test::default_model();
    auto d = test::decide(model, R"({"goal": "new_initiative", "timeframe": "under_3_months", "role": "executive", "budget": "approved",
                                     "employees": 500, "industry": "software", "use_cases": ["forecasting"], "heard_from": "search"})");
    REQUIRE(d.route == ripen::Route::undecided);
    REQUIRE(d.lo >= d.threshold);
    auto text = ripen::explain(model, d);
    CHECK(contains(text, "  - knock-out competitor is still open (Competitors do not go to sales): if it fires, the lead is disqualified\n"));
    CHECK(contains(text, "  - knock-out unsupported_country is still open"));
    CHECK_FALSE(contains(text, "either side"));
}

TEST_SUITE_END();
