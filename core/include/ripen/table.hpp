// Columnar leads for fast re-scoring. A LeadTable holds, per lead, one small code per question
// and what the answers alone decide (which questions were shown, signals, answer-only rules,
// the segment). A TableScorer then scores millions of leads in a tight integer loop, and can
// re-score after a change of points, weights, thresholds or gates without re-reading anything.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "ripen/decision.hpp"
#include "ripen/model.hpp"

namespace ripen {

class LeadTable {
public:
    explicit LeadTable(const Model& model);
    ~LeadTable();
    LeadTable(LeadTable&&) noexcept;
    LeadTable& operator=(LeadTable&&) noexcept;

    // Adds a lead. `complete` treats open questions as declined.
    void append(const Answers& answers, const Context& context, bool complete);
    // Adds a lead with an outcome (1 converted, 0 not, -1 unknown), for tuning.
    void append(const Answers& answers, const Context& context, bool complete, int outcome);

    std::size_t size() const { return segment_.size(); }
    const Model& model() const { return *model_; }

    // Answer codes: an option or band number, or one of these.
    static constexpr std::uint8_t kNone = 255;          // declined, hidden, or no points
    static constexpr std::uint8_t kOpenRequired = 254;  // open, surely shown, must be answered
    static constexpr std::uint8_t kOpenOptional = 253;  // open, may be skipped or hidden
    static constexpr std::uint8_t kMaybeShown = 64;     // added to an option: answered, may be hidden

    const std::vector<std::uint8_t>& codes(int question) const { return codes_[static_cast<std::size_t>(question)]; }
    const std::vector<std::uint64_t>& selections(int question) const { return selected_[static_cast<std::size_t>(question)]; }
    std::uint8_t segment(std::size_t lead) const { return segment_[lead]; }
    std::uint64_t possible_segments(std::size_t lead) const { return possible_[lead]; }
    const std::vector<std::int8_t>& outcomes() const { return outcome_; }
    // Leaves a lead's outcome unknown, so metrics leave it out (a train / holdout split).
    void forget_outcome(std::size_t lead) { outcome_[lead] = -1; }

    // Per lead, two bits per signal and per rule decided by answers alone: 0 no, 1 maybe, 2 yes.
    std::uint64_t signal_bits(std::size_t lead) const { return signals_[lead]; }
    std::uint64_t rule_bits(std::size_t lead) const { return rules_[lead]; }

private:
    friend class TableScorer;
    friend class IncrementalScorer;
    const Model* model_;
    std::vector<std::vector<std::uint8_t>> codes_;
    std::vector<std::vector<std::uint64_t>> selected_;  // multiple-choice questions only
    std::vector<std::uint8_t> segment_;
    std::vector<std::uint64_t> possible_;
    std::vector<std::uint64_t> signals_;
    std::vector<std::uint64_t> rules_;
    std::vector<std::uint64_t> atoms_;     // two bits per answer-side atom of point rules
    std::vector<std::int8_t> outcome_;
    std::vector<int> point_atoms_;         // condition nodes whose values atoms_ holds
    struct Scratch;                        // the evaluator reused by append()
    std::unique_ptr<Scratch> scratch_;
};

// Points, weights and thresholds the scorer uses: the model's, or edited copies of them.
struct Scoring {
    std::vector<std::vector<int>> option_points;  // [question][option or band * criteria + c]
    std::vector<std::vector<int>> signal_points;  // [signal][c]
    std::vector<int> weights;                     // [c]
    std::vector<int> maxima;                      // [c]
    int handoff_at = 0;
    std::vector<int> segment_handoff_at;          // [segment], -1 = the model's threshold
    std::vector<std::uint8_t> rule_enabled;       // [rule]
    // [rule]: for a rule that is one comparison of points ("authority >= 2", "total < 4"), the
    // number it compares with, tunable like points; kNoLevel for every other rule.
    std::vector<int> rule_level;
    static constexpr int kNoLevel = std::numeric_limits<int>::min();

    static Scoring from(const Model& model);
    int threshold(int segment) const {
        int t = segment_handoff_at[static_cast<std::size_t>(segment)];
        return t >= 0 ? t : handoff_at;
    }
    int max_total() const;
    friend bool operator==(const Scoring& a, const Scoring& b) {
        return a.option_points == b.option_points && a.signal_points == b.signal_points && a.weights == b.weights && a.maxima == b.maxima &&
               a.handoff_at == b.handoff_at && a.segment_handoff_at == b.segment_handoff_at && a.rule_enabled == b.rule_enabled &&
               a.rule_level == b.rule_level;
    }
    friend bool operator!=(const Scoring& a, const Scoring& b) { return !(a == b); }
};

struct TableResult {
    std::vector<std::int32_t> total;  // per lead
    std::vector<std::int32_t> lo;
    std::vector<std::int32_t> hi;
    std::vector<Route> route;
    // Per lead, what routes it whatever the threshold: knock-out fired / gate failed (settled).
    std::vector<std::uint8_t> flags;
    static constexpr std::uint8_t kKnockedOut = 1;
    static constexpr std::uint8_t kGateFailed = 2;
};

class TableScorer {
public:
    TableScorer(const Model& model, Scoring scoring);

    const Scoring& scoring() const { return scoring_; }
    void set_scoring(Scoring scoring);

