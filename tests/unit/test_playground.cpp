// The playground's state: edits re-score (threshold moves do not), undo and redo, metrics equal
// to the tuning engine's, suggestions and fits applied in one step, the export and its diff,
// CSV import in pieces with an inferred or edited mapping, and the preview.
#include "support.hpp"

#include "state.hpp"

namespace {

using ripen::playground::Playground;

TEST_SUITE_BEGIN("playground");

std::string default_text() { return test::read_file(test::source_path("models/default.json")); }

// The metrics the CLI's report computes for the same leads and scoring.
ripen::Metrics reference_metrics(const ripen::Model& model, const ripen::Scoring& scoring, std::size_t count, std::uint64_t seed) {
    ripen::LeadTable table(model);
    ripen::LeadGenerator generator(model, seed);
    ripen::SampleLead lead;
    for (std::size_t i = 0; i < count; ++i) {
        generator.next(lead);
        ripen::Context context;
        context.values = lead.context;
        if (!lead.source.empty()) context.values.emplace_back("source", lead.source);
        table.append(lead.answers, context, true, lead.converted ? 1 : 0);
    }
    ripen::TableScorer scorer(model, scoring);
    ripen::TableResult result;
    scorer.score(table, result);
    return ripen::compute_metrics(table, result, scoring);
}

std::string json_of(const ripen::Model& model, const ripen::Metrics& m) { return ripen::json::to_string(ripen::metrics_to_json(model, m), 2); }

}  // namespace

TEST_CASE("the playground's metrics are the tuning engine's, after every kind of edit") {
    Playground pg;
    REQUIRE(pg.load_model(default_text()).empty());
    pg.generate(3000, 4);
    CHECK(pg.leads() == 3000);
    auto model = test::default_model();
    CHECK(json_of(model, pg.metrics()) == json_of(model, reference_metrics(model, pg.scoring(), 3000, 4)));

    pg.set_weight(0, 3);
    pg.set_points(model.question_index("role"), 0, 2, 1);
    pg.set_rule_enabled(0, false);
    pg.set_rule_level(3, 3);  // authority_gate: authority >= 3
    pg.set_segment_threshold(1, 5);
    pg.set_threshold(9);
    CHECK(pg.scoring().rule_level[3] == 3);
    CHECK(json_of(model, pg.metrics()) == json_of(model, reference_metrics(model, pg.scoring(), 3000, 4)));
    CHECK(pg.scoring().weights[0] == 3);
    CHECK(pg.scoring().handoff_at == 9);
}

TEST_CASE("moving a threshold never re-scores; points, weights and rules do") {
    Playground pg;
    REQUIRE(pg.load_model(default_text()).empty());
    pg.generate(500, 1);
    const auto before = pg.rescore_count();
    const auto handoffs = pg.metrics().overall.handoff;
    pg.set_threshold(pg.scoring().handoff_at + 2);
    pg.set_segment_threshold(0, 3);
    CHECK(pg.rescore_count() == before);
    CHECK(pg.metrics().overall.handoff != handoffs);
    pg.set_weight(1, 2);
    CHECK(pg.rescore_count() == before + 1);
    CHECK(pg.columns_summed() == 0);  // a weight re-weighs the kept sums: no answer is read
    pg.set_rule_enabled(0, false);
    CHECK(pg.rescore_count() == before + 2);
    pg.undo();  // the rule back on: totals change again
    CHECK(pg.rescore_count() == before + 3);
    pg.undo();  // the weight
    pg.undo();  // a threshold: no re-score
    CHECK(pg.rescore_count() == before + 4);
    auto model = test::default_model();
    pg.set_points(model.question_index("role"), 0, 2, 3);
    CHECK(pg.rescore_count() == before + 5);
    CHECK(pg.columns_summed() == 1);  // only the edited question's column
}

