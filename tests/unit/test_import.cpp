// Importing CRM exports: mapping files and their errors, inferred mappings, value
// normalisation, and the importer on awkward CSV (BOM, CRLF, quotes, empty lines, bad rows).
#include "support.hpp"

#include "countries.hpp"
#include "ripen/batch.hpp"

namespace {

using ripen::ColumnMapping;
using ripen::LeadTable;

TEST_SUITE_BEGIN("import");

ripen::Mapping mapping(const ripen::Model& model, const std::string& json) {
    auto parsed = ripen::parse_mapping(model, json);
    if (!parsed.ok())
        for (const auto& issue : parsed.issues) MESSAGE(ripen::format_issue(issue));
    REQUIRE(parsed.ok());
    return *parsed.value;
}

struct Imported {
    LeadTable table;
    ripen::ImportStats stats;
    bool ok = false;
};

// Feeds `csv` in chunks of `chunk` bytes, so records split across chunks are exercised too.
Imported import(const ripen::Model& model, const ripen::Mapping& map, const std::string& csv, std::size_t chunk = 7) {
    Imported out{LeadTable(model), {}, false};
    ripen::Importer importer(model, map, out.table);
    bool ok = true;
    for (std::size_t at = 0; at < csv.size() && ok; at += chunk) ok = importer.feed(std::string_view(csv).substr(at, chunk));
    if (ok) ok = importer.finish();
    out.ok = ok;
    out.stats = importer.stats();
    return out;
}

const char* kCrmMapping = R"({"format": 1, "columns": {
  "Lead Goal": {"question": "goal", "values": {"purchase": "buy", "just browsing": "look"}},
  "Company Size": {"question": "size"},
  "Tools": {"question": "tools"},
  "Is Student": {"question": "student"},
  "Email": {"question": "email"},
  "Channel": {"source": true, "values": {"trade show": "event"}},
  "Medium": {"context": "utm_medium"},
  "Won": {"outcome": ["won", "yes"]},
  "Notes": {"ignore": true}}})";

int option_code(const ripen::Model& model, const char* question, const char* value) {
    const auto& q = model.spec().questions[static_cast<std::size_t>(model.question_index(question))];
    for (std::size_t o = 0; o < q.options.size(); ++o)
        if (q.options[o].value == value) return static_cast<int>(o);
    return -1;
}

}  // namespace

TEST_CASE("values are normalised: case, blanks, punctuation and placeholders") {
    CHECK(ripen::normalise_value("Blue-Collar ") == "blue_collar");
    CHECK(ripen::normalise_value("admin.") == "admin");
    CHECK(ripen::normalise_value("  Self   Employed") == "self_employed");
    CHECK(ripen::normalise_value("SELECT") == "unknown");
    CHECK(ripen::normalise_value("Please select...") == "unknown");
    CHECK(ripen::normalise_value("N/A") == "unknown");
    CHECK(ripen::normalise_value("n.a.") == "unknown");
    CHECK(ripen::normalise_value("-") == "unknown");
    CHECK(ripen::normalise_value("?") == "unknown");
    CHECK(ripen::normalise_value("") == "unknown");
    CHECK(ripen::normalise_value("null") == "unknown");
    CHECK(ripen::normalise_value("Nonexistent") == "nonexistent");  // only whole placeholders
}

