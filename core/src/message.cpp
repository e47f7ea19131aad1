// See message.hpp.
#include "message.hpp"

#include <charconv>

namespace ripen::detail {

void format_to(std::string& out, std::string_view pattern, std::initializer_list<Piece> pieces) {
    const Piece* next = pieces.begin();
    std::size_t i = 0;
    while (i < pattern.size()) {
        std::size_t open = pattern.find('{', i);
        if (open == std::string_view::npos) open = pattern.size();
        out.append(pattern.data() + i, open - i);
        if (open == pattern.size()) break;
        std::size_t close = pattern.find('}', open);
        if (close == std::string_view::npos) {
            out.append(pattern.substr(open));
            break;
        }
        bool clip = pattern.compare(open, close - open + 1, "{clip}") == 0;
        i = close + 1;
        if (next == pieces.end()) continue;  // a pattern with more holes than pieces: a bug, but no crash
        const Piece& piece = *next++;
        if (piece.is_number) {
            char digits[24];
            auto end = std::to_chars(digits, digits + sizeof digits, piece.number).ptr;
            out.append(digits, static_cast<std::size_t>(end - digits));
        } else if (clip && piece.text.size() > 60) {
            out.append(piece.text.substr(0, 57));
            out += "...";
        } else {
            out.append(piece.text);
        }
    }
}

std::string format(std::string_view pattern, std::initializer_list<Piece> pieces) {
    std::string out;
    format_to(out, pattern, pieces);
    return out;
}

}  // namespace ripen::detail
