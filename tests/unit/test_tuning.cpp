// The tuning engine: metrics worked out by hand on a few leads, threshold suggestions, and
// points fitted from outcomes (the order of known points recovered from synthetic data).
#include "support.hpp"

#include <cmath>

#include "ripen/sample.hpp"

TEST_SUITE_BEGIN("tuning");

namespace {

struct Lead {
    const char* answers;
    int outcome;
};

// Tiny model (hand-off at 6 of 9): buy/large 9, buy/small 5, look/large 7, look/small 3.
const Lead kLeads[] = {
    {R"({"goal": "buy", "size": 200})", 1},                     // 9, hand-off
    {R"({"goal": "buy", "size": 5})", 1},                       // 5, nurture
    {R"({"goal": "look", "size": 200})", 0},                    // 7, hand-off
    {R"({"goal": "look", "size": 5})", 0},                      // 3, nurture
    {R"({"goal": "buy", "size": 200, "student": "yes"})", 0},   // knocked out
    {R"({"goal": "look", "size": 5})", 1},                      // 3, nurture
    {R"({"goal": "buy", "size": 200})", -1},                    // no outcome: left out
};

struct Scored {
    ripen::LeadTable table;
    ripen::TableResult result;
    ripen::Metrics metrics;
};

Scored score_leads(const ripen::Model& model) {
    Scored s{ripen::LeadTable(model), {}, {}};
    ripen::Context context;
    context.complete = true;
    for (const auto& lead : kLeads) s.table.append(test::answers(model, lead.answers), context, true, lead.outcome);
    ripen::Scoring scoring = ripen::Scoring::from(model);
    ripen::TableScorer scorer(model, scoring);
    scorer.score(s.table, s.result, false);
    s.metrics = ripen::compute_metrics(s.table, s.result, scoring);
    return s;
}

std::uint64_t splitmix(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// Three questions whose options carry known points; the model starts with every option at 1
// point, so the fit has to find the order from the outcomes alone.
const char* kFlatModel = R"({
  "format": 1, "id": "synthetic", "languages": ["en"],
  "criteria": [{"id": "a", "label": "A", "max": 12}, {"id": "b", "label": "B", "max": 12}],
  "questions": [
    {"id": "q1", "type": "single", "label": "Q1", "options": [
      {"value": "o0", "label": "o0", "points": {"a": 1}}, {"value": "o1", "label": "o1", "points": {"a": 1}},
      {"value": "o2", "label": "o2", "points": {"a": 1}}, {"value": "o3", "label": "o3", "points": {"a": 1}}]},
    {"id": "q2", "type": "single", "label": "Q2", "options": [
      {"value": "p0", "label": "p0", "points": {"b": 1}}, {"value": "p1", "label": "p1", "points": {"b": 1}}, {"value": "p2", "label": "p2", "points": {"b": 1}}]},
    {"id": "q3", "type": "number", "label": "Q3", "bands": [
      {"from": 0, "points": {"b": 1}}, {"from": 10, "points": {"b": 1}}, {"from": 100, "points": {"b": 1}}]}
  ],
  "thresholds": {"handoff": 3},
  "segments": [{"id": "web", "label": "Web", "sla_hours": 4, "cadence": [
    {"day": 0, "channel": "phone", "role": "requester", "purpose": "Call"},
    {"day": 1, "channel": "email", "role": "requester", "purpose": "Recap"},
    {"day": 2, "channel": "phone", "role": "requester", "purpose": "Call"},
    {"day": 3, "channel": "email", "role": "requester", "purpose": "Recap"},
    {"day": 5, "channel": "phone", "role": "requester", "purpose": "Call"},
    {"day": 7, "channel": "email", "role": "requester", "purpose": "Recap"},
    {"day": 9, "channel": "phone", "role": "requester", "purpose": "Call"}]}],
  "nurture": {"tracks": [{"id": "all", "stage": "awareness", "label": "All", "content": [{"title": "Blog", "url": "/blog"}]}]},
  "texts": {
    "next": "Next", "back": "Back", "submit": "Send", "forget": "Forget", "optional": "optional",
    "error_required": "Required", "error_number": "Number", "error_range": "From {min} to {max}",
    "error_email": "E-mail", "error_country": "Country", "error_choices": "Choose {min} to {max}",
    "handoff_title": "Great", "handoff_body": "Within {hours} hours", "handoff_booking": "Book",
    "nurture_title": "Thanks", "nurture_body": "Read this",
    "disqualify_title": "Sorry", "disqualify_body": "Try this"
  }
})";

