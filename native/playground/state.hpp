// The playground's state and logic, apart from any drawing: the loaded model and leads, the
// scoring being tuned, edits with undo and redo, metrics, suggestions, fitted points, the
// single-lead preview and the export. The ImGui front end (app.cpp) only reads this state and
// calls these methods, so everything it does is testable without a window.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ripen/ripen.hpp"

namespace ripen::playground {

class Playground {
public:
    Playground();
    ~Playground();
    Playground(const Playground&) = delete;
    Playground& operator=(const Playground&) = delete;

    // ---- loading ---------------------------------------------------------------------------
    // Replaces the model. The leads are imported again through the new model (a generated
    // sample is generated again; a CSV is re-read through a mapping inferred anew). Returns the
    // model's errors; on errors nothing changes.
    std::vector<Issue> load_model(std::string_view json_text, std::string name = "model.json");
    // Replaces the leads with `count` synthetic ones from the model's generator.
    void generate(std::size_t count, std::uint64_t seed);

    // A CSV export in pieces, so a large file loads while the UI keeps drawing. The mapping is
    // inferred from the first piece unless one is given (mapping JSON, as `ripen --map` reads).
    void begin_import(std::string name, std::uint64_t total_bytes, std::optional<std::string> mapping_json = std::nullopt);
    bool feed(std::string_view chunk);
    bool finish_import();
    bool importing() const { return importing_; }
    double import_progress() const;  // 0..1
    // Re-imports the kept CSV through an edited mapping. Returns the mapping's errors. The
    // mapping is kept as the marketer's own: the next CSV whose header has all its columns is
    // read through it instead of a guessed one (also when set before any CSV, from storage).
    std::vector<Issue> set_mapping(std::string_view mapping_json);
    // The same for one column of the mapping step: its role and target, or one value's option
    // ("" leaves the value unanswered; raw "*" is the catch-all).
    std::vector<Issue> set_column(const std::string& column, ColumnMapping::Role role, const std::string& target);
    std::vector<Issue> set_value(const std::string& column, const std::string& normalised, const std::string& option);
    bool has_csv() const { return source_ == Source::csv; }
    bool own_mapping() const { return own_mapping_.has_value(); }

    // ---- what is loaded ---------------------------------------------------------------------
    const Model& model() const { return *model_; }
    const std::string& model_name() const { return model_name_; }
    const std::string& data_name() const { return data_name_; }
    std::size_t leads() const;
    const ImportStats& import_stats() const { return import_stats_; }
    const Mapping& mapping() const { return mapping_; }
    std::string mapping_json() const;
    const std::string& last_error() const { return last_error_; }

    // ---- tuning: every edit re-scores every lead at once, except threshold moves --------------
    const Scoring& scoring() const { return scoring_; }
    const Scoring& loaded_scoring() const { return loaded_; }
    void set_weight(int criterion, int weight);
    void set_points(int question, int option, int criterion, int points);
    void set_signal_points(int signal, int criterion, int points);
    void set_threshold(int handoff_at);                 // never re-scores
    void set_segment_threshold(int segment, int handoff_at);  // -1: the model's; never re-scores
    void set_rule_enabled(int rule, bool enabled);
    // Rules that are one comparison of points ("authority >= 2") have a level to tune: what
    // the UI shows beside it, and the range a slider offers (0 to the criterion's or the
    // total's maximum). nullopt for other rules.
    struct RuleLevel {
        std::string subject;     // a criterion id, or "total"
        std::string comparison;  // "<", "<=", ">", ">=", "="
        int max = 0;
    };
    std::optional<RuleLevel> rule_level(int rule) const;
    void set_rule_level(int rule, int level);
    // Sets a whole scoring at once (one undo step): a fit or a suggestion being applied.
    void apply(const Scoring& scoring);

    // A gesture (a slider drag, typing into a field) is one undo step however many edits it
    // makes: the front end opens it when a control becomes active and closes it when it is let go.
    void begin_gesture();
    void end_gesture();

    bool can_undo() const { return !undo_.empty(); }
    bool can_redo() const { return !redo_.empty(); }
    bool undo();
    bool redo();

