// Batch scoring: CSV and NDJSON rows scored exactly as decide() scores them, row errors with
// line:column, header errors, chunking and parallel blocks that change nothing.
#include "support.hpp"

#include "ripen/import.hpp"

using Format = ripen::BatchScorer::Format;

TEST_SUITE_BEGIN("batch");

namespace {

struct Scored {
    std::string out;
    std::vector<ripen::Issue> errors;
    bool ok = true;
    ripen::ScoreStats stats;
};

Scored score(const ripen::Model& model, const std::string& input, Format format = Format::csv, bool complete = false,
             std::size_t chunk = 1 << 20, const ripen::Mapping* mapping = nullptr) {
    ripen::ScoreOptions options;
    options.complete = complete;
    options.mapping = mapping;
    ripen::BatchScorer scorer(model, format, options);
    Scored s;
    for (std::size_t at = 0; at < input.size() && s.ok; at += chunk) s.ok = scorer.feed(std::string_view(input).substr(at, chunk), s.out, s.errors);
    if (s.ok) s.ok = scorer.finish(s.out, s.errors);
    s.stats = scorer.stats();
    return s;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out(1);
    for (char c : s) {
        if (c == sep) out.emplace_back();
        else out.back() += c;
    }
    return out;
}

std::string errors_text(const std::vector<ripen::Issue>& errors) {
    std::string out;
    for (const auto& e : errors) out += ripen::format_issue(e) + "\n";
    return out;
}

// Without the header's warnings (questions without a column).
std::string row_errors_text(const std::vector<ripen::Issue>& errors) {
    std::string out;
    for (const auto& e : errors)
        if (e.severity == ripen::Severity::error) out += ripen::format_issue(e) + "\n";
    return out;
}

const char* kHeader = "goal,size,tools,student,email,country,why,source,utm_medium\n";

}  // namespace

TEST_CASE("appends route, totals, interval, segment and points") {
    auto model = test::tiny();
    auto s = score(model, std::string(kHeader) +
                              "buy,150,a,no,x@acme.com,DE,soon,,\n"
                              "look,50,a,no,x@acme.com,DE,,,event\n"
                              "buy,,,,,,,,\n");
    REQUIRE(s.ok);
    CHECK(s.errors.empty());
    CHECK(s.out ==
          "goal,size,tools,student,email,country,why,source,utm_medium,route,total,max,score,lo,hi,segment,points_need,points_fit\n"
          "buy,150,a,no,x@acme.com,DE,soon,,,handoff,9,9,100,9,9,web,3,3\n"
          "look,50,a,no,x@acme.com,DE,,,event,handoff,6,9,67,6,6,event,2,2\n"
          "buy,,,,,,,,,undecided,3,9,33,3,9,web,3,0\n");
    CHECK(s.stats.rows == 3);
    CHECK(s.stats.scored == 3);
    CHECK(s.stats.segments[1].by_route[static_cast<int>(ripen::Route::handoff)] == 1);
    CHECK(s.stats.segments[1].by_route[static_cast<int>(ripen::Route::undecided)] == 1);
    // --complete turns open answers into declined ones: the last lead now has a route.
    auto complete = score(model, std::string(kHeader) + "buy,,,,,,,,\n", Format::csv, true);
    CHECK(complete.out.substr(complete.out.find('\n') + 1) == "buy,,,,,,,,,nurture,3,9,33,3,3,web,3,0\n");
}

TEST_CASE("a ';'-separated file scores as the ','-separated one does") {
    auto model = test::tiny();
    const std::string rows = "buy,150,a,no,x@acme.com,DE,soon,,\nlook,50,a,no,x@acme.com,DE,,,event\n";
    auto commas = score(model, std::string(kHeader) + rows);
    std::string semicolon_input = std::string(kHeader) + rows;
    for (char& c : semicolon_input) c = c == ',' ? ';' : c;
    auto semicolons = score(model, semicolon_input);
    REQUIRE(semicolons.ok);
    CHECK(semicolons.errors.empty());
    CHECK(semicolons.stats.scored == 2);
    // The output keeps the file's separator, so a spreadsheet opens it as it opened the input.
    std::string expected = commas.out;
    for (char& c : expected) c = c == ',' ? ';' : c;
    CHECK(semicolons.out == expected);
}