const int kTrueQ1[] = {0, 1, 2, 3};
const int kTrueQ2[] = {2, 0, 1};
const int kTrueQ3[] = {0, 2, 4};
const int kQ3Values[] = {5, 50, 500};

ripen::LeadTable synthetic_leads(const ripen::Model& model, int count, std::uint64_t seed) {
    ripen::LeadTable table(model);
    std::uint64_t state = seed;
    ripen::Context context;
    context.complete = true;
    const char* q1[] = {"o0", "o1", "o2", "o3"};
    const char* q2[] = {"p0", "p1", "p2"};
    for (int i = 0; i < count; ++i) {
        int a = static_cast<int>(splitmix(state) % 4), b = static_cast<int>(splitmix(state) % 3), c = static_cast<int>(splitmix(state) % 3);
        double logit = -3.0 + 0.7 * (kTrueQ1[a] + kTrueQ2[b] + kTrueQ3[c]);
        double u = static_cast<double>(splitmix(state) >> 11) / 9007199254740992.0;
        int outcome = u < 1.0 / (1.0 + std::exp(-logit)) ? 1 : 0;
        std::string json = std::string(R"({"q1": ")") + q1[a] + R"(", "q2": ")" + q2[b] + R"(", "q3": )" + std::to_string(kQ3Values[c]) + "}";
        table.append(test::answers(model, json), context, true, outcome);
    }
    return table;
}

}  // namespace

TEST_CASE("metrics at the model's thresholds, worked out by hand") {
    auto model = test::tiny();
    auto s = score_leads(model);
    const auto& m = s.metrics;
    CHECK(m.outcome_unknown == 1);
    const auto& c = m.overall;
    CHECK(c.leads == 6);
    CHECK(c.converted == 3);
    CHECK(c.handoff == 2);
    CHECK(c.handoff_converted == 1);
    CHECK(c.nurture == 3);
    CHECK(c.nurture_converted == 2);
    CHECK(c.disqualify == 1);
    CHECK(c.handoff_share() == doctest::Approx(2.0 / 6));
    CHECK(c.precision() == doctest::Approx(0.5));
    CHECK(c.recall() == doctest::Approx(1.0 / 3));
    CHECK(c.leakage() == doctest::Approx(2.0 / 3));
    CHECK(c.lift() == doctest::Approx(1.0));
    // Every lead is a web lead here; the event segment is empty.
    REQUIRE(m.segments.size() == 2);
    CHECK(m.segments[static_cast<std::size_t>(model.segment_index("web"))].leads == 6);
    CHECK(m.segments[static_cast<std::size_t>(model.segment_index("event"))].leads == 0);
    // Converted 9, 5, 3 against not converted 7, 3, knocked out: 6.5 of 9 pairs ranked right.
    CHECK(m.auc == doctest::Approx(6.5 / 9));
}

