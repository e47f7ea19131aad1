// Secrets of `ripen serve`, through libsodium: random tokens shown once and kept only as hashes,
// session and CSRF tokens for the desk, constant-time comparison, SHA-256 of bodies and
// HMAC-SHA256 signatures for webhooks.
#pragma once

#include <string>
#include <string_view>

namespace ripen::server {

bool init_crypto();                               // sodium_init; false when it cannot start
std::string random_token(std::string_view prefix);  // prefix + 32 random bytes, base64url
std::string token_hash(std::string_view token);     // BLAKE2b-256, hex: what the store keeps
std::string sha256_hex(std::string_view data);
std::string hmac_sha256_hex(std::string_view key, std::string_view message);
bool same(std::string_view a, std::string_view b);  // constant time for equal lengths

}  // namespace ripen::server