TEST_CASE("a Windows-1252 file scores as its UTF-8 twin does, and its text comes out as UTF-8") {
    auto model = test::tiny();
    const std::string utf8 = std::string(kHeader) + "buy,150,a,no,x@acme.com,DE,f\xC3\xBCr sp\xC3\xA4ter,,\n";
    const std::string cp1252 = std::string(kHeader) + "buy,150,a,no,x@acme.com,DE,f\xFCr sp\xE4ter,,\n";
    auto a = score(model, utf8), b = score(model, cp1252);
    REQUIRE(b.ok);
    CHECK(b.errors.empty());
    CHECK(b.out == a.out);
}

TEST_CASE("every CSV row scores as decide() scores it") {
    auto model = test::default_model();
    ripen::LeadGenerator generator(model, 99);
    std::string csv = generator.csv_header();
    std::vector<ripen::SampleLead> leads(3000);
    for (auto& lead : leads) {
        generator.next(lead);
        generator.append_csv(lead, csv);
    }
    for (bool complete : {false, true}) {
        auto s = score(model, csv, Format::csv, complete);
        REQUIRE(s.ok);
        CHECK(s.errors.empty());
        auto lines = split(s.out, '\n');
        REQUIRE(lines.size() == leads.size() + 2);  // header, rows, trailing empty
        auto header = split(lines[0], ',');
        std::size_t route_col = static_cast<std::size_t>(std::find(header.begin(), header.end(), "route") - header.begin());
        for (std::size_t i = 0; i < leads.size(); ++i) {
            ripen::Context context;
            context.values = leads[i].context;
            if (!leads[i].source.empty()) context.values.emplace_back("source", leads[i].source);
            context.complete = complete;
            auto d = ripen::decide(model, leads[i].answers, context);
            auto cells = split(lines[i + 1], ',');
            // Text answers never hold commas in generated data, so cells line up with the header.
            REQUIRE(cells.size() == header.size());
            CHECK(cells[route_col] == std::string(ripen::to_string(d.route)));
            CHECK(cells[route_col + 1] == std::to_string(d.total));
            CHECK(cells[route_col + 3] == std::to_string(d.score));
            CHECK(cells[route_col + 4] == std::to_string(d.lo));
            CHECK(cells[route_col + 5] == std::to_string(d.hi));
            CHECK(cells[route_col + 6] == model.spec().segments[static_cast<std::size_t>(d.segment)].id);
            for (std::size_t c = 0; c < d.criteria.size(); ++c) CHECK(cells[route_col + 7 + c] == std::to_string(d.criteria[c].points));
        }
    }
}

TEST_CASE("bad rows are reported with line and column, counted, and skipped") {
    auto model = test::tiny();
    auto s = score(model, std::string(kHeader) +
                              "buy,150,,no,x@acme.com,DE,,,\n"
                              "sell,lots,,no,x@acme.com,DE,,,\n"
                              "buy,150,,no,x@acme.com,DE,,fair,\n"
                              "buy,150,,no\n"
                              "buy,150,,no,x@acme.com,DE,\"a\"b,,\n"
                              "buy,150,c,no,jane@,XX,,,\n"
                              "look,50,,no,x@acme.com,DE,,,\n");
    REQUIRE(s.ok);
    CHECK(errors_text(s.errors) ==
          "3:1: \"sell\" is not an option of \"goal\" (expected one of: buy, look) [answer.unknown_option]\n"
          "3:6: \"lots\" is not a number (the answer to \"size\") [answer.not_a_number]\n"
          "4:28: source \"fair\" is not a segment (expected one of: event, web) [context.unknown_segment]\n"
          "5:10: expected 9 fields as in the header, got 4 [csv.field_count]\n"
          "6:30: unexpected character after a closing quote; quotes inside a field must be doubled [csv.syntax]\n"
          "7:9: \"c\" is not an option of \"tools\" (expected one of: a, b) [answer.unknown_option]\n"
          "7:14: \"jane@\" is not a valid e-mail address [answer.invalid_email]\n"
          "7:20: \"XX\" is not an ISO 3166-1 alpha-2 country code [answer.invalid_country]\n");
    CHECK(s.stats.rows == 7);
    CHECK(s.stats.scored == 2);
    CHECK(s.stats.failed == 5);
    CHECK(std::count(s.out.begin(), s.out.end(), '\n') == 3);  // header and the two good rows
}