TEST_CASE("the threshold sweep, calibration, gain and ROC curves") {
    auto model = test::tiny();
    auto m = score_leads(model).metrics;
    REQUIRE(m.sweep.size() == 10);  // thresholds 0..9
    auto at = [&](int t) { return m.sweep[static_cast<std::size_t>(t)].counts; };
    CHECK(at(0).handoff == 5);
    CHECK(at(0).precision() == doctest::Approx(0.6));
    CHECK(at(5).handoff == 3);
    CHECK(at(5).handoff_converted == 2);
    CHECK(at(6).handoff == 2);
    CHECK(at(8).handoff == 1);
    CHECK(at(8).precision() == doctest::Approx(1.0));
    CHECK(at(8).leakage() == doctest::Approx(2.0 / 3));
    CHECK(at(9).disqualify == 1);
    // Calibration: totals 3 (one of two converted), 5, 7, 9.
    REQUIRE(m.calibration.size() == 4);
    CHECK(m.calibration[0].total == 3);
    CHECK(m.calibration[0].leads == 2);
    CHECK(m.calibration[0].converted == 1);
    CHECK(m.calibration[3].total == 9);
    CHECK(m.calibration[3].converted == 1);
    // Curves start at the origin, end at (1, 1), and never go down.
    for (const auto* curve : {&m.gain, &m.roc}) {
        REQUIRE(curve->size() >= 2);
        CHECK(curve->front().x == 0);
        CHECK(curve->front().y == 0);
        CHECK(curve->back().x == doctest::Approx(1.0));
        CHECK(curve->back().y == doctest::Approx(1.0));
        for (std::size_t i = 1; i < curve->size(); ++i) {
            CHECK((*curve)[i].x >= (*curve)[i - 1].x);
            CHECK((*curve)[i].y >= (*curve)[i - 1].y);
        }
    }
    // The top score (9) alone catches one of three conversions with one of six leads.
    CHECK(m.gain[1].x == doctest::Approx(1.0 / 6));
    CHECK(m.gain[1].y == doctest::Approx(1.0 / 3));
    CHECK(m.roc[1].x == 0);
}

TEST_CASE("threshold suggestions: a precision target and a sales capacity") {
    auto m = score_leads(test::tiny()).metrics;
    auto precise = ripen::suggest_for_precision(m, 0.9);
    REQUIRE(precise.found);
    CHECK(precise.at.threshold == 8);
    CHECK(precise.at.counts.precision() == doctest::Approx(1.0));
    CHECK(precise.reason == "the lowest threshold whose hand-offs convert at 90 % or more");
    auto loose = ripen::suggest_for_precision(m, 0.6);
    REQUIRE(loose.found);
    CHECK(loose.at.threshold == 0);
    auto impossible = ripen::suggest_for_precision(m, 1.01);
    CHECK_FALSE(impossible.found);
    CHECK(impossible.reason == "no threshold reaches that precision on these leads");

    auto capacity = ripen::suggest_for_capacity(m, 2);
    REQUIRE(capacity.found);
    CHECK(capacity.at.threshold == 6);
    CHECK(capacity.at.counts.handoff == 2);
    CHECK(capacity.reason == "the threshold with the most hand-offs within the capacity");
    CHECK(capacity.has_next);
    CHECK(capacity.next_handoff == 3);  // threshold 5 hands off three
    // Below the fewest anyone hands off: no suggestion, rather than a threshold that hands off
    // nobody (a capacity of 0.5 used to give threshold 10 with 0 hand-offs).
    auto none = ripen::suggest_for_capacity(m, 0.5);
    CHECK_FALSE(none.found);
    CHECK(none.reason == "the highest threshold that hands off anyone hands off 1 lead, more than that capacity");
}

// Applies a suggestion as tune writes it and re-scores: the model's threshold (segments with
// their own keep it), or the segment's own.
ripen::Metrics metrics_after(const ripen::Model& model, const ripen::LeadTable& table, const ripen::Suggestion& s) {
    ripen::Scoring scoring = ripen::Scoring::from(model);
    if (s.segment < 0)
        scoring.handoff_at = s.at.threshold;
    else
        scoring.segment_handoff_at[static_cast<std::size_t>(s.segment)] = s.at.threshold;
    ripen::TableScorer scorer(model, scoring);
    ripen::TableResult result;
    scorer.score(table, result, false);
    return ripen::compute_metrics(table, result, scoring);
}

