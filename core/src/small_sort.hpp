// The core's sorts, small in code: each std::sort or std::stable_sort instantiation adds about
// 1.5 KB to the size-budgeted WebAssembly form module, these a tenth of that.
#pragma once

#include <cstddef>
#include <utility>

namespace ripen::detail {

// Stable insertion sort, for the short lists (issues, ranked questions, option points).
template <class Iterator, class Less>
void small_sort(Iterator begin, Iterator end, Less less) {
    for (Iterator i = begin; i != end; ++i) {
        auto value = std::move(*i);
        Iterator j = i;
        while (j != begin && less(value, *(j - 1))) {
            *j = std::move(*(j - 1));
            --j;
        }
        *j = std::move(value);
    }
}

// Heap sort, for lists that may be long (a model's domain lists, a large JSON object's
// members): O(n log n), not stable.
template <class T, class Less>
void heap_sort(T* first, std::size_t n, Less less) {
    auto sift_down = [&](std::size_t root, std::size_t end) {
        for (std::size_t child; (child = 2 * root + 1) < end; root = child) {
            if (child + 1 < end && less(first[child], first[child + 1])) ++child;
            if (!less(first[root], first[child])) return;
            std::swap(first[root], first[child]);
        }
    };
    for (std::size_t i = n / 2; i-- > 0;) sift_down(i, n);
    for (std::size_t end = n; end > 1; --end) {
        std::swap(first[0], first[end - 1]);
        sift_down(0, end - 1);
    }
}

}  // namespace ripen::detail
