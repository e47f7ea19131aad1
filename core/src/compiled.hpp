// The compiled form of a model: conditions as a flat node array, evaluation order, lookup
// indexes and precomputed point ranges. Built once by the loader, read by every evaluation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ripen/decimal.hpp"
#include "ripen/model.hpp"
#include "text_match.hpp"

namespace ripen::detail {

// Three-valued truth: a condition on an unanswered question may still go either way.
enum class Tri : std::uint8_t { no = 0, maybe = 1, yes = 2 };

enum class CondOp : std::uint8_t {
    all, any, negate,
    answer_in, answer_not_in, answer_answered, answer_cmp, answer_domain_in, answer_domain_not_in,
    context_in, context_not_in, context_present, context_cmp, context_domain_in, context_domain_not_in,
    signal, criterion_cmp, total_cmp, segment_in,
};

enum class Cmp : std::uint8_t { lt, lte, gt, gte, eq };

struct CondNode {
    CondOp op = CondOp::all;
    Cmp cmp = Cmp::eq;
    bool expect = true;        // answered / present / signal "is"
    std::int32_t subject = -1; // question, context key, signal or criterion index
    std::uint64_t mask = 0;    // option set for single/multiple questions, segment set
    Decimal number;            // comparison operand
    std::int32_t set = -1;     // index into string_sets
    std::int32_t first = 0;    // children (all/any/not) in Compiled::children
    std::int32_t count = 0;
};

struct Compiled {
    std::vector<CondNode> nodes;
    std::vector<std::int32_t> children;
    std::vector<StringSet> string_sets;

    std::vector<std::int32_t> show_if;        // per question: node or -1
    std::vector<std::int32_t> conditional;    // questions with a show_if, dependencies first
    std::vector<std::int32_t> question_order; // show-if dependencies before dependants
    std::vector<std::int32_t> signal_when;
    std::vector<std::int32_t> rule_when;
    std::vector<std::int32_t> segment_when;   // -1 for the default segment
    std::vector<std::int32_t> track_when;     // -1 for the default track

    std::vector<std::string> context_keys;    // keys referenced by conditions
    std::vector<std::uint8_t> context_numeric;// key compared as a number somewhere

    // Per question and criterion (index q * criteria + c), unweighted points:
    // the range over all possible answers, and the same range widened to include 0 (skipped).
    std::vector<int> answer_min, answer_max;

    // Unweighted points of every option and band, criteria innermost: question q's option or
    // band i gives points_table[points_row[q] + i * criteria + c] to criterion c.
    std::vector<int> points_table;
    std::vector<std::int32_t> points_row;

    std::vector<StringIndex> option_index;    // per question: option value -> option number
    std::vector<std::int32_t> country_other;  // per question: the "*" option or -1
    std::vector<std::uint8_t> in_conditions;  // question referenced by a rule, signal or segment

    int criteria = 0;
    int max_total = 0;
};

}  // namespace ripen::detail
