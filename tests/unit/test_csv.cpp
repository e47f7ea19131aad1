// CSV reading: RFC 4180 quoting, BOM, CRLF, empty lines, positions, errors, and the same
// records whatever the chunk sizes.
#include <random>

#include "support.hpp"

TEST_SUITE_BEGIN("csv");

namespace {

struct Row {
    std::vector<std::string> fields;
    std::uint64_t line;
    std::vector<std::uint32_t> columns;
    std::string raw;
};

std::vector<Row> read_all(const std::string& text, std::size_t chunk, std::vector<ripen::Issue>* errors = nullptr) {
    ripen::CsvReader reader;
    std::vector<Row> rows;
    ripen::CsvRecord rec;
    ripen::Issue error;
    auto drain = [&] {
        while (true) {
            auto status = reader.next(rec, error);
            if (status == ripen::CsvReader::Status::record) {
                Row row{{}, rec.line, {}, std::string(rec.raw)};
                for (std::size_t i = 0; i < rec.fields.size(); ++i) {
                    row.fields.emplace_back(rec.fields[i]);
                    row.columns.push_back(rec.column_of(i));
                }
                rows.push_back(std::move(row));
            } else if (status == ripen::CsvReader::Status::error) {
                if (errors) errors->push_back(error);
            } else {
                break;
            }
        }
    };
    for (std::size_t at = 0; at < text.size(); at += chunk) {
        reader.feed(std::string_view(text).substr(at, chunk));
        drain();
    }
    reader.finish();
    drain();
    return rows;
}

}  // namespace

TEST_CASE("plain and quoted fields") {
    auto rows = read_all("a,b,c\n1,\"x,y\",\"say \"\"hi\"\"\"\n,,\n", 1 << 20);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].fields == std::vector<std::string>{"a", "b", "c"});
    CHECK(rows[1].fields == std::vector<std::string>{"1", "x,y", "say \"hi\""});
    CHECK(rows[1].columns == std::vector<std::uint32_t>{1, 3, 9});
    CHECK(rows[1].raw == "1,\"x,y\",\"say \"\"hi\"\"\"");
    CHECK(rows[2].fields == std::vector<std::string>{"", "", ""});
    CHECK(rows[2].line == 3);
}

TEST_CASE("embedded line breaks, CRLF, a BOM and empty lines") {
    auto rows = read_all("\xEF\xBB\xBFid,note\r\n\r\n1,\"two\r\nlines\"\r\n2,end\r\n\n", 1 << 20);
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].fields[0] == "id");
    CHECK(rows[0].columns[0] == 1);
    CHECK(rows[1].line == 3);
    CHECK(rows[1].fields[1] == "two\r\nlines");
    CHECK(rows[2].line == 5);
    CHECK(rows[2].fields == std::vector<std::string>{"2", "end"});
    // A last line without a line end, and a lone CR as a line end.
    auto last = read_all("a\rb\nc", 1 << 20);
    REQUIRE(last.size() == 3);
    CHECK(last[2].fields[0] == "c");
}

TEST_CASE("errors give line and column and reading goes on") {
    std::vector<ripen::Issue> errors;
    auto rows = read_all("a,b\n1,\"x\"y\n2,3\n4,\"open", 1 << 20, &errors);
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].line == 2);
    CHECK(errors[0].column == 6);
    CHECK(errors[0].message == "unexpected character after a closing quote; quotes inside a field must be doubled");
    CHECK(errors[1].line == 4);
    CHECK(errors[1].column == 3);
    CHECK(errors[1].message == "unterminated quoted field");
    REQUIRE(rows.size() == 2);
    CHECK(rows[1].fields == std::vector<std::string>{"2", "3"});
}

TEST_CASE("chunk boundaries do not change the records") {
    std::mt19937 rng(7);
    std::string text = "\xEF\xBB\xBFq1,q2,q3\r\n";
    for (int i = 0; i < 300; ++i) {
        for (int f = 0; f < 3; ++f) {
            if (f) text += ',';
            switch (rng() % 5) {
                case 0: break;
                case 1: text += "plain" + std::to_string(i); break;
                case 2: text += "\"with, comma\""; break;
                case 3: text += "\"multi\nline \"\"quoted\"\"\""; break;
                case 4: text += "\"\""; break;
            }
        }
        text += rng() % 2 ? "\r\n" : "\n";
        if (rng() % 10 == 0) text += "\n";
    }
    auto whole = read_all(text, text.size());
    REQUIRE(whole.size() == 301);
    for (std::size_t chunk : {1, 2, 3, 7, 64, 4096}) {
        auto pieces = read_all(text, chunk);
        REQUIRE(pieces.size() == whole.size());
        for (std::size_t i = 0; i < whole.size(); ++i) {
            CHECK(pieces[i].fields == whole[i].fields);
            CHECK(pieces[i].line == whole[i].line);
            CHECK(pieces[i].columns == whole[i].columns);
            CHECK(pieces[i].raw == whole[i].raw);
        }
    }
}

TEST_CASE("fields are written back with quotes only where needed") {
    std::string out;
    ripen::write_csv_field("plain", out);
    out += ',';
    ripen::write_csv_field("a,b", out);
    out += ',';
    ripen::write_csv_field("say \"hi\"\nthere", out);
    CHECK(out == "plain,\"a,b\",\"say \"\"hi\"\"\nthere\"");
    auto rows = read_all(out + "\n", 5);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].fields == std::vector<std::string>{"plain", "a,b", "say \"hi\"\nthere"});
}

TEST_SUITE_END();
