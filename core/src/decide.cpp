// decide(): one evaluation for the route and breakdown, then the searches that make a decision
// useful: the smallest change that flips the route, and the questions most likely to settle it.
#include <algorithm>

#include "evaluator.hpp"
#include "model_data.hpp"
#include "message.hpp"
#include "small_sort.hpp"
#include "ripen/decision.hpp"
#include "text_match.hpp"

namespace ripen {

using detail::Evaluator;
using detail::Tri;

std::string_view to_string(Route route) {
    switch (route) {
        case Route::handoff: return "handoff";
        case Route::nurture: return "nurture";
        case Route::disqualify: return "disqualify";
        case Route::undecided: return "undecided";
    }
    return "undecided";
}

namespace {

// A warning that goes with a decision, about the member `key` of the answers or context; the
// message is `pattern` with its holes filled (message.hpp).
Issue warning(const char* code, std::string_view key, std::string_view pattern, std::initializer_list<detail::Piece> pieces) {
    Issue w;
    w.code = code;
    w.message = detail::format(pattern, pieces);
    w.path = detail::format("$.{}", {key});
    w.severity = Severity::warning;
    return w;
}

Truth truth(Tri t) { return t == Tri::yes ? Truth::yes : (t == Tri::no ? Truth::no : Truth::maybe); }

// A value a question could be answered with, for the flip and next-question searches.
struct Alternative {
    int question;
    Answer answer;
    long long weight = 1;  // the answer's relative frequency
};

Decimal band_representative(const Question& q, std::size_t b) {
    if (q.bands[b].from) return *q.bands[b].from;
    // The open-ended first band: its lowest accepted value, or just below the next band.
    if (q.min) return *q.min;
    if (b + 1 < q.bands.size() && q.bands[b + 1].from) return Decimal{q.bands[b + 1].from->units - Decimal::scale};
    return Decimal{};
}

// Every answer question q could take that changes its points (options, bands, toggled choices).
void alternatives_for(const Model& model, int qi, const Answer& current, std::vector<Alternative>& out) {
    const Question& q = model.spec().questions[static_cast<std::size_t>(qi)];
    bool given = current.state == Answer::State::given;
    switch (q.type) {
        case QuestionType::single:
            for (std::size_t o = 0; o < q.options.size(); ++o) {
                if (given && current.option == static_cast<int>(o)) continue;
                Alternative alt{qi, Answer{}, q.options[o].frequency};
                alt.answer.state = Answer::State::given;
                alt.answer.option = static_cast<int>(o);
                out.push_back(std::move(alt));
            }
            break;
        case QuestionType::number:
            for (std::size_t b = 0; b < q.bands.size(); ++b) {
                if (given && current.band == static_cast<int>(b)) continue;
                Decimal value = band_representative(q, b);
                if ((q.min && value < *q.min) || (q.max && value > *q.max)) continue;
                Alternative alt{qi, Answer{}, q.bands[b].frequency};
                alt.answer.state = Answer::State::given;
                alt.answer.number = value;
                alt.answer.band = static_cast<int>(b);
                out.push_back(std::move(alt));
            }
            break;
        case QuestionType::multiple:
            for (std::size_t o = 0; o < q.options.size(); ++o) {
                std::uint64_t selected = (given ? current.selected : 0) ^ (std::uint64_t{1} << o);
                int n = __builtin_popcountll(selected);
                if (n == 0 || (q.max_select && n > q.max_select) || (q.min_select && n < q.min_select)) continue;
                Alternative alt{qi, Answer{}, q.options[o].frequency};
                alt.answer.state = Answer::State::given;
                alt.answer.selected = selected;
                out.push_back(std::move(alt));
            }
            break;
        case QuestionType::country:
            // Each listed country stands for itself.
            for (std::size_t o = 0; o < q.options.size(); ++o) {
                if (q.options[o].value == "*") continue;
                Alternative alt{qi, Answer{}, q.options[o].frequency};
                alt.answer.state = Answer::State::given;
                alt.answer.option = static_cast<int>(o);
                alt.answer.text = q.options[o].value;
                detail::fold_answer(q.type, alt.answer);
                out.push_back(std::move(alt));
            }
            break;
        case QuestionType::email:
        case QuestionType::text:
            break;
    }
}

// Answers that stand for what conditions can tell apart on an e-mail, country or text question:
// one value from each list the conditions test, and one value in none of them. Without data on
// how often each comes up, an allow-list (not_in: "countries we serve") is taken to hold the
// usual answers and a deny-list (in, domain_in: "competitors") the rare ones, nine to one.
void probes_for(const Model& model, int qi, std::vector<Alternative>& out) {
    const Question& q = model.spec().questions[static_cast<std::size_t>(qi)];
    const detail::Compiled& comp = detail::compiled(model);
    constexpr long long usual = 9, rare = 1;
    std::vector<std::pair<std::string, long long>> values;
    bool allow_list = false;
    for (const auto& node : comp.nodes) {
        if (node.subject != qi || node.set < 0) continue;
        bool deny = node.op == detail::CondOp::answer_in || node.op == detail::CondOp::answer_domain_in;
        bool allow = node.op == detail::CondOp::answer_not_in || node.op == detail::CondOp::answer_domain_not_in;
        if ((!deny && !allow) || comp.string_sets[static_cast<std::size_t>(node.set)].items().empty()) continue;
        allow_list = allow_list || allow;
        const detail::StringSet& set = comp.string_sets[static_cast<std::size_t>(node.set)];
        // A hashed list's member is known by its digest only (see kDigestProbe).
        values.emplace_back(set.is_hashed() ? detail::kDigestProbe + set.items().front() : set.items().front(), allow ? usual : rare);
    }
    if (values.empty()) return;
    // An outsider: a domain or text no list holds, or a country code no list holds.
    long long outsider_weight = allow_list ? rare : usual;
    if (q.type == QuestionType::country) {
        for (const auto& code : detail::country_codes()) {
            std::string lower = detail::lowercase(code);
            bool listed = false;
            for (const auto& node : comp.nodes)
                if (node.subject == qi && node.set >= 0 && comp.string_sets[static_cast<std::size_t>(node.set)].contains_folded(lower)) listed = true;
            if (!listed) {
                values.emplace_back(lower, outsider_weight);
                break;
            }
        }
    } else {
        values.emplace_back(q.type == QuestionType::email ? "unlisted.example" : "unlisted", outsider_weight);
    }
    for (const auto& [v, weight] : values) {
        Alternative alt{qi, Answer{}, weight};
        alt.answer.state = Answer::State::given;
        if (q.type == QuestionType::email && detail::is_digest_probe(v)) {
            alt.answer.text = "lead@listed.invalid";
            alt.answer.folded = v;
            out.push_back(std::move(alt));
            continue;
        }
        if (q.type == QuestionType::email) {
            alt.answer.text = detail::format("lead@{}", {v});
        } else if (q.type == QuestionType::country) {
            alt.answer.text = v;
            for (char& c : alt.answer.text) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
            int o = comp.option_index[static_cast<std::size_t>(qi)].find(alt.answer.text);
            alt.answer.option = o >= 0 ? o : comp.country_other[static_cast<std::size_t>(qi)];
        } else {
            alt.answer.text = v;
        }
        detail::fold_answer(q.type, alt.answer);
        out.push_back(std::move(alt));
    }
}

// Runs the evaluator on the base answers with some of them replaced.
class WhatIf {
public:
    WhatIf(const Model& model, const Answers& base, const detail::LeadInput& input)
        : eval_(model), base_(base), scratch_(base.values), input_(input) {
        input_.answers = scratch_.data();
    }

