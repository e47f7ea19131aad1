// Metrics and threshold suggestions (see ripen/tuning.hpp). Metrics come from a histogram of the
// routing score, so sweeping the threshold never re-scores a lead.
#include "ripen/tuning.hpp"

#include <algorithm>
#include <cmath>

#include "evaluator.hpp"
#include "tuning_internal.hpp"

namespace ripen {

namespace detail {

// The score that routes a settled lead: its total, below every total when a gate failed, and
// lowest when a knock-out fired.
int routing_score(const TableResult& r, std::size_t i) {
    if (r.flags[i] & TableResult::kKnockedOut) return -2;
    if (r.flags[i] & TableResult::kGateFailed) return -1;
    return r.total[i];
}

// AUC of real-valued scores over a subset of leads (ties count half).
double auc_of(const std::vector<double>& score, const std::vector<std::int8_t>& outcome, const std::vector<std::size_t>& rows) {
    std::vector<std::pair<double, int>> pairs;
    pairs.reserve(rows.size());
    for (std::size_t i : rows) pairs.emplace_back(score[i], outcome[i]);
    std::sort(pairs.begin(), pairs.end());
    double pos = 0, neg = 0, area = 0, neg_below = 0;
    for (const auto& p : pairs) (p.second ? pos : neg) += 1;
    if (pos == 0 || neg == 0) return 0.5;
    for (std::size_t a = 0; a < pairs.size();) {
        std::size_t b = a;
        double p_here = 0, n_here = 0;
        while (b < pairs.size() && pairs[b].first == pairs[a].first) {
            (pairs[b].second ? p_here : n_here) += 1;
            ++b;
        }
        area += p_here * (neg_below + 0.5 * n_here);
        neg_below += n_here;
        a = b;
    }
    return area / (pos * neg);
}

// Area under the ROC curve of integer scores (ties count half), from per-score counts.
double auc_from_histogram(const std::vector<std::uint64_t>& positive, const std::vector<std::uint64_t>& negative) {
    double pos_total = 0, neg_total = 0, area = 0, neg_below = 0;
    for (std::size_t k = 0; k < positive.size(); ++k) {
        pos_total += static_cast<double>(positive[k]);
        neg_total += static_cast<double>(negative[k]);
    }
    if (pos_total == 0 || neg_total == 0) return 0.5;
    for (std::size_t k = 0; k < positive.size(); ++k) {
        area += static_cast<double>(positive[k]) * (neg_below + 0.5 * static_cast<double>(negative[k]));
        neg_below += static_cast<double>(negative[k]);
    }
    return area / (pos_total * neg_total);
}

}  // namespace detail

namespace {

using detail::auc_from_histogram;
using detail::routing_score;

double ratio(std::uint64_t a, std::uint64_t b) { return b ? static_cast<double>(a) / static_cast<double>(b) : 0.0; }

void count(RouteCounts& c, Route route, bool converted) {
    ++c.leads;
    c.converted += converted;
    switch (route) {
        case Route::handoff: ++c.handoff; c.handoff_converted += converted; break;
        case Route::nurture: ++c.nurture; c.nurture_converted += converted; break;
        case Route::disqualify: ++c.disqualify; c.disqualify_converted += converted; break;
        case Route::undecided: ++c.undecided; c.undecided_converted += converted; break;
    }
}



// Counts of converted and other leads per segment and routing score (shifted by 2).
struct SegmentCounts {
    std::vector<std::vector<std::uint64_t>> positive, negative;  // [segment][score + 2]
    SegmentCounts(std::size_t segments, int max_total)
        : positive(segments, std::vector<std::uint64_t>(static_cast<std::size_t>(max_total) + 3, 0)), negative(positive) {}
};

// One segment's leads at hand-off threshold t: knock-outs disqualified, failed gates and totals
// below t nurtured, the rest handed off.
RouteCounts segment_at(const std::vector<std::uint64_t>& positive, const std::vector<std::uint64_t>& negative, int t) {
    RouteCounts c;
    for (std::size_t k = 0; k < positive.size(); ++k) {
        const std::uint64_t n = positive[k] + negative[k];
        c.leads += n;
        c.converted += positive[k];
        const int score = static_cast<int>(k) - 2;
        if (score == -2) {
            c.disqualify += n;
            c.disqualify_converted += positive[k];
        } else if (score >= 0 && score >= t) {
            c.handoff += n;
            c.handoff_converted += positive[k];
        } else {
            c.nurture += n;
            c.nurture_converted += positive[k];
        }
    }
    return c;
}

void add_counts(RouteCounts& to, const RouteCounts& c) {
    to.leads += c.leads;
    to.converted += c.converted;
    to.handoff += c.handoff;
    to.handoff_converted += c.handoff_converted;
    to.nurture += c.nurture;
    to.nurture_converted += c.nurture_converted;
    to.disqualify += c.disqualify;
    to.disqualify_converted += c.disqualify_converted;
    to.undecided += c.undecided;
    to.undecided_converted += c.undecided_converted;
}

// Everything computed from the per-segment counts and the per-total bands: AUC, calibration, the
// threshold sweeps, gain and ROC. The sweep routes exactly as a model with the swept number as
// its `thresholds.handoff` would: segments with their own `handoff_at` keep it.
void finish_metrics(Metrics& m, const SegmentCounts& counts, const std::vector<ScoreBand>& bands, int max_total, const Scoring& scoring) {
    const std::size_t segments = counts.positive.size();
    std::vector<std::uint64_t> positive(static_cast<std::size_t>(max_total) + 3, 0), negative(positive.size(), 0);
    for (std::size_t s = 0; s < segments; ++s)
        for (std::size_t k = 0; k < positive.size(); ++k) {
            positive[k] += counts.positive[s][k];
            negative[k] += counts.negative[s][k];
        }
    m.auc = auc_from_histogram(positive, negative);
    for (const auto& b : bands)
        if (b.leads) m.calibration.push_back(b);

    m.thresholds.resize(segments);
    m.own_threshold.resize(segments);
    m.segment_sweeps.assign(segments, {});
    for (std::size_t s = 0; s < segments; ++s) {
        m.thresholds[s] = scoring.threshold(static_cast<int>(s));
        m.own_threshold[s] = scoring.segment_handoff_at[s] >= 0;
        for (int t = 0; t <= max_total; ++t)
            m.segment_sweeps[s].push_back({t, segment_at(counts.positive[s], counts.negative[s], t)});
    }
    for (int t = 0; t <= max_total; ++t) {
        ThresholdPoint p;
        p.threshold = t;
        for (std::size_t s = 0; s < segments; ++s)
            add_counts(p.counts, m.own_threshold[s] ? segment_at(counts.positive[s], counts.negative[s], m.thresholds[s])
                                                    : m.segment_sweeps[s][static_cast<std::size_t>(t)].counts);
        m.sweep.push_back(p);
    }
    const std::uint64_t total_leads = m.overall.leads, total_converted = m.overall.converted;
    // Gain and ROC, from the highest score down.
    double pos_total = static_cast<double>(total_converted), neg_total = static_cast<double>(total_leads - total_converted);
    double tp = 0, fp = 0;
    m.gain.push_back({0, 0});
    m.roc.push_back({0, 0});
    for (std::size_t k = positive.size(); k-- > 0;) {
        tp += static_cast<double>(positive[k]);
        fp += static_cast<double>(negative[k]);
        if (positive[k] + negative[k] == 0) continue;
        m.gain.push_back({total_leads ? (tp + fp) / static_cast<double>(total_leads) : 0, pos_total > 0 ? tp / pos_total : 0});
        m.roc.push_back({neg_total > 0 ? fp / neg_total : 0, pos_total > 0 ? tp / pos_total : 0});
    }
}

}  // namespace

double RouteCounts::handoff_share() const { return ratio(handoff, leads); }
double RouteCounts::precision() const { return ratio(handoff_converted, handoff); }
double RouteCounts::recall() const { return ratio(handoff_converted, converted); }
double RouteCounts::leakage() const { return ratio(nurture_converted, converted); }
double RouteCounts::base_rate() const { return ratio(converted, leads); }
double RouteCounts::lift() const { return base_rate() > 0 ? precision() / base_rate() : 0.0; }

Metrics compute_metrics(const LeadTable& table, const TableResult& result, const Scoring& scoring) {
    Metrics m;
    const Model& model = table.model();
    const int max_total = scoring.max_total();
    m.segments.resize(model.spec().segments.size());
    // Routing scores -2 (knocked out), -1 (gate failed), 0..max, shifted by 2.
    SegmentCounts counts(m.segments.size(), max_total);
    std::vector<ScoreBand> bands(static_cast<std::size_t>(max_total) + 1);
    for (int t = 0; t <= max_total; ++t) bands[static_cast<std::size_t>(t)].total = t;
    const auto& outcomes = table.outcomes();
    for (std::size_t i = 0; i < table.size(); ++i) {
        if (outcomes[i] < 0) {
            ++m.outcome_unknown;
            continue;
        }
        bool converted = outcomes[i] == 1;
        count(m.overall, result.route[i], converted);
        count(m.segments[table.segment(i)], result.route[i], converted);
        int score = routing_score(result, i);
        (converted ? counts.positive : counts.negative)[table.segment(i)][static_cast<std::size_t>(std::clamp(score, -2, max_total) + 2)] += 1;
        if (score >= 0) {
            ScoreBand& b = bands[static_cast<std::size_t>(std::min(score, max_total))];
            ++b.leads;
            b.converted += converted;
        }
    }
    finish_metrics(m, counts, bands, max_total, scoring);
    return m;
}

ScoreHistogram ScoreHistogram::of(const LeadTable& table, const TableResult& result, int max_total) {
    ScoreHistogram h;
    h.max_total = max_total;
    h.segments = table.model().spec().segments.size();
    h.counts.assign(h.segments * static_cast<std::size_t>(max_total + 3) * 2, 0);
    // This runs after every edit in the playground, over every lead.
    const std::int8_t* outcomes = table.outcomes().data();
    const std::int32_t* totals = result.total.data();
    const std::uint8_t* flags = result.flags.data();
    std::uint64_t* counts = h.counts.data();
    const std::size_t stride = static_cast<std::size_t>(max_total + 3);
    std::uint64_t unknown = 0;
    for (std::size_t i = 0, n = table.size(); i < n; ++i) {
        if (outcomes[i] < 0) {
            ++unknown;
            continue;
        }
        // As routing_score: a knock-out counts as -2, a failed gate as -1. Without branches: a
        // failed gate is common and unpredictable, and a mispredicted branch per lead cost more
        // than the rest of the loop.
        static constexpr int kFlagScore[4] = {0, -2, -1, -2};
        const int f = flags[i] & (TableResult::kKnockedOut | TableResult::kGateFailed);
        const int keep_total = -static_cast<int>(f == 0);  // all ones when no flag is set
        int score = (std::min(totals[i], max_total) & keep_total) | (kFlagScore[f] & ~keep_total);
        ++counts[(table.segment(i) * stride + static_cast<std::size_t>(score + 2)) * 2 + static_cast<std::size_t>(outcomes[i])];
    }
    h.outcome_unknown = unknown;
    return h;
}

Metrics metrics_from_histogram(const ScoreHistogram& h, const Scoring& scoring) {
    Metrics m;
    const int max_total = h.max_total;
    m.segments.resize(h.segments);
    m.outcome_unknown = h.outcome_unknown;
    SegmentCounts counts(h.segments, max_total);
    std::vector<ScoreBand> bands(static_cast<std::size_t>(max_total) + 1);
    for (int t = 0; t <= max_total; ++t) bands[static_cast<std::size_t>(t)].total = t;
    for (std::size_t s = 0; s < h.segments; ++s) {
        const int threshold = scoring.threshold(static_cast<int>(s));
        for (int score = -2; score <= max_total; ++score) {
            for (int outcome = 0; outcome < 2; ++outcome) {
                const std::uint64_t n = h.at(s, score, outcome);
                if (n == 0) continue;
                const std::uint64_t converted = outcome ? n : 0;
                const Route route = score == -2 ? Route::disqualify : score >= 0 && score >= threshold ? Route::handoff : Route::nurture;
                for (RouteCounts* c : {&m.overall, &m.segments[s]}) {
                    c->leads += n;
                    c->converted += converted;
                    switch (route) {
                        case Route::handoff: c->handoff += n; c->handoff_converted += converted; break;
                        case Route::disqualify: c->disqualify += n; c->disqualify_converted += converted; break;
                        default: c->nurture += n; c->nurture_converted += converted; break;
                    }
                }
                (outcome ? counts.positive : counts.negative)[s][static_cast<std::size_t>(score + 2)] += n;
                if (score >= 0) {
                    bands[static_cast<std::size_t>(score)].leads += n;
                    bands[static_cast<std::size_t>(score)].converted += converted;
                }
            }
        }
    }
    finish_metrics(m, counts, bands, max_total, scoring);
    return m;
}

std::string fixed4(double value) {
    long long units = std::llround(value * 10000.0);
    std::string sign = units < 0 ? "-" : "";
    unsigned long long magnitude = static_cast<unsigned long long>(units < 0 ? -units : units);
    std::string fraction = std::to_string(magnitude % 10000);
    return sign + std::to_string(magnitude / 10000) + "." + std::string(4 - fraction.size(), '0') + fraction;
}

std::string thousands(std::uint64_t n) {
    std::string digits = std::to_string(n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

json::Value route_counts_to_json(const RouteCounts& c) {
    using json::Value;
    auto number = [](double x) { return Value::make_number_lexeme(fixed4(x)); };
    auto count = [](std::uint64_t n) { return Value::make_int(static_cast<std::int64_t>(n)); };
    // A share of nothing is undefined: null, not 0.
    auto share = [&](std::uint64_t part, std::uint64_t whole) { return whole ? number(static_cast<double>(part) / static_cast<double>(whole)) : Value::make_null(); };
    Value v = Value::make_object();
    v.set("leads", count(c.leads));
    v.set("converted", count(c.converted));
    v.set("handoff", count(c.handoff));
    v.set("handoff_converted", count(c.handoff_converted));
    v.set("nurture", count(c.nurture));
    v.set("nurture_converted", count(c.nurture_converted));
    v.set("disqualify", count(c.disqualify));
    v.set("undecided", count(c.undecided));
    v.set("handoff_share", share(c.handoff, c.leads));
    v.set("precision", share(c.handoff_converted, c.handoff));
    if (c.handoff) {
        Interval w = wilson_interval(c.handoff_converted, c.handoff);
        Value interval = Value::make_array();
        interval.items.push_back(number(w.lo));
        interval.items.push_back(number(w.hi));
        v.set("precision_interval", std::move(interval));
    } else {
        v.set("precision_interval", Value::make_null());
    }
    v.set("recall", share(c.handoff_converted, c.converted));
    v.set("leakage", share(c.nurture_converted, c.converted));
    v.set("lift", c.handoff && c.converted && c.leads ? number(c.lift()) : Value::make_null());
    return v;
}

json::Value metrics_to_json(const Model& model, const Metrics& m) {
    using json::Value;
    const auto& spec = model.spec();
    Value out = Value::make_object();
    out.set("overall", route_counts_to_json(m.overall));
    Value segments = Value::make_object();
    for (std::size_t s = 0; s < spec.segments.size() && s < m.segments.size(); ++s) segments.set(spec.segments[s].id, route_counts_to_json(m.segments[s]));
    out.set("segments", std::move(segments));
    out.set("auc", Value::make_number_lexeme(fixed4(m.auc)));
    Value sweep = Value::make_array();
    for (const auto& p : m.sweep) {
        Value item = route_counts_to_json(p.counts);
        item.set("threshold", Value::make_int(p.threshold));
        sweep.items.push_back(std::move(item));
    }
    out.set("thresholds", std::move(sweep));
    for (const char* name : {"gain", "roc"}) {
        Value curve = Value::make_array();
        for (const auto& p : std::string(name) == "gain" ? m.gain : m.roc) {
            Value point = Value::make_array();
            point.items.push_back(Value::make_number_lexeme(fixed4(p.x)));
            point.items.push_back(Value::make_number_lexeme(fixed4(p.y)));
            curve.items.push_back(std::move(point));
        }
        out.set(name, std::move(curve));
    }
    Value calibration = Value::make_array();
    for (const auto& b : m.calibration) {
        Value item = Value::make_object();
        item.set("total", Value::make_int(b.total));
        item.set("leads", Value::make_int(static_cast<std::int64_t>(b.leads)));
        item.set("converted", Value::make_int(static_cast<std::int64_t>(b.converted)));
        calibration.items.push_back(std::move(item));
    }
    out.set("calibration", std::move(calibration));
    return out;
}

namespace {

// The sweep a suggestion walks: the model's threshold, or one segment's leads alone.
const std::vector<ThresholdPoint>& sweep_of(const Metrics& metrics, int segment) {
    return segment < 0 ? metrics.sweep : metrics.segment_sweeps[static_cast<std::size_t>(segment)];
}

// Fills in where a suggestion leaves every lead: for a segment's own threshold, the other
// segments at their thresholds and this one at the suggestion.
void settle(const Metrics& metrics, Suggestion& s, const ThresholdPoint& point) {
    s.found = true;
    s.at = point;
    if (s.segment < 0) return;
    s.segment_at = point.counts;
    RouteCounts all;
    for (std::size_t k = 0; k < metrics.segments.size(); ++k)
        add_counts(all, static_cast<int>(k) == s.segment ? point.counts : metrics.segments[k]);
    s.at.counts = all;
}

}  // namespace

double AnswerRow::conversion() const { return ratio(converted, leads); }

std::vector<AnswerRow> answer_report(const LeadTable& table, const TableResult& result) {
    const ModelSpec& spec = table.model().spec();
    std::vector<AnswerRow> rows;
    const auto& outcomes = table.outcomes();
    for (std::size_t q = 0; q < spec.questions.size(); ++q) {
        const Question& question = spec.questions[q];
        std::size_t n = question.type == QuestionType::number ? question.bands.size() : question.options.size();
        if (n == 0) continue;  // text, e-mail, and countries without options: no answers to compare
        const std::size_t first = rows.size();
        for (std::size_t k = 0; k < n; ++k) rows.push_back({static_cast<int>(q), static_cast<int>(k)});
        rows.push_back({static_cast<int>(q), -1});
        const auto& codes = table.codes(static_cast<int>(q));
        for (std::size_t i = 0; i < table.size(); ++i) {
            if (outcomes[i] < 0) continue;
            const bool converted = outcomes[i] == 1, handed = result.route[i] == Route::handoff;
            auto add = [&](AnswerRow& r) {
                ++r.leads;
                r.converted += converted;
                r.handoff += handed;
                r.handoff_converted += converted && handed;
            };
            std::uint8_t code = codes[i];
            if (code >= LeadTable::kOpenOptional) {
                add(rows[first + n]);
                continue;
            }
            if (question.type == QuestionType::multiple) {
                std::uint64_t bits = table.selections(static_cast<int>(q))[i];
                if (!bits) add(rows[first + n]);
                for (; bits; bits &= bits - 1) {
                    std::size_t k = static_cast<std::size_t>(__builtin_ctzll(bits));
                    if (k < n) add(rows[first + k]);
                }
                continue;
            }
            std::size_t k = code >= LeadTable::kMaybeShown ? code - LeadTable::kMaybeShown : code;
            add(k < n ? rows[first + k] : rows[first + n]);
        }
    }
    return rows;
}

std::vector<RuleImpact> rule_impact(const LeadTable& table, const Scoring& scoring) {
    const ModelSpec& spec = table.model().spec();
    TableScorer scorer(table.model(), scoring);
    TableResult with, without;
    scorer.score(table, with, false);
    const auto& outcomes = table.outcomes();
    std::vector<RuleImpact> out;
    for (std::size_t r = 0; r < spec.rules.size(); ++r) {
        RuleImpact impact;
        impact.rule = static_cast<int>(r);
        if (r < scoring.rule_enabled.size() && scoring.rule_enabled[r]) {
            Scoring less = scoring;
            less.rule_enabled[r] = 0;
            scorer.set_scoring(less);
            scorer.score(table, without, false);
            const bool knockout = spec.rules[r].kind == RuleKind::knockout;
            for (std::size_t i = 0; i < table.size(); ++i) {
                if (outcomes[i] < 0) continue;
                const bool removed = knockout ? with.route[i] == Route::disqualify && without.route[i] != Route::disqualify
                                              : with.route[i] != Route::handoff && without.route[i] == Route::handoff;
                impact.removed += removed;
                impact.removed_converted += removed && outcomes[i] == 1;
            }
        }
        out.push_back(impact);
    }
    return out;
}

Interval wilson_interval(std::uint64_t k, std::uint64_t n) {
    if (n == 0) return {};
    const double z = 1.959963984540054, nn = static_cast<double>(n), p = static_cast<double>(k) / nn;
    const double centre = (p + z * z / (2 * nn)) / (1 + z * z / nn);
    const double half = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / (1 + z * z / nn);
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

Brier brier_score(const Metrics& m) {
    Brier b;
    std::uint64_t leads = 0, converted = 0;
    double by_total = 0;
    for (const auto& band : m.calibration) {
        const double n = static_cast<double>(band.leads), rate = ratio(band.converted, band.leads);
        by_total += n * rate * (1 - rate);
        leads += band.leads;
        converted += band.converted;
    }
    if (leads == 0) return b;
    const double base = ratio(converted, leads);
    b.by_total = by_total / static_cast<double>(leads);
    b.by_base_rate = base * (1 - base);
    return b;
}

Suggestion suggest_for_precision(const Metrics& metrics, double target, int segment) {
    Suggestion s;
    s.segment = segment;
    for (const auto& p : sweep_of(metrics, segment)) {
        if (p.counts.handoff > 0 && p.counts.precision() >= target) {
            settle(metrics, s, p);
            s.reason = "the lowest threshold whose hand-offs convert at " + std::to_string(static_cast<int>(std::lround(target * 100))) + " % or more";
            return s;
        }
    }
    s.reason = "no threshold reaches that precision on these leads";
    return s;
}

Suggestion suggest_for_capacity(const Metrics& metrics, double capacity, int segment) {
    Suggestion s;
    s.segment = segment;
    const auto& sweep = sweep_of(metrics, segment);
    // Hand-offs never grow with the threshold: the first that fits has the most.
    for (std::size_t i = 0; i < sweep.size(); ++i) {
        const auto& p = sweep[i];
        if (static_cast<double>(p.counts.handoff) > capacity) continue;
        if (p.counts.handoff == 0) break;
        settle(metrics, s, p);
        s.has_next = i > 0;
        if (s.has_next) s.next_handoff = sweep[i - 1].counts.handoff;
        s.reason = "the threshold with the most hand-offs within the capacity";
        return s;
    }
    std::uint64_t fewest = 0;
    for (const auto& p : sweep)
        if (p.counts.handoff > 0) fewest = p.counts.handoff;
    s.reason = fewest ? "the highest threshold that hands off anyone hands off " + std::to_string(fewest) +
                            (fewest == 1 ? " lead" : " leads") + ", more than that capacity"
                      : "no threshold hands off any lead";
    return s;
}

}  // namespace ripen