TEST_CASE("a mapping file: every error located, with its message") {
    auto model = test::tiny();
    struct Case {
        const char* json;
        const char* code;
        const char* path;
        const char* message;
    };
    const Case cases[] = {
        {R"({"format": 1, "columns": {"G": {"question": "nope"}}})", "ref.unknown_question", "$.columns.G.question", "unknown question \"nope\""},
        {R"({"format": 1, "columns": {"G": {"question": "goal", "values": {"x": "maybe"}}}})", "ref.unknown_option", "$.columns.G.values",
         "\"maybe\" is not an option of \"goal\""},
        {R"({"format": 1, "columns": {"G": {"question": "goal"}, "S": {"source": true, "values": {"fair": "expo"}}}})", "ref.unknown_option",
         "$.columns.S.values", "\"expo\" is not a segment"},
        {R"({"format": 1, "columns": {"G": {"question": "goal"}, "O": {}}})", "mapping.role", "$.columns.O",
         "a column needs exactly one of: question, source, outcome, context, ignore"},
        {R"({"format": 1, "columns": {"O": {"outcome": ["yes"]}}})", "mapping.empty", "$.columns", "no column is mapped to a question"},
        {R"({"format": 1, "columns": {"G": {"question": "goal"}, "O": {"outcome": []}}})", "schema.type", "$.columns.O.outcome",
         "\"outcome\" takes the values that mean converted, e.g. [\"yes\", \"won\"]"},
        {R"({"format": 2, "columns": {"G": {"question": "goal"}}})", "model.format", "$.format", "unsupported mapping format; this version of Ripen reads format 1"},
        {R"({"format": 1, "columns": {"G": {"question": "goal"}}, "extra": 1})", "schema.unknown_member", "$.extra",
         "unknown member \"extra\" (expected one of: format, columns, description)"},
        {R"([1, 2])", "schema.type", "$", "a mapping must be an object with \"columns\", got an array"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.json);
        auto parsed = ripen::parse_mapping(model, c.json);
        REQUIRE_FALSE(parsed.ok());
        bool found = false;
        for (const auto& issue : parsed.issues)
            if (issue.code == c.code && issue.path == c.path) {
                found = true;
                CHECK(issue.message == c.message);
                CHECK(issue.line > 0);
            }
        if (!found)
            for (const auto& issue : parsed.issues) MESSAGE(ripen::format_issue(issue));
        CHECK(found);
    }
    auto broken = ripen::parse_mapping(model, "{\"format\": 1,\n  \"columns\": {\"G\" 1}}");
    REQUIRE_FALSE(broken.ok());
    CHECK(broken.issues[0].code == "json.syntax");
    CHECK(broken.issues[0].line == 2);
    CHECK(broken.issues[0].column == 19);  // at the 1 where a colon belongs
}

TEST_CASE("a mapping written out reads back the same") {
    auto model = test::tiny();
    auto original = mapping(model, kCrmMapping);
    auto again = mapping(model, ripen::json::to_string(ripen::mapping_to_json(original), 2));
    REQUIRE(again.columns.size() == original.columns.size());
    for (std::size_t i = 0; i < original.columns.size(); ++i) {
        CAPTURE(original.columns[i].column);
        CHECK(again.columns[i].column == original.columns[i].column);
        CHECK(again.columns[i].role == original.columns[i].role);
        CHECK(again.columns[i].target == original.columns[i].target);
        CHECK(again.columns[i].values == original.columns[i].values);
        CHECK(again.columns[i].positive == original.columns[i].positive);
    }
}