TEST_CASE("undo and redo walk the edits back and forth; a new edit clears redo") {
    Playground pg;
    REQUIRE(pg.load_model(default_text()).empty());
    pg.generate(200, 2);
    const ripen::Scoring original = pg.scoring();
    CHECK_FALSE(pg.can_undo());
    CHECK_FALSE(pg.undo());
    pg.set_weight(0, 2);
    pg.set_threshold(10);
    const ripen::Scoring edited = pg.scoring();
    REQUIRE(pg.undo());
    REQUIRE(pg.undo());
    CHECK(pg.scoring().weights == original.weights);
    CHECK(pg.scoring().handoff_at == original.handoff_at);
    CHECK_FALSE(pg.can_undo());
    REQUIRE(pg.redo());
    REQUIRE(pg.redo());
    CHECK(pg.scoring().weights == edited.weights);
    CHECK(pg.scoring().handoff_at == 10);
    CHECK_FALSE(pg.redo());
    pg.undo();
    pg.set_weight(3, 4);  // a new edit after an undo
    CHECK_FALSE(pg.can_redo());
    // Setting the same value is no edit.
    const bool could_undo = pg.can_undo();
    pg.set_weight(3, 4);
    pg.undo();
    CHECK(pg.scoring().weights[3] == original.weights[3]);
    CHECK(could_undo);
}

TEST_CASE("the export is a model the form loads as is, with the tuning in it and a readable diff") {
    Playground pg;
    REQUIRE(pg.load_model(default_text()).empty());
    pg.generate(300, 3);
    CHECK(pg.diff().empty());
    auto model = test::default_model();
    const int role = model.question_index("role");
    pg.set_weight(1, 2);
    pg.set_threshold(9);
    pg.set_points(role, 0, 2, 3);
    pg.set_rule_enabled(0, false);
    pg.set_segment_threshold(2, 7);
    // The gate "authority >= 2" has a level to tune; a knock-out on an answer has none.
    REQUIRE(model.spec().rules[3].id == "authority_gate");
    auto level = pg.rule_level(3);
    REQUIRE(level.has_value());
    CHECK(level->subject == "authority");
    CHECK(level->comparison == ">=");
    CHECK(level->max == 3);
    CHECK_FALSE(pg.rule_level(0).has_value());
    const auto rescored = pg.rescore_count();
    pg.set_rule_level(0, 1);
    CHECK(pg.rescore_count() == rescored);  // nothing to set
    pg.set_rule_level(3, 3);
    CHECK(pg.rescore_count() == rescored + 1);
    auto exported = ripen::load_model(pg.export_model());
    for (const auto& i : exported.issues) MESSAGE(ripen::format_issue(i));
    REQUIRE(exported.ok());
    const auto& spec = exported.value->spec();
    CHECK(spec.criteria[1].weight == 2);
    CHECK(spec.handoff_at == 9);
    CHECK(spec.questions[static_cast<std::size_t>(role)].options[0].points[2] == 3);
    CHECK(spec.rules.size() == model.spec().rules.size() - 1);
    CHECK(ripen::Scoring::from(*exported.value).rule_level[2] == 3);  // authority_gate, now third
    REQUIRE(spec.segments[2].handoff_at.has_value());
    CHECK(*spec.segments[2].handoff_at == 7);
    const std::string diff = pg.diff();
    CHECK(diff.find("  weight of " + model.spec().criteria[1].id + ": 1 -> 2\n") != std::string::npos);
    CHECK(diff.find("  hand-off threshold: 8 -> 9\n") != std::string::npos);
    CHECK(diff.find("  rule " + model.spec().rules[0].id + ": left out\n") != std::string::npos);
    CHECK(diff.find("  level of rule authority_gate: 2 -> 3\n") != std::string::npos);
    CHECK(diff.find("  hand-off threshold of " + model.spec().segments[2].id + ": the model's -> 7\n") != std::string::npos);
    CHECK(diff.find("  role\n    " + model.spec().questions[static_cast<std::size_t>(role)].options[0].value + ": ") != std::string::npos);
    // The exported model scores a lead as the playground does.
    auto answers = test::answers(model, R"({"goal": "replace", "timeframe": "under_3_months", "role": "executive", "budget": "approved", "employees": 800})");
    pg.preview_answers() = answers;
    ripen::Context context;
    CHECK(pg.preview_decision().total == ripen::decide(*exported.value, answers, context).total);
    CHECK(pg.preview_explanation().find(std::to_string(pg.preview_decision().total)) != std::string::npos);
}

