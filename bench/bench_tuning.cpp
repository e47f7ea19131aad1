// The tuning engine on many historical leads, one thread: importing a CRM-style CSV through an
// inferred mapping into the columnar table, computing the full report (metrics at the model's
// thresholds, the threshold sweep, gain, ROC, calibration, per segment), and re-scoring every
// lead after a change of points followed by the report again (what a slider move costs).
//   bench_tuning MODEL CSV [ROUNDS=10]
// The CSV is what `ripen sample` writes (it has an outcome column).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "ripen/ripen.hpp"

namespace {

using bench::Clock;
using bench::seconds_since;

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: bench_tuning MODEL CSV [ROUNDS=10]\n");
        return 2;
    }
    auto loaded = ripen::load_model(bench::read_file("bench_tuning", argv[1]));
    if (!loaded.ok()) {
        std::fprintf(stderr, "bench_tuning: invalid model\n");
        return 1;
    }
    const ripen::Model& model = *loaded.value;
    const std::string csv = bench::read_file("bench_tuning", argv[2]);
    const int rounds = argc > 3 ? std::max(1, std::atoi(argv[3])) : 10;

    // The mapping from the header and the first rows, as `ripen report` without --map does.
    const ripen::Mapping mapping = ripen::infer_mapping_from_csv(model, std::string_view(csv).substr(0, 1 << 20), csv.size() <= (1 << 20)).value_or(ripen::Mapping{});

    std::vector<double> import_times;
    ripen::LeadTable table(model);
    for (int r = 0; r < std::max(1, rounds / 3); ++r) {
        ripen::LeadTable fresh(model);
        auto start = Clock::now();
        ripen::Importer importer(model, mapping, fresh);
        for (std::size_t at = 0; at < csv.size(); at += 1 << 20) importer.feed(std::string_view(csv).substr(at, 1 << 20));
        importer.finish();
        import_times.push_back(seconds_since(start));
        if (importer.stats().bad_rows) {
            std::fprintf(stderr, "bench_tuning: %llu bad rows\n", static_cast<unsigned long long>(importer.stats().bad_rows));
            return 1;
        }
        table = std::move(fresh);
    }
    const double leads = static_cast<double>(table.size());
    const double import_s = median(import_times);
    std::printf("leads: %zu, CSV %.1f MB\n", table.size(), static_cast<double>(csv.size()) / 1e6);
    std::printf("import (CSV -> columnar table, inferred mapping): %.3f s, %.1f MB/s, %.2f million leads/s\n", import_s,
                static_cast<double>(csv.size()) / 1e6 / import_s, leads / 1e6 / import_s);

    ripen::Scoring scoring = ripen::Scoring::from(model);
    ripen::TableScorer scorer(model, scoring);
    ripen::TableResult result;
    scorer.score(table, result, false);
    std::vector<double> report_times, rescore_times, total_times;
    double checksum = 0;
    for (int r = 0; r < rounds; ++r) {
        auto start = Clock::now();
        ripen::Metrics metrics = ripen::compute_metrics(table, result, scorer.scoring());
        report_times.push_back(seconds_since(start));
        checksum += metrics.auc;
    }
    // A slider move: one option's points change; every lead is re-scored and the report redone.
    std::size_t question = 0;
    while (question < scoring.option_points.size() && scoring.option_points[question].empty()) ++question;
    for (int r = 0; r < rounds; ++r) {
        scoring.option_points[question][0] = (scoring.option_points[question][0] + 1) % 4;
        auto start = Clock::now();
        scorer.set_scoring(scoring);
        scorer.score(table, result, false);
        double rescored = seconds_since(start);
        ripen::Metrics metrics = ripen::compute_metrics(table, result, scorer.scoring());
        rescore_times.push_back(rescored);
        total_times.push_back(seconds_since(start));
        checksum += metrics.auc;
    }
    std::printf("report (metrics, sweep, gain, ROC, calibration, segments): median %.1f ms\n", 1e3 * median(report_times));
    std::printf("re-score after a points change: median %.1f ms (%.1f million leads/s); with the report: %.1f ms\n",
                1e3 * median(rescore_times), leads / 1e6 / median(rescore_times), 1e3 * median(total_times));
    // The playground's path, same leads, same run: the incremental scorer (a points change reads
    // only the edited question's column, a weight change none), then the histogram its metrics
    // come from.
    ripen::IncrementalScorer incremental;
    if (!incremental.reset(model, table, scoring, result)) {
        std::fprintf(stderr, "the incremental scorer refused the table\n");
        return 1;
    }
    std::vector<double> points_times, weight_times;
    for (int r = 0; r < rounds; ++r) {
        scoring.option_points[question][0] = (scoring.option_points[question][0] + 1) % 4;
        auto start = Clock::now();
        incremental.update(table, scoring, result);
        auto histogram = ripen::ScoreHistogram::of(table, result, scoring.max_total());
        points_times.push_back(seconds_since(start));
        checksum += static_cast<double>(histogram.outcome_unknown);
    }
    for (int r = 0; r < rounds; ++r) {
        scoring.weights[0] = 1 + r % 2;
        auto start = Clock::now();
        incremental.update(table, scoring, result);
        auto histogram = ripen::ScoreHistogram::of(table, result, scoring.max_total());
        weight_times.push_back(seconds_since(start));
        checksum += static_cast<double>(histogram.outcome_unknown);
    }
    std::printf("incremental re-score + histogram after a points change: median %.1f ms; after a weight change: median %.1f ms\n",
                1e3 * median(points_times), 1e3 * median(weight_times));
    // What the playground runs now: the histogram from leads grouped by their clamped points,
    // checked against the lead-by-lead one before any time counts.
    ripen::IncrementalScorer grouped;
    ripen::TableResult grouped_result;
    grouped.reset(model, table, scoring, grouped_result);
    ripen::ScoreHistogram grouped_histogram;
    if (!grouped.update_histogram(table, scoring, grouped_histogram) ||
        grouped_histogram.counts != ripen::ScoreHistogram::of(table, result, scoring.max_total()).counts) {
        std::fprintf(stderr, "the grouped histogram differs from the lead-by-lead one\n");
        return 1;
    }
    std::vector<double> grouped_points, grouped_weights;
    for (int r = 0; r < rounds; ++r) {
        scoring.option_points[question][0] = (scoring.option_points[question][0] + 1) % 4;
        auto start = Clock::now();
        grouped.update_histogram(table, scoring, grouped_histogram);
        grouped_points.push_back(seconds_since(start));
        checksum += static_cast<double>(grouped_histogram.outcome_unknown);
    }
    for (int r = 0; r < rounds; ++r) {
        scoring.weights[0] = 1 + r % 2;
        auto start = Clock::now();
        grouped.update_histogram(table, scoring, grouped_histogram);
        grouped_weights.push_back(seconds_since(start));
        checksum += static_cast<double>(grouped_histogram.outcome_unknown);
    }
    std::printf("grouped histogram (what the playground runs) after a points change: median %.2f ms; after a weight change: median %.3f ms\n",
                1e3 * median(grouped_points), 1e3 * median(grouped_weights));
    std::printf("checksum %.6f\n", checksum);
    return 0;
}