TEST_CASE("conditions on context \"source\" see the source column") {
    std::string text = test::tiny_model_json();
    std::string from = "\"when\": {\"criterion\": \"fit\", \"gte\": 1}";
    text.replace(text.find(from), from.size(), "\"when\": {\"not\": {\"context\": \"source\", \"in\": [\"event\"]}}");
    auto model = test::load(text);
    // The gate now fails for leads whose source is the event segment.
    auto s = score(model, "goal,size,student,email,country,source\nbuy,150,no,x@acme.com,DE,event\nbuy,150,no,x@acme.com,DE,web\n", Format::csv, true);
    auto lines = split(s.out, '\n');
    CHECK(lines[1].find(",nurture,") != std::string::npos);
    CHECK(lines[2].find(",handoff,") != std::string::npos);
    auto d = test::decide(model, R"({"goal": "buy", "size": 150, "student": "no", "email": "x@acme.com", "country": "DE"})",
                          R"({"complete": true, "source": "event"})");
    CHECK(d.route == ripen::Route::nurture);
}

TEST_CASE("a header that cannot be used stops scoring") {
    auto model = test::tiny();
    auto dup = score(model, "goal,size,goal\nbuy,1,buy\n");
    CHECK_FALSE(dup.ok);
    CHECK(errors_text(dup.errors) == "1:11: duplicate column \"goal\" [csv.duplicate_column]\n");
    CHECK(dup.out.empty());
    auto reserved = score(model, "goal,route\nbuy,x\n");
    CHECK_FALSE(reserved.ok);
    CHECK(errors_text(reserved.errors) == "1:6: column \"route\" is an output of ripen score; rename or remove it [csv.reserved_column]\n");
    auto empty = score(model, "\n\n");
    CHECK_FALSE(empty.ok);
    CHECK(errors_text(empty.errors) == "1:1: the input has no header row [csv.empty]\n");
    auto numeric = score(test::default_model(), "goal,page_views\nreplace,many\n");
    CHECK(numeric.ok);
    CHECK(row_errors_text(numeric.errors) == "2:9: \"many\" is not a number (context \"page_views\") [context.number]\n");
}

TEST_CASE("a header that names no question is refused; questions without a column are named") {
    // Headers must equal ids: "Goal,ROLE" matched nothing and scored every lead 0, exit 0.
    auto model = test::default_model();
    auto none = score(model, "Goal,ROLE\nreplace,manager\n");
    CHECK_FALSE(none.ok);
    CHECK(none.out.empty());
    REQUIRE(none.errors.size() == 1);
    CHECK(none.errors[0].code == "csv.no_question_column");
    CHECK(none.errors[0].message.find("the header has \"Goal\", \"ROLE\"") != std::string::npos);
    CHECK(none.errors[0].message.find("ids are case-sensitive: \"Goal\" is not \"goal\"") != std::string::npos);
    CHECK(none.errors[0].message.find("--map") != std::string::npos);

    auto partial = score(test::tiny(), "goal,size\nbuy,150\n");
    CHECK(partial.ok);
    REQUIRE(partial.errors.size() == 1);
    CHECK(partial.errors[0].severity == ripen::Severity::warning);
    CHECK(errors_text(partial.errors) ==
          "1:1: warning: no column for questions \"tools\", \"student\", \"email\", \"country\", \"why\": every lead counts as not "
          "answering them [csv.question_without_column]\n");
    CHECK(split(partial.out, '\n').size() == 3);  // header, one row, the final newline
}