TEST_CASE("an awkward CRM export imports: BOM, CRLF, quotes, embedded newlines, empty lines, placeholders") {
    auto model = test::tiny();
    auto map = mapping(model, kCrmMapping);
    const std::string csv =
        "\xEF\xBB\xBF"
        "Lead Goal,Company Size,Tools,Is Student,Email,Channel,Medium,Won,Notes\r\n"
        "Purchase ,\"1,234\",A;B,No,ann@acme.example,Web,,Won,\"said \"\"hi\"\", twice\"\r\n"
        "\r\n"
        "just browsing,12,,N/A,bob@gmail.com,Trade Show,event,lost,\"line one\r\nline two\"\r\n"
        "Select,Please select,a,no,,web,,,\r\n"
        "BUY,  7 ,c;a,yes,x@y.example,partner,,no,\r\n";
    auto imported = import(model, map, csv);
    REQUIRE(imported.ok);
    const auto& stats = imported.stats;
    CHECK(stats.rows == 4);
    CHECK(stats.imported == 4);
    CHECK(stats.bad_rows == 0);
    CHECK(stats.converted == 1);
    CHECK(stats.outcome_unknown == 1);
    const auto& t = imported.table;
    REQUIRE(t.size() == 4);
    const int goal = model.question_index("goal"), size = model.question_index("size"), tools = model.question_index("tools"),
              student = model.question_index("student");
    // Row 1: mapped value, thousands separator into the large band, both tools.
    CHECK(t.codes(goal)[0] == option_code(model, "goal", "buy"));
    CHECK(t.codes(size)[0] == 1);
    CHECK(t.selections(tools)[0] == 3);
    CHECK(t.codes(student)[0] == option_code(model, "student", "no"));
    CHECK(t.outcomes()[0] == 1);
    // Row 2: "N/A" is unanswered, the mapped source and the context reach the segment.
    CHECK(t.codes(goal)[1] == option_code(model, "goal", "look"));
    CHECK(t.codes(size)[1] == 0);
    CHECK(t.codes(student)[1] == LeadTable::kNone);
    CHECK(t.segment(1) == model.segment_index("event"));
    CHECK(t.outcomes()[1] == 0);
    // Row 3: placeholders leave answers open (declined, as the data is final).
    CHECK(t.codes(goal)[2] == LeadTable::kNone);
    CHECK(t.codes(size)[2] == LeadTable::kNone);
    CHECK(t.outcomes()[2] == -1);
    // Row 4: upper case matches the option; "c" and "partner" map to nothing and are listed.
    CHECK(t.codes(goal)[3] == option_code(model, "goal", "buy"));
    CHECK(t.codes(size)[3] == 0);
    CHECK(t.selections(tools)[3] == 1);
    REQUIRE(stats.unmapped.count("Tools"));
    CHECK(stats.unmapped.at("Tools").at("c") == 1);
    REQUIRE(stats.unmapped.count("Channel"));
    CHECK(stats.unmapped.at("Channel").at("partner") == 1);
}

TEST_CASE("the same export in one piece and in small chunks imports the same") {
    auto model = test::default_model();
    ripen::LeadGenerator generator(model, 7);
    std::string csv = generator.csv_header();
    ripen::SampleLead lead;
    for (int i = 0; i < 300; ++i) {
        generator.next(lead);
        generator.append_csv(lead, csv);
    }
    // Inferred from the start of the file, as `ripen report` without --map does.
    auto inferred_or = ripen::infer_mapping_from_csv(model, std::string_view(csv).substr(0, 2000), false);
    REQUIRE(inferred_or.has_value());
    const ripen::Mapping& inferred = *inferred_or;
    CHECK_FALSE(ripen::infer_mapping_from_csv(model, "", true).has_value());
    auto whole = import(model, inferred, csv, csv.size());
    auto pieces = import(model, inferred, csv, 3);
    REQUIRE(whole.ok);
    REQUIRE(pieces.ok);
    CHECK(whole.stats.imported == 300);
    CHECK(whole.stats.unmapped.empty());
    CHECK(whole.stats.bad_rows == 0);
    CHECK(pieces.stats.imported == 300);
    for (const char* id : {"goal", "timeframe", "role", "budget", "employees", "industry"})
        CHECK(whole.table.codes(model.question_index(id)) == pieces.table.codes(model.question_index(id)));
    CHECK(whole.table.selections(model.question_index("use_cases")) == pieces.table.selections(model.question_index("use_cases")));
    CHECK(whole.table.outcomes() == pieces.table.outcomes());
}