TEST_CASE("a suggestion promises what the model written with it delivers, with segment overrides") {
    // The default model's strategic segment has its own threshold (6); the sweep must keep it,
    // as the written model does (it used to count strategic at the swept threshold: 62.0 %
    // promised, 57.2 % delivered on a case like this one).
    auto model = test::default_model();
    const int strategic = model.segment_index("strategic");
    REQUIRE(strategic >= 0);
    REQUIRE(model.spec().segments[static_cast<std::size_t>(strategic)].handoff_at.has_value());
    ripen::LeadTable table(model);
    ripen::LeadGenerator generator(model, 5);
    ripen::SampleLead lead;
    for (int i = 0; i < 4000; ++i) {
        generator.next(lead);
        ripen::Context context;
        context.complete = true;
        context.values = lead.context;
        if (!lead.source.empty()) context.values.emplace_back("source", lead.source);
        table.append(lead.answers, context, true, lead.converted ? 1 : 0);
    }
    ripen::Scoring scoring = ripen::Scoring::from(model);
    ripen::TableScorer scorer(model, scoring);
    ripen::TableResult result;
    scorer.score(table, result, false);
    auto m = ripen::compute_metrics(table, result, scoring);
    REQUIRE(m.segments[static_cast<std::size_t>(strategic)].leads > 0);
    // The sweep at the model's own threshold is the model as it is.
    CHECK(m.sweep[static_cast<std::size_t>(model.spec().handoff_at)].counts.handoff == m.overall.handoff);

    int checked = 0;
    for (int segment = -1; segment < static_cast<int>(model.spec().segments.size()); ++segment) {
        for (double target : {0.2, 0.3, 0.4, 0.5, 0.6, 0.7}) {
            auto s = ripen::suggest_for_precision(m, target, segment);
            if (!s.found) continue;
            CAPTURE(segment);
            CAPTURE(target);
            auto after = metrics_after(model, table, s);
            CHECK(after.overall.handoff == s.at.counts.handoff);
            CHECK(after.overall.handoff_converted == s.at.counts.handoff_converted);
            if (segment >= 0) {
                CHECK(s.segment_at.precision() >= target);
                CHECK(after.segments[static_cast<std::size_t>(segment)].handoff == s.segment_at.handoff);
            } else {
                CHECK(after.overall.precision() >= target);
            }
            ++checked;
        }
        for (double capacity : {1.0, 10.0, 100.0, 500.0, 1500.0}) {
            auto s = ripen::suggest_for_capacity(m, capacity, segment);
            if (!s.found) continue;
            CAPTURE(segment);
            CAPTURE(capacity);
            const auto& own = segment < 0 ? s.at.counts : s.segment_at;
            CHECK(own.handoff > 0);
            CHECK(static_cast<double>(own.handoff) <= capacity);
            if (s.has_next) CHECK(static_cast<double>(s.next_handoff) > capacity);
            CHECK(metrics_after(model, table, s).overall.handoff == s.at.counts.handoff);
            ++checked;
        }
    }
    CHECK(checked > 20);
}

