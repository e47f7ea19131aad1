// Core scoring throughput on one thread: generated leads are parsed once into a LeadTable,
// then re-scored many times by the TableScorer (the path behind tuning and the playground).
// For comparison it also times decide()-grade evaluation per lead (the streaming CLI path,
// without CSV parsing and I/O).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench_support.hpp"
#include "ripen/ripen.hpp"

namespace {

using bench::Clock;
using bench::seconds_since;

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_core MODEL [LEADS=1000000] [ROUNDS=20]\n");
        return 2;
    }
    auto loaded = ripen::load_model(bench::read_file("bench_core", argv[1]));
    if (!loaded.ok()) {
        std::fprintf(stderr, "bench_core: invalid model\n");
        return 1;
    }
    const ripen::Model& model = *loaded.value;
    const std::size_t leads = argc > 2 ? static_cast<std::size_t>(std::strtoull(argv[2], nullptr, 10)) : 1000000;
    const int rounds = argc > 3 ? std::atoi(argv[3]) : 20;

    // Generate and parse once.
    auto start = Clock::now();
    ripen::LeadGenerator generator(model, 1);
    ripen::LeadTable complete_table(model), partial_table(model);
    ripen::SampleLead lead;
    for (std::size_t i = 0; i < leads; ++i) {
        generator.next(lead);
        ripen::Context context;
        context.values = lead.context;
        if (!lead.source.empty()) context.values.emplace_back("source", lead.source);
        complete_table.append(lead.answers, context, true, lead.converted ? 1 : 0);
        partial_table.append(lead.answers, context, false, lead.converted ? 1 : 0);
    }
    double parse_seconds = seconds_since(start);
    std::printf("generated and parsed %zu leads twice in %.2f s (%.0f leads/s per table)\n", leads, parse_seconds,
                2.0 * static_cast<double>(leads) / parse_seconds);

    ripen::TableScorer scorer(model, ripen::Scoring::from(model));
    ripen::TableResult result;
    auto time_rounds = [&](const ripen::LeadTable& table, bool interval) {
        scorer.score(table, result, interval);  // warm up, size the result
        double best = 1e9;
        for (int r = 0; r < rounds; ++r) {
            auto t = Clock::now();
            scorer.score(table, result, interval);
            best = std::min(best, seconds_since(t));
        }
        return static_cast<double>(table.size()) / best;
    };
    long checksum = 0;
    double complete_rate = time_rounds(complete_table, false);
    for (std::size_t i = 0; i < leads; ++i) checksum += result.total[i] + static_cast<int>(result.route[i]);
    double complete_interval_rate = time_rounds(complete_table, true);
    double partial_rate = time_rounds(partial_table, true);
    std::printf("table scoring, complete leads:             %.1f million leads/s (best of %d rounds)\n", complete_rate / 1e6, rounds);
    std::printf("table scoring, complete leads + interval:  %.1f million leads/s\n", complete_interval_rate / 1e6);
    std::printf("table scoring, leads with open answers:    %.1f million leads/s\n", partial_rate / 1e6);

    // The decide()-grade evaluator, as the streaming CLI runs it, on pre-read answers.
    std::size_t sample = std::min<std::size_t>(leads, 200000);
    std::vector<ripen::SampleLead> kept(sample);
    ripen::LeadGenerator again(model, 1);
    for (auto& l : kept) again.next(l);
    std::vector<ripen::Context> contexts(sample);
    for (std::size_t i = 0; i < sample; ++i) {
        contexts[i].values = kept[i].context;
        if (!kept[i].source.empty()) contexts[i].values.emplace_back("source", kept[i].source);
        contexts[i].complete = true;
    }
    start = Clock::now();
    for (std::size_t i = 0; i < sample; ++i) checksum += ripen::decide(model, kept[i].answers, contexts[i]).total;
    double decide_rate = static_cast<double>(sample) / seconds_since(start);
    std::printf("decide() with explanation, flip and next questions: %.0f leads/s\n", decide_rate);
    std::printf("checksum %ld\n", checksum);
    return 0;
}
