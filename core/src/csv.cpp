// Incremental CSV reading (see ripen/csv.hpp). The fast path scans unquoted fields with memchr
// and hands out views into the buffer; only quoted fields with doubled quotes are copied.
#include "ripen/csv.hpp"

#include <algorithm>
#include <cstring>

#include "message.hpp"
#include "text_match.hpp"

namespace ripen {

Issue record_too_long(std::uint64_t line) {
    Issue issue;
    issue.code = "csv.record_too_long";
    issue.message = detail::format("a record is longer than {} MB (an unclosed quote?); the input is not read further",
                                   {static_cast<std::uint64_t>(kMaxRecordBytes >> 20)});
    issue.line = line;
    issue.column = 1;
    return issue;
}

void RecordScanner::scan(std::string_view bytes) {
    const char* data = bytes.data();
    const std::size_t size = bytes.size();
    std::size_t i = scanned_;
    while (i < size) {
        if (in_quotes_) {
            const void* quote = std::memchr(data + i, '"', size - i);
            if (!quote) {
                i = size;
                break;
            }
            i = static_cast<std::size_t>(static_cast<const char*>(quote) - data) + 1;
            in_quotes_ = false;  // a doubled quote reopens at once
            continue;
        }
        const void* nl = std::memchr(data + i, '\n', size - i);
        const std::size_t line_end = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - data) : size;
        const void* quote = quoted_ ? std::memchr(data + i, '"', line_end - i) : nullptr;
        if (quote) {
            i = static_cast<std::size_t>(static_cast<const char*>(quote) - data) + 1;
            in_quotes_ = true;
            continue;
        }
        if (!nl) {
            i = size;
            break;
        }
        if (first_ == std::string_view::npos) first_ = line_end + 1;
        last_ = line_end + 1;
        i = line_end + 1;
    }
    scanned_ = size;
}

void RecordScanner::drop(std::size_t n) {
    scanned_ -= n;
    first_ = first_ != std::string_view::npos && first_ > n ? first_ - n : std::string_view::npos;
    last_ = last_ != std::string_view::npos && last_ > n ? last_ - n : std::string_view::npos;
    if (first_ == std::string_view::npos && last_ != std::string_view::npos) first_ = last_;
}

void CsvReader::feed(std::string_view chunk) {
    if (failed_) return;
    compact();
    buffer_.append(chunk.data(), chunk.size());
}

void CsvReader::compact() {
    // Drop what has been read once it is a large share of the buffer.
    if (pos_ > 0 && (pos_ >= buffer_.size() || pos_ > (1u << 20))) {
        buffer_.erase(0, pos_);
        scan_pos_ -= std::min(scan_pos_, pos_);
        scan_start_ -= std::min(scan_start_, pos_);
        pos_ = 0;
    }
}

// Whether the record at pos_ is complete in the buffer: a line end outside quotes ('\n', or a
// '\r' that is not the buffer's last byte) follows. Continues where the last call stopped.
bool CsvReader::record_complete() {
    const char* data = buffer_.data();
    const std::size_t size = buffer_.size();
    if (scan_start_ != pos_) {
        scan_start_ = scan_pos_ = pos_;
        scan_in_quotes_ = false;
    }
    std::size_t i = scan_pos_;
    while (i < size) {
        char c = data[i];
        if (scan_in_quotes_) {
            const void* quote = std::memchr(data + i, '"', size - i);
            if (!quote) {
                i = size;
                break;
            }
            i = static_cast<std::size_t>(static_cast<const char*>(quote) - data) + 1;
            scan_in_quotes_ = false;
            continue;
        }
        if (c == '"') {
            scan_in_quotes_ = true;
        } else if (c == '\n' || (c == '\r' && i + 1 < size)) {
            scan_pos_ = i;
            return true;
        } else if (c == '\r') {
            break;  // "\r\n" or a lone '\r': the next byte tells
        }
        ++i;
    }
    scan_pos_ = i;
    return false;
}

