// String matching helpers shared by conditions, answers and CSV cells.
#include "text_match.hpp"

#include "sha256.hpp"

#include "small_sort.hpp"

#include <algorithm>
#include <cstring>

namespace ripen::detail {

std::string lowercase(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = ascii_lower(c);
    return out;
}

void lowercase_into(std::string_view s, std::string& out) {
    out.assign(s.data(), s.size());
    for (char& c : out) c = ascii_lower(c);
}

bool equals_ignore_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    return true;
}

namespace {
// Character classes for e-mail checks: 1 = allowed in a local part, 2 = allowed in a domain
// label (letters, digits, '-', and UTF-8 bytes for internationalised names).
struct CharClasses {
    unsigned char bits[256] = {};
    CharClasses() {
        for (int c = 0x21; c < 0x7f; ++c) bits[c] = 1;
        for (char c : std::string_view("\"(),:;<>[]\\")) bits[static_cast<unsigned char>(c)] = 0;
        for (int c = 0x80; c < 0x100; ++c) bits[c] = 1 | 2;
        for (int c = 'a'; c <= 'z'; ++c) bits[c] |= 2;
        for (int c = 'A'; c <= 'Z'; ++c) bits[c] |= 2;
        for (int c = '0'; c <= '9'; ++c) bits[c] |= 2;
        bits[static_cast<unsigned char>('-')] |= 2;
    }
};
const CharClasses kClasses;

bool is_domain(std::string_view d) {
    if (d.empty() || d.size() > 253) return false;
    std::size_t label = 0;
    bool dotted = false;
    char previous = '.';
    for (char c : d) {
        if (c == '.') {
            if (label == 0 || previous == '-') return false;
            label = 0;
            dotted = true;
        } else {
            if (!(kClasses.bits[static_cast<unsigned char>(c)] & 2) || (label == 0 && c == '-') || ++label > 63) return false;
        }
        previous = c;
    }
    return dotted && label > 0 && previous != '-';
}
}  // namespace

std::string_view email_domain(std::string_view address) {
    if (address.size() > 254) return {};
    std::size_t at = address.find('@');
    if (at == std::string_view::npos || at == 0) return {};
    for (std::size_t i = 0; i < at; ++i)
        if (!(kClasses.bits[static_cast<unsigned char>(address[i])] & 1)) return {};
    std::string_view domain = address.substr(at + 1);
    if (domain.find('@') != std::string_view::npos) return {};
    return is_domain(domain) ? domain : std::string_view{};
}

