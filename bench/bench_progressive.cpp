// Progressive qualification on generated leads: how many questions the form asks before the
// route is settled, against the full form, and how often that route is the full form's.
//   bench_progressive MODEL [LEADS=10000]
// Answer frequencies for choosing questions are learnt from a separate set of generated leads
// (seed 1) and written into the model; the leads asked are another set (seed 2). Leads that
// left a required question empty are skipped: a real form does not let them finish.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "evaluator.hpp"
#include "bench_support.hpp"
#include "model_data.hpp"
#include "ripen/ripen.hpp"

namespace {

ripen::Context context_of(const ripen::SampleLead& lead, bool complete) {
    ripen::Context c;
    c.values = lead.context;
    if (!lead.source.empty()) c.values.emplace_back("source", lead.source);
    c.complete = complete;
    return c;
}

// The model with each option's and band's frequency counted on `count` generated leads.
ripen::Model with_frequencies(const ripen::Model& model, int count) {
    const auto& spec = model.spec();
    std::vector<std::vector<long>> counts(spec.questions.size());
    for (std::size_t q = 0; q < spec.questions.size(); ++q)
        counts[q].assign(spec.questions[q].options.size() + spec.questions[q].bands.size(), 0);
    ripen::LeadGenerator generator(model, 1);
    ripen::SampleLead lead;
    for (int i = 0; i < count; ++i) {
        generator.next(lead);
        for (std::size_t q = 0; q < spec.questions.size(); ++q) {
            const ripen::Answer& a = lead.answers.values[q];
            if (a.state != ripen::Answer::State::given) continue;
            if (a.option >= 0) ++counts[q][static_cast<std::size_t>(a.option)];
            if (a.band >= 0) ++counts[q][static_cast<std::size_t>(a.band)];
            for (std::size_t o = 0; o < spec.questions[q].options.size(); ++o)
                if ((a.selected >> o) & 1) ++counts[q][o];
        }
    }
    ripen::json::Value doc = model.source();
    auto& questions = doc.find("questions")->items;
    for (std::size_t q = 0; q < questions.size(); ++q) {
        for (const char* list : {"options", "bands"}) {
            ripen::json::Value* items = questions[q].find(list);
            if (!items) continue;
            std::size_t offset = std::string(list) == "bands" ? spec.questions[q].options.size() : 0;
            for (std::size_t i = 0; i < items->items.size(); ++i)
                items->items[i].set("frequency", ripen::json::Value::make_int(counts[q][offset + i] + 1));
        }
    }
    auto loaded = ripen::load_model(doc);
    if (!loaded.ok()) std::exit(3);
    return *loaded.value;
}

struct Tally {
    long leads = 0, asked = 0, full = 0, identical = 0;
    long nurtured = 0, same_track = 0;  // leads the full form nurtures too, and of those with its track
};

// The model asking on after a nurture route until the track is settled (progressive.settle_track).
ripen::Model with_settle_track(const ripen::Model& model) {
    ripen::json::Value doc = model.source();
    ripen::json::Value* progressive = doc.find("progressive");
    if (!progressive) progressive = &doc.set("progressive", ripen::json::Value::make_object());
    progressive->set("settle_track", ripen::json::Value::make_bool(true));
    auto loaded = ripen::load_model(doc);
    if (!loaded.ok()) std::exit(3);
    return *loaded.value;
}

// Asks the lead's answers `per_step` at a time, either in the engine's order or in the
// model's order, until the route is settled.
void run(const ripen::Model& model, const ripen::SampleLead& lead, bool engine_order, int per_step, Tally& t) {
    const auto& spec = model.spec();
    ripen::Decision full = ripen::decide(model, lead.answers, context_of(lead, true));
    // The full form's length: the questions shown to this lead.
    ripen::detail::Evaluator eval(model);
    std::vector<ripen::detail::ContextSlot> slots(ripen::detail::compiled(model).context_keys.size());
    ripen::Context complete = context_of(lead, true);
    for (std::size_t k = 0; k < slots.size(); ++k)
        if (const std::string* v = complete.find(ripen::detail::compiled(model).context_keys[k]))
            ripen::detail::fill_context_slot(ripen::detail::compiled(model), static_cast<int>(k), *v, slots[k]);
    ripen::detail::LeadInput input;
    input.answers = lead.answers.values.data();
    input.context = slots.data();
    input.complete = true;
    if (!lead.source.empty()) input.source_segment = model.segment_index(lead.source);
    eval.run(input);
    long shown = 0;
    for (auto v : eval.visible) shown += v == ripen::detail::Tri::yes;

    ripen::Answers known = ripen::empty_answers(model);
    ripen::Context open = context_of(lead, false);
    long asked = 0;
    ripen::Route route = ripen::Route::undecided;
    int track = -1;
    for (int guard = 0; guard < 100; ++guard) {
        ripen::Decision d = ripen::decide(model, known, open);
        // With settle_track a nurture route goes on while the track is open.
        if (d.route != ripen::Route::undecided && !(spec.settle_track && d.route == ripen::Route::nurture && !d.track_settled)) {
            route = d.route;
            track = d.track;
            break;
        }
        std::vector<int> next;
        if (engine_order) {
            next = ripen::next_questions(model, known, open, per_step);
        } else {
            // The classic form: the next questions in model order that are shown.
            ripen::detail::Evaluator e(model);
            std::vector<ripen::detail::ContextSlot> s(slots);
            ripen::detail::LeadInput in;
            in.answers = known.values.data();
            in.context = s.data();
            if (!lead.source.empty()) in.source_segment = model.segment_index(lead.source);
            e.run(in);
            for (std::size_t q = 0; q < spec.questions.size() && static_cast<int>(next.size()) < per_step; ++q)
                if (e.visible[q] == ripen::detail::Tri::yes && known.values[q].state == ripen::Answer::State::open)
                    next.push_back(static_cast<int>(q));
        }
        if (next.empty()) {  // nothing left to ask: the form is complete
            open.complete = true;
            continue;
        }
        for (int q : next) {
            ripen::Answer a = lead.answers.values[static_cast<std::size_t>(q)];
            if (a.state != ripen::Answer::State::given) a.state = ripen::Answer::State::declined;
            known.values[static_cast<std::size_t>(q)] = a;
            ++asked;
        }
    }
    ++t.leads;
    t.asked += asked;
    t.full += shown;
    t.identical += route == full.route;
    if (route == ripen::Route::nurture && full.route == ripen::Route::nurture) {
        ++t.nurtured;
        t.same_track += track == full.track;
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_progressive MODEL [LEADS=10000]\n");
        return 2;
    }
    auto loaded = ripen::load_model(bench::read_file("bench_progressive", argv[1]));
    if (!loaded.ok()) return 1;
    const int count = argc > 2 ? std::atoi(argv[2]) : 10000;
    ripen::Model plain = *loaded.value;
    ripen::Model learnt = with_frequencies(plain, 20000);

    ripen::Model settling = with_settle_track(learnt);
    Tally engine_uniform, engine_learnt, engine_one, model_order, engine_settle;
    const int per_step = plain.spec().questions_per_step;
    long skipped = 0;
    ripen::LeadGenerator generator(plain, 2);
    ripen::SampleLead lead;
    auto start = std::chrono::steady_clock::now();
    int done = 0;
    while (done < count) {
        generator.next(lead);
        // A required question left empty: skipped, the form would not have let it finish.
        bool required_missing = false;
        for (std::size_t q = 0; q < plain.spec().questions.size(); ++q)
            if (plain.spec().questions[q].required && lead.answers.values[q].state != ripen::Answer::State::given)
                required_missing = true;
        if (required_missing) {
            ++skipped;
            continue;
        }
        run(plain, lead, true, per_step, engine_uniform);
        run(learnt, lead, true, per_step, engine_learnt);
        run(learnt, lead, true, 1, engine_one);
        run(plain, lead, false, per_step, model_order);
        run(settling, lead, true, per_step, engine_settle);
        ++done;
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto report = [](const char* name, const Tally& t) {
        std::printf("%-44s %6.2f of %5.2f questions (%5.1f%%), identical route %6.2f%%, nurture track as the full form's %6.2f%% of %ld\n",
                    name, static_cast<double>(t.asked) / static_cast<double>(t.leads), static_cast<double>(t.full) / static_cast<double>(t.leads),
                    100.0 * static_cast<double>(t.asked) / static_cast<double>(t.full),
                    100.0 * static_cast<double>(t.identical) / static_cast<double>(t.leads),
                    t.nurtured ? 100.0 * static_cast<double>(t.same_track) / static_cast<double>(t.nurtured) : 0.0, t.nurtured);
    };
    std::printf("%d leads (%ld generated leads skipped: a required question empty), %.1f s\n", count, skipped, seconds);
    std::printf("questions per step: %d (the model's setting)\n", per_step);
    report("engine, answer frequencies learnt", engine_learnt);
    report("engine, uniform frequencies", engine_uniform);
    report("engine, learnt frequencies, 1 per step", engine_one);
    report("model order, same stopping rule", model_order);
    report("engine, learnt frequencies, settle_track", engine_settle);
    return 0;
}