TEST_CASE("suggestions and fitted points apply in one undoable step") {
    Playground pg;
    REQUIRE(pg.load_model(default_text()).empty());
    pg.generate(4000, 5);
    auto suggestion = pg.suggest_for_capacity(400);
    REQUIRE(suggestion.found);
    pg.apply_threshold(suggestion);
    CHECK(pg.scoring().handoff_at == suggestion.at.threshold);
    CHECK(pg.metrics().sweep[static_cast<std::size_t>(suggestion.at.threshold)].counts.handoff <= 400);
    pg.set_weight(0, 2);
    auto fitted = pg.fit();
    REQUIRE(fitted.ok());
    const int threshold_before = pg.scoring().handoff_at;
    pg.apply_fitted_points(*fitted.value);
    CHECK(pg.scoring().option_points == fitted.value->scoring.option_points);
    CHECK(pg.scoring().weights[0] == 2);  // the fit changes points and thresholds, not weights
    CHECK(pg.scoring().handoff_at == fitted.value->handoff_at);  // the threshold on the new scale
    pg.undo();
    CHECK(pg.scoring().handoff_at == threshold_before);
    CHECK(pg.scoring().option_points == pg.loaded_scoring().option_points);
}

TEST_CASE("a CSV export imports in pieces through an inferred mapping, and again through an edited one") {
    Playground pg;
    REQUIRE(pg.load_model(default_text()).empty());
    auto model = test::default_model();
    ripen::LeadGenerator generator(model, 9);
    std::string csv = generator.csv_header();
    ripen::SampleLead lead;
    for (int i = 0; i < 400; ++i) {
        generator.next(lead);
        generator.append_csv(lead, csv);
    }
    pg.begin_import("leads.csv", csv.size());
    CHECK(pg.importing());
    for (std::size_t at = 0; at < csv.size(); at += 1000) {
        REQUIRE(pg.feed(std::string_view(csv).substr(at, 1000)));
        CHECK(pg.import_progress() <= 1.0);
    }
    REQUIRE(pg.finish_import());
    CHECK_FALSE(pg.importing());
    CHECK(pg.leads() == 400);
    CHECK(pg.import_stats().bad_rows == 0);
    CHECK(json_of(model, pg.metrics()) == json_of(model, reference_metrics(model, pg.scoring(), 400, 9)));
    // Ignoring the outcome column leaves nothing to tune on: refused, with the reason.
    std::string mapping = pg.mapping_json();
    std::string edited = mapping;
    edited.replace(edited.find("\"outcome\": ["), std::string("\"outcome\": [").size(), "\"ignore\": true, \"x\": [");
    CHECK_FALSE(pg.set_mapping(edited).empty());
    CHECK(pg.last_error().find("the mapping is invalid") == 0);
    CHECK(pg.leads() == 400);
    // A mapping that ignores the goal column re-imports without its points.
    std::string without_goal = mapping;
    without_goal.replace(without_goal.find("\"question\": \"goal\""), std::string("\"question\": \"goal\"").size(), "\"ignore\": true");
    REQUIRE(pg.set_mapping(without_goal).empty());
    CHECK(pg.leads() == 400);
    CHECK(pg.metrics().overall.handoff < reference_metrics(model, pg.scoring(), 400, 9).overall.handoff);
}

TEST_CASE("a broken model or a CSV without outcomes is refused, with a message, and nothing changes") {
    Playground pg;
    REQUIRE(pg.load_model(default_text()).empty());
    pg.generate(100, 1);
    auto issues = pg.load_model("{\"format\": 1}", "broken.json");
    CHECK_FALSE(issues.empty());
    CHECK(pg.last_error().find("the model \"broken.json\" is invalid:") == 0);
    CHECK(pg.model().spec().id == "ripen-demo-b2b");
    CHECK(pg.leads() == 100);
    pg.begin_import("no-outcome.csv", 20);
    REQUIRE(pg.feed("goal,role\nreplace,manager\n"));
    CHECK_FALSE(pg.finish_import());
    CHECK(pg.last_error() == "no lead in \"no-outcome.csv\" has an outcome: map the outcome column");
    CHECK(pg.leads() == 100);
}