TEST_CASE("CSV through a mapping scores as the same leads with id columns do") {
    auto model = test::tiny();
    auto mapping = ripen::parse_mapping(model, R"({"format": 1, "columns": {
        "What is your goal?": {"question": "goal", "values": {"purchase": "buy"}},
        "Company Size": {"question": "size"}, "Channel": {"source": true, "values": {"trade_fair": "event"}},
        "Won": {"outcome": ["yes"]}, "Notes": {"ignore": true}, "Unnamed: 5": {"ignore": true}}})");
    REQUIRE(mapping.ok());
    std::string mapped_csv = "What is your goal?,Company Size,Channel,Won,Notes\nPurchase,150,Trade Fair,yes,x\nlook,5,web,no,\nbuy,9,Mars,no,\n";
    for (std::size_t chunk : {std::size_t{1} << 20, std::size_t{3}}) {
        auto mapped = score(model, mapped_csv, Format::csv, true, chunk, &*mapping);
        CAPTURE(chunk);
        CHECK(mapped.ok);
        auto plain = score(model, "goal,size,source\nbuy,150,event\nlook,5,web\nbuy,9,\n", Format::csv, true);
        auto mapped_lines = split(mapped.out, '\n'), plain_lines = split(plain.out, '\n');
        REQUIRE(mapped_lines.size() == plain_lines.size());
        // The rows are the export's own, with the same decision appended.
        for (std::size_t i = 1; i + 1 < mapped_lines.size(); ++i) {
            const std::string tail = plain_lines[i].substr(plain_lines[i].find(",", plain_lines[i].find(",", plain_lines[i].find(",") + 1) + 1));
            CHECK(mapped_lines[i].size() > tail.size());
            CHECK(mapped_lines[i].compare(mapped_lines[i].size() - tail.size(), tail.size(), tail) == 0);
        }
        // The ignored column the file lacks is a warning, an unknown source value is counted.
        CHECK(errors_text(mapped.errors).find("warning: the mapping ignores column \"Unnamed: 5\", which the header does not have") != std::string::npos);
        CHECK(mapped.stats.unmapped["Channel"]["Mars"] == 1);
    }
    // A mapped column the file lacks stops scoring.
    auto missing = score(model, "Company Size\n5\n", Format::csv, true, 1 << 20, &*mapping);
    CHECK_FALSE(missing.ok);
    CHECK(row_errors_text(missing.errors).find("the mapping names column \"What is your goal?\", which the header does not have [csv.missing_column]") !=
          std::string::npos);
}

TEST_CASE("NDJSON in, NDJSON out") {
    auto model = test::tiny();
    auto s = score(model,
                   "{\"goal\":\"buy\",\"size\":150,\"tools\":[\"a\"],\"student\":\"no\",\"email\":\"x@acme.com\",\"country\":\"DE\",\"id\":17}\n"
                   "\n"
                   "{\"goal\":\"look\",\"student\":null,\"utm_medium\":\"event\"}\r\n"
                   "{\"goal\":\"buy\"\n"
                   "[1]\n"
                   "{\"goal\":\"buy\",\"route\":\"x\",\"source\":\"fair\",\"utm_medium\":[1]}\n"
                   "{\"size\":\"big\"}",
                   Format::ndjson);
    REQUIRE(s.ok);
    CHECK(s.out ==
          "{\"goal\":\"buy\",\"size\":150,\"tools\":[\"a\"],\"student\":\"no\",\"email\":\"x@acme.com\",\"country\":\"DE\",\"id\":17,"
          "\"route\":\"handoff\",\"total\":9,\"max\":9,\"score\":100,\"lo\":9,\"hi\":9,\"segment\":\"web\",\"points\":{\"need\":3,\"fit\":3}}\n"
          "{\"goal\":\"look\",\"student\":null,\"utm_medium\":\"event\",\"route\":\"undecided\",\"total\":1,\"max\":9,\"score\":11,\"lo\":1,\"hi\":8,"
          "\"segment\":\"event\",\"points\":{\"need\":1,\"fit\":0}}\n");
    CHECK(errors_text(s.errors) ==
          "4:14: unexpected end of input, expected ',' or '}' [json.syntax]\n"
          "5:1: each line must be a JSON object, got an array [json.type]\n"
          "6:23: member \"route\" is an output of ripen score; rename or remove it [csv.reserved_column]\n"
          "6:36: source \"fair\" is not a segment (expected one of: event, web) [context.unknown_segment]\n"
          "6:56: context member \"utm_medium\" must be a string or a number, got an array [context.type]\n"
          "7:9: \"big\" is not a number (the answer to \"size\") [answer.not_a_number]\n");
    CHECK(s.stats.rows == 6);
    CHECK(s.stats.failed == 4);
}

