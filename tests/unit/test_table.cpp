// Columnar re-scoring: the table kernel agrees with decide() on every lead, and edited points,
// weights, thresholds and rules give what a model edited the same way gives.
#include "support.hpp"

namespace {

struct Generated {
    std::vector<ripen::SampleLead> leads;
};

std::vector<ripen::SampleLead> generate(const ripen::Model& model, int n, std::uint64_t seed) {
    ripen::LeadGenerator g(model, seed);
    std::vector<ripen::SampleLead> leads(static_cast<std::size_t>(n));
    for (auto& lead : leads) g.next(lead);
    return leads;
}

ripen::Context context_of(const ripen::SampleLead& lead, bool complete) {
    ripen::Context c;
    c.values = lead.context;
    if (!lead.source.empty()) c.values.emplace_back("source", lead.source);
    c.complete = complete;
    return c;
}

void check_agrees(const ripen::Model& scoring_model, const ripen::Model& table_model, const ripen::Scoring& scoring,
                  const std::vector<ripen::SampleLead>& leads, bool complete) {
    ripen::LeadTable table(table_model);
    for (const auto& lead : leads) table.append(lead.answers, context_of(lead, complete), complete);
    ripen::TableScorer scorer(table_model, scoring);
    ripen::TableResult result;
    scorer.score(table, result);
    int mismatches = 0;
    for (std::size_t i = 0; i < leads.size(); ++i) {
        auto d = ripen::decide(scoring_model, leads[i].answers, context_of(leads[i], complete));
        bool same = result.route[i] == d.route && result.total[i] == d.total && result.lo[i] == d.lo && result.hi[i] == d.hi;
        if (!same && ++mismatches <= 5)
            FAIL_CHECK("lead " << i << ": table " << ripen::to_string(result.route[i]) << " " << result.total[i] << " ["
                               << result.lo[i] << ", " << result.hi[i] << "], decide " << ripen::to_string(d.route) << " "
                               << d.total << " [" << d.lo << ", " << d.hi << "]");
    }
    CHECK(mismatches == 0);
}

}  // namespace

TEST_CASE("table: the kernel agrees with decide() on complete and partial leads") {
    auto model = test::default_model();
    auto leads = generate(model, 5000, 21);
    check_agrees(model, model, ripen::Scoring::from(model), leads, true);
    check_agrees(model, model, ripen::Scoring::from(model), leads, false);
}

TEST_CASE("table: the kernel agrees on the tiny model's edge cases") {
    auto model = test::tiny();
    auto leads = generate(model, 3000, 4);
    check_agrees(model, model, ripen::Scoring::from(model), leads, false);
    check_agrees(model, model, ripen::Scoring::from(model), leads, true);
}

TEST_CASE("table: edited scoring equals scoring with an edited model") {
    auto model = test::default_model();
    // The same edits, once in a model file and once in a Scoring.
    std::string text = test::read_file(test::source_path("models/default.json"));
    auto replace = [&](const std::string& from, const std::string& to) {
        std::size_t at = text.find(from);
        REQUIRE(at != std::string::npos);
        text.replace(at, from.size(), to);
    };
    replace("{\"id\": \"profile\", \"label\": {\"en\": \"Profile\", \"de\": \"Profil\"}, \"max\": 3}",
            "{\"id\": \"profile\", \"label\": {\"en\": \"Profile\", \"de\": \"Profil\"}, \"max\": 3, \"weight\": 2}");
    replace("\"thresholds\": {\"handoff\": 8}", "\"thresholds\": {\"handoff\": 10}");
    replace("\"points\": {\"timeframe\": 2}", "\"points\": {\"timeframe\": 3}");
    auto edited_model = test::load(text);

    ripen::Scoring scoring = ripen::Scoring::from(model);
    int profile = model.criterion_index("profile"), timeframe = model.criterion_index("timeframe");
    scoring.weights[static_cast<std::size_t>(profile)] = 2;
    scoring.handoff_at = 10;
    std::size_t C = model.spec().criteria.size();
    scoring.option_points[static_cast<std::size_t>(model.question_index("timeframe"))][1 * C + static_cast<std::size_t>(timeframe)] = 3;
    CHECK(scoring.max_total() == 15);

    auto leads = generate(model, 3000, 8);
    check_agrees(edited_model, model, scoring, leads, true);
    check_agrees(edited_model, model, scoring, leads, false);
}

TEST_CASE("table: disabling a rule") {
    auto model = test::tiny();
    ripen::LeadTable table(model);
    table.append(test::answers(model, R"({"goal": "buy", "size": 150, "student": "yes", "email": "a@b.com", "country": "DE"})"),
                 test::context("{}"), true);
    table.append(test::answers(model, R"({"goal": "buy", "size": 10, "tools": ["b"], "student": "no", "email": "a@b.com", "country": "FR"})"),
                 test::context("{}"), true);
    ripen::Scoring scoring = ripen::Scoring::from(model);
    ripen::TableScorer scorer(model, scoring);
    ripen::TableResult r;
    scorer.score(table, r);
    CHECK(r.route[0] == ripen::Route::disqualify);
    CHECK(r.route[1] == ripen::Route::nurture);  // fit 1 - 1 = 0 fails the gate; total 3
    scoring.rule_enabled.assign(2, 0);
    scoring.handoff_at = 3;
    scorer.set_scoring(scoring);
    scorer.score(table, r);
    CHECK(r.route[0] == ripen::Route::handoff);
    CHECK(r.route[1] == ripen::Route::handoff);
    CHECK(r.total[1] == 3);
}