CsvReader::Status CsvReader::next(CsvRecord& record, Issue& error) {
    if (failed_) return Status::end;
    error.code = "csv.syntax";
    if (!bom_checked_) {
        if (buffer_.size() - pos_ < 8 && !finished_) return Status::need_more;
        if (std::string_view encoding = detail::foreign_encoding(std::string_view(buffer_).substr(pos_, 8)); !encoding.empty()) {
            error.code = "csv.encoding";
            error.message = encoding == detail::kTwoByteOrderMarks
                                ? "the file starts with two UTF-8 byte-order marks (converted to UTF-8 twice): remove one"
                                : detail::format("the file is {}, not UTF-8: save it as UTF-8 (in Excel: CSV UTF-8)", {encoding});
            error.line = 1;
            error.column = 1;
            failed_ = true;
            buffer_.clear();
            pos_ = 0;
            return Status::error;
        }
        if (buffer_.compare(pos_, 3, "\xEF\xBB\xBF") == 0) {
            pos_ += 3;
            consumed_total_ += 3;
        }
        bom_checked_ = true;
    }
    const char* data = buffer_.data();
    const std::size_t size = buffer_.size();
    while (true) {
        // Skip empty lines.
        while (pos_ < size && (data[pos_] == '\n' || data[pos_] == '\r')) {
            if (data[pos_] == '\r' && pos_ + 1 >= size && !finished_) return Status::need_more;
            if (data[pos_] == '\r' && pos_ + 1 < size && data[pos_ + 1] == '\n') {
                ++pos_;
                ++consumed_total_;
            }
            ++pos_;
            ++consumed_total_;
            ++line_;
        }
        if (pos_ >= size) return finished_ ? Status::end : Status::need_more;
        if (!finished_ && !record_complete()) {
            if (size - pos_ <= max_record_) return Status::need_more;
            error = record_too_long(line_);
            failed_ = true;
            finished_ = true;
            consumed_total_ += size - pos_;
            buffer_.clear();
            buffer_.shrink_to_fit();
            pos_ = scan_pos_ = scan_start_ = 0;
            return Status::error;
        }

        record.lines.clear();
        record.columns.clear();
        if (fast_record(record)) return Status::record;
        refs_.clear();
        arena_.clear();
        std::size_t p = pos_;
        std::uint64_t line = line_;
        std::size_t line_start = pos_;
        // Column of the record start: records always begin at a line start.
        bool done = false;
        while (!done) {
            record.lines.push_back(line);
            record.columns.push_back(static_cast<std::uint32_t>(p - line_start + 1));
            if (p < size && data[p] == '"') {
                std::uint32_t quote_column = static_cast<std::uint32_t>(p - line_start + 1);
                std::uint64_t quote_line = line;
                ++p;
                std::size_t start = p;
                bool escaped = false;
                std::size_t arena_start = arena_.size();
                while (true) {
                    const void* q = p < size ? std::memchr(data + p, '"', size - p) : nullptr;
                    if (!q) {
                        if (!finished_) return Status::need_more;
                        error.line = quote_line;
                        error.column = quote_column;
                        error.message = "unterminated quoted field";
                        consumed_total_ += size - pos_;
                        pos_ = size;
                        return Status::error;
                    }
                    std::size_t at = static_cast<std::size_t>(static_cast<const char*>(q) - data);
                    // Count line breaks inside the quoted part for positions.
                    for (std::size_t k = p; k < at; ++k) {
                        if (data[k] == '\n') {
                            ++line;
                            line_start = k + 1;
                        }
                    }
                    if (at + 1 >= size && !finished_) return Status::need_more;
                    if (at + 1 < size && data[at + 1] == '"') {
                        if (!escaped) {
                            arena_.append(data + start, at + 1 - start);
                            escaped = true;
                        } else {
                            arena_.append(data + p, at + 1 - p);
                        }
                        p = at + 2;
                        continue;
                    }
                    if (escaped) {
                        arena_.append(data + p, at - p);
                        refs_.push_back(FieldRef{static_cast<std::uint32_t>(arena_start),
                                                 static_cast<std::uint32_t>(arena_.size() - arena_start), true});
                    } else {
                        refs_.push_back(FieldRef{static_cast<std::uint32_t>(start - pos_), static_cast<std::uint32_t>(at - start), false});
                    }
                    p = at + 1;
                    break;
                }
                if (p < size && data[p] != delimiter_ && data[p] != '\n' && data[p] != '\r') {
                    error.line = line;
                    error.column = static_cast<std::uint32_t>(p - line_start + 1);
                    error.message = "unexpected character after a closing quote; quotes inside a field must be doubled";
                    // Skip the rest of this line.
                    while (p < size && data[p] != '\n') ++p;
                    if (p >= size && !finished_) return Status::need_more;
                    consumed_total_ += (p < size ? p + 1 : p) - pos_;
                    pos_ = p < size ? p + 1 : p;
                    line_ = line + 1;
                    return Status::error;
                }
            } else {
                std::size_t start = p;
                const char delimiter = delimiter_;
                while (p < size) {
                    char c = data[p];
                    if (c == delimiter || c == '\n' || c == '\r') break;
                    ++p;
                }
                refs_.push_back(FieldRef{static_cast<std::uint32_t>(start - pos_), static_cast<std::uint32_t>(p - start), false});
            }
            if (p >= size) {
                if (!finished_) return Status::need_more;
                done = true;
            } else if (data[p] == delimiter_) {
                ++p;
            } else {
                // Line end: \n, \r\n or a lone \r.
                if (data[p] == '\r' && p + 1 >= size && !finished_) return Status::need_more;
                done = true;
            }
        }
        std::size_t end = p;
        std::size_t next = p;
        if (next < size && data[next] == '\r') ++next;
        if (next < size && data[next] == '\n') ++next;
        record.raw = std::string_view(data + pos_, end - pos_);
        record.line = line_;
        record.fields.clear();
        for (const FieldRef& r : refs_)
            record.fields.emplace_back(r.in_arena ? arena_.data() + r.offset : data + pos_ + r.offset, r.length);
        consumed_total_ += next - pos_;
        line_ = line + (next > end ? 1 : 0);
        pos_ = next;
        return Status::record;
    }
}