TEST_CASE("a spreadsheet's ';'-separated export with decimal commas imports as the ','-separated one does") {
    CHECK(ripen::detect_delimiter("age;job;balance\n58;admin.;1,5\n") == ';');
    CHECK(ripen::detect_delimiter("age,job\n") == ',');
    CHECK(ripen::detect_delimiter("\"a;b;c\",d,e\n") == ',');  // inside quotes it is text
    CHECK(ripen::detect_delimiter("a\tb\tc") == '\t');
    CHECK(ripen::detect_delimiter("a|b|c\r\nx,y,z,w,v\n") == '|');  // the first line decides
    CHECK(ripen::detect_delimiter("") == ',');
    CHECK(ripen::detect_delimiter("\xEF\xBB\xBFgoal;role") == ';');

    auto model = test::default_model();
    ripen::LeadGenerator generator(model, 8);
    std::string csv = generator.csv_header();
    ripen::SampleLead lead;
    for (int i = 0; i < 200; ++i) {
        generator.next(lead);
        generator.append_csv(lead, csv);
    }
    // The same file as a spreadsheet writes it with ';' (quoting the multiple choices, which
    // hold a ';').
    std::string semicolons;
    {
        ripen::CsvReader reader;
        reader.feed(csv);
        reader.finish();
        ripen::CsvRecord record;
        ripen::Issue error;
        while (reader.next(record, error) == ripen::CsvReader::Status::record) {
            for (std::size_t f = 0; f < record.fields.size(); ++f) {
                if (f) semicolons += ';';
                ripen::write_csv_field(record.fields[f], semicolons, ';');
            }
            semicolons += '\n';
        }
    }
    CHECK(semicolons.find("\"forecasting;") != std::string::npos);
    auto inferred = ripen::infer_mapping_from_csv(model, semicolons, true);
    REQUIRE(inferred.has_value());
    CHECK(inferred->find("role") != nullptr);
    CHECK(inferred->find("role")->role == ripen::ColumnMapping::Role::question);
    auto with_commas = import(model, *ripen::infer_mapping_from_csv(model, csv, true), csv, csv.size());
    auto with_semicolons = import(model, *inferred, semicolons, 7);
    REQUIRE(with_semicolons.ok);
    CHECK(with_semicolons.stats.imported == 200);
    CHECK(with_semicolons.stats.bad_rows == 0);
    CHECK(with_semicolons.table.outcomes() == with_commas.table.outcomes());
    for (const char* id : {"goal", "role", "employees", "country"})
        CHECK(with_semicolons.table.codes(model.question_index(id)) == with_commas.table.codes(model.question_index(id)));
}

TEST_CASE("an export saved as Windows-1252 is read as that, with a warning; UTF-8 and UTF-16 are not mistaken for it") {
    CHECK(ripen::looks_windows1252("role\nGesch\xE4" "ftsleitung\n"));
    CHECK_FALSE(ripen::looks_windows1252("role\nGesch\xC3\xA4" "ftsleitung\n"));  // UTF-8
    CHECK_FALSE(ripen::looks_windows1252("role\nGesch\xC3"));                     // UTF-8 cut by the piece's end
    CHECK_FALSE(ripen::looks_windows1252(std::string_view("\xFF\xFEr\0o\0", 6)));  // UTF-16: the reader refuses it
    CHECK_FALSE(ripen::looks_windows1252("plain ASCII"));
    std::string utf8;
    ripen::append_windows1252("\xE4\xD6\x80\x93\x81z", utf8);
    CHECK(utf8 == "\xC3\xA4\xC3\x96\xE2\x82\xAC\xE2\x80\x9C\xEF\xBF\xBDz");  // ä Ö € “ U+FFFD z

    auto model = test::default_model();
    const std::string csv = "role,industry,converted\n\"Gesch\xE4""ftsleitung (C-Level, VP)\",\xD6""ffentlicher Sektor,yes\nFachkraft,Produktion,no\n";
    auto mapping = ripen::infer_mapping_from_csv(model, csv, true);
    REQUIRE(mapping.has_value());
    for (std::size_t chunk : {csv.size(), std::size_t{5}}) {
        auto imported = import(model, *mapping, csv, chunk);
        REQUIRE(imported.ok);
        CHECK(imported.stats.imported == 2);
        CHECK(imported.stats.unmapped.empty());  // the German labels matched
        REQUIRE(imported.stats.warnings.size() == 1);
        CHECK(imported.stats.warnings[0].code == "csv.windows1252");
        CHECK(imported.stats.warnings[0].message == "the file is not UTF-8: read as Windows-1252 (save it as CSV UTF-8 to be sure)");
    }
}

