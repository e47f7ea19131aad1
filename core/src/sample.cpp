// Synthetic leads (see ripen/sample.hpp). A hidden "quality" in 0..1000 tilts every choice
// towards higher- or lower-scoring options, which gives the data the correlations a tuning
// engine should find.
#include "ripen/sample.hpp"
#include "model_data.hpp"

#include <algorithm>

#include "evaluator.hpp"
#include "ripen/csv.hpp"
#include "text_match.hpp"

namespace ripen {

namespace {

// xoshiro256** seeded by splitmix64: small, fast and identical on every platform.
class Random {
public:
    explicit Random(std::uint64_t seed) {
        for (auto& s : state_) {
            seed += 0x9E3779B97F4A7C15ull;
            std::uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            s = z ^ (z >> 31);
        }
    }
    std::uint64_t next() {
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }
    // Uniform in [0, n).
    std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }
    // Uniform index in [0, n), as a size_t (32 bits in WebAssembly).
    std::size_t index(std::size_t n) { return static_cast<std::size_t>(below(n)); }
    bool percent(int p) { return static_cast<int>(below(100)) < p; }
    bool per_mille(int p) { return static_cast<int>(below(1000)) < p; }

private:
    std::uint64_t state_[4];
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
};

const char* const kFirstNames[] = {"anna", "ben", "chen", "dana", "emil", "fatima", "george", "hana", "ivan", "julia",
                                   "kofi", "lena", "marco", "nora", "omar", "priya", "quinn", "rosa", "sven", "tara"};
const char* const kLastNames[] = {"smith", "mueller", "garcia", "kim", "rossi", "dubois", "novak", "silva", "tanaka",
                                  "okafor", "larsen", "kowalski", "haddad", "nguyen", "brown", "weber"};
const char* const kNotes[] = {"Please call in the morning", "Looking for a demo", "Comparing three vendors",
                              "Budget review next quarter", "Need pricing for 3 teams", "Saw you at a conference"};

}  // namespace

struct LeadGenerator::Impl {
    Impl(const Model& m, std::uint64_t seed) : model(m), random(seed), evaluator(m) {
        const ModelSpec& spec = m.spec();
        const detail::Compiled& comp = detail::compiled(m);
        std::size_t C = spec.criteria.size();
        // Weighted points of each option or band, for tilting choices.
        option_value.resize(spec.questions.size());
        for (std::size_t q = 0; q < spec.questions.size(); ++q) {
            const Question& question = spec.questions[q];
            auto weighted = [&](const std::vector<int>& points) {
                int v = 0;
                for (std::size_t c = 0; c < C; ++c) v += spec.criteria[c].weight * points[c];
                return v;
            };
            for (const auto& o : question.options) option_value[q].push_back(weighted(o.points));
            for (const auto& b : question.bands) option_value[q].push_back(weighted(b.points));
        }
        // Strings the model's conditions look for, per question and per context key, so
        // generated e-mails, countries and context values hit them now and then.
        question_strings.resize(spec.questions.size());
        context_strings.resize(comp.context_keys.size());
        for (const auto& node : comp.nodes) {
            // A hashed list (a published model) cannot name its members.
            if (node.set < 0 || comp.string_sets[static_cast<std::size_t>(node.set)].is_hashed()) continue;
            const auto& set = comp.string_sets[static_cast<std::size_t>(node.set)].items();
            bool on_answer = node.op == detail::CondOp::answer_in || node.op == detail::CondOp::answer_not_in ||
                             node.op == detail::CondOp::answer_domain_in || node.op == detail::CondOp::answer_domain_not_in;
            auto& target = on_answer ? question_strings[static_cast<std::size_t>(node.subject)]
                                     : context_strings[static_cast<std::size_t>(node.subject)];
            for (const auto& s : set)
                if (std::find(target.begin(), target.end(), s) == target.end()) target.push_back(s);
        }
        for (std::size_t k = 0; k < comp.context_keys.size(); ++k)
            if (comp.context_keys[k] != "source") context_columns.push_back(static_cast<int>(k));
        context_slots.resize(comp.context_keys.size());
    }

    const Model& model;
    Random random;
    detail::Evaluator evaluator;
    std::vector<std::vector<int>> option_value;
    std::vector<std::vector<std::string>> question_strings;
    std::vector<std::vector<std::string>> context_strings;
    std::vector<int> context_columns;
    std::vector<detail::ContextSlot> context_slots;

    // Picks an index with weights tilted by quality towards higher-valued entries.
    int pick(const std::vector<int>& values, std::size_t first, std::size_t count, int quality) {
        if (count == 0) return -1;
        long long sum = 0;
        for (std::size_t i = 0; i < count; ++i) sum += values[first + i];
        long long n = static_cast<long long>(count);
        std::vector<long long> weights(count);
        long long total = 0;
        for (std::size_t i = 0; i < count; ++i) {
            long long deviation = values[first + i] * n - sum;
            long long w = 1000 + (quality - 500) * deviation * 2 / n;
            weights[i] = std::max(20LL, w);
            total += weights[i];
        }
        long long r = static_cast<long long>(random.below(static_cast<std::uint64_t>(total)));
        for (std::size_t i = 0; i < count; ++i) {
            if (r < weights[i]) return static_cast<int>(i);
            r -= weights[i];
        }
        return static_cast<int>(count - 1);
    }

