// The tuning engine: how a lead definition performs on historical leads with known outcomes
// (hand-off volume, precision, recall, leakage, lift, AUC, gain and ROC curves, calibration),
// which threshold meets a precision target or a sales capacity, and points fitted from the
// outcomes by regularised logistic regression, rounded to the model's integer scale.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ripen/json_value.hpp"
#include "ripen/model.hpp"
#include "ripen/table.hpp"

namespace ripen {

struct RouteCounts {
    std::uint64_t leads = 0, converted = 0;          // leads with a known outcome
    std::uint64_t handoff = 0, handoff_converted = 0;
    std::uint64_t nurture = 0, nurture_converted = 0;
    std::uint64_t disqualify = 0, disqualify_converted = 0;
    std::uint64_t undecided = 0, undecided_converted = 0;

    double handoff_share() const;  // hand-offs / leads
    double precision() const;      // converted among hand-offs: the expected acceptance rate
    double recall() const;         // hand-offs among the converted
    double leakage() const;        // converted leads left in nurture, among the converted
    double base_rate() const;      // converted / leads
    double lift() const;           // precision / base rate
};

// The leads routed with one hand-off threshold.
struct ThresholdPoint {
    int threshold = 0;
    RouteCounts counts;
};

struct CurvePoint {
    double x = 0, y = 0;
};

struct ScoreBand {
    int total = 0;  // the lead's total
    std::uint64_t leads = 0, converted = 0;
};

struct Metrics {
    RouteCounts overall;                // with the model's (per-segment) thresholds
    std::vector<RouteCounts> segments;  // model order
    double auc = 0;                     // of the score that routes (knock-outs and failed gates lowest)
    // Thresholds 0..max as the model's `thresholds.handoff`: segments with their own `handoff_at`
    // keep it, exactly as the model written with that threshold routes.
    std::vector<ThresholdPoint> sweep;
    std::vector<int> thresholds;                           // [segment]: the threshold it uses now
    std::vector<std::uint8_t> own_threshold;               // [segment]: 1 when it has its own handoff_at
    std::vector<std::vector<ThresholdPoint>> segment_sweeps;  // [segment][t]: its leads alone at threshold t
    std::vector<CurvePoint> gain;       // share of leads handed off -> share of conversions caught
    std::vector<CurvePoint> roc;        // false positive rate -> true positive rate
    std::vector<ScoreBand> calibration; // conversion rate per total
    std::uint64_t outcome_unknown = 0;  // leads left out: no outcome
};

// Metrics of scored leads; only leads with a known outcome count.
Metrics compute_metrics(const LeadTable& table, const TableResult& result, const Scoring& scoring);

// Leads counted per segment, routing score (knocked out -2, gate failed -1, else the total) and
// outcome: all that metrics at any threshold need, so moving a threshold recomputes the metrics
// without touching a lead.
struct ScoreHistogram {
    int max_total = 0;
    std::size_t segments = 0;
    std::vector<std::uint64_t> counts;  // [segment][score + 2][outcome 0 / 1]
    std::uint64_t outcome_unknown = 0;