    // ---- results ----------------------------------------------------------------------------
    const Metrics& metrics() const { return metrics_; }
    const Metrics& loaded_metrics() const { return loaded_metrics_; }  // the model as loaded, on these leads
    // What makes the numbers meaningless, in words, with the fix: nothing maps, no outcome, a
    // rule's questions missing, almost every lead in one place. Most important first.
    struct Warning {
        std::string code;  // "nothing_maps", "no_outcome", "rule_unmapped", "one_bucket", "unmapped_values", "no_handoff"
        std::string text, fix;
    };
    const std::vector<Warning>& warnings() const { return warnings_; }
    // Per answer and per rule, from the tuning engine, for the scoring as tuned (computed on
    // first use after a change).
    const std::vector<AnswerRow>& answer_rows() const;
    const std::vector<RuleImpact>& rule_impacts() const;
    const ScoreHistogram& histogram() const { return histogram_; }
    std::uint64_t rescore_count() const { return rescore_count_; }  // how often every lead was scored
    // Question and signal columns the last re-score summed (0 after a weight or rule change).
    std::size_t columns_summed() const { return incremental_.ready() ? incremental_.columns_summed() : 0; }

    // What a weight move re-weighs, for comparisons with other tools (bench/playground_rescore.mjs):
    // per lead, a criterion's points before clamping (empty if the table is scored in full
    // each time), and the scored table itself.
    std::vector<std::int32_t> criterion_sums(int criterion) const { return incremental_.criterion_sums(criterion); }
    const LeadTable* lead_table() const { return table_.get(); }
    const TableResult& result() const;  // every lead's total, route and flags (written when first read after an edit)

    Suggestion suggest_for_precision(double target) const;
    Suggestion suggest_for_capacity(double capacity) const;
    Result<FitResult> fit(const FitOptions& options = {}) const;
    void apply_fitted_points(const FitResult& fit);      // one undo step
    void apply_threshold(const Suggestion& suggestion);  // one undo step

    // The tuned model as a file the form loads as is, and what changed against the loaded one.
    // With changes it is a new version (1.0.0 -> 1.1.0) with a provenance note naming the data
    // and `date` (the core has no clock: the front end gives today's date).
    std::string export_model(const std::string& date = "") const;
    std::string diff() const;

    // One lead, answered in the preview: the decision under the tuned scoring, explained.
    // The preview's answers are indexed by the loaded model's questions (the tuned model has the
    // same questions).
    Answers& preview_answers() { return preview_; }
    bool& preview_complete() { return preview_complete_; }
    const Model& tuned_model() const;  // the export, loaded (built on first use after an edit)
    Decision preview_decision() const;
    std::string preview_explanation() const;

private:
    void reset_scoring();
    void edit(Scoring next);   // an undoable edit
    void set_scoring(Scoring next);
    void rescore();
    void refresh_metrics();
    void reimport();
    void refresh_warnings();
    void refresh_loaded_metrics();
    std::vector<int> rule_questions(int rule) const;

    std::unique_ptr<Model> model_;
    std::string model_name_, data_name_;
    std::unique_ptr<LeadTable> table_;
    std::unique_ptr<TableScorer> scorer_;
    IncrementalScorer incremental_;  // cleared whenever the table or the model changes
    mutable TableResult result_;
    mutable bool result_stale_ = false;
    ScoreHistogram histogram_;
    Metrics metrics_, loaded_metrics_;
    std::vector<Warning> warnings_;
    mutable std::vector<AnswerRow> answer_rows_;
    mutable std::vector<RuleImpact> rule_impacts_;
    mutable bool reports_stale_ = true;
    Scoring scoring_, loaded_;
    std::vector<Scoring> undo_, redo_;
    bool gesture_ = false, gesture_pushed_ = false;
    std::uint64_t rescore_count_ = 0;

    // The source of the leads, to import them again through another model or mapping.
    enum class Source { sample, csv } source_ = Source::sample;
    std::size_t sample_count_ = 0;
    std::uint64_t sample_seed_ = 1;
    std::string csv_;
    std::optional<std::string> mapping_text_;
    std::optional<std::string> own_mapping_;  // set through set_mapping: used for the next CSV when it fits
    Mapping mapping_;
    ImportStats import_stats_;
    std::unique_ptr<Importer> importer_;
    std::unique_ptr<LeadTable> incoming_;
    bool importing_ = false;
    std::uint64_t import_total_ = 0;
    std::string last_error_;
    Answers preview_;
    bool preview_complete_ = false;
    mutable std::unique_ptr<Model> tuned_;  // the model as tuned: what the export writes
};

}  // namespace ripen::playground
