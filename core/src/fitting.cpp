// Fitted points (see ripen/tuning.hpp): a regularised logistic regression on one-hot answers,
// turned into integer points per criterion and refined by a local search; and writing a scoring
// back into a model document with a readable diff.
#include "ripen/tuning.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "evaluator.hpp"
#include "tuning_internal.hpp"

namespace ripen {

using detail::auc_from_histogram;
using detail::auc_of;
using detail::routing_score;

namespace {

std::string points_text(const Model& model, const std::vector<int>& points, std::size_t base) {
    std::string out;
    for (std::size_t c = 0; c < model.spec().criteria.size(); ++c) {
        int p = points[base + c];
        if (p == 0) continue;
        if (!out.empty()) out += ", ";
        out += model.spec().criteria[c].id + " " + std::to_string(p);
    }
    return out.empty() ? "0" : out;
}

void set_points(json::Value& item, const Model& model, const std::vector<int>& points, std::size_t base) {
    json::Value object = json::Value::make_object();
    for (std::size_t c = 0; c < model.spec().criteria.size(); ++c)
        if (points[base + c] != 0) object.set(model.spec().criteria[c].id, json::Value::make_int(points[base + c]));
    if (object.members.empty())
        item.members.erase(std::remove_if(item.members.begin(), item.members.end(), [](const auto& m) { return m.first == "points"; }), item.members.end());
    else
        item.set("points", std::move(object));
}

void erase_member(json::Value& object, const char* key) {
    object.members.erase(std::remove_if(object.members.begin(), object.members.end(), [&](const auto& m) { return m.first == key; }), object.members.end());
}

}  // namespace

json::Value apply_scoring(const Model& model, const Scoring& scoring) {
    const ModelSpec& spec = model.spec();
    const std::size_t C = spec.criteria.size();
    json::Value doc = model.source();
    if (json::Value* criteria = doc.find("criteria"))
        for (std::size_t c = 0; c < C && c < criteria->items.size(); ++c) {
            json::Value& item = criteria->items[c];
            if (scoring.weights[c] != 1 || item.find("weight")) item.set("weight", json::Value::make_int(scoring.weights[c]));
        }
    if (json::Value* questions = doc.find("questions"))
        for (std::size_t q = 0; q < spec.questions.size() && q < questions->items.size(); ++q) {
            json::Value* list = questions->items[q].find(spec.questions[q].type == QuestionType::number ? "bands" : "options");
            if (!list) continue;
            for (std::size_t k = 0; k < list->items.size() && (k + 1) * C <= scoring.option_points[q].size(); ++k)
                set_points(list->items[k], model, scoring.option_points[q], k * C);
        }
    if (json::Value* signals = doc.find("signals"))
        for (std::size_t s = 0; s < spec.signals.size() && s < signals->items.size(); ++s) set_points(signals->items[s], model, scoring.signal_points[s], 0);
    if (json::Value* thresholds = doc.find("thresholds")) thresholds->set("handoff", json::Value::make_int(scoring.handoff_at));
    if (json::Value* segments = doc.find("segments"))
        for (std::size_t s = 0; s < spec.segments.size() && s < segments->items.size(); ++s) {
            if (scoring.segment_handoff_at[s] >= 0) segments->items[s].set("handoff_at", json::Value::make_int(scoring.segment_handoff_at[s]));
            else erase_member(segments->items[s], "handoff_at");
        }
    if (json::Value* rules = doc.find("rules"); rules && rules->is_array()) {
        // A tuned level goes into the rule's one comparison: {"criterion": "authority", "gte": 3}.
        for (std::size_t r = 0; r < rules->items.size() && r < scoring.rule_level.size(); ++r) {
            if (scoring.rule_level[r] == Scoring::kNoLevel) continue;
            json::Value* when = rules->items[r].find("when");
            if (!when) continue;
            for (const char* cmp : {"lt", "lte", "gt", "gte", "eq"})
                if (when->find(cmp)) when->set(cmp, json::Value::make_int(scoring.rule_level[r]));
        }
        std::vector<json::Value> kept;
        for (std::size_t r = 0; r < rules->items.size(); ++r)
            if (r >= scoring.rule_enabled.size() || scoring.rule_enabled[r]) kept.push_back(std::move(rules->items[r]));
        rules->items = std::move(kept);
    }
    return doc;
}

std::string scoring_diff(const Model& model, const Scoring& before, const Scoring& after) {
    const ModelSpec& spec = model.spec();
    const std::size_t C = spec.criteria.size();
    std::string diff;
    for (std::size_t c = 0; c < C; ++c)
        if (before.weights[c] != after.weights[c])
            diff += "  weight of " + spec.criteria[c].id + ": " + std::to_string(before.weights[c]) + " -> " + std::to_string(after.weights[c]) + "\n";
    if (before.handoff_at != after.handoff_at)
        diff += "  hand-off threshold: " + std::to_string(before.handoff_at) + " -> " + std::to_string(after.handoff_at) + "\n";
    auto threshold_text = [](int t) { return t < 0 ? std::string("the model's") : std::to_string(t); };
    for (std::size_t s = 0; s < spec.segments.size(); ++s)
        if (before.segment_handoff_at[s] != after.segment_handoff_at[s])
            diff += "  hand-off threshold of " + spec.segments[s].id + ": " + threshold_text(before.segment_handoff_at[s]) + " -> " +
                    threshold_text(after.segment_handoff_at[s]) + "\n";
    for (std::size_t r = 0; r < spec.rules.size(); ++r) {
        if (before.rule_enabled[r] != after.rule_enabled[r])
            diff += "  rule " + spec.rules[r].id + ": " + (after.rule_enabled[r] ? "back on" : "left out") + "\n";
        if (r < before.rule_level.size() && r < after.rule_level.size() && before.rule_level[r] != after.rule_level[r])
            diff += "  level of rule " + spec.rules[r].id + ": " + std::to_string(before.rule_level[r]) + " -> " +
                    std::to_string(after.rule_level[r]) + "\n";
    }
    for (std::size_t q = 0; q < spec.questions.size(); ++q) {
        const Question& question = spec.questions[q];
        std::string changes;
        for (std::size_t k = 0; (k + 1) * C <= before.option_points[q].size(); ++k) {
            std::string was = points_text(model, before.option_points[q], k * C), now = points_text(model, after.option_points[q], k * C);
            if (was == now) continue;
            std::string name = question.type == QuestionType::number
                                   ? (question.bands[k].from ? "from " + to_string(*question.bands[k].from) : std::string("lowest band"))
                                   : question.options[k].value;
            changes += "    " + name + ": " + was + " -> " + now + "\n";
        }
        if (!changes.empty()) diff += "  " + question.id + "\n" + changes;
    }
    for (std::size_t s = 0; s < spec.signals.size(); ++s) {
        std::string was = points_text(model, before.signal_points[s], 0), now = points_text(model, after.signal_points[s], 0);
        if (was != now) diff += "  signal " + spec.signals[s].id + ": " + was + " -> " + now + "\n";
    }
    return diff;
}

json::Value scoring_changes(const Model& model, const Scoring& before, const Scoring& after) {
    using json::Value;
    const ModelSpec& spec = model.spec();
    const std::size_t C = spec.criteria.size();
    Value out = Value::make_array();
    auto points_of = [&](const std::vector<int>& points, std::size_t base) {
        Value v = Value::make_object();
        for (std::size_t c = 0; c < C && base + c < points.size(); ++c)
            if (points[base + c]) v.set(spec.criteria[c].id, Value::make_int(points[base + c]));
        return v;
    };
    auto change = [&](const char* kind, std::string what, Value was, Value now) {
        Value item = Value::make_object();
        item.set("kind", Value::make_string(kind));
        item.set("of", Value::make_string(std::move(what)));
        item.set("before", std::move(was));
        item.set("after", std::move(now));
        out.items.push_back(std::move(item));
    };
    auto threshold = [](int t) { return t < 0 ? Value::make_null() : Value::make_int(t); };
    for (std::size_t c = 0; c < C; ++c)
        if (before.weights[c] != after.weights[c])
            change("weight", spec.criteria[c].id, Value::make_int(before.weights[c]), Value::make_int(after.weights[c]));
    if (before.handoff_at != after.handoff_at) change("threshold", "", Value::make_int(before.handoff_at), Value::make_int(after.handoff_at));
    for (std::size_t sg = 0; sg < spec.segments.size(); ++sg)
        if (before.segment_handoff_at[sg] != after.segment_handoff_at[sg])
            change("segment_threshold", spec.segments[sg].id, threshold(before.segment_handoff_at[sg]), threshold(after.segment_handoff_at[sg]));
    for (std::size_t q = 0; q < spec.questions.size(); ++q) {
        const Question& question = spec.questions[q];
        for (std::size_t k = 0; (k + 1) * C <= before.option_points[q].size(); ++k) {
            if (points_text(model, before.option_points[q], k * C) == points_text(model, after.option_points[q], k * C)) continue;
            std::string name = question.type == QuestionType::number
                                   ? (question.bands[k].from ? "from " + to_string(*question.bands[k].from) : std::string("lowest band"))
                                   : question.options[k].value;
            change(question.type == QuestionType::number ? "band" : "option", question.id + "." + name,
                   points_of(before.option_points[q], k * C), points_of(after.option_points[q], k * C));
        }
    }
    for (std::size_t sg = 0; sg < spec.signals.size(); ++sg)
        if (points_text(model, before.signal_points[sg], 0) != points_text(model, after.signal_points[sg], 0))
            change("signal", spec.signals[sg].id, points_of(before.signal_points[sg], 0), points_of(after.signal_points[sg], 0));
    return out;
}

namespace {

struct Feature {
    int question = -1;  // or
    int signal = -1;
    int index = 0;      // option or band
};

// Solves A x = b for a symmetric positive definite A (Cholesky); A is n x n row-major.
bool solve_spd(std::vector<double> a, std::vector<double>& b, std::size_t n) {
    for (std::size_t j = 0; j < n; ++j) {
        double d = a[j * n + j];
        for (std::size_t k = 0; k < j; ++k) d -= a[j * n + k] * a[j * n + k];
        if (d <= 1e-12) return false;
        d = std::sqrt(d);
        a[j * n + j] = d;
        for (std::size_t i = j + 1; i < n; ++i) {
            double v = a[i * n + j];
            for (std::size_t k = 0; k < j; ++k) v -= a[i * n + k] * a[j * n + k];
            a[i * n + j] = v / d;
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        double v = b[i];
        for (std::size_t k = 0; k < i; ++k) v -= a[i * n + k] * b[k];
        b[i] = v / a[i * n + i];
    }
    for (std::size_t i = n; i-- > 0;) {
        double v = b[i];
        for (std::size_t k = i + 1; k < n; ++k) v -= a[k * n + i] * b[k];
        b[i] = v / a[i * n + i];
    }
    return true;
}

std::uint64_t mix(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// The same for the routing score of scored leads (integers: counted, not sorted).
double integer_auc(const TableResult& r, const std::vector<std::int8_t>& outcome, const std::vector<std::size_t>& rows) {
    if (rows.empty()) return 0.5;
    int lo = routing_score(r, rows[0]), hi = lo;
    for (std::size_t i : rows) {
        lo = std::min(lo, routing_score(r, i));
        hi = std::max(hi, routing_score(r, i));
    }
    std::vector<std::uint64_t> positive(static_cast<std::size_t>(hi - lo) + 1, 0), negative(positive.size(), 0);
    for (std::size_t i : rows) (outcome[i] ? positive : negative)[static_cast<std::size_t>(routing_score(r, i) - lo)] += 1;
    return auc_from_histogram(positive, negative);
}

}  // namespace

Result<FitResult> fit_points(const Model& model, const LeadTable& table, const FitOptions& options) {
    Result<FitResult> result;
    auto fail = [&](std::string code, std::string message) {
        Issue i;
        i.code = std::move(code);
        i.message = std::move(message);
        result.issues.push_back(std::move(i));
        return result;
    };
    const ModelSpec& spec = model.spec();
    const std::size_t C = spec.criteria.size();
    const Scoring before = Scoring::from(model);
    TableScorer scorer(model, before);
    TableResult scored;
    scorer.score(table, scored, false);

    // Features: every option and band of the questions that score, and every signal.
    std::vector<Feature> features;
    std::vector<std::vector<int>> feature_of(spec.questions.size());
    for (std::size_t q = 0; q < spec.questions.size(); ++q) {
        const Question& question = spec.questions[q];
        std::size_t n = question.type == QuestionType::number ? question.bands.size() : question.options.size();
        if (question.type == QuestionType::email || question.type == QuestionType::text) n = 0;
        for (std::size_t i = 0; i < n; ++i) {
            feature_of[q].push_back(static_cast<int>(features.size()));
            features.push_back({static_cast<int>(q), -1, static_cast<int>(i)});
        }
    }
    std::vector<int> signal_feature(spec.signals.size());
    for (std::size_t s = 0; s < spec.signals.size(); ++s) {
        signal_feature[s] = static_cast<int>(features.size());
        features.push_back({-1, static_cast<int>(s), 0});
    }
    const std::size_t P = features.size() + 1;  // + intercept (last)

    // Rows: leads with an outcome that no knock-out routes.
    std::vector<std::size_t> train, holdout;
    std::vector<std::vector<int>> rows(table.size());
    const auto& outcomes = table.outcomes();
    std::vector<std::uint64_t> option_count(features.size(), 0);
    for (std::size_t i = 0; i < table.size(); ++i) {
        if (outcomes[i] < 0 || (scored.flags[i] & TableResult::kKnockedOut)) continue;
        auto& row = rows[i];
        for (std::size_t q = 0; q < spec.questions.size(); ++q) {
            if (feature_of[q].empty()) continue;
            std::uint8_t code = table.codes(static_cast<int>(q))[i];
            if (code >= LeadTable::kMaybeShown) continue;
            if (spec.questions[q].type == QuestionType::multiple) {
                for (std::uint64_t bits = table.selections(static_cast<int>(q))[i]; bits; bits &= bits - 1)
                    row.push_back(feature_of[q][static_cast<std::size_t>(__builtin_ctzll(bits))]);
            } else if (code < feature_of[q].size()) {
                row.push_back(feature_of[q][code]);
            }
        }
        for (std::size_t s = 0; s < spec.signals.size(); ++s)
            if (((table.signal_bits(i) >> (2 * s)) & 3) == 2) row.push_back(signal_feature[s]);
        bool held = static_cast<double>(mix(options.seed * 1000003ull + i) % 1000000) < options.holdout * 1000000.0;
        (held ? holdout : train).push_back(i);
        if (!held)
            for (int f : row) ++option_count[static_cast<std::size_t>(f)];
    }
    std::uint64_t train_positive = 0;
    for (std::size_t i : train) train_positive += outcomes[i] == 1;
    if (train.size() < 20) return fail("fit.too_few", "only " + std::to_string(train.size()) + " leads with an outcome to learn from; at least 20 are needed");
    if (train_positive == 0 || train_positive == train.size())
        return fail("fit.one_outcome", "the leads to learn from all have the same outcome; points cannot be fitted");

    // Rare answers get at most 1 point, unseen ones none: the regression's penalty shrinks their
    // coefficients, and these caps hold the integer points and the local search to it.
    std::vector<int> cap(features.size(), std::numeric_limits<int>::max());
    for (std::size_t f = 0; f < features.size(); ++f) {
        if (option_count[f] == 0) cap[f] = 0;
        else if (option_count[f] < options.min_support) cap[f] = 1;
    }
    // A validation fold inside the training leads judges the integer search, so it does not
    // chase the training leads' noise one point at a time.
    std::vector<std::size_t> validation;
    for (std::size_t i : train)
        if (mix(options.seed * 7919ull + i + 1) % 4 == 0) validation.push_back(i);
    if (validation.size() < 10) validation = train;

    // Regularised logistic regression by Newton's method (the intercept is not penalised).
    std::vector<double> w(P, 0.0);
    w[P - 1] = std::log(static_cast<double>(train_positive) / static_cast<double>(train.size() - train_positive));
    // The penalised negative log-likelihood the Newton steps minimise.
    auto objective = [&](const std::vector<double>& v) {
        double total = 0;
        for (std::size_t j = 0; j + 1 < P; ++j) total += 0.5 * options.l2 * v[j] * v[j];
        for (std::size_t i : train) {
            double eta = v[P - 1];
            for (int f : rows[i]) eta += v[static_cast<std::size_t>(f)];
            // log(1 + e^eta) - y * eta, computed without overflow
            total += (eta > 0 ? eta + std::log1p(std::exp(-eta)) : std::log1p(std::exp(eta))) - (outcomes[i] == 1 ? eta : 0.0);
        }
        return total;
    };
    int iterations = 0;
    for (; iterations < 50; ++iterations) {
        std::vector<double> gradient(P, 0.0), hessian(P * P, 0.0);
        for (std::size_t j = 0; j + 1 < P; ++j) {
            gradient[j] -= options.l2 * w[j];
            hessian[j * P + j] += options.l2;
        }
        for (std::size_t i : train) {
            double eta = w[P - 1];
            for (int f : rows[i]) eta += w[static_cast<std::size_t>(f)];
            double p = 1.0 / (1.0 + std::exp(-eta));
            double residual = (outcomes[i] == 1 ? 1.0 : 0.0) - p;
            double weight = std::max(p * (1 - p), 1e-9);
            gradient[P - 1] += residual;
            hessian[(P - 1) * P + (P - 1)] += weight;
            for (int f : rows[i]) {
                gradient[static_cast<std::size_t>(f)] += residual;
                hessian[static_cast<std::size_t>(f) * P + (P - 1)] += weight;
                hessian[(P - 1) * P + static_cast<std::size_t>(f)] += weight;
                for (int g : rows[i]) hessian[static_cast<std::size_t>(f) * P + static_cast<std::size_t>(g)] += weight;
            }
        }
        std::vector<double> step = gradient;
        if (!solve_spd(hessian, step, P)) return fail("fit.singular", "the regression did not converge (features without variation); raise --l2");
        // Damped Newton: a full step can overshoot on rare features; halve it until the
        // penalised likelihood improves.
        const double current_loss = objective(w);
        std::vector<double> next(P);
        double factor = 1.0, change = 0;
        for (int halvings = 0; halvings < 30; ++halvings, factor *= 0.5) {
            for (std::size_t j = 0; j < P; ++j) next[j] = w[j] + factor * step[j];
            if (objective(next) <= current_loss + 1e-12) break;
        }
        for (std::size_t j = 0; j < P; ++j) change = std::max(change, std::fabs(next[j] - w[j]));
        w = next;
        if (change < 1e-7) break;
    }

    FitResult fit;
    fit.iterations = iterations + 1;
    fit.train = train.size();
    fit.holdout = holdout.size();
    fit.split.assign(table.size(), FitResult::Split::left_out);
    for (std::size_t i : train) fit.split[i] = FitResult::Split::train;
    for (std::size_t i : holdout) fit.split[i] = FitResult::Split::holdout;
    std::vector<double> eta(table.size(), 0.0);
    std::vector<std::int8_t> outcome01(table.size(), 0);
    for (std::size_t i = 0; i < table.size(); ++i) {
        outcome01[i] = outcomes[i] == 1 ? 1 : 0;
        double e = w[P - 1];
        for (int f : rows[i]) e += w[static_cast<std::size_t>(f)];
        eta[i] = e;
    }
    fit.lr_auc_train = auc_of(eta, outcome01, train);
    fit.lr_auc_holdout = auc_of(eta, outcome01, holdout);
    auto routing_auc = [&](const TableResult& r, const std::vector<std::size_t>& subset) {
        std::vector<double> score(table.size());
        for (std::size_t i = 0; i < table.size(); ++i) score[i] = routing_score(r, i);
        return auc_of(score, outcome01, subset);
    };
    fit.auc_before_train = routing_auc(scored, train);
    fit.auc_before_holdout = routing_auc(scored, holdout);

    // Each question keeps to one criterion: the one it moved most before (the first otherwise).
    auto main_criterion = [&](const std::vector<int>& points, std::size_t rows_count) {
        std::size_t best = 0;
        int best_range = -1;
        for (std::size_t c = 0; c < C; ++c) {
            int lo = 0, hi = 0;
            for (std::size_t r = 0; r < rows_count; ++r) {
                lo = std::min(lo, points[r * C + c]);
                hi = std::max(hi, points[r * C + c]);
            }
            if (hi - lo > best_range) {
                best_range = hi - lo;
                best = c;
            }
        }
        return best;
    };
    std::vector<std::size_t> question_criterion(spec.questions.size(), 0), signal_criterion(spec.signals.size(), 0);
    // With keep_criteria, each criterion's share of a question's points, from the model's ranges.
    std::vector<std::vector<double>> question_share(spec.questions.size(), std::vector<double>(C, 0.0));
    double widest = 0;
    for (std::size_t q = 0; q < spec.questions.size(); ++q) {
        if (feature_of[q].empty()) continue;
        question_criterion[q] = main_criterion(before.option_points[q], feature_of[q].size());
        if (options.keep_criteria) {
            double total = 0;
            for (std::size_t c = 0; c < C; ++c) {
                int lo = 0, hi = 0;
                for (std::size_t r = 0; r < feature_of[q].size(); ++r) {
                    lo = std::min(lo, before.option_points[q][r * C + c]);
                    hi = std::max(hi, before.option_points[q][r * C + c]);
                }
                question_share[q][c] = hi - lo;
                total += hi - lo;
            }
            for (std::size_t c = 0; c < C; ++c) question_share[q][c] = total > 0 ? question_share[q][c] / total : (c == question_criterion[q] ? 1.0 : 0.0);
        } else {
            question_share[q][question_criterion[q]] = 1.0;
        }
        double lo = 1e300, hi = -1e300;
        for (int f : feature_of[q]) {
            lo = std::min(lo, w[static_cast<std::size_t>(f)]);
            hi = std::max(hi, w[static_cast<std::size_t>(f)]);
        }
        widest = std::max(widest, hi - lo);
    }
    for (std::size_t s = 0; s < spec.signals.size(); ++s) {
        signal_criterion[s] = main_criterion(before.signal_points[s], 1);
        widest = std::max(widest, std::fabs(w[static_cast<std::size_t>(signal_feature[s])]));
    }
    if (widest <= 0) return fail("fit.flat", "no answer changes the odds of converting on these leads");

    // Points = round(scale * (coefficient - the question's lowest coefficient)); the scale is
    // the one whose integer points (clamped as the model clamps) rank the training leads best.
    // Points of one option on criterion c: its share of the rounded value, within the criterion's
    // maximum and the rare-answer cap.
    auto place = [&](std::vector<int>& points, std::size_t q, std::size_t k, long value) {
        const int limit = cap[static_cast<std::size_t>(feature_of[q][k])];
        long left = std::min<long>(value, limit);
        std::size_t main = question_criterion[q];
        for (std::size_t c = 0; c < C; ++c) {
            if (c == main || question_share[q][c] <= 0) continue;
            long part = std::min<long>(std::lround(static_cast<double>(value) * question_share[q][c]), spec.criteria[c].max);
            part = std::min(part, left);
            points[k * C + c] = static_cast<int>(part);
            left -= part;
        }
        points[k * C + main] = static_cast<int>(std::clamp<long>(left, 0, spec.criteria[main].max));
    };
    auto scoring_for = [&](double scale) {
        Scoring s = before;
        for (std::size_t q = 0; q < spec.questions.size(); ++q) {
            if (feature_of[q].empty()) continue;
            double lowest = 1e300;
            for (int f : feature_of[q]) lowest = std::min(lowest, w[static_cast<std::size_t>(f)]);
            auto& points = s.option_points[q];
            std::fill(points.begin(), points.end(), 0);
            for (std::size_t k = 0; k < feature_of[q].size(); ++k)
                place(points, q, k, std::lround(scale * (w[static_cast<std::size_t>(feature_of[q][k])] - lowest)));
        }
        for (std::size_t sg = 0; sg < spec.signals.size(); ++sg) {
            std::fill(s.signal_points[sg].begin(), s.signal_points[sg].end(), 0);
            const int max = spec.criteria[signal_criterion[sg]].max;
            const int limit = std::min(max, cap[static_cast<std::size_t>(signal_feature[sg])]);
            s.signal_points[sg][signal_criterion[sg]] =
                static_cast<int>(std::clamp<long>(std::lround(scale * w[static_cast<std::size_t>(signal_feature[sg])]), -limit, limit));
        }
        return s;
    };
    int largest_max = 1;
    for (const auto& c : spec.criteria) largest_max = std::max(largest_max, c.max);
    double best_auc = -1;
    TableResult trial;
    for (int m = 1; m <= 2 * largest_max; ++m) {
        double scale = m / widest;
        scorer.set_scoring(scoring_for(scale));
        scorer.score(table, trial, false);
        double auc = integer_auc(trial, outcome01, train);
        if (auc > best_auc + 1e-12) {
            best_auc = auc;
            fit.scale = scale;
        }
    }
    // Rounding and the criterion maxima cost ranking quality; a local search over single points
    // (one up or down, within the criterion's range) wins most of it back on the training leads.
    Scoring current = scoring_for(fit.scale);
    // Each step changes one option's points: the incremental scorer re-sums only that question's
    // column (complete leads; a table with open answers is re-scored in full).
    IncrementalScorer incremental;
    const bool fast = incremental.reset(model, table, current, trial);
    auto rescore = [&] {
        if (fast) {
            incremental.update(table, current, trial);
        } else {
            scorer.set_scoring(current);
            scorer.score(table, trial, false);
        }
    };
    if (!fast) rescore();
    double current_auc = integer_auc(trial, outcome01, validation);
    auto try_step = [&](int& points, int delta, int lo, int hi) {
        if (points + delta < lo || points + delta > hi) return false;
        points += delta;
        rescore();
        double auc = integer_auc(trial, outcome01, validation);
        if (auc > current_auc + 1e-9) {
            current_auc = auc;
            return true;
        }
        points -= delta;  // the incremental scorer takes the way back with the next step's update
        return false;
    };
    for (int pass = 0; pass < 8; ++pass) {
        bool improved = false;
        for (std::size_t q = 0; q < spec.questions.size(); ++q) {
            const std::size_t c = question_criterion[q];
            for (std::size_t k = 0; k < feature_of[q].size(); ++k) {
                int& points = current.option_points[q][k * C + c];
                int others = 0;  // what the option has on its other criteria (keep_criteria)
                for (std::size_t o = 0; o < C; ++o)
                    if (o != c) others += current.option_points[q][k * C + o];
                const int hi = std::max(0, std::min(spec.criteria[c].max, cap[static_cast<std::size_t>(feature_of[q][k])] - others));
                if (!try_step(points, +1, 0, hi) && !try_step(points, -1, 0, hi)) continue;
                improved = true;
            }
        }
        for (std::size_t sg = 0; sg < spec.signals.size(); ++sg) {
            const std::size_t c = signal_criterion[sg];
            int& points = current.signal_points[sg][c];
            const int limit = std::min(spec.criteria[c].max, cap[static_cast<std::size_t>(signal_feature[sg])]);
            if (try_step(points, +1, -limit, limit) || try_step(points, -1, -limit, limit)) improved = true;
        }
        fit.search_passes = pass + 1;
        if (!improved) break;
    }
    for (std::size_t f = 0; f < features.size(); ++f) fit.capped_rare += cap[f] == 1;

    // Thresholds on the new scale: the same share of hand-offs as the model's thresholds gave,
    // for each segment with its own threshold and then for the model's.
    {
        const Metrics was = compute_metrics(table, scored, before);
        scorer.set_scoring(current);
        scorer.score(table, trial, false);
        auto closest = [](const std::vector<ThresholdPoint>& sweep, double share) {
            int best_t = 0;
            double best_gap = 1e300;
            for (const auto& p : sweep) {
                double gap = std::fabs(p.counts.handoff_share() - share);
                if (gap < best_gap - 1e-12) {
                    best_gap = gap;
                    best_t = p.threshold;
                }
            }
            return best_t;
        };
        Metrics now = compute_metrics(table, trial, current);
        for (std::size_t sg = 0; sg < spec.segments.size(); ++sg)
            if (current.segment_handoff_at[sg] >= 0 && was.segments[sg].leads > 0)
                current.segment_handoff_at[sg] = closest(now.segment_sweeps[sg], was.segments[sg].handoff_share());
        now = compute_metrics(table, trial, current);
        current.handoff_at = closest(now.sweep, was.overall.handoff_share());
        fit.handoff_at = current.handoff_at;
        fit.segment_handoff_at = current.segment_handoff_at;
    }

    fit.scoring = std::move(current);
    scorer.set_scoring(fit.scoring);
    scorer.score(table, trial, false);
    fit.auc_train = routing_auc(trial, train);
    fit.auc_holdout = routing_auc(trial, holdout);

    // The model file with the new points (and the answer frequencies seen in training).
    json::Value doc = apply_scoring(model, fit.scoring);
    if (json::Value* questions = doc.find("questions"))
        for (std::size_t q = 0; q < spec.questions.size() && q < questions->items.size(); ++q) {
            if (feature_of[q].empty()) continue;
            json::Value* list = questions->items[q].find(spec.questions[q].type == QuestionType::number ? "bands" : "options");
            if (!list) continue;
            for (std::size_t k = 0; k < list->items.size() && k < feature_of[q].size(); ++k)
                list->items[k].set("frequency", json::Value::make_int(static_cast<std::int64_t>(option_count[static_cast<std::size_t>(feature_of[q][k])] + 1)));
        }
    std::string diff = scoring_diff(model, before, fit.scoring);
    fit.document = std::move(doc);
    fit.diff = diff.empty() ? "  (no points changed)\n" : diff;
    result.value = std::move(fit);
    return result;
}

std::string next_version(const std::string& version, const std::string& suffix) {
    std::size_t first = version.find('.'), second = first == std::string::npos ? first : version.find('.', first + 1);
    if (second != std::string::npos) {
        std::string minor = version.substr(first + 1, second - first - 1);
        bool digits = !minor.empty() && minor.size() < 9 && minor.find_first_not_of("0123456789") == std::string::npos;
        std::string patch = version.substr(second + 1);
        bool plain_patch = !patch.empty() && patch.find_first_not_of("0123456789") == std::string::npos;
        if (digits && plain_patch) return version.substr(0, first + 1) + std::to_string(std::stoul(minor) + 1) + ".0";
    }
    return version.empty() ? suffix : version + "-" + suffix;
}

}  // namespace ripen