TEST_CASE("fitting recovers the order of known points from outcomes") {
    auto model = test::load(kFlatModel);
    auto table = synthetic_leads(model, 20000, 11);
    ripen::FitOptions options;
    auto fitted = ripen::fit_points(model, table, options);
    for (const auto& i : fitted.issues) MESSAGE(ripen::format_issue(i));
    REQUIRE(fitted.ok());
    const auto& f = *fitted.value;
    CHECK(f.train + f.holdout == 20000);
    CHECK(f.holdout > 3500);
    CHECK(f.holdout < 4500);
    // Points of option k of question q (on whichever criterion the fit put them).
    auto points = [&](const char* id, std::size_t k) {
        const auto& p = f.scoring.option_points[static_cast<std::size_t>(model.question_index(id))];
        return p[k * 2] + p[k * 2 + 1];
    };
    auto check_order = [&](const char* id, const int* truth, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j)
                if (truth[i] < truth[j]) {
                    CAPTURE(id);
                    CAPTURE(i);
                    CAPTURE(j);
                    CHECK(points(id, i) < points(id, j));
                }
    };
    check_order("q1", kTrueQ1, 4);
    check_order("q2", kTrueQ2, 3);
    check_order("q3", kTrueQ3, 3);
    // The flat model ranks nothing; the fit ranks about as well as the unconstrained regression.
    CHECK(f.auc_before_holdout == doctest::Approx(0.5));
    CHECK(f.auc_holdout > 0.7);
    CHECK(f.auc_holdout >= 0.98 * f.lr_auc_holdout);
    // The split is reproducible and recorded per lead.
    REQUIRE(f.split.size() == table.size());
    auto again = ripen::fit_points(model, table, options);
    REQUIRE(again.ok());
    CHECK(again.value->split == f.split);
    options.seed = 2;
    auto other = ripen::fit_points(model, table, options);
    REQUIRE(other.ok());
    CHECK(other.value->split != f.split);
    // The written model loads, carries the new points, and the diff names what changed.
    auto reloaded = ripen::load_model(ripen::json::to_string(f.document, 2));
    for (const auto& i : reloaded.issues) MESSAGE(ripen::format_issue(i));
    REQUIRE(reloaded.ok());
    CHECK(ripen::Scoring::from(*reloaded.value).option_points == f.scoring.option_points);
    CHECK(f.diff.find("  q1\n") != std::string::npos);
    CHECK(f.diff.find("o3: a 1 -> a ") != std::string::npos);
}

TEST_CASE("fitting refuses data it cannot learn from, with a message") {
    auto model = test::load(kFlatModel);
    auto few = synthetic_leads(model, 15, 3);
    auto too_few = ripen::fit_points(model, few, {});
    REQUIRE_FALSE(too_few.ok());
    CHECK(too_few.issues[0].code == "fit.too_few");
    CHECK(too_few.issues[0].message.find("leads with an outcome to learn from; at least 20 are needed") != std::string::npos);

    ripen::LeadTable same(model);
    ripen::Context context;
    context.complete = true;
    for (int i = 0; i < 100; ++i) same.append(test::answers(model, R"({"q1": "o1", "q2": "p0", "q3": 5})"), context, true, 0);
    auto one = ripen::fit_points(model, same, {});
    REQUIRE_FALSE(one.ok());
    CHECK(one.issues[0].code == "fit.one_outcome");
    CHECK(one.issues[0].message == "the leads to learn from all have the same outcome; points cannot be fitted");
}

namespace {

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) text.replace(at, from.size(), to);
    return text;
}

}  // namespace

TEST_CASE("fitting holds rare answers to at most 1 point, unseen ones to 0, and never passes a maximum") {
    // q1 gets a fifth option that one converted lead gave among 20,000, and a sixth no lead gave;
    // criterion a's maximum is 4, below what the scale search reaches for q1's best option.
    std::string text = replaced(kFlatModel, R"({"value": "o3", "label": "o3", "points": {"a": 1}}]},)",
                                R"({"value": "o3", "label": "o3", "points": {"a": 1}}, {"value": "o4", "label": "o4", "points": {"a": 1}},
                                   {"value": "o5", "label": "o5", "points": {"a": 1}}]},)");
    text = replaced(text, R"({"id": "a", "label": "A", "max": 12})", R"({"id": "a", "label": "A", "max": 4})");
    auto model = test::load(text);
    auto table = synthetic_leads(model, 20000, 11);
    ripen::Context context;
    context.complete = true;
    table.append(test::answers(model, R"({"q1": "o4", "q2": "p0", "q3": 5})"), context, true, 1);
    ripen::FitOptions options;
    options.holdout = 0;  // the rare lead must be in training
    auto fitted = ripen::fit_points(model, table, options);
    REQUIRE(fitted.ok());
    const auto& f = *fitted.value;
    const auto& q1 = f.scoring.option_points[static_cast<std::size_t>(model.question_index("q1"))];
    auto total = [&](std::size_t k) { return q1[k * 2] + q1[k * 2 + 1]; };
    CHECK(total(4) <= 1);   // seen once: it used to get the criterion maximum
    CHECK(total(5) == 0);   // seen never
    CHECK(f.capped_rare >= 1);
    for (std::size_t q = 0; q < f.scoring.option_points.size(); ++q)
        for (std::size_t i = 0; i < f.scoring.option_points[q].size(); ++i) {
            CAPTURE(q);
            CAPTURE(i);
            CHECK(f.scoring.option_points[q][i] >= 0);
            CHECK(f.scoring.option_points[q][i] <= model.spec().criteria[i % 2].max);
        }
    CHECK(total(3) == 4);  // the best answer reaches the maximum, not past it
    // The written model validates without points.exceeds_max.
    auto reloaded = ripen::load_model(ripen::json::to_string(f.document));
    REQUIRE(reloaded.ok());
    for (const auto& issue : reloaded.issues) CHECK(issue.code != "points.exceeds_max");
}