namespace {

// A CSV shaped like a bank's call export: nothing in it is a question of the B2B model.
std::string bank_like_csv(int rows) {
    std::string csv = "age,job,marital,balance,y\n";
    const char* jobs[] = {"admin.", "technician", "blue-collar", "retired"};
    for (int i = 0; i < rows; ++i)
        csv += std::to_string(25 + i % 40) + "," + jobs[i % 4] + "," + (i % 3 ? "married" : "single") + "," + std::to_string(i * 37 % 5000) + "," +
               (i % 5 == 0 ? "yes" : "no") + "\n";
    return csv;
}

bool import_all(Playground& pg, const std::string& name, const std::string& csv) {
    pg.begin_import(name, csv.size());
    return pg.feed(csv) && pg.finish_import();
}

std::vector<std::string> warning_codes(const Playground& pg) {
    std::vector<std::string> codes;
    for (const auto& w : pg.warnings()) codes.push_back(w.code);
    return codes;
}

bool has(const std::vector<std::string>& codes, const std::string& code) { return std::find(codes.begin(), codes.end(), code) != codes.end(); }

}  // namespace

TEST_CASE("data that does not fit the model is said in words, with the fix") {
    Playground pg;
    REQUIRE(pg.load_model(default_text()).empty());
    pg.generate(2000, 1);
    CHECK(pg.warnings().empty());  // the model's own sample fits it
    CHECK(pg.import_stats().converted == pg.metrics().overall.converted);  // a sample says how many converted
    CHECK(pg.import_stats().converted > 0);
    REQUIRE(import_all(pg, "bank.csv", bank_like_csv(400)));
    auto codes = warning_codes(pg);
    REQUIRE(has(codes, "nothing_maps"));
    CHECK(pg.warnings()[0].code == "nothing_maps");
    CHECK(pg.warnings()[0].text == "No column of bank.csv matches a question of this model, so every lead gets the same score.");
    CHECK(pg.warnings()[0].fix.find("Data and mapping") != std::string::npos);
    // Every lead fails the authority gate: one bucket, said so.
    REQUIRE(has(codes, "one_bucket"));
    for (const auto& w : pg.warnings())
        if (w.code == "one_bucket") CHECK(w.text == "100 % of the leads fail a gate: the model cannot tell them apart on this data.");

    // The B2B model's own data with the role and budget columns ignored: the authority gate
    // (points from role and budget) and the student knock-out (role) read nothing.
    auto model = test::default_model();
    ripen::LeadGenerator generator(model, 3);
    std::string csv = generator.csv_header();
    ripen::SampleLead lead;
    for (int i = 0; i < 500; ++i) {
        generator.next(lead);
        generator.append_csv(lead, csv);
    }
    REQUIRE(import_all(pg, "crm.csv", csv));
    CHECK(warning_codes(pg).empty());
    std::string mapping = pg.mapping_json();
    for (const char* question : {"\"question\": \"role\"", "\"question\": \"budget\""}) {
        auto at = mapping.find(question);
        REQUIRE(at != std::string::npos);
        mapping.replace(at, std::string(question).size(), "\"ignore\": true");
    }
    REQUIRE(pg.set_mapping(mapping).empty());
    codes = warning_codes(pg);
    REQUIRE(has(codes, "rule_unmapped"));
    bool gate = false, knockout = false;
    for (const auto& w : pg.warnings()) {
        if (w.code == "rule_unmapped" && w.text.find("The knock-out") == 0 && w.text.find("never applies") != std::string::npos) knockout = true;
        if (w.code == "rule_unmapped" && w.text.find("The gate") == 0) {
            gate = true;
            CHECK(w.text.find("which no column gives: it holds every lead back from the hand-off.") != std::string::npos);
            CHECK(w.fix.find("turn the rule off") != std::string::npos);
        }
    }
    CHECK(gate);
    CHECK(knockout);
    // Turning the gate off answers the warning.
    pg.set_rule_enabled(3, false);
    for (const auto& w : pg.warnings()) CHECK_FALSE((w.code == "rule_unmapped" && w.text.find("The gate") == 0));
}

