// An incremental RFC 4180 CSV reader: quoted fields with embedded commas, quotes and line
// breaks, a leading BOM, CRLF or LF line ends, and empty lines (skipped, but counted). Bytes
// arrive in chunks of any size; records come out with the line and column of every field. Time
// is linear in the input however it is cut, and a record has a length limit.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ripen/issue.hpp"

namespace ripen {

struct CsvRecord {
    std::vector<std::string_view> fields;   // unescaped; valid until the next feed() or next()
    std::string_view raw;                   // the record as written, without its line end
    std::uint64_t line = 0;                 // line of the record's first byte

    // Where field i starts: 1-based line and byte column.
    std::uint64_t line_of(std::size_t i) const { return lines.empty() ? line : lines[i]; }
    std::uint32_t column_of(std::size_t i) const {
        // A record on one line without quotes has its fields inside `raw`.
        return columns.empty() ? static_cast<std::uint32_t>(fields[i].data() - raw.data() + 1) : columns[i];
    }

    // Positions of fields, filled only for records with quotes or line breaks inside.
    std::vector<std::uint64_t> lines;
    std::vector<std::uint32_t> columns;
};

// The longest record a reader accepts (an unclosed quote would otherwise hold the rest of a file
// in memory): past it the reader fails with csv.record_too_long, which ends the input.
inline constexpr std::size_t kMaxRecordBytes = std::size_t{256} << 20;

// The csv.record_too_long issue, one text for every reader of records.
Issue record_too_long(std::uint64_t line);

// Finds record ends in a buffer that grows at its end, looking at each byte once however the
// bytes arrive: a line end ('\n') outside a quoted CSV field ends a record (NDJSON: every line
// end). The buffer may lose its start at a record end found here (drop()).
class RecordScanner {
public:
    explicit RecordScanner(bool quoted_fields = true) : quoted_(quoted_fields) {}

    // Looks at the bytes added since the last call; then first_end() and last_end() are the
    // offsets just past the first and the last record end in `bytes`, or npos.
    void scan(std::string_view bytes);
    std::size_t first_end() const { return first_; }
    std::size_t last_end() const { return last_; }
    // The caller removed the first `n` bytes (n at or before last_end()).
    void drop(std::size_t n);

private:
    bool quoted_;
    bool in_quotes_ = false;
    std::size_t scanned_ = 0;
    std::size_t first_ = std::string_view::npos, last_ = std::string_view::npos;
};

class CsvReader {
public:
    explicit CsvReader(char delimiter = ',', std::size_t max_record = kMaxRecordBytes)
        : delimiter_(delimiter), max_record_(max_record) {}

    // Reads a block cut from the middle of a file: no byte-order mark, lines numbered from
    // `first_line`.
    void start_block(std::uint64_t first_line) {
        bom_checked_ = true;
        line_ = first_line;
    }

    // Adds bytes to the input.
    void feed(std::string_view chunk);
    // Marks the end of the input, so the last record needs no line end.
    void finish() { finished_ = true; }

    enum class Status { record, need_more, end, error };
    // Reads the next record. On `error` (filled in, code "csv.syntax") the reader skips to the
    // next line and can go on.
    Status next(CsvRecord& record, Issue& error);

    std::uint64_t bytes_consumed() const { return consumed_total_; }
    // After an error that ends the input (csv.record_too_long, csv.encoding): nothing more is read.
    bool failed() const { return failed_; }

private:
    char delimiter_;
    std::size_t max_record_;
    bool finished_ = false;
    bool failed_ = false;          // a record was too long: the input ends there
    // How far the record starting at pos_ is known to be incomplete: a long record arriving in
    // many chunks is looked at once, not again with every chunk.
    std::size_t scan_start_ = 0;   // the pos_ the scan below belongs to
    std::size_t scan_pos_ = 0;
    bool scan_in_quotes_ = false;
    bool bom_checked_ = false;
    std::string buffer_;
    std::size_t pos_ = 0;          // start of the unread part of buffer_
    std::uint64_t line_ = 1;       // line number at pos_
    std::uint64_t consumed_total_ = 0;
    std::string arena_;            // unescaped quoted fields
    struct FieldRef {
        std::uint32_t offset;
        std::uint32_t length;
        bool in_arena;
    };
    std::vector<FieldRef> refs_;

    void compact();
    bool fast_record(CsvRecord& record);
    bool record_complete();
};

// The field separator of a CSV, from its first line: ',' unless ';', a tab or '|' occurs more
// often outside quotes. Spreadsheets in many European locales export with ';' (and decimal
// commas), and a file read with the wrong separator would be one column that maps to nothing.
char detect_delimiter(std::string_view head);

// Spreadsheets on Windows save "CSV" in Windows-1252. A file whose start is not UTF-8 (and not
// UTF-16 or UTF-32, which the reader refuses with csv.encoding) is read as Windows-1252:
// looks_windows1252 decides from the first piece (an incomplete UTF-8 sequence at its very end
// is not held against it), append_windows1252 converts each piece to UTF-8.
bool looks_windows1252(std::string_view head);
void append_windows1252(std::string_view in, std::string& out);

// Writes one field, quoting it when it holds the delimiter, a quote or a line break.
void write_csv_field(std::string_view field, std::string& out, char delimiter = ',');

}  // namespace ripen