bool CsvReader::fast_record(CsvRecord& record) {
    // The common case: a whole line in the buffer, no quotes, no stray carriage returns.
    const char* data = buffer_.data();
    const std::size_t size = buffer_.size();
    const char* begin = data + pos_;
    const char* newline = static_cast<const char*>(std::memchr(begin, '\n', size - pos_));
    if (!newline) {
        if (!finished_) return false;
        newline = data + size;
    }
    const char* end = newline;
    if (end > begin && end[-1] == '\r') --end;
    const std::size_t length = static_cast<std::size_t>(end - begin);
    if (std::memchr(begin, '"', length) || std::memchr(begin, '\r', length)) return false;
    record.fields.clear();
    const char delimiter = delimiter_;
    const char* field = begin;
    const char* p = begin;
    // Eight bytes at a time: mark the bytes equal to the delimiter (exact per byte, no
    // carries between bytes), then emit a field at each mark.
    const std::uint64_t ones = 0x0101010101010101ull, low7 = 0x7F7F7F7F7F7F7F7Full;
    const std::uint64_t pattern = ones * static_cast<unsigned char>(delimiter);
    for (; p + 8 <= end; p += 8) {
        std::uint64_t word;
        std::memcpy(&word, p, 8);
        std::uint64_t x = word ^ pattern;
        std::uint64_t found = ~(((x & low7) + low7) | x) & ~low7;
        while (found) {
            const char* at = p + (__builtin_ctzll(found) >> 3);
            record.fields.emplace_back(field, static_cast<std::size_t>(at - field));
            field = at + 1;
            found &= found - 1;
        }
    }
    for (; p < end; ++p) {
        if (*p == delimiter) {
            record.fields.emplace_back(field, static_cast<std::size_t>(p - field));
            field = p + 1;
        }
    }
    record.fields.emplace_back(field, static_cast<std::size_t>(end - field));
    record.raw = std::string_view(begin, length);
    record.line = line_;
    std::size_t next = newline < data + size ? static_cast<std::size_t>(newline - data) + 1 : size;
    consumed_total_ += next - pos_;
    pos_ = next;
    ++line_;
    return true;
}

void write_csv_field(std::string_view field, std::string& out, char delimiter) {
    bool quote = false;
    for (char c : field) quote = quote || c == delimiter || c == '"' || c == '\n' || c == '\r';
    if (!quote) {
        out.append(field.data(), field.size());
        return;
    }
    out += '"';
    for (char c : field) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

char detect_delimiter(std::string_view head) {
    static constexpr char kCandidates[] = {',', ';', '\t', '|'};
    std::size_t counts[4] = {0, 0, 0, 0};
    bool quoted = false;
    // The first line only (a quoted field may hold line breaks), and at most 1 MiB of it.
    for (std::size_t i = 0, n = std::min<std::size_t>(head.size(), std::size_t{1} << 20); i < n; ++i) {
        const char c = head[i];
        if (c == '"') quoted = !quoted;
        else if (!quoted && (c == '\n' || c == '\r')) break;
        else if (!quoted)
            for (int k = 0; k < 4; ++k) counts[k] += c == kCandidates[k];
    }
    int best = 0;
    for (int k = 1; k < 4; ++k)
        if (counts[k] > counts[best]) best = k;
    return kCandidates[best];
}

bool looks_windows1252(std::string_view head) {
    if (!detail::foreign_encoding(head.substr(0, 8)).empty()) return false;  // UTF-16/32: refused by the reader
    for (std::size_t i = 0; i < head.size();) {
        const std::size_t n = detail::utf8_sequence_length(head, i);
        if (n == 0) {
            // A sequence cut by the end of the piece is not an error.
            const auto b = static_cast<unsigned char>(head[i]);
            const std::size_t want = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 ? 2 : 0;
            return !(want && i + want > head.size());
        }
        i += n;
    }
    return false;
}

void append_windows1252(std::string_view in, std::string& out) {
    // 0x80..0x9F as Windows-1252 has them (five of them undefined, kept as U+FFFD); the rest of
    // the upper half is Latin-1, the same code points as the bytes.
    static constexpr char16_t kHigh[32] = {0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
                                           0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
                                           0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
    out.reserve(out.size() + in.size() + in.size() / 8);
    for (char ch : in) {
        const auto b = static_cast<unsigned char>(ch);
        if (b < 0x80) {
            out += ch;
            continue;
        }
        const unsigned cp = b < 0xA0 ? kHigh[b - 0x80] : b;
        if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
        } else {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        }
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

}  // namespace ripen
