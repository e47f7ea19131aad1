#include "security.hpp"

#include <sodium.h>

namespace ripen::server {

namespace {

std::string hex(const unsigned char* bytes, std::size_t size) {
    std::string out(size * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), bytes, size);
    out.pop_back();
    return out;
}

}  // namespace

bool init_crypto() { return sodium_init() >= 0; }

std::string random_token(std::string_view prefix) {
    unsigned char bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    std::string encoded(sodium_base64_encoded_len(sizeof bytes, variant), '\0');
    sodium_bin2base64(encoded.data(), encoded.size(), bytes, sizeof bytes, variant);
    encoded.resize(encoded.find('\0'));
    return std::string(prefix) + encoded;
}

std::string token_hash(std::string_view token) {
    unsigned char digest[crypto_generichash_BYTES];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(token.data()), token.size(), nullptr, 0);
    return hex(digest, sizeof digest);
}

std::string sha256_hex(std::string_view data) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    return hex(digest, sizeof digest);
}

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
    // crypto_auth_hmacsha256 takes a 32-byte key; HMAC with any key length goes through the
    // init/update/final form.
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(message.data()), message.size());
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_final(&state, mac);
    return hex(mac, sizeof mac);
}

bool same(std::string_view a, std::string_view b) {
    return a.size() == b.size() && (a.empty() || sodium_memcmp(a.data(), b.data(), a.size()) == 0);
}

}  // namespace ripen::server