TEST_CASE("the mapping step: columns and values mapped one at a time, kept for the next file") {
    Playground pg;
    REQUIRE(pg.load_model(default_text()).empty());
    REQUIRE(import_all(pg, "bank.csv", bank_like_csv(400)));
    // Every column is profiled with its values, most frequent first.
    const auto& profiles = pg.import_stats().profiles;
    REQUIRE(profiles.size() == 5);
    CHECK(profiles[1].column == "job");
    CHECK(profiles[1].values.size() == 4);
    CHECK(profiles[1].values[0].second == 100);
    CHECK(profiles[1].examples == std::vector<std::string>{"admin.", "technician", "blue-collar"});
    CHECK(profiles[3].many_values);  // balance: amounts
    CHECK(profiles[4].values == std::vector<std::pair<std::string, std::uint64_t>>{{"no", 320}, {"yes", 80}});

    // job -> role: the values are not role options, so they are unmapped until given one.
    REQUIRE(pg.set_column("job", ripen::ColumnMapping::Role::question, "role").empty());
    CHECK(pg.own_mapping());
    CHECK(pg.import_stats().unmapped.at("job").size() == 4);
    CHECK(has(warning_codes(pg), "unmapped_values"));
    REQUIRE(pg.set_value("job", "admin", "manager").empty());
    REQUIRE(pg.set_value("job", "*", "individual").empty());
    CHECK(pg.import_stats().unmapped.count("job") == 0);
    CHECK_FALSE(has(warning_codes(pg), "nothing_maps"));
    const auto* job = pg.mapping().find("job");
    REQUIRE(job);
    auto model = test::default_model();
    CHECK(ripen::mapped_option(model, *job, "admin") == 1);       // manager, the mapping's own entry
    CHECK(ripen::mapped_option(model, *job, "retired") == 2);     // individual, the catch-all
    CHECK(ripen::mapped_option(model, *job, "manager") == 1);     // an option's own value
    // The outcome's values: which mean converted.
    REQUIRE(pg.set_value("y", "no", "converted").empty());
    CHECK(pg.import_stats().converted == 400);
    REQUIRE(pg.set_value("y", "no", "").empty());
    CHECK(pg.import_stats().converted == 80);
    // A column that does not exist is refused with its name.
    auto issues = pg.set_column("salary", ripen::ColumnMapping::Role::ignore, "");
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].message == "the data has no column \"salary\"");

    // The next file with the same columns is read through the marketer's mapping, not a guess.
    REQUIRE(import_all(pg, "bank-2.csv", bank_like_csv(200)));
    REQUIRE(pg.mapping().find("job"));
    CHECK(pg.mapping().find("job")->target == "role");
    CHECK(pg.import_stats().unmapped.count("job") == 0);
    // One without those columns gets a guessed mapping.
    REQUIRE(import_all(pg, "other.csv", "role,converted\nmanager,yes\nstudent,no\n"));
    CHECK(pg.mapping().find("role"));
    CHECK_FALSE(pg.mapping().find("job"));
}

TEST_CASE("an outcome column whose values mean nothing yet is said so, and ticking a value fixes it") {
    Playground pg;
    REQUIRE(pg.load_model(default_text()).empty());
    std::string csv = "role,Stage\n";
    for (int i = 0; i < 60; ++i) csv += std::string(i % 3 ? "individual" : "executive") + "," + (i % 4 ? "Closed Lost" : "Closed Won") + "\n";
    pg.begin_import("crm.csv", csv.size());
    REQUIRE(pg.feed(csv));
    CHECK_FALSE(pg.finish_import());  // "Stage" is no outcome the guess knows
    CHECK(pg.last_error() == "no lead in \"crm.csv\" has an outcome: map the outcome column");
    REQUIRE(pg.set_column("Stage", ripen::ColumnMapping::Role::outcome, "").empty());
    REQUIRE(pg.leads() == 60);
    auto codes = warning_codes(pg);
    REQUIRE(has(codes, "no_conversions"));
    for (const auto& w : pg.warnings())
        if (w.code == "no_conversions") CHECK(w.text == "None of the 60 leads with an outcome converted: there is nothing to tell apart.");
    REQUIRE(pg.set_value("Stage", "closed_won", "converted").empty());
    CHECK(pg.import_stats().converted == 15);
    CHECK_FALSE(has(warning_codes(pg), "no_conversions"));
    REQUIRE(pg.set_value("Stage", "closed_lost", "converted").empty());
    CHECK(has(warning_codes(pg), "all_converted"));
}