    std::uint64_t at(std::size_t segment, int score, int outcome) const {
        return counts[(segment * static_cast<std::size_t>(max_total + 3) + static_cast<std::size_t>(score + 2)) * 2 + static_cast<std::size_t>(outcome)];
    }
    static ScoreHistogram of(const LeadTable& table, const TableResult& result, int max_total);
};

// The metrics of complete leads (none undecided) at the thresholds of `scoring`, from their
// histogram: the same as compute_metrics on the leads, in time independent of their number.
Metrics metrics_from_histogram(const ScoreHistogram& histogram, const Scoring& scoring);

// The model file with `scoring`'s weights, points and thresholds written in, and disabled
// rules left out: what a tuned model exports as.
json::Value apply_scoring(const Model& model, const Scoring& scoring);
// What differs between two scorings of a model, readable, one change per line; empty when none.
std::string scoring_diff(const Model& model, const Scoring& before, const Scoring& after);
// The same as data: [{"kind": "option", "of": "role.manager", "before": {"authority": 2},
// "after": {"authority": 1}}, {"kind": "threshold", "of": "", "before": 8, "after": 7}, ...];
// kinds: weight, threshold, segment_threshold, option, band, signal.
json::Value scoring_changes(const Model& model, const Scoring& before, const Scoring& after);

// The version a tuned or fitted model is written with: "1.0.0" -> "1.1.0" (a new version of the
// definition); other forms get `suffix` appended ("2024a" -> "2024a-fitted"), and an empty one
// becomes `suffix`.
std::string next_version(const std::string& version, const std::string& suffix = "fitted");

// JSON forms, as `ripen report --format json` prints them (shares with four decimals).
std::string fixed4(double value);  // "0.7713", as printf's %.4f
std::string thousands(std::uint64_t n);  // "45,211": counts as people read them
json::Value route_counts_to_json(const RouteCounts& counts);
// {"overall", "segments" (by id), "auc", "thresholds" (the sweep), "gain", "roc", "calibration"}
json::Value metrics_to_json(const Model& model, const Metrics& metrics);

// Per answer: how leads who gave it did. `option` is an option or band index, or -1 for leads
// who did not answer (declined, skipped or not shown). Multiple choices count once per choice.
struct AnswerRow {
    int question = 0;
    int option = -1;
    std::uint64_t leads = 0, converted = 0, handoff = 0, handoff_converted = 0;
    double conversion() const;  // converted / leads
};
// Leads with a known outcome, per question and answer, in model order.
std::vector<AnswerRow> answer_report(const LeadTable& table, const TableResult& result);

// What each knock-out and gate does on these leads: the leads it routes away from where they
// would go without it (a knock-out's disqualified, a gate's kept from the hand-off), and how
// many of those converted. A knock-out that removes converting leads is a mistake to see.
struct RuleImpact {
    int rule = 0;
    std::uint64_t removed = 0, removed_converted = 0;
};
std::vector<RuleImpact> rule_impact(const LeadTable& table, const Scoring& scoring);

// The 95 % Wilson score interval of a share k / n ({0, 0} when n is 0): "100 % of 81 leads"
// reads as 95.5-100 %.
struct Interval {
    double lo = 0, hi = 0;
};
Interval wilson_interval(std::uint64_t k, std::uint64_t n);

// The Brier score of predicting each lead's conversion by the conversion rate of its total (the
// calibration), and of predicting it by the base rate alone; lower is better.
struct Brier {
    double by_total = 0, by_base_rate = 0;
};
Brier brier_score(const Metrics& metrics);

struct Suggestion {
    bool found = false;
    int segment = -1;        // the segment whose own threshold it is, or -1 for the model's
    ThresholdPoint at;       // every lead, routed with the suggestion as the model would route them
    RouteCounts segment_at;  // the segment's leads alone (for a segment's suggestion)
    std::string reason;      // why, or why none
    // For a capacity: the hand-offs of the next lower threshold, which would exceed it
    // (has_next false when the suggestion is already the lowest threshold).
    bool has_next = false;
    std::uint64_t next_handoff = 0;
};

// The lowest threshold whose hand-offs convert at `target` (0..1) or more. With a segment index,
// that segment's own threshold (its precision alone), the others left as they are.
Suggestion suggest_for_precision(const Metrics& metrics, double target, int segment = -1);
// The threshold with the most hand-offs (of the segment, when given) within `capacity`
// (hand-offs in the data's period); never one that hands off nobody.
Suggestion suggest_for_capacity(const Metrics& metrics, double capacity, int segment = -1);

struct FitOptions {
    std::uint64_t seed = 1;   // for the train / holdout split
    double holdout = 0.2;     // share of leads held out
    double l2 = 1.0;          // ridge penalty of the logistic regression
    // Rare answers: an option (or band, or signal) seen on fewer training leads than this gets at
    // most 1 point, one seen on none 0 (kMinSupport documents the default).
    std::uint64_t min_support = kDefaultMinSupport;
    static constexpr std::uint64_t kDefaultMinSupport = 30;
    // Keep each question's points on the criteria the model gave it, in the same proportions,
    // instead of moving them to the one criterion it moved most.
    bool keep_criteria = false;
};

struct FitResult {
    Scoring scoring;                 // the fitted integer points, on the model's scale
    json::Value document;            // the model file with the fitted points and answer frequencies
    std::string diff;                // readable: what changed, per question
    std::uint64_t train = 0, holdout = 0;
    // Per lead of the table: where the split put it, so the fit can be checked with other tools.
    enum class Split : std::uint8_t { left_out, train, holdout };
    std::vector<Split> split;
    double auc_before_train = 0, auc_before_holdout = 0;  // the model as it was
    double auc_train = 0, auc_holdout = 0;                // fitted integer points
    double lr_auc_train = 0, lr_auc_holdout = 0;          // the unconstrained regression
    double scale = 0;                                     // points per unit of log-odds chosen
    int iterations = 0;      // of the regression
    int search_passes = 0;   // of the integer local search
    std::uint64_t capped_rare = 0;  // options held to at most 1 point for their few leads
    // Thresholds on the new scale, handing off the same share of leads as the model's did (the
    // model's and each segment's own); written into `document`.
    int handoff_at = 0;
    std::vector<int> segment_handoff_at;  // [segment], -1 = the model's
};

// Fits points per option (and band, and signal) from the outcomes of `table`'s leads. Leads
// knocked out are left out (a rule routes them whatever their points). Fails when there are too
// few leads with an outcome, or no conversions (or no non-conversions).
Result<FitResult> fit_points(const Model& model, const LeadTable& table, const FitOptions& options);

}  // namespace ripen
