// Messages built from a pattern and its pieces:
//   format("unknown member \"{}\"{} (expected one of: {})", {key, hint, list})
// One out-of-line call per message. A chain of std::string operator+ at each of the core's
// ~150 messages inlined its temporaries, appends and destructors at every call site, which
// cost the size-budgeted WebAssembly form module more than the messages' text (see
// bench/RESULTS.md).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

namespace ripen::detail {

// Text, or an integer written in decimal.
struct Piece {
    Piece(std::string_view s) : text(s) {}
    Piece(const std::string& s) : text(s) {}
    Piece(const char* s) : text(s) {}
    template <class Int, std::enable_if_t<std::is_integral_v<Int> && !std::is_same_v<Int, bool>, int> = 0>
    Piece(Int n) : number(static_cast<std::int64_t>(n)), is_number(true) {}

    std::string_view text;
    std::int64_t number = 0;
    bool is_number = false;
};

// Replaces each "{}" in `pattern` with the next piece, and each "{clip}" with the next piece cut
// to 57 bytes and "..." when it is longer than 60 (for echoing a visitor's input back).
std::string format(std::string_view pattern, std::initializer_list<Piece> pieces);
void format_to(std::string& out, std::string_view pattern, std::initializer_list<Piece> pieces);

// "a, b, c"
template <class List>
std::string join(const List& items) {
    std::string out;
    bool first = true;
    for (const auto& item : items) {
        if (!first) out += ", ";
        out += item;
        first = false;
    }
    return out;
}

}  // namespace ripen::detail
