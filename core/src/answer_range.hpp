// The points one answer to a question can give a criterion, at least and at most: what the
// interval [lo, hi] of an open question is built from. Shared by the evaluator's tables and the
// columnar scorer so both bound a lead identically.
#pragma once

#include <algorithm>
#include <vector>

#include "ripen/model.hpp"
#include "small_sort.hpp"

namespace ripen::detail {

// `points(i)` gives the points of option or band i for the criterion in question. `lo`/`hi` cover
// every answer the question accepts: bands no allowed number reaches are left out, values below
// the first band count as 0, a country without an option scores 0, and a multiple-choice answer
// has between max(1, min_select) and max_select choices. E-mail and text give nothing.
template <class Points>
void answer_range(const Question& q, bool has_other_country, Points points, int& lo, int& hi) {
    bool first = true;
    auto take = [&](int p) {
        lo = first ? p : std::min(lo, p);
        hi = first ? p : std::max(hi, p);
        first = false;
    };
    switch (q.type) {
        case QuestionType::single:
            for (std::size_t o = 0; o < q.options.size(); ++o) take(points(o));
            break;
        case QuestionType::country:
            for (std::size_t o = 0; o < q.options.size(); ++o) take(points(o));
            if (!has_other_country) take(0);
            break;
        case QuestionType::number: {
            const auto& bands = q.bands;
            for (std::size_t b = 0; b < bands.size(); ++b) {
                // Band b covers [from, next from); it counts when an accepted value falls in it.
                bool below_max = !q.max || !bands[b].from || *bands[b].from <= *q.max;
                bool above_min = !q.min || b + 1 >= bands.size() || !bands[b + 1].from || *q.min < *bands[b + 1].from;
                if (below_max && above_min) take(points(b));
            }
            bool below_first = bands.empty() || (bands.front().from && (!q.min || *q.min < *bands.front().from));
            if (below_first) take(0);
            break;
        }
        case QuestionType::multiple: {
            std::vector<int> values;
            for (std::size_t o = 0; o < q.options.size(); ++o) values.push_back(points(o));
            small_sort(values.begin(), values.end(), [](int a, int b) { return a < b; });
            std::size_t n = values.size();
            std::size_t most = q.max_select > 0 ? std::min<std::size_t>(n, static_cast<std::size_t>(q.max_select)) : n;
            std::size_t least = std::min<std::size_t>(most, std::max<std::size_t>(1, static_cast<std::size_t>(q.min_select)));
            int low = 0, high = 0;
            for (std::size_t k = 0; k < most; ++k) {
                // The smallest choices, as long as they lower the sum (at least `least` of them).
                if (k < least || values[k] < 0) low += values[k];
                // The largest choices, as long as they raise it.
                if (k < least || values[n - 1 - k] > 0) high += values[n - 1 - k];
            }
            if (n > 0) {
                take(low);
                take(high);
            }
            break;
        }
        case QuestionType::email:
        case QuestionType::text:
            break;
    }
    if (first) lo = hi = 0;
}

}  // namespace ripen::detail