    const Evaluator& run(const Alternative* a, const Alternative* b = nullptr) {
        if (a) scratch_[static_cast<std::size_t>(a->question)] = a->answer;
        if (b) scratch_[static_cast<std::size_t>(b->question)] = b->answer;
        eval_.run(input_);
        if (a) scratch_[static_cast<std::size_t>(a->question)] = base_.values[static_cast<std::size_t>(a->question)];
        if (b) scratch_[static_cast<std::size_t>(b->question)] = base_.values[static_cast<std::size_t>(b->question)];
        return eval_;
    }

private:
    Evaluator eval_;
    const Answers& base_;
    std::vector<Answer> scratch_;
    detail::LeadInput input_;
};

std::optional<Flip> find_flip(const Model& model, const Answers& answers, const detail::LeadInput& input,
                              const Evaluator& current) {
    if (current.route == Route::undecided) return std::nullopt;
    std::vector<Alternative> candidates;
    for (std::size_t q = 0; q < answers.values.size(); ++q) {
        if (current.visible[q] != Tri::yes) continue;
        alternatives_for(model, static_cast<int>(q), answers.values[q], candidates);
    }
    WhatIf what_if(model, answers, input);
    const Alternative* best_a = nullptr;
    const Alternative* best_b = nullptr;
    int best_delta = 0;
    Route best_route = Route::undecided;
    int best_total = 0;
    auto consider = [&](const Alternative* a, const Alternative* b) {
        const Evaluator& e = what_if.run(a, b);
        // Flips worth telling are between hand-off and nurture, or out of a knock-out;
        // "a student would be disqualified" says nothing about this lead.
        if (e.route == Route::undecided || e.route == current.route || e.route == Route::disqualify) return;
        int delta = std::abs(e.total - current.total);
        if (best_a && delta >= best_delta) return;
        best_a = a;
        best_b = b;
        best_delta = delta;
        best_route = e.route;
        best_total = e.total;
    };
    for (const auto& a : candidates) consider(&a, nullptr);
    if (!best_a) {
        for (std::size_t i = 0; i < candidates.size(); ++i)
            for (std::size_t j = i + 1; j < candidates.size(); ++j)
                if (candidates[i].question != candidates[j].question) consider(&candidates[i], &candidates[j]);
    }
    if (!best_a) return std::nullopt;
    Flip flip;
    flip.to = best_route;
    flip.total = best_total;
    for (const Alternative* alt : {best_a, best_b}) {
        if (!alt) continue;
        AnswerChange change;
        change.question = alt->question;
        change.from = detail::answer_text(model, alt->question, answers.values[static_cast<std::size_t>(alt->question)]);
        change.to = detail::answer_text(model, alt->question, alt->answer);
        flip.changes.push_back(std::move(change));
    }
    return flip;
}

// How far a lead is from a settled route: open rules, and how many points of the interval
// still straddle the threshold (as a share of the maximum).
double uncertainty(const Evaluator& e, int max_total) {
    if (e.route != Route::undecided) return 0;
    double open_rules = 0;
    for (detail::Tri t : e.rule) open_rules += t == detail::Tri::maybe ? 1 : 0;
    int straddle = std::max(0, std::min(e.hi - e.threshold + 1, e.threshold - e.lo));
    return open_rules + static_cast<double>(straddle) / std::max(1, max_total);
}

// The nurture track of an evaluated lead (the first whose condition holds), and whether it is
// settled: an earlier track whose condition is still open could yet take its place.
struct TrackState {
    int track = -1;
    bool settled = true;
};

TrackState track_state(const Model& model, const Evaluator& eval) {
    const auto& spec = model.spec();
    const detail::Compiled& comp = detail::compiled(model);
    TrackState state;
    for (std::size_t t = 0; t < spec.tracks.size(); ++t) {
        const int cond = comp.track_when[t];
        const Tri holds = cond < 0 ? Tri::yes : eval.condition(cond);
        if (holds == Tri::maybe) state.settled = false;
        if (holds == Tri::yes) {
            state.track = static_cast<int>(t);
            return state;
        }
    }
    return state;
}

// For a route settled as nurture with an open track (progressive.settle_track): the questions
// most likely to settle the track, ranked as choose_next_questions ranks them for the route.
std::vector<int> choose_track_questions(const Model& model, const Answers& answers, const detail::LeadInput& input,
                                        const Evaluator& current, int max) {
    std::vector<int> chosen;
    struct Rank {
        int question;
        double settle;
    };
    std::vector<Rank> ranks;
    // Not WhatIf: it puts the answer back before returning, and track conditions are evaluated
    // on demand, after the run; here the answer stays until the track has been read.
    std::vector<Answer> scratch = answers.values;
    detail::LeadInput probe = input;
    probe.answers = scratch.data();
    Evaluator e(model);
    const int track_now = track_state(model, current).track;
    std::vector<Alternative> alternatives;
    for (std::size_t q = 0; q < answers.values.size(); ++q) {
        if (current.visible[q] != Tri::yes || answers.values[q].state != Answer::State::open) continue;
        alternatives.clear();
        alternatives_for(model, static_cast<int>(q), answers.values[q], alternatives);
        probes_for(model, static_cast<int>(q), alternatives);
        if (alternatives.empty()) continue;
        long long total_weight = 0;
        for (const auto& alt : alternatives) total_weight += alt.weight;
        if (total_weight == 0) total_weight = 1;
        Rank rank{static_cast<int>(q), 0};
        bool changes = false;
        for (const auto& alt : alternatives) {
            scratch[q] = alt.answer;
            e.run(probe);
            const TrackState after = track_state(model, e);
            scratch[q] = answers.values[q];
            if (after.settled) rank.settle += static_cast<double>(alt.weight) / static_cast<double>(total_weight);
            changes = changes || after.settled || after.track != track_now;
        }
        if (changes) ranks.push_back(rank);  // an answer that cannot move the track is not asked
    }
    detail::small_sort(ranks.begin(), ranks.end(), [](const Rank& a, const Rank& b) { return a.settle > b.settle; });
    for (const auto& r : ranks) {
        if (static_cast<int>(chosen.size()) >= max) break;
        chosen.push_back(r.question);
    }
    return chosen;
}

std::vector<int> choose_next_questions(const Model& model, const Answers& answers, const detail::LeadInput& input,
                                       const Evaluator& current, int max) {
    std::vector<int> chosen;
    if (current.route == Route::nurture && model.spec().settle_track && !input.complete && !track_state(model, current).settled)
        return choose_track_questions(model, answers, input, current, max);
    if (current.route != Route::undecided || input.complete) return chosen;
    const ModelSpec& spec = model.spec();
    const std::size_t C = spec.criteria.size();
    struct Rank {
        int question;
        double settle;  // chance (by answer frequencies) that the answer settles the route
        double left;    // expected uncertainty after the answer
        int swing;
    };
    std::vector<Rank> ranks;
    WhatIf what_if(model, answers, input);
    std::vector<Alternative> alternatives;
    for (std::size_t q = 0; q < answers.values.size(); ++q) {
        if (current.visible[q] != Tri::yes || answers.values[q].state != Answer::State::open) continue;
        alternatives.clear();
        alternatives_for(model, static_cast<int>(q), answers.values[q], alternatives);
        probes_for(model, static_cast<int>(q), alternatives);
        Rank rank{static_cast<int>(q), 0, 0, 0};
        for (std::size_t c = 0; c < C; ++c)
            rank.swing += spec.criteria[c].weight *
                          (detail::compiled(model).answer_max[q * C + c] - detail::compiled(model).answer_min[q * C + c]);
        if (alternatives.empty()) continue;  // nothing about it can change the route
        long long total_weight = 0;
        for (const auto& alt : alternatives) total_weight += alt.weight;
        if (total_weight == 0) total_weight = 1;
        for (const auto& alt : alternatives) {
            const Evaluator& e = what_if.run(&alt);
            double share = static_cast<double>(alt.weight) / static_cast<double>(total_weight);
            if (e.route != Route::undecided) rank.settle += share;
            rank.left += share * uncertainty(e, model.max_total());
        }
        ranks.push_back(rank);
    }
    detail::small_sort(ranks.begin(), ranks.end(), [](const Rank& a, const Rank& b) {
        // Most likely to settle the route first, then the one that leaves the least open,
        // then the larger swing; model order breaks ties.
        if (a.settle != b.settle) return a.settle > b.settle;
        if (a.left != b.left) return a.left < b.left;
        return a.swing > b.swing;
    });
    for (const auto& r : ranks) {
        if (static_cast<int>(chosen.size()) >= max) break;
        chosen.push_back(r.question);
    }
    return chosen;
}

// The context bound to the keys the model's conditions use, with warnings for values that
// cannot be used.
struct BoundContext {
    std::vector<detail::ContextSlot> slots;
    detail::LeadInput input;
    std::vector<Issue> warnings;
};

BoundContext bind(const Model& model, const Answers& answers, const Context& context) {
    const detail::Compiled& comp = detail::compiled(model);
    BoundContext b;
    b.slots.resize(comp.context_keys.size());
    for (std::size_t k = 0; k < comp.context_keys.size(); ++k) {
        const std::string* value = context.find(comp.context_keys[k]);
        if (!value) continue;
        if (!detail::fill_context_slot(comp, static_cast<int>(k), *value, b.slots[k])) {
            b.warnings.push_back(warning("context.number", comp.context_keys[k],
                                         "context value \"{}\" of \"{}\" is not a number; conditions comparing it are false",
                                         {*value, comp.context_keys[k]}));
        }
    }
    b.input.answers = answers.values.data();
    b.input.context = b.slots.data();
    b.input.complete = context.complete;
    if (const std::string* source = context.find("source"); source && !source->empty()) {
        b.input.source_segment = model.segment_index(*source);
        if (b.input.source_segment < 0) {
            b.warnings.push_back(warning("context.unknown_segment", "source",
                                         "source \"{}\" is not a segment of this model; the segment is chosen by its conditions", {*source}));
        }
    }
    return b;
}

}  // namespace

std::vector<int> next_questions(const Model& model, const Answers& answers, const Context& context, int max) {
    BoundContext b = bind(model, answers, context);
    Evaluator eval(model);
    eval.run(b.input);
    return choose_next_questions(model, answers, b.input, eval, max);
}

Decision decide(const Model& model, const Answers& answers, const Context& context) {
    const ModelSpec& spec = model.spec();
    Decision d;
    BoundContext bound = bind(model, answers, context);
    d.warnings = std::move(bound.warnings);
    const detail::LeadInput& input = bound.input;

    Evaluator eval(model);
    eval.run(input);
    d.route = eval.route;
    d.total = eval.total;
    d.max = model.max_total();
    d.score = d.max > 0 ? (200 * d.total + d.max) / (2 * d.max) : 0;
    d.lo = eval.lo;
    d.hi = eval.hi;
    d.threshold = eval.threshold;
    d.segment = eval.segment;
    d.segment_settled = eval.segment_settled;

    const std::size_t C = spec.criteria.size();
    d.criteria.resize(C);
    for (std::size_t c = 0; c < C; ++c) {
        d.criteria[c].points = eval.points[c];
        d.criteria[c].lo = eval.points_lo[c];
        d.criteria[c].hi = eval.points_hi[c];
    }
    for (std::size_t q = 0; q < spec.questions.size(); ++q) {
        const Answer& a = answers.values[q];
        bool open = a.state == Answer::State::open && !context.complete;
        if (eval.visible[q] == Tri::yes && open) ++d.open;
        if (a.state != Answer::State::given) continue;
        if (eval.visible[q] == Tri::no) {
            d.warnings.push_back(warning("answer.hidden", spec.questions[q].id,
                                         "the answer to \"{}\" is ignored: the question is not shown for these answers", {spec.questions[q].id}));
            continue;
        }
        ++d.answered;
        if (eval.visible[q] != Tri::yes) continue;
        std::string shown;
        for (std::size_t c = 0; c < C; ++c) {
            int p = eval.answer_points(static_cast<int>(q), static_cast<int>(c), a);
            if (p == 0) continue;
            if (shown.empty()) shown = detail::answer_text(model, static_cast<int>(q), a);
            d.criteria[c].from.push_back(Contribution{static_cast<int>(q), -1, shown, p});
        }
    }
    d.signals.resize(spec.signals.size());
    for (std::size_t s = 0; s < spec.signals.size(); ++s) {
        d.signals[s] = truth(eval.signal[s]);
        if (eval.signal[s] != Tri::yes) continue;
        for (std::size_t c = 0; c < C; ++c)
            if (spec.signals[s].points[c] != 0)
                d.criteria[c].from.push_back(Contribution{-1, static_cast<int>(s), {}, spec.signals[s].points[c]});
    }
    d.rules.resize(spec.rules.size());
    for (std::size_t r = 0; r < spec.rules.size(); ++r) d.rules[r] = truth(eval.rule[r]);

    if (const std::string* now = context.find("now")) {
        if (auto t = parse_time(*now)) {
            if (d.route == Route::handoff)
                d.sla_deadline = *t + static_cast<std::int64_t>(spec.segments[static_cast<std::size_t>(d.segment)].sla_hours) * 3600;
        } else {
            d.warnings.push_back(warning("context.time", "now", "\"now\" is not an RFC 3339 time or Unix seconds: \"{}\"; no SLA deadline is given",
                                         {*now}));
        }
    }
    if (d.route == Route::nurture) {
        const TrackState track = track_state(model, eval);
        d.track = track.track;
        d.track_settled = track.settled || context.complete;
    }
    d.flip = find_flip(model, answers, input, eval);
    d.next_questions = choose_next_questions(model, answers, input, eval, spec.questions_per_step);
    return d;
}

}  // namespace ripen