TEST_CASE("bad rows are reported with their line and counted; the rest imports") {
    auto model = test::tiny();
    auto map = mapping(model, R"({"format": 1, "columns": {"goal": {"question": "goal"}, "won": {"outcome": ["yes"]}}})");
    const std::string csv =
        "goal,won\n"
        "buy,yes\n"
        "buy,yes,extra\n"
        "look\n"
        "\"look,no\n";
    auto imported = import(model, map, csv);
    CHECK(imported.stats.rows >= 3);
    CHECK(imported.stats.imported == 1);
    CHECK(imported.stats.bad_rows == imported.stats.rows - 1);
    REQUIRE(imported.stats.errors.size() >= 3);
    CHECK(ripen::format_issue(imported.stats.errors[0]) == "3:9: expected 2 fields as in the header, got 3 [csv.field_count]");
    CHECK(ripen::format_issue(imported.stats.errors[1]) == "4:1: expected 2 fields as in the header, got 1 [csv.field_count]");
    CHECK(imported.stats.errors[2].code == "csv.syntax");
    CHECK(imported.stats.errors[2].line == 5);
    CHECK(imported.stats.errors[2].message.find("quote") != std::string::npos);
}

TEST_CASE("a mapped column missing from the header, and an empty file, stop the import with a message") {
    auto model = test::tiny();
    auto map = mapping(model, R"({"format": 1, "columns": {"Goal": {"question": "goal"}, "won": {"outcome": ["yes"]}}})");
    auto missing = import(model, map, "goal,won\nbuy,yes\n");
    CHECK_FALSE(missing.ok);
    REQUIRE(missing.stats.errors.size() == 1);
    CHECK(ripen::format_issue(missing.stats.errors[0]) == "1:1: the mapping names column \"Goal\", which the header does not have [csv.missing_column]");
    auto empty = import(model, map, "");
    CHECK_FALSE(empty.ok);
    REQUIRE(empty.stats.errors.size() == 1);
    CHECK(empty.stats.errors[0].code == "csv.empty");
    CHECK(empty.stats.errors[0].message == "the input has no header row");
}

TEST_CASE("an inferred mapping finds questions by id or label, the source, the outcome and context") {
    auto model = test::tiny();
    std::vector<std::string> header = {"Goal", "SIZE", "Lead Source", "Converted", "utm_medium", "Favourite Colour"};
    std::vector<std::vector<std::string>> rows = {{"Buy", "12", "Web", "Yes", "event", "blue"},
                                                  {"purchase", "200", "Trade show", "No", "", "red"},
                                                  {"N/A", "", "web", "no", "", ""}};
    auto inferred = ripen::infer_mapping(model, header, rows);
    auto role = [&](const char* column) {
        const ColumnMapping* c = inferred.find(column);
        REQUIRE(c != nullptr);
        return c->role;
    };
    CHECK(role("Goal") == ColumnMapping::Role::question);
    CHECK(inferred.find("Goal")->target == "goal");
    CHECK(role("SIZE") == ColumnMapping::Role::question);
    CHECK(inferred.find("SIZE")->target == "size");
    CHECK(role("Lead Source") == ColumnMapping::Role::source);
    CHECK(role("Converted") == ColumnMapping::Role::outcome);
    CHECK(inferred.find("Converted")->positive == std::vector<std::string>{"yes"});
    CHECK(role("utm_medium") == ColumnMapping::Role::context);
    CHECK(role("Favourite Colour") == ColumnMapping::Role::ignore);
    // Values that match no option are listed for the user to fill in, not guessed.
    const auto& goal_values = inferred.find("Goal")->values;
    CHECK(std::find(goal_values.begin(), goal_values.end(), std::make_pair(std::string("purchase"), std::string())) != goal_values.end());
    // The inferred mapping is a valid mapping file.
    auto reread = ripen::parse_mapping(model, ripen::json::to_string(ripen::mapping_to_json(inferred), 2));
    CHECK(reread.ok());
}

TEST_CASE("an empty cell is unanswered even where an option's value looks like a placeholder") {
    auto model = test::default_model();
    auto map = mapping(model, R"({"format": 1, "columns": {"role": {"question": "role"}, "budget": {"question": "budget"}, "won": {"outcome": ["yes"]}}})");
    // budget is asked of anyone but students
    auto imported = import(model, map, "role,budget,won\nmanager,,yes\nmanager,None,no\nmanager,N/A,no\nmanager,planned,yes\n");
    REQUIRE(imported.ok);
    const auto& codes = imported.table.codes(model.question_index("budget"));
    CHECK(codes[0] == ripen::LeadTable::kNone);                       // empty: unanswered
    CHECK(codes[1] == option_code(model, "budget", "none"));          // the option, word for word
    CHECK(codes[2] == ripen::LeadTable::kNone);                       // a placeholder
    CHECK(codes[3] == option_code(model, "budget", "planned"));
}