std::string_view url_host(std::string_view url) {
    std::size_t scheme = url.find("://");
    if (scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
    std::size_t end = url.find_first_of("/?#");
    if (end != std::string_view::npos) url = url.substr(0, end);
    std::size_t at = url.rfind('@');
    if (at != std::string_view::npos) url.remove_prefix(at + 1);
    std::size_t colon = url.find(':');
    if (colon != std::string_view::npos) url = url.substr(0, colon);
    return url;
}

namespace {
constexpr const char* kCountryCodes =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS "
    "BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE "
    "EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM "
    "HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC "
    "LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA "
    "NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW "
    "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO "
    "TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

struct CountryTable {
    std::vector<std::string> codes;
    bool present[26][26] = {};
    CountryTable() {
        std::string_view all = kCountryCodes;
        for (std::size_t i = 0; i + 1 < all.size(); i += 3) {
            codes.emplace_back(all.substr(i, 2));
            present[all[i] - 'A'][all[i + 1] - 'A'] = true;
        }
    }
};

const CountryTable& country_table() {
    static const CountryTable table;
    return table;
}
}  // namespace

std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char b0 = byte(i);
    if (b0 < 0x80) return 1;
    std::size_t n;
    std::uint32_t cp;
    if (b0 >= 0xC2 && b0 <= 0xDF) { n = 2; cp = b0 & 0x1F; }
    else if (b0 >= 0xE0 && b0 <= 0xEF) { n = 3; cp = b0 & 0x0F; }
    else if (b0 >= 0xF0 && b0 <= 0xF4) { n = 4; cp = b0 & 0x07; }
    else return 0;
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        unsigned char b = byte(i + k);
        if ((b & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
    return n;
}

std::string_view foreign_encoding(std::string_view head) {
    auto at = [&](std::size_t i) { return i < head.size() ? static_cast<unsigned char>(head[i]) : 0x100u; };
    auto starts = [&](std::string_view prefix) { return head.substr(0, prefix.size()) == prefix; };
    if (starts(std::string_view("\xFF\xFE\0\0", 4))) return "UTF-32 (little-endian)";
    if (starts(std::string_view("\0\0\xFE\xFF", 4))) return "UTF-32 (big-endian)";
    if (starts("\xFF\xFE")) return "UTF-16 (little-endian)";
    if (starts("\xFE\xFF")) return "UTF-16 (big-endian)";
    if (starts("\xEF\xBB\xBF\xEF\xBB\xBF")) return kTwoByteOrderMarks;
    // Without a byte-order mark: ASCII text in UTF-16 or UTF-32 has a zero byte in every unit.
    if (head.size() >= 4 && at(0) != 0 && at(1) == 0 && at(2) == 0 && at(3) == 0) return "UTF-32 (little-endian)";
    if (head.size() >= 4 && at(0) == 0 && at(1) == 0 && at(2) == 0 && at(3) != 0) return "UTF-32 (big-endian)";
    if (head.size() >= 4 && at(0) != 0 && at(1) == 0 && at(2) != 0 && at(3) == 0) return "UTF-16 (little-endian)";
    if (head.size() >= 4 && at(0) == 0 && at(1) != 0 && at(2) == 0 && at(3) != 0) return "UTF-16 (big-endian)";
    return {};
}

bool is_country_code(std::string_view code) {
    if (code.size() != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z') return false;
    return country_table().present[code[0] - 'A'][code[1] - 'A'];
}

const std::vector<std::string>& country_codes() { return country_table().codes; }

namespace {
std::uint32_t hash_bytes(std::string_view s) {
    std::uint32_t h = 2166136261u;  // FNV-1a
    for (char c : s) {
        h ^= static_cast<unsigned char>(c);
        h *= 16777619u;
    }
    return h;
}
}  // namespace

std::uint64_t StringIndex::prefix_of(std::string_view s) {
    std::uint64_t v = 0;
    std::memcpy(&v, s.data(), s.size() < 8 ? s.size() : 8);
    return v;
}

StringIndex::StringIndex(std::vector<std::string> keys) : keys_(std::move(keys)) {
    // Small sets: keys grouped by length, compared by their first eight bytes.
    linear_ = keys_.size() <= 16;
    if (linear_) {
        for (std::size_t i = 0; i < keys_.size(); ++i) order_.push_back(static_cast<std::int32_t>(i));
        small_sort(order_.begin(), order_.end(), [&](int a, int b) { return keys_[a].size() < keys_[b].size(); });
        for (int i : order_) prefixes_.push_back(prefix_of(keys_[static_cast<std::size_t>(i)]));
        // by_length_[n] = first position in order_ of keys of length n (lengths >= kLengths share the last bucket)
        by_length_.assign(kLengths + 2, 0);
        for (const auto& k : keys_) ++by_length_[std::min(k.size(), kLengths) + 1];
        for (std::size_t n = 1; n < by_length_.size(); ++n) by_length_[n] += by_length_[n - 1];
        return;
    }
    std::size_t size = 8;
    while (size < keys_.size() * 2) size *= 2;
    slots_.assign(size, Slot{});
    mask_ = static_cast<std::uint32_t>(size - 1);
    for (std::size_t i = 0; i < keys_.size(); ++i) {
        std::uint32_t h = hash_bytes(keys_[i]);
        std::uint32_t at = h & mask_;
        while (slots_[at].index >= 0) at = (at + 1) & mask_;
        slots_[at] = Slot{h, static_cast<std::int32_t>(i)};
    }
}

int StringIndex::find(std::string_view key) const {
    if (linear_) {
        if (keys_.empty()) return -1;
        std::size_t bucket = std::min(key.size(), kLengths);
        const std::uint64_t prefix = prefix_of(key);
        for (std::int32_t at = by_length_[bucket]; at < by_length_[bucket + 1]; ++at) {
            if (prefixes_[static_cast<std::size_t>(at)] != prefix) continue;
            const std::string& k = keys_[static_cast<std::size_t>(order_[static_cast<std::size_t>(at)])];
            if (k.size() == key.size() && (key.size() <= 8 || std::memcmp(k.data() + 8, key.data() + 8, key.size() - 8) == 0))
                return order_[static_cast<std::size_t>(at)];
        }
        return -1;
    }
    if (slots_.empty()) return -1;
    std::uint32_t h = hash_bytes(key);
    for (std::uint32_t at = h & mask_;; at = (at + 1) & mask_) {
        const Slot& slot = slots_[at];
        if (slot.index < 0) return -1;
        if (slot.hash == h && keys_[static_cast<std::size_t>(slot.index)] == key) return slot.index;
    }
}

int StringIndex::add(std::string_view key) {
    int found = find(key);
    if (found >= 0) return found;
    keys_.emplace_back(key);
    std::size_t n = keys_.size();
    if (linear_ || n * 2 > slots_.size()) {
        *this = StringIndex(std::move(keys_));  // regrouped, or a table twice as large
    } else {
        std::uint32_t h = hash_bytes(key);
        std::uint32_t at = h & mask_;
        while (slots_[at].index >= 0) at = (at + 1) & mask_;
        slots_[at] = Slot{h, static_cast<std::int32_t>(n - 1)};
    }
    return static_cast<int>(n - 1);
}

StringSet::StringSet(std::vector<std::string> items) {
    for (auto& s : items) s = lowercase(s);
    heap_sort(items.data(), items.size(), [](const std::string& a, const std::string& b) { return a < b; });
    items.erase(std::unique(items.begin(), items.end()), items.end());
    items_ = std::move(items);
    index_ = StringIndex(items_);
}

StringSet StringSet::hashed(std::string salt, std::vector<std::string> digests) {
    StringSet set;
    set.salt_ = std::move(salt);
    set.index_ = StringIndex(digests);
    set.items_ = std::move(digests);
    return set;
}

bool StringSet::contains_folded(std::string_view lowercase) const {
    if (is_hashed()) return index_.find(salted_digest(salt_, lowercase)) >= 0;
    return index_.find(lowercase) >= 0;
}

bool StringSet::contains(std::string_view any_case) const {
    char small[128];
    if (any_case.size() > sizeof small) return contains_folded(lowercase(any_case));
    for (std::size_t i = 0; i < any_case.size(); ++i) small[i] = ascii_lower(any_case[i]);
    return contains_folded(std::string_view(small, any_case.size()));
}

bool StringSet::contains_domain_folded(std::string_view domain) const {
    // The domain itself, then each parent domain ("a.b.c" -> "b.c" -> "c").
    while (!domain.empty()) {
        if (contains_folded(domain)) return true;
        std::size_t dot = domain.find('.');
        if (dot == std::string_view::npos) break;
        domain.remove_prefix(dot + 1);
    }
    return false;
}

}  // namespace ripen::detail