    // Scores every lead of the table. With want_interval false only totals and routes of
    // settled leads are exact; lo/hi are left empty (the fast path for complete data).
    void score(const LeadTable& table, TableResult& result, bool want_interval = true) const;
    // Scores leads [begin, end) into result (which must be sized for the table).
    void score_range(const LeadTable& table, std::size_t begin, std::size_t end, TableResult& result, bool want_interval) const;

private:
    const Model* model_;
    Scoring scoring_;
    // Rows of points per question and answer code, `lanes_` ints wide (criteria padded with
    // zeros to 4, 8, 16 or 32 so the adds vectorise): the definite row, and how far the final
    // points can still go down and up.
    struct QuestionRows {
        bool multiple = false;
        std::vector<int> def, down, up;  // 256 codes x lanes
    };
    int lanes_ = 4;
    std::vector<QuestionRows> rows_;
    std::vector<int> scoring_questions_;  // questions with any points; the rest are skipped
    std::vector<int> signal_rows_;      // signals x lanes
    std::vector<int> weights_, maxima_; // lanes
    // Rules looking at points: a single comparison is checked inline; anything else is
    // interpreted per lead.
    struct PointRule {
        int rule;
        bool knockout;
        int criterion;  // -1 for the total
        int cmp;        // detail::Cmp
        int operand;
        bool simple;
    };
    std::vector<PointRule> point_rules_;
    // What routes a lead besides its points, worked out once per scoring: thresholds per
    // segment, the answer-only rules (two bits each) and the enabled rules on points.
    struct RoutingPlan {
        std::vector<int> thresholds;
        std::uint64_t knockout_mask = 0, gate_mask = 0;
        std::vector<PointRule> point_rules;
    };
    RoutingPlan routing_plan() const;
    // Rules and route of one lead from its total, interval and per-criterion points, into result.
    void finish_lead(const RoutingPlan& plan, const LeadTable& table, std::size_t lead, int total, int lo, int hi,
                     const int* crit_lo, const int* crit_hi, TableResult& result) const;
    // The same rules and route, returned: what the grouped histogram asks of one lead per group.
    void route_of(const RoutingPlan& plan, const LeadTable& table, std::size_t lead, int lo, int hi, const int* crit_lo,
                  const int* crit_hi, Route& route, std::uint8_t& flags) const;
    friend class IncrementalScorer;
    void build();
    template <int Lanes>
    void score_lanes(const LeadTable& table, std::size_t begin, std::size_t end, TableResult& result, bool want_interval) const;
    int eval_point_rule(int node, const LeadTable& table, std::size_t lead, const int* crit_lo, const int* crit_hi,
                        int lo, int hi) const;
};

struct ScoreHistogram;  // ripen/tuning.hpp

// Re-scoring of complete leads after an edit, in time that follows what the edit touches. It
// keeps each lead's points per criterion before clamping: a change of points adds only the
// differences, and only in the columns of the questions (and signals) whose points changed; a
// change of weights, rules or thresholds touches no answer at all. Totals, rules and routes are
// then recomputed from the sums, by the same code as TableScorer's, so results are identical
// to TableScorer::score without the interval. Leads with open answers need the full kernel's
// interval: reset() refuses tables that hold any.
class IncrementalScorer {
public:
    IncrementalScorer();
    ~IncrementalScorer();
    IncrementalScorer(IncrementalScorer&&) noexcept;
    IncrementalScorer& operator=(IncrementalScorer&&) noexcept;

    // Sums every lead's points under `scoring` and scores the table into `result`. Returns false
    // (and keeps nothing) when a lead has an open answer or an undecided signal.
    bool reset(const Model& model, const LeadTable& table, const Scoring& scoring, TableResult& result);
    bool ready() const { return scorer_ != nullptr; }
    void clear();
    // Moves to `next` and re-scores every lead of the table given to reset() into `result`.
    void update(const LeadTable& table, const Scoring& next, TableResult& result);
    // Question and signal columns whose points the last reset() or update() summed.
    std::size_t columns_summed() const { return columns_summed_; }
    // Per lead, criterion `criterion`'s points before clamping (empty unless ready()).
    std::vector<std::int32_t> criterion_sums(int criterion) const;

    // Like update(), but only the histogram of routing scores (what ScoreHistogram::of counts
    // from a result), from the leads grouped by their clamped points per criterion and by what
    // else routes them (answer rules, segment, outcome). A weight, rule or threshold change then
    // costs the number of groups, not of leads; a points change one pass to regroup. Returns
    // false when the groups would be too many (many criteria with large maxima): the scoring has
    // moved to `next` all the same, and score_leads() then gives every lead.
    bool update_histogram(const LeadTable& table, const Scoring& next, ScoreHistogram& histogram);
    // Every lead's total, route and flags under the current scoring (after update_histogram,
    // which leaves them unwritten).
    void score_leads(const LeadTable& table, TableResult& result) const;

private:
    bool build_groups(const LeadTable& table);
    template <int Lanes>
    void regroup(const LeadTable& table);
    template <int Lanes>
    void histogram_of_groups(const LeadTable& table, ScoreHistogram& histogram) const;
    template <int Lanes>
    void add_points(const LeadTable& table, const TableScorer* before, const TableScorer& after);
    template <int Lanes>
    void finish(const LeadTable& table, TableResult& result) const;
    std::unique_ptr<TableScorer> scorer_;  // the current scoring's rows
    std::vector<int> sums_;                // [lead * lanes + criterion]
    std::size_t columns_summed_ = 0;
    // Groups: leads alike in all that routes them but their points. A lead's class is its answer
    // rules, point-rule atoms, possible segments, segment and outcome; a group is a class and
    // one vector of clamped points (its index in mixed radix, digit c running 0..max_c).
    struct Group;
    std::unique_ptr<Group> groups_;
};

}  // namespace ripen