    Decimal number_in_band(const Question& q, std::size_t b) {
        std::int64_t lo, hi;
        const auto& bands = q.bands;
        if (bands[b].from) lo = bands[b].from->units / Decimal::scale;
        else lo = q.min ? q.min->units / Decimal::scale : (b + 1 < bands.size() ? bands[b + 1].from->units / Decimal::scale / 2 : 0);
        if (b + 1 < bands.size()) hi = bands[b + 1].from->units / Decimal::scale - 1;
        else hi = std::max<std::int64_t>(lo * 4, lo + 10);  // open-ended: a few times the band's start
        if (q.max) hi = std::min<std::int64_t>(hi, q.max->units / Decimal::scale);
        if (q.min) lo = std::max<std::int64_t>(lo, q.min->units / Decimal::scale);
        if (hi < lo) hi = lo;
        return Decimal::from_int(lo + static_cast<std::int64_t>(random.below(static_cast<std::uint64_t>(hi - lo + 1))));
    }

    void answer(std::size_t qi, int quality, Answer& a) {
        const Question& q = model.spec().questions[qi];
        a = Answer{};
        a.state = Answer::State::given;
        switch (q.type) {
            case QuestionType::single:
                a.option = pick(option_value[qi], 0, q.options.size(), quality);
                break;
            case QuestionType::multiple: {
                for (std::size_t o = 0; o < q.options.size(); ++o) {
                    int chance = 35 + (quality - 500) * option_value[qi][o] / 100;
                    if (random.percent(std::clamp(chance, 5, 90))) a.selected |= std::uint64_t{1} << o;
                }
                int n = __builtin_popcountll(a.selected);
                int need = std::max(1, q.min_select);
                while (n < need) {
                    a.selected |= std::uint64_t{1} << random.below(q.options.size());
                    n = __builtin_popcountll(a.selected);
                }
                while (q.max_select && n > q.max_select) {
                    a.selected &= a.selected - 1;  // drop the lowest
                    --n;
                }
                break;
            }
            case QuestionType::number: {
                if (q.bands.empty()) {
                    std::int64_t lo = q.min ? q.min->units / Decimal::scale : 0;
                    std::int64_t hi = q.max ? q.max->units / Decimal::scale : lo + 100;
                    a.number = Decimal::from_int(lo + static_cast<std::int64_t>(random.below(static_cast<std::uint64_t>(hi - lo + 1))));
                } else {
                    int b = pick(option_value[qi], q.options.size(), q.bands.size(), quality);
                    a.number = number_in_band(q, static_cast<std::size_t>(b));
                }
                a.band = -1;
                for (std::size_t b = 0; b < q.bands.size(); ++b)
                    if (!q.bands[b].from || *q.bands[b].from <= a.number) a.band = static_cast<int>(b);
                break;
            }
            case QuestionType::email: {
                // Separate statements: the order of two calls in one expression is unspecified,
                // and every compiler must draw the same numbers.
                const char* first = kFirstNames[random.index(20)];
                const char* last = kLastNames[random.index(16)];
                std::string local = std::string(first) + "." + last;
                const auto& listed = question_strings[qi];
                // Weaker leads use free-mail and other listed domains more often.
                int listed_chance = quality < 400 ? 35 : (quality < 700 ? 15 : 6);
                if (!listed.empty() && random.percent(listed_chance))
                    a.text = local + "@" + listed[random.index(listed.size())];
                else
                    a.text = local + "@company" + std::to_string(random.below(5000)) + ".example";
                break;
            }
            case QuestionType::country: {
                const auto& listed = question_strings[qi];
                std::vector<int> real;
                for (std::size_t o = 0; o < q.options.size(); ++o)
                    if (q.options[o].value != "*") real.push_back(static_cast<int>(o));
                int roll = static_cast<int>(random.below(100));
                std::string code;
                if (!real.empty() && roll < 95) {
                    std::vector<int> values;
                    for (int o : real) values.push_back(option_value[qi][static_cast<std::size_t>(o)]);
                    code = q.options[static_cast<std::size_t>(real[static_cast<std::size_t>(pick(values, 0, values.size(), quality))])].value;
                } else if (!listed.empty() && roll < 98) {
                    code = detail::lowercase(listed[random.index(listed.size())]);
                    for (char& c : code) c = static_cast<char>(c - 32);
                } else {
                    const auto& all = detail::country_codes();
                    code = all[random.index(all.size())];
                }
                a.text = code;
                int o = detail::compiled(model).option_index[qi].find(code);
                a.option = o >= 0 ? o : detail::compiled(model).country_other[qi];
                break;
            }
            case QuestionType::text:
                if (!q.required && random.percent(70)) a.state = Answer::State::open;
                else a.text = kNotes[random.index(6)];
                break;
        }
        detail::fold_answer(q.type, a);
    }

