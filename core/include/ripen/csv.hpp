// An incremental RFC 4180 CSV reader: quoted fields with embedded commas, quotes and line
// breaks, a leading BOM, CRLF or LF line ends, and empty lines (skipped, but counted). Bytes
// arrive in chunks of any size; records come out with the line and column of every field.
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

class CsvReader {
public:
    explicit CsvReader(char delimiter = ',') : delimiter_(delimiter) {}

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

private:
    char delimiter_;
    bool finished_ = false;
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
};

// Writes one field, quoting it when it holds the delimiter, a quote or a line break.
void write_csv_field(std::string_view field, std::string& out, char delimiter = ',');

}  // namespace ripen
