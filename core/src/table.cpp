// Columnar leads and the re-scoring kernel (see ripen/table.hpp). Everything that depends only
// on the answers is worked out once, by the general evaluator, when a lead is added; scoring
// then only sums rows of points, clamps, weights and routes. The kernel agrees with decide()
// exactly; tests/unit/test_table.cpp checks that on generated leads.
//
// Sections
//   LeadTable                 adding leads: their answer codes, rules and point ranges, once
//   Scoring                   the tunable numbers (points, weights, thresholds) of a model
//   TableScorer               rows of points per answer, the routing plan, the scoring kernel
//   incremental re-scoring    IncrementalScorer: per-criterion sums updated by differences
#include "ripen/table.hpp"
#include "model_data.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <type_traits>
#include <unordered_map>

#include "ripen/tuning.hpp"

#include "answer_range.hpp"
#include "evaluator.hpp"

namespace ripen {

using detail::CondNode;
using detail::CondOp;
using detail::Tri;

namespace {


bool uses_points(const detail::Compiled& comp, int node) {
    const CondNode& n = comp.nodes[static_cast<std::size_t>(node)];
    if (n.op == CondOp::criterion_cmp || n.op == CondOp::total_cmp) return true;
    if (n.op == CondOp::all || n.op == CondOp::any || n.op == CondOp::negate) {
        for (int i = 0; i < n.count; ++i)
            if (uses_points(comp, comp.children[static_cast<std::size_t>(n.first + i)])) return true;
    }
    return false;
}

void collect_atoms(const detail::Compiled& comp, int node, std::vector<int>& out) {
    const CondNode& n = comp.nodes[static_cast<std::size_t>(node)];
    if (n.op == CondOp::all || n.op == CondOp::any || n.op == CondOp::negate) {
        for (int i = 0; i < n.count; ++i) collect_atoms(comp, comp.children[static_cast<std::size_t>(n.first + i)], out);
    } else if (n.op != CondOp::criterion_cmp && n.op != CondOp::total_cmp) {
        if (std::find(out.begin(), out.end(), node) == out.end()) out.push_back(node);
    }
}

int clamp(int v, int max) { return v < 0 ? 0 : (v > max ? max : v); }

}  // namespace

struct LeadTable::Scratch {
    explicit Scratch(const Model& model) : evaluator(model), slots(detail::compiled(model).context_keys.size()) {}
    detail::Evaluator evaluator;
    std::vector<detail::ContextSlot> slots;
};

LeadTable::~LeadTable() = default;
LeadTable::LeadTable(LeadTable&&) noexcept = default;
LeadTable& LeadTable::operator=(LeadTable&&) noexcept = default;

LeadTable::LeadTable(const Model& model) : model_(&model), scratch_(std::make_unique<Scratch>(model)) {
    const ModelSpec& spec = model.spec();
    codes_.resize(spec.questions.size());
    selected_.resize(spec.questions.size());
    const detail::Compiled& comp = detail::compiled(model);
    for (std::size_t r = 0; r < spec.rules.size(); ++r)
        if (uses_points(comp, comp.rule_when[r])) collect_atoms(comp, comp.rule_when[r], point_atoms_);
}

void LeadTable::append(const Answers& answers, const Context& context, bool complete) {
    append(answers, context, complete, -1);
}

void LeadTable::append(const Answers& answers, const Context& context, bool complete, int outcome) {
    const Model& model = *model_;
    const ModelSpec& spec = model.spec();
    const detail::Compiled& comp = detail::compiled(model);
    std::vector<detail::ContextSlot>& slots = scratch_->slots;
    for (std::size_t k = 0; k < comp.context_keys.size(); ++k) {
        slots[k].present = false;
        if (const std::string* v = context.find(comp.context_keys[k])) detail::fill_context_slot(comp, static_cast<int>(k), *v, slots[k]);
    }
    detail::LeadInput input;
    input.answers = answers.values.data();
    input.context = slots.data();
    input.complete = complete || context.complete;
    if (const std::string* source = context.find("source")) input.source_segment = model.segment_index(*source);
    detail::Evaluator& eval = scratch_->evaluator;
    eval.run(input);

    for (std::size_t q = 0; q < spec.questions.size(); ++q) {
        const Answer& a = answers.values[q];
        const Question& question = spec.questions[q];
        Tri vis = eval.visible[q];
        std::uint8_t code = kNone;
        std::uint64_t selection = 0;
        if (vis != Tri::no) {
            if (a.state == Answer::State::given) {
                int index = -1;
                if (question.type == QuestionType::single || question.type == QuestionType::country) index = a.option;
                else if (question.type == QuestionType::number) index = a.band;
                else if (question.type == QuestionType::multiple) {
                    index = 0;
                    selection = a.selected;
                }
                if (index >= 0) code = static_cast<std::uint8_t>(index + (vis == Tri::maybe ? kMaybeShown : 0));
            } else if (a.state == Answer::State::open && !input.complete) {
                code = (vis == Tri::yes && question.required) ? kOpenRequired : kOpenOptional;
            }
        }
        codes_[q].push_back(code);
        if (question.type == QuestionType::multiple) selected_[q].push_back(selection);
    }
    segment_.push_back(static_cast<std::uint8_t>(eval.segment));
    possible_.push_back(eval.possible_segments);
    std::uint64_t signal_bits = 0;
    for (std::size_t s = 0; s < spec.signals.size(); ++s) signal_bits |= static_cast<std::uint64_t>(eval.signal[s]) << (2 * s);
    signals_.push_back(signal_bits);
    std::uint64_t rule_bits = 0;
    for (std::size_t r = 0; r < spec.rules.size(); ++r) rule_bits |= static_cast<std::uint64_t>(eval.rule[r]) << (2 * r);
    rules_.push_back(rule_bits);
    std::uint64_t atom_bits = 0;
    for (std::size_t i = 0; i < point_atoms_.size(); ++i)
        atom_bits |= static_cast<std::uint64_t>(eval.condition(point_atoms_[i])) << (2 * i);
    atoms_.push_back(atom_bits);
    outcome_.push_back(static_cast<std::int8_t>(outcome));
}

Scoring Scoring::from(const Model& model) {
    const ModelSpec& spec = model.spec();
    Scoring s;
    for (const auto& q : spec.questions) {
        std::vector<int> flat;
        for (const auto& o : q.options) flat.insert(flat.end(), o.points.begin(), o.points.end());
        for (const auto& b : q.bands) flat.insert(flat.end(), b.points.begin(), b.points.end());
        s.option_points.push_back(std::move(flat));
    }
    for (const auto& sig : spec.signals) s.signal_points.push_back(sig.points);
    for (const auto& c : spec.criteria) {
        s.weights.push_back(c.weight);
        s.maxima.push_back(c.max);
    }
    s.handoff_at = spec.handoff_at;
    for (const auto& seg : spec.segments) s.segment_handoff_at.push_back(seg.handoff_at ? *seg.handoff_at : -1);
    s.rule_enabled.assign(spec.rules.size(), 1);
    const detail::Compiled& comp = detail::compiled(model);
    for (std::size_t r = 0; r < spec.rules.size(); ++r) {
        const CondNode& n = comp.nodes[static_cast<std::size_t>(comp.rule_when[r])];
        const bool one_comparison = n.op == CondOp::criterion_cmp || n.op == CondOp::total_cmp;
        s.rule_level.push_back(one_comparison ? static_cast<int>(n.number.units / Decimal::scale) : kNoLevel);
    }
    return s;
}

int Scoring::max_total() const {
    int total = 0;
    for (std::size_t c = 0; c < weights.size(); ++c) total += weights[c] * maxima[c];
    return total;
}

TableScorer::TableScorer(const Model& model, Scoring scoring) : model_(&model), scoring_(std::move(scoring)) { build(); }

void TableScorer::set_scoring(Scoring scoring) {
    scoring_ = std::move(scoring);
    build();
}

void TableScorer::build() {
    const ModelSpec& spec = model_->spec();
    const std::size_t C = spec.criteria.size();
    lanes_ = C <= 4 ? 4 : (C <= 8 ? 8 : (C <= 16 ? 16 : 32));
    const std::size_t L = static_cast<std::size_t>(lanes_);
    rows_.clear();
    scoring_questions_.clear();
    for (std::size_t q = 0; q < spec.questions.size(); ++q) {
        const Question& question = spec.questions[q];
        QuestionRows rows;
        rows.multiple = question.type == QuestionType::multiple;
        rows.def.assign(256 * L, 0);
        rows.down.assign(256 * L, 0);
        rows.up.assign(256 * L, 0);
        const int options = static_cast<int>(question.options.size() + question.bands.size());
        const std::vector<int>& points = scoring_.option_points[q];
        // Range over all answers (widened to include 0 below for questions that may be skipped).
        std::vector<int> lo(C, 0), hi(C, 0);
        for (std::size_t c = 0; c < C; ++c) {
            auto scored = [&](std::size_t i) { return points[i * C + c]; };
            detail::answer_range(question, detail::compiled(*model_).country_other[q] >= 0, scored, lo[c], hi[c]);
        }
        for (int o = 0; o < options && o < LeadTable::kMaybeShown; ++o) {
            for (std::size_t c = 0; c < C; ++c) {
                int p = points[static_cast<std::size_t>(o) * C + c];
                rows.def[static_cast<std::size_t>(o) * L + c] = p;
                std::size_t maybe = static_cast<std::size_t>(o + LeadTable::kMaybeShown) * L + c;
                rows.down[maybe] = std::min(0, p);
                rows.up[maybe] = std::max(0, p);
            }
        }
        for (std::size_t c = 0; c < C; ++c) {
            rows.down[LeadTable::kOpenRequired * L + c] = lo[c];
            rows.up[LeadTable::kOpenRequired * L + c] = hi[c];
            rows.down[LeadTable::kOpenOptional * L + c] = std::min(0, lo[c]);
            rows.up[LeadTable::kOpenOptional * L + c] = std::max(0, hi[c]);
        }
        bool any_points = std::any_of(rows.def.begin(), rows.def.end(), [](int v) { return v != 0; }) ||
                          std::any_of(rows.down.begin(), rows.down.end(), [](int v) { return v != 0; }) ||
                          std::any_of(rows.up.begin(), rows.up.end(), [](int v) { return v != 0; });
        if (any_points) scoring_questions_.push_back(static_cast<int>(q));
        rows_.push_back(std::move(rows));
    }
    signal_rows_.assign(spec.signals.size() * L, 0);
    for (std::size_t s = 0; s < spec.signals.size(); ++s)
        for (std::size_t c = 0; c < C; ++c) signal_rows_[s * L + c] = scoring_.signal_points[s][c];
    weights_.assign(L, 0);
    maxima_.assign(L, 0);
    for (std::size_t c = 0; c < C; ++c) {
        weights_[c] = scoring_.weights[c];
        maxima_[c] = scoring_.maxima[c];
    }
    point_rules_.clear();
    const detail::Compiled& comp = detail::compiled(*model_);
    for (std::size_t r = 0; r < spec.rules.size(); ++r) {
        int node = comp.rule_when[r];
        if (!uses_points(comp, node)) continue;
        const CondNode& n = comp.nodes[static_cast<std::size_t>(node)];
        PointRule rule{static_cast<int>(r), spec.rules[r].kind == RuleKind::knockout, -1, static_cast<int>(n.cmp),
                       static_cast<int>(n.number.units / Decimal::scale), false};
        if (n.op == CondOp::criterion_cmp || n.op == CondOp::total_cmp) {
            rule.simple = true;
            rule.criterion = n.op == CondOp::criterion_cmp ? n.subject : -1;
            if (r < scoring_.rule_level.size() && scoring_.rule_level[r] != Scoring::kNoLevel) rule.operand = scoring_.rule_level[r];
        }
        point_rules_.push_back(rule);
    }
}

int TableScorer::eval_point_rule(int node, const LeadTable& table, std::size_t lead, const int* crit_lo,
                                 const int* crit_hi, int lo, int hi) const {
    const detail::Compiled& comp = detail::compiled(*model_);
    const CondNode& n = comp.nodes[static_cast<std::size_t>(node)];
    switch (n.op) {
        case CondOp::all: {
            int result = 2;
            for (int i = 0; i < n.count && result != 0; ++i)
                result = std::min(result, eval_point_rule(comp.children[static_cast<std::size_t>(n.first + i)], table, lead, crit_lo, crit_hi, lo, hi));
            return result;
        }
        case CondOp::any: {
            int result = 0;
            for (int i = 0; i < n.count && result != 2; ++i)
                result = std::max(result, eval_point_rule(comp.children[static_cast<std::size_t>(n.first + i)], table, lead, crit_lo, crit_hi, lo, hi));
            return result;
        }
        case CondOp::negate: {
            int inner = eval_point_rule(comp.children[static_cast<std::size_t>(n.first)], table, lead, crit_lo, crit_hi, lo, hi);
            return inner == 1 ? 1 : 2 - inner;
        }
        case CondOp::criterion_cmp:
            return static_cast<int>(detail::compare_interval(n.cmp, crit_lo[n.subject], crit_hi[n.subject], n.number.units / Decimal::scale));
        case CondOp::total_cmp:
            return static_cast<int>(detail::compare_interval(n.cmp, lo, hi, n.number.units / Decimal::scale));
        default: {
            const auto& atoms = table.point_atoms_;
            std::size_t slot = static_cast<std::size_t>(std::find(atoms.begin(), atoms.end(), node) - atoms.begin());
            return static_cast<int>((table.atoms_[lead] >> (2 * slot)) & 3);
        }
    }
}

void TableScorer::score(const LeadTable& table, TableResult& result, bool want_interval) const {
    std::size_t n = table.size();
    result.total.resize(n);
    result.route.resize(n);
    result.flags.resize(n);
    result.lo.resize(want_interval ? n : 0);
    result.hi.resize(want_interval ? n : 0);
    score_range(table, 0, n, result, want_interval);
}

void TableScorer::score_range(const LeadTable& table, std::size_t begin, std::size_t end, TableResult& result,
                              bool want_interval) const {
    switch (lanes_) {
        case 4: score_lanes<4>(table, begin, end, result, want_interval); break;
        case 8: score_lanes<8>(table, begin, end, result, want_interval); break;
        case 16: score_lanes<16>(table, begin, end, result, want_interval); break;
        default: score_lanes<32>(table, begin, end, result, want_interval); break;
    }
}

TableScorer::RoutingPlan TableScorer::routing_plan() const {
    const ModelSpec& spec = model_->spec();
    RoutingPlan plan;
    plan.thresholds.resize(spec.segments.size());
    for (std::size_t s = 0; s < plan.thresholds.size(); ++s) plan.thresholds[s] = scoring_.threshold(static_cast<int>(s));
    for (std::size_t r = 0; r < spec.rules.size(); ++r) {
        bool on_points = std::any_of(point_rules_.begin(), point_rules_.end(), [&](const PointRule& p) { return p.rule == static_cast<int>(r); });
        if (!scoring_.rule_enabled[r] || on_points) continue;
        (spec.rules[r].kind == RuleKind::knockout ? plan.knockout_mask : plan.gate_mask) |= std::uint64_t{3} << (2 * r);
    }
    for (const auto& p : point_rules_)
        if (scoring_.rule_enabled[static_cast<std::size_t>(p.rule)]) plan.point_rules.push_back(p);
    return plan;
}

// The route of a lead from what its rules and thresholds allow, indexed by four bits: knocked
// out (8), hand-off possible (4), nurture possible (2), knock-out possible (1).
constexpr std::array<Route, 16> route_table() {
    std::array<Route, 16> table{};
    for (int k = 0; k < 16; ++k) {
        const bool knocked_out = k & 8, can_handoff = k & 4, can_nurture = k & 2, knockout_possible = k & 1;
        const int possible = int(can_handoff) + int(can_nurture) + int(knockout_possible);
        table[static_cast<std::size_t>(k)] = knocked_out ? Route::disqualify
                                           : possible != 1 ? Route::undecided
                                           : can_handoff ? Route::handoff
                                           : can_nurture ? Route::nurture
                                                         : Route::disqualify;
    }
    return table;
}

// The rules and the route of one lead, once its total, interval and per-criterion points are
// known: shared by the full kernel and the incremental one, so both route alike. Bitwise
// operators and a route table instead of short-circuits and branches: whether a gate holds
// differs from lead to lead, and mispredicted branches were most of this function's time.
inline void TableScorer::route_of(const RoutingPlan& plan, const LeadTable& table, std::size_t i, int lo, int hi, const int* clo,
                                  const int* chi, Route& route, std::uint8_t& flags) const {
    static constexpr std::array<Route, 16> kRoutes = route_table();
    constexpr std::uint64_t high = 0xAAAAAAAAAAAAAAAAull, low = 0x5555555555555555ull;
    // Rules: answer-only ones were decided when the lead was added (two bits per rule:
    // high bit yes, low bit maybe).
    const std::uint64_t rule_bits = table.rules_[i];
    const std::uint64_t ko = rule_bits & plan.knockout_mask, gates = rule_bits & plan.gate_mask;
    bool knocked_out = (ko & high) != 0;
    bool knockout_possible = (ko & low) != 0;
    bool gate_open = (gates & low) != 0;
    bool gate_failed = (((gates | gates >> 1) & low) != (plan.gate_mask & low));
    for (const PointRule& p : plan.point_rules) {
        const int state = p.simple ? static_cast<int>(detail::compare_interval(static_cast<detail::Cmp>(p.cmp),
                                                                               p.criterion < 0 ? lo : clo[p.criterion],
                                                                               p.criterion < 0 ? hi : chi[p.criterion], p.operand))
                                   : eval_point_rule(detail::compiled(*model_).rule_when[static_cast<std::size_t>(p.rule)], table, i, clo, chi, lo, hi);
        const bool knockout = p.knockout;
        knocked_out |= knockout & (state == 2);
        knockout_possible |= knockout & (state == 1);
        gate_failed |= !knockout & (state == 0);
        gate_open |= !knockout & (state == 1);
    }
    bool can_handoff = false, can_nurture = false;
    for (std::uint64_t bits = table.possible_[i]; bits; bits &= bits - 1) {
        const int t = plan.thresholds[static_cast<std::size_t>(__builtin_ctzll(bits))];
        can_handoff |= (hi >= t) & !gate_failed;
        can_nurture |= (lo < t) | gate_failed | gate_open;
    }
    const unsigned key = unsigned(knocked_out) << 3 | unsigned(can_handoff) << 2 | unsigned(can_nurture) << 1 | unsigned(knockout_possible);
    route = kRoutes[key];
    flags = static_cast<std::uint8_t>((knocked_out ? TableResult::kKnockedOut : 0) | (gate_failed ? TableResult::kGateFailed : 0));
}

inline void TableScorer::finish_lead(const RoutingPlan& plan, const LeadTable& table, std::size_t i, int total, int lo,
                                     int hi, const int* clo, const int* chi, TableResult& result) const {
    result.total[i] = total;
    route_of(plan, table, i, lo, hi, clo, chi, result.route[i], result.flags[i]);
}

template <int Lanes>
void TableScorer::score_lanes(const LeadTable& table, std::size_t begin, std::size_t end, TableResult& result,
                              bool want_interval) const {
    const std::size_t Q = scoring_questions_.size();
    // Per-question column pointers and row tables, looked up once; questions that give no
    // points in any case are left out.
    struct Column {
        const std::uint8_t* codes;
        const std::uint64_t* selections;
        const int* def;
        const int* down;
        const int* up;
    };
    std::vector<Column> columns(Q);
    for (std::size_t k = 0; k < Q; ++k) {
        const std::size_t q = static_cast<std::size_t>(scoring_questions_[k]);
        columns[k] = Column{table.codes_[q].data(), rows_[q].multiple ? table.selected_[q].data() : nullptr,
                            rows_[q].def.data(), rows_[q].down.data(), rows_[q].up.data()};
    }
    const RoutingPlan plan = routing_plan();
    const int* weights = weights_.data();
    const int* maxima = maxima_.data();
    for (std::size_t i = begin; i < end; ++i) {
        int def[Lanes] = {}, down[Lanes] = {}, up[Lanes] = {};
        bool settled_answers = true;
        for (std::size_t q = 0; q < Q; ++q) {
            const Column& col = columns[q];
            const std::uint8_t code = col.codes[i];
            if (code == LeadTable::kNone) continue;
            if (code < LeadTable::kMaybeShown) {
                if (col.selections) {
                    for (std::uint64_t bits = col.selections[i]; bits; bits &= bits - 1) {
                        const int* row = col.def + static_cast<std::size_t>(__builtin_ctzll(bits)) * Lanes;
                        for (int c = 0; c < Lanes; ++c) def[c] += row[c];
                    }
                } else {
                    const int* row = col.def + static_cast<std::size_t>(code) * Lanes;
                    for (int c = 0; c < Lanes; ++c) def[c] += row[c];
                }
                continue;
            }
            settled_answers = false;
            if (col.selections && code < LeadTable::kOpenOptional) {
                for (std::uint64_t bits = col.selections[i]; bits; bits &= bits - 1) {
                    std::size_t o = static_cast<std::size_t>(__builtin_ctzll(bits)) + LeadTable::kMaybeShown;
                    for (int c = 0; c < Lanes; ++c) {
                        down[c] += col.down[o * Lanes + static_cast<std::size_t>(c)];
                        up[c] += col.up[o * Lanes + static_cast<std::size_t>(c)];
                    }
                }
                continue;
            }
            const int* d = col.down + static_cast<std::size_t>(code) * Lanes;
            const int* u = col.up + static_cast<std::size_t>(code) * Lanes;
            for (int c = 0; c < Lanes; ++c) {
                down[c] += d[c];
                up[c] += u[c];
            }
        }
        for (std::uint64_t bits = table.signals_[i]; bits; bits &= bits - 1) {
            const int bit = __builtin_ctzll(bits);
            const int* p = signal_rows_.data() + static_cast<std::size_t>(bit / 2) * Lanes;
            if (bit & 1) {  // yes
                for (int c = 0; c < Lanes; ++c) def[c] += p[c];
            } else {        // maybe
                settled_answers = false;
                for (int c = 0; c < Lanes; ++c) {
                    down[c] += p[c] < 0 ? p[c] : 0;
                    up[c] += p[c] > 0 ? p[c] : 0;
                }
            }
        }
        int clo[Lanes], chi[Lanes];
        int total = 0, lo, hi;
        for (int c = 0; c < Lanes; ++c) {
            int v = def[c] < 0 ? 0 : (def[c] > maxima[c] ? maxima[c] : def[c]);
            total += weights[c] * v;
            clo[c] = chi[c] = v;
        }
        lo = hi = total;
        if (!settled_answers) {
            lo = hi = 0;
            for (int c = 0; c < Lanes; ++c) {
                clo[c] = clamp(def[c] + down[c], maxima[c]);
                chi[c] = clamp(def[c] + up[c], maxima[c]);
                lo += weights[c] * clo[c];
                hi += weights[c] * chi[c];
            }
        }

        finish_lead(plan, table, i, total, lo, hi, clo, chi, result);
        if (want_interval) {
            result.lo[i] = lo;
            result.hi[i] = hi;
        }
    }
}

// ---- incremental re-scoring ----------------------------------------------------------------

namespace {

// The lanes of a scorer, as a template argument.
template <typename Body>
void with_lanes(int lanes, Body&& body) {
    switch (lanes) {
        case 4: body(std::integral_constant<int, 4>{}); break;
        case 8: body(std::integral_constant<int, 8>{}); break;
        case 16: body(std::integral_constant<int, 16>{}); break;
        default: body(std::integral_constant<int, 32>{}); break;
    }
}

}  // namespace

struct IncrementalScorer::Group {
    std::vector<std::uint32_t> lead_class;  // per lead
    std::vector<std::size_t> representative;  // per class: one of its leads (routes as all of them do)
    std::vector<std::uint8_t> segment;        // per class
    std::vector<std::int8_t> outcome;         // per class: -1 unknown, 0, 1
    std::vector<int> radix;                   // per lane: max_c + 1 (1 for unused lanes)
    std::vector<int> maxima;                  // the maxima the groups were counted with
    std::size_t points = 1;                   // how many clamped points vectors: the product of the radices
    std::vector<std::uint32_t> counts;        // [points index * classes + class]
    bool stale = true;                        // the sums changed since the last count
};

// At most this many (points vector, class) cells: 16 MB of counts.
constexpr std::size_t kMaxGroupCells = std::size_t{1} << 22;

IncrementalScorer::IncrementalScorer() = default;
IncrementalScorer::~IncrementalScorer() = default;
IncrementalScorer::IncrementalScorer(IncrementalScorer&&) noexcept = default;
IncrementalScorer& IncrementalScorer::operator=(IncrementalScorer&&) noexcept = default;

void IncrementalScorer::clear() {
    scorer_.reset();
    sums_.clear();
    sums_.shrink_to_fit();
    columns_summed_ = 0;
    groups_.reset();
}

std::vector<std::int32_t> IncrementalScorer::criterion_sums(int criterion) const {
    std::vector<std::int32_t> out;
    if (!scorer_) return out;
    const std::size_t lanes = static_cast<std::size_t>(scorer_->lanes_);
    out.resize(sums_.size() / lanes);
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = sums_[i * lanes + static_cast<std::size_t>(criterion)];
    return out;
}

bool IncrementalScorer::reset(const Model& model, const LeadTable& table, const Scoring& scoring, TableResult& result) {
    clear();
    // Settled leads only: every question answered, declined or hidden, and every signal decided.
    for (const auto& codes : table.codes_)
        for (std::uint8_t code : codes)
            if (code >= LeadTable::kMaybeShown && code != LeadTable::kNone) return false;
    for (std::uint64_t bits : table.signals_)
        if (bits & 0x5555555555555555ull) return false;
    auto scorer = std::make_unique<TableScorer>(model, scoring);
    sums_.assign(table.size() * static_cast<std::size_t>(scorer->lanes_), 0);
    with_lanes(scorer->lanes_, [&](auto lanes) { add_points<decltype(lanes)::value>(table, nullptr, *scorer); });
    scorer_ = std::move(scorer);
    with_lanes(scorer_->lanes_, [&](auto lanes) { finish<decltype(lanes)::value>(table, result); });
    return true;
}

void IncrementalScorer::update(const LeadTable& table, const Scoring& next, TableResult& result) {
    auto after = std::make_unique<TableScorer>(*scorer_->model_, next);
    with_lanes(after->lanes_, [&](auto lanes) { add_points<decltype(lanes)::value>(table, scorer_.get(), *after); });
    scorer_ = std::move(after);
    if (groups_ && columns_summed_) groups_->stale = true;
    with_lanes(scorer_->lanes_, [&](auto lanes) { finish<decltype(lanes)::value>(table, result); });
}

void IncrementalScorer::score_leads(const LeadTable& table, TableResult& result) const {
    with_lanes(scorer_->lanes_, [&](auto lanes) { finish<decltype(lanes)::value>(table, result); });
}

bool IncrementalScorer::build_groups(const LeadTable& table) {
    const std::size_t L = static_cast<std::size_t>(scorer_->lanes_);
    auto g = std::make_unique<Group>();
    g->maxima = scorer_->maxima_;
    g->radix.resize(L);
    for (std::size_t c = 0; c < L; ++c) {
        g->radix[c] = std::max(0, g->maxima[c]) + 1;
        g->points *= static_cast<std::size_t>(g->radix[c]);
        if (g->points > kMaxGroupCells) return false;
    }
    // Classes: what routes a lead besides its points, and where its histogram count goes.
    struct Key {
        std::uint64_t rules, atoms, possible;
        std::uint8_t segment;
        std::int8_t outcome;
        bool operator==(const Key& o) const {
            return rules == o.rules && atoms == o.atoms && possible == o.possible && segment == o.segment && outcome == o.outcome;
        }
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const {
            std::uint64_t h = k.rules * 0x9E3779B97F4A7C15ull ^ (k.atoms + 0x632BE59BD9B4E019ull) * 0xC2B2AE3D27D4EB4Full ^
                              (k.possible * 0x165667B19E3779F9ull) ^ (std::uint64_t{k.segment} << 8 | static_cast<std::uint8_t>(k.outcome));
            return static_cast<std::size_t>(h ^ (h >> 29));
        }
    };
    std::unordered_map<Key, std::uint32_t, KeyHash> classes;
    const std::size_t n = table.size();
    g->lead_class.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        Key k{table.rules_[i], table.atoms_.empty() ? 0 : table.atoms_[i], table.possible_[i], table.segment_[i], table.outcome_[i]};
        auto [it, added] = classes.emplace(k, static_cast<std::uint32_t>(g->representative.size()));
        if (added) {
            if (g->points * (g->representative.size() + 1) > kMaxGroupCells) return false;
            g->representative.push_back(i);
            g->segment.push_back(k.segment);
            g->outcome.push_back(k.outcome);
        }
        g->lead_class[i] = it->second;
    }
    g->counts.assign(g->points * g->representative.size(), 0);
    groups_ = std::move(g);
    return true;
}