TEST_CASE("a drag or a typed number is one undo step") {
    Playground pg;
    REQUIRE(pg.load_model(default_text()).empty());
    pg.generate(500, 2);
    const int before = pg.scoring().handoff_at;
    pg.begin_gesture();
    for (int t : {before + 1, before + 2, before + 3}) pg.set_threshold(t);
    pg.end_gesture();
    CHECK(pg.scoring().handoff_at == before + 3);
    REQUIRE(pg.undo());
    CHECK(pg.scoring().handoff_at == before);
    CHECK_FALSE(pg.can_undo());
    REQUIRE(pg.redo());
    CHECK(pg.scoring().handoff_at == before + 3);
    // Typing "1" then "12" into a weight: one step back to the weight before.
    const int weight = pg.scoring().weights[0];
    pg.begin_gesture();
    pg.set_weight(0, 1);
    pg.set_weight(0, 12);
    pg.end_gesture();
    REQUIRE(pg.undo());
    CHECK(pg.scoring().weights[0] == weight);
    // A drag that comes back to where it started leaves no step.
    REQUIRE(pg.undo());
    CHECK_FALSE(pg.can_undo());
    pg.begin_gesture();
    pg.set_threshold(before + 1);
    pg.set_threshold(before);
    pg.end_gesture();
    CHECK_FALSE(pg.can_undo());
    // Edits outside a gesture are a step each.
    pg.set_threshold(before + 1);
    pg.set_threshold(before + 2);
    REQUIRE(pg.undo());
    CHECK(pg.scoring().handoff_at == before + 1);
}

TEST_CASE("the export of a tuned model is a new version that says where it was tuned; before and after") {
    Playground pg;
    REQUIRE(pg.load_model(default_text()).empty());
    pg.generate(1000, 5);
    // Untouched: the model as loaded.
    CHECK(pg.export_model("2026-12-04").find("provenance") == std::string::npos);
    CHECK(json_of(test::default_model(), pg.loaded_metrics()) == json_of(test::default_model(), pg.metrics()));
    const auto before = pg.metrics().overall;
    pg.set_threshold(pg.scoring().handoff_at + 2);
    pg.set_weight(0, 3);
    auto exported = ripen::load_model(pg.export_model("2026-12-04"));
    REQUIRE(exported.ok());
    CHECK(exported.value->spec().version == "1.1.0");
    const auto* provenance = exported.value->source().find("provenance");
    REQUIRE(provenance);
    CHECK(provenance->find("data")->text == "1000 generated leads (seed 5)");
    CHECK(provenance->find("rows")->text == "1000");
    CHECK(provenance->find("date")->text == "2026-12-04");
    CHECK(provenance->find("from_version")->text == "1.0.0");
    CHECK(provenance->find("changes")->text == "2");
    // Before stays the loaded model's numbers; after is the tuned one's.
    CHECK(pg.loaded_metrics().overall.handoff == before.handoff);
    CHECK(pg.loaded_metrics().overall.handoff != pg.metrics().overall.handoff);
    // A new file: the loaded model scored on it again, apart from the tuned one.
    pg.generate(800, 6);
    Playground fresh;
    REQUIRE(fresh.load_model(default_text()).empty());
    fresh.generate(800, 6);
    CHECK(json_of(test::default_model(), pg.loaded_metrics()) == json_of(test::default_model(), fresh.metrics()));
    CHECK(ripen::next_version("2024a", "tuned") == "2024a-tuned");
    CHECK(ripen::next_version("", "tuned") == "tuned");
    CHECK(ripen::next_version("2.9.3") == "2.10.0");
}

TEST_SUITE_END();
