// The scoring kernel (see evaluator.hpp). Bounds are exact integers: with questions open, the
// final total lies in [lo, hi], and the route is settled only when every possible completion
// of the answers leads to the same route.
#include "evaluator.hpp"
#include "model_data.hpp"

#include <algorithm>

namespace ripen::detail {

namespace {
bool compare(Cmp cmp, std::int64_t a, std::int64_t b) {
    switch (cmp) {
        case Cmp::lt: return a < b;
        case Cmp::lte: return a <= b;
        case Cmp::gt: return a > b;
        case Cmp::gte: return a >= b;
        case Cmp::eq: return a == b;
    }
    return false;
}
Tri tri(bool b) { return b ? Tri::yes : Tri::no; }
int clamp(int v, int max) { return v < 0 ? 0 : (v > max ? max : v); }
}  // namespace

bool fill_context_slot(const Compiled& compiled, int key, std::string_view value, ContextSlot& slot) {
    slot.present = true;
    slot.value = value;
    slot.numeric = false;
    if (!compiled.context_numeric[static_cast<std::size_t>(key)]) return true;
    auto number = parse_decimal(trim(value));
    if (!number) return false;
    slot.numeric = true;
    slot.number = *number;
    return true;
}

void fold_answer(QuestionType type, Answer& answer) {
    if (type == QuestionType::email) lowercase_into(email_domain(answer.text), answer.folded);
    else if (type == QuestionType::country || type == QuestionType::text) lowercase_into(answer.text, answer.folded);
    else answer.folded.clear();
}

std::string answer_text(const Model& model, int question, const Answer& answer) {
    if (answer.state != Answer::State::given) return {};
    const Question& q = model.spec().questions[static_cast<std::size_t>(question)];
    switch (q.type) {
        case QuestionType::single: return q.options[static_cast<std::size_t>(answer.option)].value;
        case QuestionType::multiple: {
            std::string out;
            for (std::size_t o = 0; o < q.options.size(); ++o) {
                if (!((answer.selected >> o) & 1)) continue;
                if (!out.empty()) out += ';';
                out += q.options[o].value;
            }
            return out;
        }
        case QuestionType::number: return to_string(answer.number);
        default: return answer.text;
    }
}

Evaluator::Evaluator(const Model& model)
    : model_(model), spec_(model.spec()), comp_(detail::compiled(model)) {
    visible.resize(spec_.questions.size());
    signal.resize(spec_.signals.size());
    rule.resize(spec_.rules.size());
    points.resize(spec_.criteria.size());
    points_lo.resize(spec_.criteria.size());
    points_hi.resize(spec_.criteria.size());
    sum_def_.resize(spec_.criteria.size());
    sum_lo_.resize(spec_.criteria.size());
    sum_hi_.resize(spec_.criteria.size());
    segment_state_.resize(spec_.segments.size());
    std::fill(visible.begin(), visible.end(), Tri::yes);  // only conditional questions change
    for (const auto& q : spec_.questions) {
        type_.push_back(q.type);
        required_.push_back(q.required ? 1 : 0);
    }
}

int Evaluator::answer_points(int q, int c, const Answer& a) const {
    const std::size_t C = spec_.criteria.size();
    const int* row = comp_.points_table.data() + comp_.points_row[static_cast<std::size_t>(q)];
    switch (spec_.questions[static_cast<std::size_t>(q)].type) {
        case QuestionType::single:
        case QuestionType::country:
            return a.option >= 0 ? row[static_cast<std::size_t>(a.option) * C + static_cast<std::size_t>(c)] : 0;
        case QuestionType::number:
            return a.band >= 0 ? row[static_cast<std::size_t>(a.band) * C + static_cast<std::size_t>(c)] : 0;
        case QuestionType::multiple: {
            int sum = 0;
            for (std::uint64_t bits = a.selected; bits; bits &= bits - 1)
                sum += row[static_cast<std::size_t>(__builtin_ctzll(bits)) * C + static_cast<std::size_t>(c)];
            return sum;
        }
        case QuestionType::email:
        case QuestionType::text:
            return 0;
    }
    return 0;
}

Tri Evaluator::answer_atom(const CondNode& n, const Answer& a, bool declined) const {
    if (declined) return n.op == CondOp::answer_answered ? tri(!n.expect) : Tri::no;
    if (a.state == Answer::State::open) return Tri::maybe;
    const Question& question = spec_.questions[static_cast<std::size_t>(n.subject)];
    switch (n.op) {
        case CondOp::answer_answered: return tri(n.expect);
        case CondOp::answer_in:
        case CondOp::answer_not_in: {
            bool in;
            if (question.type == QuestionType::single) in = a.option >= 0 && ((n.mask >> a.option) & 1);
            else if (question.type == QuestionType::multiple) in = (a.selected & n.mask) != 0;
            else in = comp_.string_sets[static_cast<std::size_t>(n.set)].contains_folded(a.folded);
            return tri(n.op == CondOp::answer_in ? in : !in);
        }
        case CondOp::answer_cmp: return tri(compare(n.cmp, a.number.units, n.number.units));
        case CondOp::answer_domain_in:
        case CondOp::answer_domain_not_in: {
            const StringSet& set = comp_.string_sets[static_cast<std::size_t>(n.set)];
            bool in = is_digest_probe(a.folded) ? set.contains_digest(std::string_view(a.folded).substr(1))
                                                : set.contains_domain_folded(a.folded);
            return tri(n.op == CondOp::answer_domain_in ? in : !in);
        }
        default: return Tri::maybe;
    }
}

Tri Evaluator::eval_answer(const CondNode& n) const {
    const Answer& a = in_->answers[n.subject];
    Tri vis = visible[static_cast<std::size_t>(n.subject)];
    bool open_as_declined = in_->complete && a.state == Answer::State::open;
    bool declined = a.state == Answer::State::declined || open_as_declined;
    if (vis == Tri::no) return answer_atom(n, a, true);
    Tri shown = answer_atom(n, a, declined);
    if (vis == Tri::yes) return shown;
    Tri hidden = answer_atom(n, a, true);  // the question may still be hidden
    return shown == hidden ? shown : Tri::maybe;
}

Tri Evaluator::eval_context(const CondNode& n) const {
    const ContextSlot& s = in_->context[n.subject];
    if (n.op == CondOp::context_present) return tri(s.present == n.expect);
    if (n.op == CondOp::context_cmp) return tri(s.present && s.numeric && compare(n.cmp, s.number.units, n.number.units));
    const auto& set = comp_.string_sets[static_cast<std::size_t>(n.set)];
    switch (n.op) {
        case CondOp::context_in: return tri(s.present && set.contains(s.value));
        case CondOp::context_not_in: return tri(s.present && !set.contains(s.value));
        case CondOp::context_domain_in:
        case CondOp::context_domain_not_in: {
            if (!s.present) return Tri::no;
            lowercase_into(url_host(s.value), folded_scratch_);
            bool in = set.contains_domain_folded(folded_scratch_);
            return tri(n.op == CondOp::context_domain_in ? in : !in);
        }
        default: return Tri::maybe;
    }
}

Tri Evaluator::eval(int index) const {
    const CondNode& n = comp_.nodes[static_cast<std::size_t>(index)];
    switch (n.op) {
        case CondOp::all: {
            Tri result = Tri::yes;
            for (int i = 0; i < n.count && result != Tri::no; ++i)
                result = std::min(result, eval(comp_.children[static_cast<std::size_t>(n.first + i)]));
            return result;
        }
        case CondOp::any: {
            Tri result = Tri::no;
            for (int i = 0; i < n.count && result != Tri::yes; ++i)
                result = std::max(result, eval(comp_.children[static_cast<std::size_t>(n.first + i)]));
            return result;
        }
        case CondOp::negate: {
            Tri inner = eval(comp_.children[static_cast<std::size_t>(n.first)]);
            return inner == Tri::maybe ? Tri::maybe : tri(inner == Tri::no);
        }
        case CondOp::answer_in:
        case CondOp::answer_not_in:
        case CondOp::answer_answered:
        case CondOp::answer_cmp:
        case CondOp::answer_domain_in:
        case CondOp::answer_domain_not_in:
            return eval_answer(n);
        case CondOp::context_in:
        case CondOp::context_not_in:
        case CondOp::context_present:
        case CondOp::context_cmp:
        case CondOp::context_domain_in:
        case CondOp::context_domain_not_in:
            return eval_context(n);
        case CondOp::signal: {
            Tri s = signal[static_cast<std::size_t>(n.subject)];
            if (s == Tri::maybe) return Tri::maybe;
            return tri((s == Tri::yes) == n.expect);
        }
        case CondOp::criterion_cmp:
            return compare_interval(n.cmp, points_lo[static_cast<std::size_t>(n.subject)],
                                    points_hi[static_cast<std::size_t>(n.subject)], n.number.units / Decimal::scale);
        case CondOp::total_cmp:
            return compare_interval(n.cmp, lo, hi, n.number.units / Decimal::scale);
        case CondOp::segment_in: {
            bool all_in = (possible_segments & ~n.mask) == 0;
            bool none_in = (possible_segments & n.mask) == 0;
            return all_in ? Tri::yes : (none_in ? Tri::no : Tri::maybe);
        }
    }
    return Tri::maybe;
}

void Evaluator::run(const LeadInput& input) {
    in_ = &input;
    const std::size_t C = spec_.criteria.size();

    // 1. Which questions are shown, parents before children.
    for (int q : comp_.conditional) visible[static_cast<std::size_t>(q)] = eval(comp_.show_if[static_cast<std::size_t>(q)]);

    // 2. Derived signals, in model order (a signal may use earlier ones).
    for (std::size_t s = 0; s < signal.size(); ++s) signal[s] = eval(comp_.signal_when[s]);

    // 3. Points per criterion: what is earned so far (sum_def_), plus how far open and
    // possibly-hidden answers can still move it down (sum_lo_) and up (sum_hi_).
    std::fill(sum_def_.begin(), sum_def_.end(), 0);
    std::fill(sum_lo_.begin(), sum_lo_.end(), 0);
    std::fill(sum_hi_.begin(), sum_hi_.end(), 0);
    int* def = sum_def_.data();
    int* down = sum_lo_.data();
    int* up = sum_hi_.data();
    const int* table = comp_.points_table.data();
    for (std::size_t q = 0; q < type_.size(); ++q) {
        Tri vis = visible[q];
        if (vis == Tri::no) continue;
        const Answer& a = input.answers[q];
        if (a.state == Answer::State::given) {
            const QuestionType type = type_[q];
            if (type == QuestionType::email || type == QuestionType::text) continue;
            const int* base = table + comp_.points_row[q];
            if (type == QuestionType::multiple) {
                for (std::uint64_t bits = a.selected; bits; bits &= bits - 1) {
                    const int* row = base + static_cast<std::size_t>(__builtin_ctzll(bits)) * C;
                    add_given(row, vis, def, down, up, C);
                }
            } else {
                int index = type == QuestionType::number ? a.band : a.option;
                if (index >= 0) add_given(base + static_cast<std::size_t>(index) * C, vis, def, down, up, C);
            }
        } else if (a.state == Answer::State::open && !input.complete) {
            bool certain = vis == Tri::yes && required_[q];
            const int* amin = &comp_.answer_min[q * C];
            const int* amax = &comp_.answer_max[q * C];
            for (std::size_t c = 0; c < C; ++c) {
                down[c] += certain ? amin[c] : std::min(0, amin[c]);
                up[c] += certain ? amax[c] : std::max(0, amax[c]);
            }
        }
    }
    for (std::size_t s = 0; s < signal.size(); ++s)
        if (signal[s] != Tri::no) add_given(spec_.signals[s].points.data(), signal[s], def, down, up, C);
    total = lo = hi = 0;
    for (std::size_t c = 0; c < C; ++c) {
        const Criterion& crit = spec_.criteria[c];
        points[c] = clamp(def[c], crit.max);
        points_lo[c] = clamp(def[c] + down[c], crit.max);
        points_hi[c] = clamp(def[c] + up[c], crit.max);
        total += crit.weight * points[c];
        lo += crit.weight * points_lo[c];
        hi += crit.weight * points_hi[c];
    }

    // 4. Segments: an explicit source wins; otherwise every segment that may still match, in
    // order, up to the first that surely does.
    possible_segments = 0;
    segment = -1;
    if (input.source_segment >= 0) {
        segment = input.source_segment;
        possible_segments = std::uint64_t{1} << segment;
    } else {
        for (std::size_t s = 0; s < spec_.segments.size(); ++s) {
            int cond = comp_.segment_when[s];
            Tri t = cond < 0 ? Tri::yes : eval(cond);
            if (t == Tri::no) continue;
            possible_segments |= std::uint64_t{1} << s;
            if (t == Tri::yes) {
                if (segment < 0) segment = static_cast<int>(s);
                break;
            }
        }
        if (segment < 0) segment = 0;  // unreachable for a valid model: the default always matches
    }
    segment_settled = (possible_segments & (possible_segments - 1)) == 0;
    threshold = model_.threshold_for(segment);

    // 5. Rules.
    bool knocked_out = false, knockout_possible = false, gate_failed = false, gate_open = false;
    for (std::size_t r = 0; r < rule.size(); ++r) {
        rule[r] = eval(comp_.rule_when[r]);
        if (spec_.rules[r].kind == RuleKind::knockout) {
            knocked_out = knocked_out || rule[r] == Tri::yes;
            knockout_possible = knockout_possible || rule[r] == Tri::maybe;
        } else {
            gate_failed = gate_failed || rule[r] == Tri::no;
            gate_open = gate_open || rule[r] == Tri::maybe;
        }
    }

    // 6. The route is settled when every possible completion agrees.
    if (knocked_out) {
        route = Route::disqualify;
        return;
    }
    bool can_handoff = false, can_nurture = false;
    for (std::uint64_t bits = possible_segments; bits; bits &= bits - 1) {
        int t = model_.threshold_for(__builtin_ctzll(bits));
        can_handoff = can_handoff || (hi >= t && !gate_failed);
        can_nurture = can_nurture || lo < t || gate_failed || gate_open;
    }
    int possible = int(can_handoff) + int(can_nurture) + int(knockout_possible);
    if (possible != 1) route = Route::undecided;
    else if (can_handoff) route = Route::handoff;
    else if (can_nurture) route = Route::nurture;
    else route = Route::disqualify;
}

}  // namespace ripen::detail
