// A PNG of an RGBA image, uncompressed (stored deflate blocks): enough for screenshots of the
// native playground without another library.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ripen::playground {

// `rgba` holds height rows of width * 4 bytes, top row first.
std::string encode_png(const std::vector<std::uint8_t>& rgba, int width, int height);

}  // namespace ripen::playground
