// SHA-256 (FIPS 180-4), for the salted hashes a published model keeps in place of its private
// lists (see publish.hpp). The core has no crypto library: it must stay pure C++ and compile
// unchanged to WebAssembly, where the form matches visitors' e-mail domains against these
// hashes. Checked against the FIPS 180-2 test vectors in tests/unit/test_publish.cpp.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ripen::detail {

std::array<std::uint8_t, 32> sha256(std::string_view message);

// The first 16 hex digits (64 bits) of SHA-256(salt ":" value): how a published model lists a
// domain. 64 bits keep a list of thousands of domains free of accidental matches.
std::string salted_digest(std::string_view salt, std::string_view value);

inline constexpr std::size_t kDigestHexDigits = 16;

}  // namespace ripen::detail