// Counts the leads per (clamped points vector, class): one pass, after the sums changed.
template <int Lanes>
void IncrementalScorer::regroup(const LeadTable& table) {
    constexpr std::size_t L = static_cast<std::size_t>(Lanes);
    Group& g = *groups_;
    std::fill(g.counts.begin(), g.counts.end(), 0u);
    const std::size_t classes = g.representative.size();
    const int* sums = sums_.data();
    const std::uint32_t* lead_class = g.lead_class.data();
    int stride[Lanes];
    int maxima[Lanes];
    int step = 1;
    for (std::size_t c = 0; c < L; ++c) {
        stride[c] = step;
        maxima[c] = g.maxima[c];
        step *= g.radix[c];
    }
    std::uint32_t* counts = g.counts.data();
    for (std::size_t i = 0, n = table.size(); i < n; ++i) {
        std::size_t index = 0;
        for (std::size_t c = 0; c < L; ++c) index += static_cast<std::size_t>(clamp(sums[i * L + c], maxima[c]) * stride[c]);
        ++counts[index * classes + lead_class[i]];
    }
    g.stale = false;
}

// The histogram from the groups: each non-empty group routed once, by one of its leads.
template <int Lanes>
void IncrementalScorer::histogram_of_groups(const LeadTable& table, ScoreHistogram& h) const {
    constexpr std::size_t L = static_cast<std::size_t>(Lanes);
    const Group& g = *groups_;
    const TableScorer::RoutingPlan plan = scorer_->routing_plan();
    const int* weights = scorer_->weights_.data();
    const int max_total = scorer_->scoring_.max_total();
    h.max_total = max_total;
    h.segments = table.model().spec().segments.size();
    h.counts.assign(h.segments * static_cast<std::size_t>(max_total + 3) * 2, 0);
    h.outcome_unknown = 0;
    const std::size_t classes = g.representative.size();
    const std::size_t stride = static_cast<std::size_t>(max_total + 3);
    int points[Lanes];
    for (std::size_t p = 0; p < g.points; ++p) {
        const std::uint32_t* row = g.counts.data() + p * classes;
        bool any = false;
        for (std::size_t k = 0; k < classes && !any; ++k) any = row[k] != 0;
        if (!any) continue;
        int total = 0;
        std::size_t rest = p;
        for (std::size_t c = 0; c < L; ++c) {
            points[c] = static_cast<int>(rest % static_cast<std::size_t>(g.radix[c]));
            rest /= static_cast<std::size_t>(g.radix[c]);
            total += weights[c] * points[c];
        }
        for (std::size_t k = 0; k < classes; ++k) {
            if (!row[k]) continue;
            if (g.outcome[k] < 0) {
                h.outcome_unknown += row[k];
                continue;
            }
            Route route;
            std::uint8_t flags = 0;
            scorer_->route_of(plan, table, g.representative[k], total, total, points, points, route, flags);
            // As ScoreHistogram::of: knocked out -2, a failed gate -1, else the total (at most the maximum).
            const int score = (flags & TableResult::kKnockedOut) ? -2 : (flags & TableResult::kGateFailed) ? -1 : std::min(total, max_total);
            h.counts[(static_cast<std::size_t>(g.segment[k]) * stride + static_cast<std::size_t>(score + 2)) * 2 + static_cast<std::size_t>(g.outcome[k])] += row[k];
        }
    }
}