TEST_CASE("a model whose points are all zero loads with a warning and can be fitted; the threshold moves to the new scale") {
    std::string text = replaced(kFlatModel, R"("points": {"a": 1})", R"("points": {"a": 0})");
    text = replaced(text, R"("points": {"b": 1})", R"("points": {"b": 0})");
    auto loaded = ripen::load_model(text);
    REQUIRE(loaded.ok());  // threshold.unreachable used to refuse it
    REQUIRE(std::any_of(loaded.issues.begin(), loaded.issues.end(), [](const ripen::Issue& i) {
        return i.code == "threshold.unreachable" && i.severity == ripen::Severity::warning;
    }));
    // A real model whose threshold is out of reach is still an error.
    auto broken = ripen::load_model(replaced(kFlatModel, R"("handoff": 3)", R"("handoff": 30)"));
    CHECK_FALSE(broken.ok());

    const auto& model = *loaded.value;
    auto table = synthetic_leads(model, 20000, 3);
    auto fitted = ripen::fit_points(model, table, ripen::FitOptions{});
    REQUIRE(fitted.ok());
    const auto& f = *fitted.value;
    CHECK(f.auc_holdout > 0.7);
    // Before, every lead was nurtured (nothing reached 3); the same share, none, is not what a
    // fit is for, so here the share is compared on a model that hands off: see below.
    // q1 ranked 0..3 by hand and a hand-off at 5: about half the leads are handed off.
    std::string ranked = replaced(kFlatModel, R"("value": "o0", "label": "o0", "points": {"a": 1})", R"("value": "o0", "label": "o0", "points": {"a": 0})");
    ranked = replaced(ranked, R"("value": "o2", "label": "o2", "points": {"a": 1})", R"("value": "o2", "label": "o2", "points": {"a": 2})");
    ranked = replaced(ranked, R"("value": "o3", "label": "o3", "points": {"a": 1})", R"("value": "o3", "label": "o3", "points": {"a": 3})");
    ranked = replaced(ranked, R"("handoff": 3)", R"("handoff": 5)");
    auto flat = test::load(ranked);
    auto table2 = synthetic_leads(flat, 20000, 4);
    auto refit = ripen::fit_points(flat, table2, ripen::FitOptions{});
    REQUIRE(refit.ok());
    auto share_at = [&](const ripen::Scoring& scoring) {
        ripen::TableScorer scorer(flat, scoring);
        ripen::TableResult result;
        scorer.score(table2, result, false);
        return ripen::compute_metrics(table2, result, scoring).overall.handoff_share();
    };
    const double before = share_at(ripen::Scoring::from(flat));
    const double after = share_at(refit.value->scoring);
    REQUIRE(before > 0.2);
    REQUIRE(before < 0.8);
    CHECK(refit.value->scoring.handoff_at == refit.value->handoff_at);
    CHECK(std::fabs(after - before) < 0.15);
    // No other threshold comes closer to the share the model had.
    for (int t = 0; t <= refit.value->scoring.max_total(); ++t) {
        auto other = refit.value->scoring;
        other.handoff_at = t;
        CHECK(std::fabs(share_at(other) - before) >= std::fabs(after - before) - 1e-12);
    }
}

