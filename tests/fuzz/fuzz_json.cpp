// The JSON parser: any bytes either parse or give a located issue; what parses writes out as
// text that parses again to the same text (parse -> write -> parse -> write is stable), also
// when pretty-printed.
#include <cstdlib>
#include <string>

#include "ripen/json_value.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    ripen::Result<ripen::json::Value> first = ripen::json::parse(text);
    if (!first.ok()) {
        if (first.issues.empty() || first.issues.front().message.empty()) std::abort();
        return 0;
    }
    for (int indent : {-1, 2}) {
        std::string written = ripen::json::to_string(*first, indent);
        ripen::Result<ripen::json::Value> second = ripen::json::parse(written);
        if (!second.ok()) std::abort();
        if (ripen::json::to_string(*second, indent) != written) std::abort();
    }
    return 0;
}