TEST_CASE("a byte that is not UTF-8 normalises to U+FFFD, so a written mapping matches its cell again") {
    CHECK(ripen::normalise_value("Caf\xe9 Owner") == "caf\xEF\xBF\xBD_owner");
    CHECK(ripen::normalise_value("\xc3\xa9t\xc3\xa9") == "\xc3\xa9t\xc3\xa9");
    std::string written;
    ripen::json::write_string(ripen::normalise_value("Caf\xe9"), written);
    auto read = ripen::json::parse(written);
    REQUIRE(read.ok());
    CHECK(read.value->text == ripen::normalise_value("Caf\xe9"));
}

TEST_CASE("country names and aliases map to ISO codes; a mapping may name any code, as a cell may") {
    CHECK(ripen::detail::country_code_for_name(ripen::normalise_value("United States")) == "US");
    CHECK(ripen::detail::country_code_for_name(ripen::normalise_value("U.S.A.")) == "US");
    CHECK(ripen::detail::country_code_for_name(ripen::normalise_value("UK")) == "GB");
    CHECK(ripen::detail::country_code_for_name(ripen::normalise_value("Deutschland")) == "DE");
    CHECK(ripen::detail::country_code_for_name(ripen::normalise_value("India")) == "IN");
    CHECK(ripen::detail::country_code_for_name(ripen::normalise_value("Atlantis")).empty());
    CHECK(ripen::detail::country_name_count() > 300);

    // Options DE and "*": "US" is not an option, yet a mapping to it is a country like a US cell
    // (it used to fail with ref.unknown_option while the cell scored as "*").
    auto model = test::tiny();
    auto map = mapping(model, R"({"format": 1, "columns": {"Goal": {"question": "goal"},
        "Land": {"question": "country", "values": {"Yankee Land": "US", "Bavaria": "DE"}}, "Won": {"outcome": ["yes"]}}})");
    std::string csv = "Goal,Land,Won\nbuy,US,yes\nbuy,United States,no\nbuy,U.S.,no\nbuy,Yankee Land,no\nbuy,Germany,yes\nbuy,Bavaria,no\n"
                      "buy,Deutschland,no\nbuy,DE,no\nbuy,Atlantis,no\nbuy,N/A,no\n";
    ripen::ScoreOptions options;
    options.mapping = &map;
    options.complete = true;
    ripen::BatchScorer scorer(model, ripen::BatchScorer::Format::csv, options);
    std::string out;
    std::vector<ripen::Issue> errors;
    REQUIRE(scorer.feed(csv, out, errors));
    REQUIRE(scorer.finish(out, errors));
    std::vector<std::string> decisions;  // what follows "buy,<country>,<won>," on each row
    std::size_t at = out.find('\n') + 1;
    while (at < out.size()) {
        std::size_t end = out.find('\n', at);
        std::string row = out.substr(at, end - at);
        std::size_t third = row.find(',', row.find(',', row.find(',') + 1) + 1);
        decisions.push_back(row.substr(third + 1));
        at = end + 1;
    }
    REQUIRE(decisions.size() == 10);
    for (int i : {1, 2, 3}) CHECK(decisions[static_cast<std::size_t>(i)] == decisions[0]);  // all the US
    for (int i : {5, 6, 7}) CHECK(decisions[static_cast<std::size_t>(i)] == decisions[4]);  // all Germany
    CHECK(decisions[4] != decisions[0]);  // DE has its own point
    CHECK(scorer.stats().unmapped.at("Land").at("Atlantis") == 1);
    CHECK(scorer.stats().unmapped.at("Land").count("N/A") == 0);  // a placeholder is just unanswered

    auto bad = ripen::parse_mapping(model, R"({"format": 1, "columns": {"Goal": {"question": "goal"},
        "Land": {"question": "country", "values": {"x": "USA"}}}})");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.issues[0].message == "\"USA\" is not an ISO 3166-1 alpha-2 country code (such as \"US\") or an option of \"country\"");
}