bool IncrementalScorer::update_histogram(const LeadTable& table, const Scoring& next, ScoreHistogram& histogram) {
    auto after = std::make_unique<TableScorer>(*scorer_->model_, next);
    with_lanes(after->lanes_, [&](auto lanes) { add_points<decltype(lanes)::value>(table, scorer_.get(), *after); });
    scorer_ = std::move(after);
    if (groups_ && (columns_summed_ || groups_->maxima != scorer_->maxima_)) groups_->stale = true;
    if (groups_ && groups_->maxima != scorer_->maxima_) groups_.reset();
    if (!groups_ && !build_groups(table)) return false;
    with_lanes(scorer_->lanes_, [&](auto lanes) {
        if (groups_->stale) regroup<decltype(lanes)::value>(table);
        histogram_of_groups<decltype(lanes)::value>(table, histogram);
    });
    return true;
}

// Adds `after`'s points less `before`'s (all of `after`'s when there is no before) to the sums,
// column by column, skipping every column whose rows did not change.
template <int Lanes>
void IncrementalScorer::add_points(const LeadTable& table, const TableScorer* before, const TableScorer& after) {
    constexpr std::size_t L = static_cast<std::size_t>(Lanes);
    const std::size_t n = table.size();
    int* sums = sums_.data();
    columns_summed_ = 0;
    std::vector<int> delta(256 * L);
    for (std::size_t q = 0; q < after.rows_.size(); ++q) {
        // Codes from kMaybeShown up never occur in a settled table: their rows stay zero.
        std::fill(delta.begin(), delta.end(), 0);
        bool changed = false;
        for (std::size_t k = 0; k < LeadTable::kMaybeShown * L; ++k) {
            delta[k] = after.rows_[q].def[k] - (before ? before->rows_[q].def[k] : 0);
            changed = changed || delta[k] != 0;
        }
        if (!changed) continue;
        ++columns_summed_;
        const std::uint8_t* codes = table.codes_[q].data();
        if (after.rows_[q].multiple) {
            const std::uint64_t* selections = table.selected_[q].data();
            for (std::size_t i = 0; i < n; ++i) {
                if (codes[i] >= LeadTable::kMaybeShown) continue;
                for (std::uint64_t bits = selections[i]; bits; bits &= bits - 1) {
                    const int* d = delta.data() + static_cast<std::size_t>(__builtin_ctzll(bits)) * L;
                    for (std::size_t c = 0; c < L; ++c) sums[i * L + c] += d[c];
                }
            }
        } else {
            for (std::size_t i = 0; i < n; ++i) {
                const int* d = delta.data() + static_cast<std::size_t>(codes[i]) * L;
                for (std::size_t c = 0; c < L; ++c) sums[i * L + c] += d[c];
            }
        }
    }
    // Signals: two bits each, the high one set when the signal holds.
    const std::size_t S = after.signal_rows_.size() / L;
    std::vector<int> signal_delta(S * L, 0);
    std::uint64_t changed_signals = 0;
    for (std::size_t k = 0; k < S * L; ++k) {
        signal_delta[k] = after.signal_rows_[k] - (before ? before->signal_rows_[k] : 0);
        if (signal_delta[k] != 0) changed_signals |= std::uint64_t{2} << (2 * (k / L));
    }
    if (changed_signals == 0) return;
    columns_summed_ += static_cast<std::size_t>(__builtin_popcountll(changed_signals));
    const std::uint64_t* signals = table.signals_.data();
    for (std::size_t i = 0; i < n; ++i) {
        for (std::uint64_t bits = signals[i] & changed_signals; bits; bits &= bits - 1) {
            const int* d = signal_delta.data() + static_cast<std::size_t>(__builtin_ctzll(bits) / 2) * L;
            for (std::size_t c = 0; c < L; ++c) sums[i * L + c] += d[c];
        }
    }
}

template <int Lanes>
void IncrementalScorer::finish(const LeadTable& table, TableResult& result) const {
    constexpr std::size_t L = static_cast<std::size_t>(Lanes);
    const std::size_t n = table.size();
    result.total.resize(n);
    result.route.resize(n);
    result.flags.resize(n);
    result.lo.clear();
    result.hi.clear();
    const TableScorer::RoutingPlan plan = scorer_->routing_plan();
    const int* weights = scorer_->weights_.data();
    const int* maxima = scorer_->maxima_.data();
    const int* sums = sums_.data();
    for (std::size_t i = 0; i < n; ++i) {
        int points[Lanes];
        int total = 0;
        for (std::size_t c = 0; c < L; ++c) {
            points[c] = clamp(sums[i * L + c], maxima[c]);
            total += weights[c] * points[c];
        }
        scorer_->finish_lead(plan, table, i, total, total, total, points, points, result);
    }
}

}  // namespace ripen
