// Columnar re-scoring: the table kernel agrees with decide() on every lead, and edited points,
// weights, thresholds and rules give what a model edited the same way gives.
#include "support.hpp"

TEST_SUITE_BEGIN("table");

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

TEST_CASE("the kernel agrees with decide() on complete and partial leads") {
    auto model = test::default_model();
    auto leads = generate(model, 5000, 21);
    check_agrees(model, model, ripen::Scoring::from(model), leads, true);
    check_agrees(model, model, ripen::Scoring::from(model), leads, false);
}

TEST_CASE("the kernel agrees on the tiny model's edge cases") {
    auto model = test::tiny();
    auto leads = generate(model, 3000, 4);
    check_agrees(model, model, ripen::Scoring::from(model), leads, false);
    check_agrees(model, model, ripen::Scoring::from(model), leads, true);
}

TEST_CASE("edited scoring equals scoring with an edited model") {
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
    replace("\"when\": {\"criterion\": \"authority\", \"gte\": 2}", "\"when\": {\"criterion\": \"authority\", \"gte\": 3}");
    auto edited_model = test::load(text);

    ripen::Scoring scoring = ripen::Scoring::from(model);
    int profile = model.criterion_index("profile"), timeframe = model.criterion_index("timeframe");
    scoring.weights[static_cast<std::size_t>(profile)] = 2;
    scoring.handoff_at = 10;
    std::size_t gate = 0;
    while (gate < model.spec().rules.size() && model.spec().rules[gate].id != "authority_gate") ++gate;
    REQUIRE(gate < model.spec().rules.size());
    CHECK(scoring.rule_level[gate] == 2);
    CHECK(scoring.rule_level[0] == ripen::Scoring::kNoLevel);  // a knock-out on an answer
    scoring.rule_level[gate] = 3;
    std::size_t C = model.spec().criteria.size();
    scoring.option_points[static_cast<std::size_t>(model.question_index("timeframe"))][1 * C + static_cast<std::size_t>(timeframe)] = 3;
    CHECK(scoring.max_total() == 15);

    auto leads = generate(model, 3000, 8);
    check_agrees(edited_model, model, scoring, leads, true);
    check_agrees(edited_model, model, scoring, leads, false);
}