TEST_CASE("chunk sizes and parallel blocks give the same output") {
    auto model = test::default_model();
    ripen::LeadGenerator generator(model, 5);
    std::string csv = generator.csv_header();
    ripen::SampleLead lead;
    for (int i = 0; i < 2000; ++i) {
        generator.next(lead);
        generator.append_csv(lead, csv);
    }
    csv += "replace,soon,,,,,,,,,,,,,,,,\n";  // one bad row, to compare errors too
    auto whole = score(model, csv);
    REQUIRE(whole.errors.size() == 1);
    CHECK(whole.errors[0].line == 2002);
    for (std::size_t chunk : {std::size_t{1}, std::size_t{13}, std::size_t{4096}}) {
        auto pieces = score(model, csv, Format::csv, false, chunk);
        CHECK(pieces.out == whole.out);
        CHECK(errors_text(pieces.errors) == errors_text(whole.errors));
    }
    // As the native scorer does it: the separator and encoding from what is read, the header
    // through the main scorer, then three blocks cut at record ends on forks.
    ripen::BatchScorer main(model, Format::csv);
    main.sniff(csv);
    std::string out;
    std::vector<ripen::Issue> errors;
    ripen::RecordScanner header_scan;
    header_scan.scan(csv);
    std::size_t header_end = header_scan.first_end();
    REQUIRE(main.feed(std::string_view(csv).substr(0, header_end), out, errors));
    REQUIRE(main.header_ready());
    std::size_t start = header_end;
    std::uint64_t line = 2;
    for (std::size_t size : {std::size_t{70000}, std::size_t{50000}, csv.size()}) {
        std::string_view rest = std::string_view(csv).substr(start);
        ripen::RecordScanner block_scan;
        block_scan.scan(rest.substr(0, std::min(size, rest.size())));
        std::size_t end = size >= rest.size() ? rest.size() : block_scan.last_end();
        auto worker = main.fork();
        worker->score_block(rest.substr(0, end), line, out, errors);
        main.add_stats(worker->stats());
        line += static_cast<std::uint64_t>(std::count(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
        start += end;
        if (start >= csv.size()) break;
    }
    CHECK(out == whole.out);
    CHECK(errors_text(errors) == errors_text(whole.errors));
    CHECK(main.stats().rows == whole.stats.rows);
    CHECK(main.stats().scored == whole.stats.scored);
}

TEST_CASE("record ends skip line breaks inside quotes, however the bytes arrive") {
    std::string text = "a,\"x\ny\"\nb,c\n\"open\n";
    for (std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{5}, text.size()}) {
        ripen::RecordScanner scanner;
        std::string grown;
        for (std::size_t at = 0; at < text.size(); at += chunk) {
            grown += text.substr(at, chunk);
            scanner.scan(grown);
        }
        CHECK(scanner.first_end() == 8);
        CHECK(scanner.last_end() == 12);
        // Dropping the first record keeps the rest's positions.
        scanner.drop(8);
        grown.erase(0, 8);
        CHECK(scanner.first_end() == 4);
        CHECK(scanner.last_end() == 4);
        grown += "x\"\nz\n";
        scanner.scan(grown);
        CHECK(scanner.last_end() == grown.size());
    }
    ripen::RecordScanner none;
    none.scan("no end");
    CHECK(none.last_end() == std::string_view::npos);
    ripen::RecordScanner lines(false);
    lines.scan("{\"a\":\"\"}\n{}\n{");
    CHECK(lines.last_end() == 12);
}

TEST_SUITE_END();
