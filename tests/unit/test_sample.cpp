// Sample leads: deterministic for a seed, valid for their model, show-if respected, and with
// outcomes that rise with the score.
#include "support.hpp"

TEST_SUITE_BEGIN("sample");

TEST_CASE("the same seed gives the same leads, another seed others") {
    auto model = test::default_model();
    auto make = [&](std::uint64_t seed) {
        ripen::LeadGenerator g(model, seed);
        std::string out = g.csv_header();
        ripen::SampleLead lead;
        for (int i = 0; i < 200; ++i) {
            g.next(lead);
            g.append_csv(lead, out);
        }
        return out;
    };
    CHECK(make(1) == make(1));
    CHECK(make(1) != make(2));
    std::string header = make(1).substr(0, make(1).find('\n'));
    CHECK(header == "goal,timeframe,role,budget,employees,industry,use_cases,heard_from,event_name,email,country,notes,"
                    "source,page_views,account_tier,utm_medium,utm_source,converted");
}

TEST_CASE("leads are valid, respect show-if and convert more often when they score higher") {
    auto model = test::default_model();
    ripen::LeadGenerator g(model, 11);
    ripen::SampleLead lead;
    int student_with_budget = 0, hidden_event_name = 0;
    long converted_by_route[4] = {0, 0, 0, 0}, leads_by_route[4] = {0, 0, 0, 0};
    long converted_high = 0, leads_high = 0, converted_low = 0, leads_low = 0;
    const int role = model.question_index("role"), budget = model.question_index("budget");
    const int heard = model.question_index("heard_from"), event_name = model.question_index("event_name");
    for (int i = 0; i < 20000; ++i) {
        g.next(lead);
        const auto& v = lead.answers.values;
        if (v[static_cast<std::size_t>(role)].state == ripen::Answer::State::given &&
            model.spec().questions[static_cast<std::size_t>(role)].options[static_cast<std::size_t>(v[static_cast<std::size_t>(role)].option)].value == "student" &&
            v[static_cast<std::size_t>(budget)].state == ripen::Answer::State::given)
            ++student_with_budget;
        bool event = v[static_cast<std::size_t>(heard)].state == ripen::Answer::State::given &&
                     model.spec().questions[static_cast<std::size_t>(heard)].options[static_cast<std::size_t>(v[static_cast<std::size_t>(heard)].option)].value == "event";
        if (!event && v[static_cast<std::size_t>(event_name)].state == ripen::Answer::State::given) ++hidden_event_name;
        ripen::Context context;
        context.values = lead.context;
        if (!lead.source.empty()) context.values.emplace_back("source", lead.source);
        context.complete = true;
        auto d = ripen::decide(model, lead.answers, context);
        CHECK(d.warnings.empty());
        int r = static_cast<int>(d.route);
        ++leads_by_route[r];
        converted_by_route[r] += lead.converted;
        if (d.route != ripen::Route::disqualify) {
            (d.score >= 67 ? leads_high : leads_low) += 1;
            (d.score >= 67 ? converted_high : converted_low) += lead.converted;
        }
    }
    CHECK(student_with_budget == 0);
    CHECK(hidden_event_name == 0);
    for (int r = 0; r < 3; ++r) CHECK(leads_by_route[r] > 1000);  // every route occurs
    CHECK(leads_by_route[3] == 0);                                  // complete leads always settle
    double high = static_cast<double>(converted_high) / static_cast<double>(leads_high);
    double low = static_cast<double>(converted_low) / static_cast<double>(leads_low);
    double disqualified = static_cast<double>(converted_by_route[2]) / static_cast<double>(leads_by_route[2]);
    CHECK(high > 2 * low);
    CHECK(disqualified < 0.02);
}

TEST_CASE("the generated CSV scores without a single row error") {
    auto model = test::default_model();
    ripen::LeadGenerator g(model, 3);
    std::string csv = g.csv_header();
    ripen::SampleLead lead;
    for (int i = 0; i < 5000; ++i) {
        g.next(lead);
        g.append_csv(lead, csv);
    }
    ripen::BatchScorer scorer(model, ripen::BatchScorer::Format::csv);
    std::string out;
    std::vector<ripen::Issue> errors;
    REQUIRE(scorer.feed(csv, out, errors));
    REQUIRE(scorer.finish(out, errors));
    CHECK(errors.empty());
    CHECK(scorer.stats().scored == 5000);
}

TEST_SUITE_END();