TEST_CASE("a catch-all \"*\" takes the values a mapping does not list") {
    auto model = test::tiny();
    auto map = mapping(model, R"({"format": 1, "columns": {"Goal": {"question": "goal", "values": {"purchase": "buy", "*": "look"}},
        "Won": {"outcome": ["yes"]}}})");
    auto imported = import(model, map, "Goal,Won\npurchase,yes\nwhatever,no\nbuy,no\n\"\",no\n");
    REQUIRE(imported.ok);
    CHECK(imported.stats.unmapped.empty());
    ripen::Scoring scoring = ripen::Scoring::from(model);
    ripen::TableScorer scorer(model, scoring);
    ripen::TableResult result;
    scorer.score(imported.table, result, false);
    REQUIRE(imported.table.size() == 4);
    CHECK(result.total[0] == result.total[2]);  // purchase and buy
    CHECK(result.total[1] != result.total[0]);  // whatever -> look
}

TEST_CASE("column names match questions as people write them, each with a confidence") {
    using ripen::name_similarity;
    CHECK(name_similarity("PageViews", "page_views") >= 0.9);
    CHECK(name_similarity("Annual Revenue", "Annual revenue (USD)") >= 0.9);
    CHECK(name_similarity("Paid Advertisement", "paid_ad") >= 0.9);
    CHECK(name_similarity("Referred By Partners", "partner_referral") >= 0.9);
    CHECK(name_similarity("goal", "Goal") == 1.0);
    CHECK(name_similarity("Favourite Colour", "goal") == 0.0);
    CHECK(name_similarity("Company Name", "Company Size") < 0.66);

    // A question labelled "Lead origin" takes the column "Origin", which would otherwise be
    // guessed as the source (its values then looked unanswered and the question went unwarned).
    std::string text = test::tiny_model_json();
    std::string from = R"("label": "Why")";
    text.replace(text.find(from), from.size(), R"("label": "Lead origin")");
    auto model = test::load(text);
    auto origin = ripen::infer_mapping(model, {"Origin", "Goal"}, {{"fair", "buy"}});
    REQUIRE(origin.find("Origin") != nullptr);
    CHECK(origin.find("Origin")->role == ColumnMapping::Role::question);
    CHECK(origin.find("Origin")->target == "why");

    // Two questions that a column names equally are not guessed between: both are listed.
    std::string twins = test::tiny_model_json();
    std::string goal_label = R"("label": "Goal")";
    twins.replace(twins.find(goal_label), goal_label.size(), R"("label": "Project start date")");
    twins.replace(twins.find(from), from.size(), R"("label": "Project end date")");
    auto ambiguous = ripen::infer_mapping(test::load(twins), {"Project Date"}, {{"x"}});
    REQUIRE(ambiguous.find("Project Date") != nullptr);
    CHECK(ambiguous.find("Project Date")->role == ColumnMapping::Role::ignore);
    CHECK(ambiguous.find("Project Date")->candidates.size() == 2);

    // A weak match is taken with a confidence below 0.9, for the user to confirm.
    auto weak = ripen::infer_mapping(test::default_model(), {"Hear About"}, {{"Search engine"}});
    CHECK(weak.find("Hear About")->role == ColumnMapping::Role::question);
    CHECK(weak.find("Hear About")->target == "heard_from");
    CHECK(weak.find("Hear About")->confidence < 0.9);
    // Values close to one option's label are matched; others are listed, not guessed.
    auto values = ripen::infer_mapping(test::default_model(), {"Goal"}, {{"just exploring"}, {"Replace a tool"}, {"Lunch"}});
    const auto& v = values.find("Goal")->values;
    CHECK(std::find(v.begin(), v.end(), std::make_pair(std::string("just_exploring"), std::string("explore"))) != v.end());
    CHECK(std::find(v.begin(), v.end(), std::make_pair(std::string("replace_a_tool"), std::string("replace"))) != v.end());
    CHECK(std::find(v.begin(), v.end(), std::make_pair(std::string("lunch"), std::string())) != v.end());
}

TEST_SUITE_END();
