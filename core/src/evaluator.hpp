// The scoring kernel: visibility, signals, criterion intervals, segments, rules and the route
// for one lead, in integer arithmetic and without allocating after construction. decide(),
// batch scoring, flip search and question selection all run through it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "compiled.hpp"
#include "ripen/decision.hpp"
#include "ripen/model.hpp"

namespace ripen::detail {

// A context value as conditions see it, by compiled context-key index.
struct ContextSlot {
    bool present = false;
    bool numeric = false;  // value parsed as a number
    std::string_view value;
    Decimal number;
};

struct LeadInput {
    const Answer* answers = nullptr;      // one per question
    const ContextSlot* context = nullptr; // one per compiled context key
    int source_segment = -1;              // explicit segment, or -1
    bool complete = false;
};

class Evaluator {
public:
    explicit Evaluator(const Model& model);

    void run(const LeadInput& input);

    // Results of the last run.
    Route route = Route::undecided;
    int total = 0, lo = 0, hi = 0;
    int segment = -1;          // best guess: first segment that surely matches
    bool segment_settled = true;
    int threshold = 0;
    std::vector<Tri> visible;  // per question
    std::vector<Tri> signal;   // per signal
    std::vector<Tri> rule;     // per rule
    std::vector<int> points, points_lo, points_hi;  // per criterion, clamped
    std::uint64_t possible_segments = 0;

    // The points question q's current answer gives to criterion c (unweighted).
    int answer_points(int q, int c, const Answer& a) const;

    // A compiled condition against the last run's input (which must still be alive).
    Tri condition(int node) const { return eval(node); }

    const Model& model() const { return model_; }

private:
    const Model& model_;
    const ModelSpec& spec_;
    const Compiled& comp_;
    const LeadInput* in_ = nullptr;
    std::vector<int> sum_def_, sum_lo_, sum_hi_;
    std::vector<Tri> segment_state_;
    std::vector<QuestionType> type_;      // per question, kept compact for the hot loop
    std::vector<std::uint8_t> required_;
    mutable std::string folded_scratch_;

    // Adds a row of points: to the definite sum when surely shown, else to the range only.
    static void add_given(const int* row, Tri vis, int* def, int* down, int* up, std::size_t C) {
        if (vis == Tri::yes) {
            for (std::size_t c = 0; c < C; ++c) def[c] += row[c];
        } else {
            for (std::size_t c = 0; c < C; ++c) {
                down[c] += row[c] < 0 ? row[c] : 0;
                up[c] += row[c] > 0 ? row[c] : 0;
            }
        }
    }
    Tri eval(int node) const;
    Tri eval_answer(const CondNode& n) const;
    Tri answer_atom(const CondNode& n, const Answer& a, bool declined) const;
    Tri eval_context(const CondNode& n) const;
};

// Sets a context slot from a value; false when the key is compared as a number and the value
// is not one.
bool fill_context_slot(const Compiled& compiled, int key, std::string_view value, ContextSlot& slot);

// Fills answer.folded from answer.text for the question's type (see Answer::folded).
void fold_answer(QuestionType type, Answer& answer);

// The answer as text, the way a CSV cell would hold it ("a;b" for several options).
std::string answer_text(const Model& model, int question, const Answer& answer);

// Whether a value somewhere in [lo, hi] compares to k: yes for all of them, no for none, maybe.
// Inline: the table kernels call it once per lead.
inline Tri compare_interval(Cmp cmp, std::int64_t lo, std::int64_t hi, std::int64_t k) {
    switch (cmp) {
        case Cmp::lt: return hi < k ? Tri::yes : (lo >= k ? Tri::no : Tri::maybe);
        case Cmp::lte: return hi <= k ? Tri::yes : (lo > k ? Tri::no : Tri::maybe);
        case Cmp::gt: return lo > k ? Tri::yes : (hi <= k ? Tri::no : Tri::maybe);
        case Cmp::gte: return lo >= k ? Tri::yes : (hi < k ? Tri::no : Tri::maybe);
        case Cmp::eq: return (lo == k && hi == k) ? Tri::yes : ((k < lo || k > hi) ? Tri::no : Tri::maybe);
    }
    return Tri::maybe;
}

}  // namespace ripen::detail