TEST_CASE("keep_criteria keeps a question's points on the criteria the model gave it") {
    // q1 counts on both criteria in the model; by default the fit moves it to one.
    std::string text = replaced(kFlatModel, R"("points": {"a": 1})", R"("points": {"a": 1, "b": 1})");
    auto model = test::load(text);
    auto table = synthetic_leads(model, 20000, 8);
    auto on_criteria = [&](bool keep) {
        ripen::FitOptions options;
        options.keep_criteria = keep;
        auto fitted = ripen::fit_points(model, table, options);
        REQUIRE(fitted.ok());
        const auto& q1 = fitted.value->scoring.option_points[static_cast<std::size_t>(model.question_index("q1"))];
        int a = 0, b = 0;
        for (std::size_t k = 0; k < 4; ++k) {
            a += q1[k * 2];
            b += q1[k * 2 + 1];
        }
        return std::make_pair(a, b);
    };
    auto moved = on_criteria(false);
    CHECK((moved.first == 0 || moved.second == 0));
    auto kept = on_criteria(true);
    CHECK(kept.first > 0);
    CHECK(kept.second > 0);
}

TEST_CASE("reports a marketer decides with: per answer, per rule, intervals and the Brier score, worked out by hand") {
    auto model = test::tiny();
    auto scored = score_leads(model);
    auto rows = ripen::answer_report(scored.table, scored.result);
    const int goal = model.question_index("goal");
    auto row = [&](int question, int option) {
        for (const auto& r : rows)
            if (r.question == question && r.option == option) return r;
        FAIL("no row");
        return ripen::AnswerRow{};
    };
    // goal: buy x3 (two converted, one knocked out), look x3 (one converted); the lead without an
    // outcome is left out.
    auto buy = row(goal, 0), look = row(goal, 1);
    CHECK(buy.leads == 3);
    CHECK(buy.converted == 2);
    CHECK(buy.handoff == 1);
    CHECK(look.leads == 3);
    CHECK(look.converted == 1);
    CHECK(look.handoff == 1);
    CHECK(look.conversion() == doctest::Approx(1.0 / 3));

    auto impact = ripen::rule_impact(scored.table, ripen::Scoring::from(model));
    REQUIRE(impact.size() == model.spec().rules.size());
    const auto& rule0 = model.spec().rules[0];
    REQUIRE(rule0.kind == ripen::RuleKind::knockout);
    CHECK(impact[0].removed == 1);  // the student
    CHECK(impact[0].removed_converted == 0);

    auto all = ripen::wilson_interval(81, 81);
    CHECK(all.lo == doctest::Approx(81.0 / (81.0 + 1.959963984540054 * 1.959963984540054)));
    CHECK(all.hi == doctest::Approx(1.0));
    auto half = ripen::wilson_interval(5, 10);
    CHECK(half.lo == doctest::Approx(0.2366).epsilon(0.001));
    CHECK(half.hi == doctest::Approx(0.7634).epsilon(0.001));
    CHECK(ripen::wilson_interval(0, 0).hi == 0);

    // Totals 3 (one of two converted), 5 (converted), 7 (not), 9 (converted).
    auto brier = ripen::brier_score(scored.metrics);
    CHECK(brier.by_total == doctest::Approx(0.5 / 5));
    CHECK(brier.by_base_rate == doctest::Approx(0.6 * 0.4));

    // Undefined shares are null in JSON: no hand-offs have no precision.
    ripen::RouteCounts none;
    none.leads = 4;
    none.converted = 1;
    none.nurture = 4;
    none.nurture_converted = 1;
    auto json = ripen::json::to_string(ripen::route_counts_to_json(none));
    CHECK(json.find("\"precision\":null") != std::string::npos);
    CHECK(json.find("\"precision_interval\":null") != std::string::npos);
    CHECK(json.find("\"lift\":null") != std::string::npos);
    CHECK(json.find("\"leakage\":1.0000") != std::string::npos);
}

TEST_SUITE_END();
