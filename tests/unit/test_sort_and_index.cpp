// The size idioms of the form path: a heap sort for long lists and a string index that grows key by
// key (see small_sort.hpp and text_match.hpp for why they are not the standard library's).
#include <algorithm>
#include <random>

#include "small_sort.hpp"
#include "support.hpp"
#include "text_match.hpp"

TEST_SUITE_BEGIN("sort and index");

TEST_CASE("heap_sort orders long lists like std::sort" * doctest::test_suite("sort")) {
    std::mt19937 rng(7);
    for (int n : {0, 1, 2, 3, 17, 1000}) {
        std::vector<int> values(static_cast<std::size_t>(n));
        for (int& v : values) v = static_cast<int>(rng() % 50);
        std::vector<int> expected = values;
        std::sort(expected.begin(), expected.end());
        ripen::detail::heap_sort(values.data(), values.size(), [](int a, int b) { return a < b; });
        CHECK(values == expected);
    }
}

TEST_CASE("a string index grows key by key and finds the first of equal keys" * doctest::test_suite("index")) {
    ripen::detail::StringIndex index;
    CHECK(index.find("a") == -1);
    // Past 16 keys it switches from length buckets to a hash table, which then doubles.
    for (int i = 0; i < 300; ++i) CHECK(index.add("key" + std::to_string(i)) == i);
    CHECK(index.size() == 300);
    CHECK(index.add("key17") == 17);
    CHECK(index.add("key299") == 299);
    CHECK(index.size() == 300);
    for (int i = 0; i < 300; ++i) CHECK(index.find("key" + std::to_string(i)) == i);
    CHECK(index.find("key300") == -1);
    CHECK(index.find("") == -1);
}

TEST_SUITE_END();
