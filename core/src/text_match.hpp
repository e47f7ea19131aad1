// String matching used by conditions and answer parsing: case folding, e-mail and URL domains,
// ISO country codes, and a small hash index from option values to option numbers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ripen::detail {

inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowercase(std::string_view s);
void lowercase_into(std::string_view s, std::string& out);  // reuses out's storage
bool equals_ignore_case(std::string_view a, std::string_view b);
inline std::string_view trim(std::string_view s) {
    // Most cells have no surrounding blanks: check the ends before looping.
    if (s.empty() || ((s.front() != ' ' && s.front() != '\t') && (s.back() != ' ' && s.back() != '\t'))) return s;
    std::size_t b = 0, e = s.size();
    while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
    while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
    return s.substr(b, e - b);
}

// The domain of an e-mail address ("Jane@Mail.Example.com" -> "Mail.Example.com"), or "" when
// the address is not plausibly valid (one '@', non-empty local part, dotted domain of
// letters, digits and hyphens).
std::string_view email_domain(std::string_view address);

// The host of a URL or bare host ("https://www.a.com:8080/x?y" -> "www.a.com").
std::string_view url_host(std::string_view url);


// The length of the valid UTF-8 sequence that starts at s[i] (1 for ASCII), or 0 when the bytes
// there are not valid UTF-8 (a stray continuation byte, a truncated or overlong sequence, a
// surrogate, a code point past U+10FFFF).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

// How a text that is not UTF-8 starts, by its first bytes: "UTF-16 (little-endian)" and the like
// (a byte-order mark, or the zero bytes of ASCII in UTF-16 or UTF-32), "two UTF-8 byte-order
// marks" (a file converted to UTF-8 twice); "" when it may well be UTF-8. `head` should hold the
// first 8 bytes when the text has them.
std::string_view foreign_encoding(std::string_view head);
inline constexpr std::string_view kTwoByteOrderMarks = "two UTF-8 byte-order marks";

bool is_country_code(std::string_view code);  // ISO 3166-1 alpha-2, upper case
const std::vector<std::string>& country_codes();

// Exact-match lookup from a fixed set of strings to their positions.
class StringIndex {
public:
    StringIndex() = default;
    explicit StringIndex(std::vector<std::string> keys);
    int find(std::string_view key) const;  // position, or -1
    // The position of `key`, added at the end unless an equal key is there already.
    int add(std::string_view key);
    std::size_t size() const { return keys_.size(); }

private:
    static std::uint64_t prefix_of(std::string_view s);
    struct Slot {
        std::uint32_t hash = 0;
        std::int32_t index = -1;
    };
    std::vector<Slot> slots_;
    std::vector<std::string> keys_;
    static constexpr std::size_t kLengths = 32;
    std::vector<std::int32_t> order_;      // small sets: key positions sorted by length
    std::vector<std::uint64_t> prefixes_;  // first 8 bytes of each key in that order, zero-padded
    std::vector<std::int32_t> by_length_;  // start of each length's run in order_
    std::uint32_t mask_ = 0;
    bool linear_ = true;
};

// A set of lowercase strings with exact lookups of already-lowercase keys, and domain lookups
// that also match subdomains ("mail.example.com" is in a set holding "example.com").
// A hashed set (from a published model) holds salted digests instead of the strings and
// hashes each key before looking it up, so it answers the same without listing its members.
class StringSet {
public:
    StringSet() = default;
    explicit StringSet(std::vector<std::string> items);  // lowercased, sorted, deduplicated
    // Digests of the lowercase members under `salt` (salted_digest), kept in the given order:
    // the publisher writes them in the plain set's order, so items().front() stands for the
    // same member in both and the next-question search probes with the same value.
    static StringSet hashed(std::string salt, std::vector<std::string> digests);

    const std::vector<std::string>& items() const { return items_; }  // digests when hashed
    bool is_hashed() const { return !salt_.empty(); }
    bool contains_folded(std::string_view lowercase) const;
    bool contains(std::string_view any_case) const;
    bool contains_domain_folded(std::string_view lowercase_domain) const;
    bool contains_digest(std::string_view digest) const { return is_hashed() && index_.find(digest) >= 0; }

private:
    std::vector<std::string> items_;
    StringIndex index_;
    std::string salt_;
};

// The next-question search probes a hashed set with one of its own digests, which cannot be
// hashed back: such a probe answer's folded value is this byte and the digest. No real e-mail
// domain starts with it (email_domain accepts letters, digits, '-' and '.').
inline constexpr char kDigestProbe = '\x01';
inline bool is_digest_probe(std::string_view folded) { return !folded.empty() && folded.front() == kDigestProbe; }

}  // namespace ripen::detail
