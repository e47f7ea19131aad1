// Shared by the fuzz targets: reading the repository's files once, and cutting the fuzzer's
// input into chunks of the sizes it chooses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "ripen/model.hpp"

namespace ripen::fuzz {

inline std::string read_source_file(const char* relative) {
    std::ifstream file(std::string(RIPEN_SOURCE_DIR) + "/" + relative, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

// The default model, loaded once; a target that cannot load it is broken, not the input.
inline const Model& default_model() {
    static const Model model = [] {
        Result<Model> loaded = load_model(read_source_file("models/default.json"));
        if (!loaded.ok()) std::abort();
        return *loaded.value;
    }();
    return model;
}

// Calls `take` with consecutive pieces of `text` whose sizes cycle through `sizes` (each 1..256),
// so readers see records and escapes split at every place the fuzzer finds.
template <class Take>
void in_chunks(std::string_view text, std::string_view sizes, Take take) {
    std::size_t at = 0;
    std::size_t turn = 0;
    while (at < text.size()) {
        std::size_t size = sizes.empty() ? text.size() : static_cast<unsigned char>(sizes[turn++ % sizes.size()]) + 1u;
        if (size > text.size() - at) size = text.size() - at;
        take(text.substr(at, size));
        at += size;
    }
}

}  // namespace ripen::fuzz
