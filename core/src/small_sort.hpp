// A stable insertion sort for the short lists the core sorts (issues, ranked questions, option
// values): one small function instead of std::stable_sort's merge machinery, which matters in
// the size-budgeted WebAssembly form module.
#pragma once

#include <utility>

namespace ripen::detail {

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

}  // namespace ripen::detail