TEST_CASE("disabling a rule") {
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

namespace {

// Applies a seeded walk of edits of every kind, re-scoring incrementally after each, and
// compares every lead with the full kernel under the same scoring.
void check_incremental_walk(const ripen::Model& model, std::uint64_t seed) {
    const std::vector<ripen::SampleLead> leads = generate(model, 4000, seed);
    ripen::LeadTable table(model);
    // Outcomes for the grouped histogram: converted or not, and every seventh lead unknown.
    for (std::size_t i = 0; i < leads.size(); ++i)
        table.append(leads[i].answers, context_of(leads[i], true), true, i % 7 == 0 ? -1 : leads[i].converted ? 1 : 0);
    ripen::Scoring scoring = ripen::Scoring::from(model);
    ripen::IncrementalScorer incremental, grouped;
    ripen::TableResult fast, full, grouped_leads;
    REQUIRE(incremental.reset(model, table, scoring, fast));
    REQUIRE(grouped.reset(model, table, scoring, grouped_leads));
    ripen::ScoreHistogram histogram;
    const ripen::ModelSpec& spec = model.spec();
    const std::size_t C = spec.criteria.size();
    std::uint64_t state = seed * 0x9E3779B97F4A7C15ull + 1;
    auto next = [&](std::size_t n) {
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        return static_cast<std::size_t>(state % n);
    };
    std::vector<std::size_t> levelled;  // rules with a level to tune
    for (std::size_t r = 0; r < scoring.rule_level.size(); ++r)
        if (scoring.rule_level[r] != ripen::Scoring::kNoLevel) levelled.push_back(r);
    const int kinds = levelled.empty() ? 6 : 7;
    int kinds_seen[7] = {};
    for (int step = 0; step < 70; ++step) {
        const int kind = static_cast<int>(next(static_cast<std::size_t>(kinds)));
        std::size_t expected_columns = 0;
        bool check_columns = false;
        switch (kind) {
            case 0: case 1: {  // one option's points; kind 1 picks a multiple-choice question
                std::vector<std::size_t> candidates;
                for (std::size_t q = 0; q < spec.questions.size(); ++q)
                    if (!scoring.option_points[q].empty() && (kind == 0 || spec.questions[q].type == ripen::QuestionType::multiple))
                        candidates.push_back(q);
                REQUIRE_FALSE(candidates.empty());
                auto& points = scoring.option_points[candidates[next(candidates.size())]];
                int& p = points[next(points.size())];
                const int before = p;
                p = static_cast<int>(next(7)) - 2;
                check_columns = true;
                expected_columns = p != before ? 1 : 0;
                break;
            }
            case 2:  // a signal's points
                REQUIRE_FALSE(scoring.signal_points.empty());
                scoring.signal_points[next(scoring.signal_points.size())][next(C)] = static_cast<int>(next(5)) - 2;
                break;
            case 3:  // a weight: no answer column is touched
                scoring.weights[next(C)] = static_cast<int>(next(4));
                check_columns = true;
                break;
            case 4:  // a rule on or off
                if (!scoring.rule_enabled.empty()) scoring.rule_enabled[next(scoring.rule_enabled.size())] ^= 1;
                check_columns = true;
                break;
            case 6:  // a rule's level ("authority >= 2"): no answer column is touched
                scoring.rule_level[levelled[next(levelled.size())]] = static_cast<int>(next(5));
                check_columns = true;
                break;
            default:  // thresholds
                scoring.handoff_at = static_cast<int>(next(static_cast<std::size_t>(scoring.max_total()) + 1));
                if (!scoring.segment_handoff_at.empty())
                    scoring.segment_handoff_at[next(scoring.segment_handoff_at.size())] = static_cast<int>(next(6)) - 1;
                check_columns = true;
                break;
        }
        ++kinds_seen[kind];
        incremental.update(table, scoring, fast);
        if (check_columns) CHECK(incremental.columns_summed() == expected_columns);
        ripen::TableScorer scorer(model, scoring);
        scorer.score(table, full, false);
        REQUIRE(fast.total.size() == table.size());
        int mismatches = 0;
        for (std::size_t i = 0; i < table.size(); ++i) {
            if (fast.total[i] == full.total[i] && fast.route[i] == full.route[i] && fast.flags[i] == full.flags[i]) continue;
            if (++mismatches <= 3)
                FAIL_CHECK("step " << step << " (edit kind " << kind << "), lead " << i << ": incremental " << fast.total[i] << " "
                                   << ripen::to_string(fast.route[i]) << ", full " << full.total[i] << " " << ripen::to_string(full.route[i]));
        }
        REQUIRE(mismatches == 0);
        // The grouped histogram is the one the full result gives, and so are its leads once written.
        REQUIRE(grouped.update_histogram(table, scoring, histogram));
        const ripen::ScoreHistogram expected = ripen::ScoreHistogram::of(table, full, scoring.max_total());
        CHECK(histogram.max_total == expected.max_total);
        CHECK(histogram.outcome_unknown == expected.outcome_unknown);
        REQUIRE(histogram.counts == expected.counts);
        if (step % 10 == 9) {
            grouped.score_leads(table, grouped_leads);
            CHECK(grouped_leads.total == full.total);
            CHECK(grouped_leads.route == full.route);
            CHECK(grouped_leads.flags == full.flags);
        }
    }
    for (int kind = 0; kind < kinds; ++kind) CHECK(kinds_seen[kind] > 0);
}

}  // namespace

TEST_CASE("incremental re-scoring equals the full kernel after every kind of edit") {
    SUBCASE("default model") { check_incremental_walk(test::default_model(), 3); }
    SUBCASE("tiny model") { check_incremental_walk(test::tiny(), 11); }
}

TEST_CASE("the grouped histogram gives way when the groups would be too many") {
    // The default model with criteria of up to 100 points: 101^4 vectors of clamped points.
    std::string text = test::read_file(test::source_path("models/default.json"));
    for (std::size_t at = text.find("\"max\": 3"); at != std::string::npos; at = text.find("\"max\": 3", at))
        text.replace(at, std::string("\"max\": 3").size(), "\"max\": 100");
    auto model = test::load(text);
    REQUIRE(model.spec().criteria.size() == 4);
    ripen::LeadTable table(model);
    for (const auto& lead : generate(model, 50, 2)) table.append(lead.answers, context_of(lead, true), true, lead.converted ? 1 : 0);
    ripen::IncrementalScorer incremental;
    ripen::TableResult result, full;
    const ripen::Scoring scoring = ripen::Scoring::from(model);
    REQUIRE(incremental.reset(model, table, scoring, result));
    ripen::ScoreHistogram histogram;
    ripen::Scoring heavier = scoring;
    heavier.weights[0] = 2;
    CHECK_FALSE(incremental.update_histogram(table, heavier, histogram));
    // The scoring moved all the same: the leads, written out, are the full kernel's.
    incremental.score_leads(table, result);
    ripen::TableScorer(model, heavier).score(table, full, false);
    CHECK(result.route == full.route);
    CHECK(result.total == full.total);
}

TEST_CASE("incremental re-scoring refuses leads with open answers") {
    auto model = test::default_model();
    ripen::LeadTable table(model);
    for (const auto& lead : generate(model, 200, 5)) table.append(lead.answers, context_of(lead, false), false);
    ripen::IncrementalScorer incremental;
    ripen::TableResult result;
    CHECK_FALSE(incremental.reset(model, table, ripen::Scoring::from(model), result));
    CHECK_FALSE(incremental.ready());
    ripen::LeadTable complete(model);
    complete.append(test::answers(model, R"({"goal": "replace"})"), ripen::Context{}, true);
    CHECK(incremental.reset(model, complete, ripen::Scoring::from(model), result));
    CHECK(incremental.ready());
    CHECK(result.total.size() == 1);
}

TEST_SUITE_END();