    void next(SampleLead& lead) {
        const ModelSpec& spec = model.spec();
        const detail::Compiled& comp = detail::compiled(model);
        std::uint64_t draws = random.below(1001);
        draws += random.below(1001);
        draws += random.below(1001);
        int quality = static_cast<int>(draws / 3);
        lead.answers.values.assign(spec.questions.size(), Answer{});
        for (std::size_t q = 0; q < spec.questions.size(); ++q) answer(q, quality, lead.answers.values[q]);

        // Context values: mostly absent, sometimes one the conditions look for.
        lead.context.clear();
        for (auto& slot : context_slots) slot.present = false;
        for (int k : context_columns) {
            const auto& listed = context_strings[static_cast<std::size_t>(k)];
            std::string value;
            if (comp.context_numeric[static_cast<std::size_t>(k)]) {
                value = std::to_string(random.below(3 + static_cast<std::uint64_t>(quality) / 100));
            } else if (!listed.empty() && random.percent(8)) {
                value = listed[random.index(listed.size())];
            }
            if (value.empty()) continue;
            lead.context.emplace_back(comp.context_keys[static_cast<std::size_t>(k)], value);
        }
        for (const auto& [key, value] : lead.context) {
            auto it = std::find(comp.context_keys.begin(), comp.context_keys.end(), key);
            detail::fill_context_slot(comp, static_cast<int>(it - comp.context_keys.begin()), value,
                                      context_slots[static_cast<std::size_t>(it - comp.context_keys.begin())]);
        }
        // An explicit source for a third of the leads, half of them the default segment.
        lead.source.clear();
        if (random.percent(33)) {
            std::size_t s = random.index(spec.segments.size() * 2);
            if (s >= spec.segments.size()) {
                for (std::size_t d = 0; d < spec.segments.size(); ++d)
                    if (spec.segments[d].is_default) s = d;
            }
            lead.source = spec.segments[s].id;
        }

        detail::LeadInput input;
        input.answers = lead.answers.values.data();
        input.context = context_slots.data();
        input.source_segment = lead.source.empty() ? -1 : model.segment_index(lead.source);
        input.complete = true;
        // Some optional questions skipped, some forms abandoned part-way.
        for (std::size_t q = 0; q < spec.questions.size(); ++q)
            if (!spec.questions[q].required && random.percent(10)) lead.answers.values[q] = Answer{};
        if (random.percent(8)) {
            std::size_t cut = 1 + random.index(spec.questions.size());
            for (std::size_t q = cut; q < spec.questions.size(); ++q) lead.answers.values[q] = Answer{};
        }
        // Hidden questions were never shown: their answers go. Dropping one answer can hide
        // another question, so repeat until nothing changes.
        for (bool changed = true; changed;) {
            changed = false;
            evaluator.run(input);
            for (std::size_t q = 0; q < spec.questions.size(); ++q) {
                if (evaluator.visible[q] == detail::Tri::no && lead.answers.values[q].state != Answer::State::open) {
                    lead.answers.values[q] = Answer{};
                    changed = true;
                }
            }
        }
        evaluator.run(input);
        int max = model.max_total();
        int score = max > 0 ? evaluator.total * 100 / max : 0;
        int chance = evaluator.route == Route::disqualify ? 10 : 20 + score * score / 14 + (quality - 500) / 5;
        lead.converted = random.per_mille(std::clamp(chance, 5, 950));
    }
};

LeadGenerator::LeadGenerator(const Model& model, std::uint64_t seed) : impl_(std::make_unique<Impl>(model, seed)) {}
LeadGenerator::~LeadGenerator() = default;

void LeadGenerator::next(SampleLead& lead) { impl_->next(lead); }

std::string LeadGenerator::csv_header() const {
    const Model& model = impl_->model;
    std::string out;
    for (const auto& q : model.spec().questions) {
        out += q.id;
        out += ',';
    }
    out += "source";
    for (int k : impl_->context_columns) {
        out += ',';
        out += detail::compiled(model).context_keys[static_cast<std::size_t>(k)];
    }
    out += ",converted\n";
    return out;
}

void LeadGenerator::append_csv(const SampleLead& lead, std::string& out) const {
    const Model& model = impl_->model;
    for (std::size_t q = 0; q < model.spec().questions.size(); ++q) {
        write_csv_field(detail::answer_text(model, static_cast<int>(q), lead.answers.values[q]), out);
        out += ',';
    }
    out += lead.source;
    for (int k : impl_->context_columns) {
        out += ',';
        const std::string& key = detail::compiled(model).context_keys[static_cast<std::size_t>(k)];
        for (const auto& [ck, cv] : lead.context)
            if (ck == key) write_csv_field(cv, out);
    }
    out += lead.converted ? ",yes\n" : ",no\n";
}

}  // namespace ripen
