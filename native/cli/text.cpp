// Texts of the ripen command line (see text.hpp).
#include "cli/text.hpp"

#include <cstdarg>
#include <cstdio>

#include "cli/session.hpp"
#include "ripen/model.hpp"

namespace ripen::cli {

namespace {

constexpr const char* kUsage =
    "Usage: ripen <command> [options]\n"
    "\n"
    "Score sales leads against a lead-definition model, explain decisions, test models.\n"
    "\n"
    "Commands:\n"
    "  validate   check a model file and print every problem\n"
    "  score      score a CSV or NDJSON file of leads, row by row\n"
    "  explain    explain the decision for one lead\n"
    "  decide     decide requests from NDJSON lines, one decision (JSON) per line\n"
    "  sample     write synthetic historical leads for a model as CSV\n"
    "  summary    score leads and summarise the routes per segment\n"
    "  report     how the model performs on historical leads with outcomes\n"
    "  tune       suggest a hand-off threshold for a precision target or a capacity\n"
    "  fit        fit the points from outcomes and write the updated model\n"
    "  map        infer a mapping from a CRM export's columns to the model\n"
    "  publish    write the visitor-facing model the form loads (no internal sales data)\n"
    "\n"
    "Options:\n"
    "  --help     show help (also after a command: ripen score --help)\n"
    "  --version  show the version\n";

constexpr const char* kValidateHelp =
    "Usage: ripen validate MODEL\n"
    "\n"
    "Checks a model file and prints OK, or every problem as\n"
    "  FILE:LINE:COLUMN: JSON-PATH: message [code]\n"
    "Warnings are printed too but do not make the model invalid.\n"
    "Exit status: 0 valid, 1 invalid, 2 unreadable file or bad arguments.\n";

constexpr const char* kScoreHelp =
    "Usage: ripen score --model MODEL [options] [FILE|-]\n"
    "\n"
    "Scores every lead in FILE (or standard input) and writes the rows to standard output with\n"
    "route,total,max,score,lo,hi,segment and points_<criterion> columns appended.\n"
    "\n"
    "CSV input: a header of question ids, plus optional 'source' (a segment id) and context\n"
    "columns (utm_source, referrer, ...). Several choices go in one cell joined by ';'. An empty\n"
    "cell is an unanswered question. A CRM export with its own column names and values is read\n"
    "through a mapping (--map; ripen map writes one), as report and tune read it. A header that\n"
    "names no question is refused; questions without a column are named in a warning.\n"
    "NDJSON input: one object per line with the same keys; null declines a question.\n"
    "\n"
    "Options:\n"
    "  --model MODEL         the lead-definition model (required)\n"
    "  --format csv|ndjson   input and output format (default: csv)\n"
    "  --map MAP             read CSV columns and values through a mapping file\n"
    "  --complete            treat unanswered questions as declined: every lead gets a route\n"
    "  --keep-going          exit 0 even when some rows could not be scored\n"
    "  --max-errors N        print at most N row errors (default 100, 0 = all); all are counted\n"
    "  --threads N           score on N threads (default: the number of cores, at most 4)\n"
    "\n"
    "Rows that cannot be scored are reported on standard error as FILE:LINE:COLUMN: message\n"
    "and left out of the output; scoring goes on. Exit status: 0 all rows scored, 1 some rows\n"
    "failed (unless --keep-going), 2 bad arguments or an unusable file.\n";

constexpr const char* kExplainHelp =
    "Usage: ripen explain --model MODEL --answers JSON|@FILE [options]\n"
    "\n"
    "Prints the decision for one lead: the route, the breakdown per criterion, the rules, the\n"
    "interval the total can still reach, what would change the route, and the follow-up plan.\n"
    "\n"
    "Options:\n"
    "  --model MODEL           the lead-definition model (required)\n"
    "  --answers JSON|@FILE    answers keyed by question id; null declines a question (required)\n"
    "  --context JSON|@FILE    context: source, utm_*, referrer, now, complete, ...\n"
    "  --lang LANGUAGE         language for labels (default: the model's first language)\n"
    "  --format text|json      readable text (default) or the decision as JSON\n";

constexpr const char* kDecideHelp =
    "Usage: ripen decide --model MODEL [--lang LANGUAGE] [--keep-going] [FILE|-]\n"
    "\n"
    "Reads one request per line, {\"answers\": {...}, \"context\": {...}}, and writes the full\n"
    "decision for each as one line of JSON: route, totals, interval, breakdown, rules, segment,\n"
    "hand-off plan or nurture track, flip and next questions. Use it to re-check submissions\n"
    "from the browser form on a server.\n"
    "\n"
    "Options:\n"
    "  --model MODEL      the lead-definition model (required)\n"
    "  --lang LANGUAGE    language of content titles (default: the model's first language)\n"
    "  --keep-going       exit 0 even when some lines could not be decided\n"
    "\n"
    "Lines that cannot be decided are reported on standard error as FILE:LINE:COLUMN: path: message.\n";

constexpr const char* kSampleHelp =
    "Usage: ripen sample --model MODEL --count N [--seed S]\n"
    "\n"
    "Writes N synthetic historical leads for MODEL as CSV to standard output: one column per\n"
    "question, then source, the context keys the model uses, and converted (yes/no). The same\n"
    "seed gives the same leads on every machine and build.\n"
    "\n"
    "Options:\n"
    "  --model MODEL  the lead-definition model (required)\n"
    "  --count N      number of leads (required, up to 100000000)\n"
    "  --seed S       random seed (default: 1)\n";

constexpr const char* kSummaryHelp =
    "Usage: ripen summary --model MODEL [--map MAP] [--complete] [FILE|-]\n"
    "\n"
    "Scores a CSV of leads and prints, per segment, how many leads are handed off, nurtured,\n"
    "disqualified or still undecided, the average score, and the SLA the segment promises.\n"
    "\n"
    "Options:\n"
    "  --model MODEL  the lead-definition model (required)\n"
    "  --map MAP      read CSV columns and values through a mapping file (ripen map writes one)\n"
    "  --complete     treat unanswered questions as declined: every lead gets a route\n";

constexpr const char* kDataOptions =
    "  --model MODEL         the lead-definition model (required)\n"
    "  --data CSV            historical leads with their outcome, e.g. a CRM export (required)\n"
    "  --map MAP             a mapping file from columns to questions, source and outcome;\n"
    "                        without it the mapping is inferred (see ripen map)\n"
    "  --format text|json    readable text (default) or JSON\n";

constexpr const char* kSplitOptions =
    "  --split-in FILE       only one part of a fit's train / holdout split (fit --split-out)\n"
    "  --part train|holdout  which part (report: holdout, tune: train)\n";

constexpr const char* kReportHelp =
    "Usage: ripen report --model MODEL --data CSV [--map MAP] [--format text|json]\n"
    "\n"
    "Scores historical leads and reports how the lead definition performs against their\n"
    "outcomes: hand-off volume and share, precision (the share of hand-offs that converted:\n"
    "the expected acceptance rate), recall, leakage (converted leads left in nurture), lift and\n"
    "AUC, overall and per segment; the same at every threshold; gain and ROC curves (JSON);\n"
    "and the conversion rate per total (calibration). Rows that cannot be imported are\n"
    "reported with their line; values that map to nothing are counted and listed.\n"
    "\n"
    "Options:\n";

constexpr const char* kTuneHelp =
    "Usage: ripen tune --model MODEL --data CSV [--map MAP] (--target-precision P | --capacity N)\n"
    "                  [--days D --period-days D] [--out NEWMODEL] [--format text|json]\n"
    "\n"
    "Suggests a hand-off threshold from historical leads: the lowest threshold whose hand-offs\n"
    "convert at P or more (0.35 or 35%), or the lowest whose hand-offs fit a sales capacity of N\n"
    "per period (--days: how many days the data covers, --period-days: the period of N, default\n"
    "30; without --days N counts for the whole file). Prints the metrics at that threshold;\n"
    "--out writes the model with it.\n"
    "\n"
    "Options:\n";

constexpr const char* kFitHelp =
    "Usage: ripen fit --model MODEL --data CSV [--map MAP] --out NEWMODEL\n"
    "                 [--seed S] [--holdout H] [--l2 L] [--format text|json]\n"
    "\n"
    "Fits the points of every option, band and signal from the outcomes by regularised\n"
    "logistic regression, rounds them to integer points on the model's criteria, and writes\n"
    "the updated model with a readable diff of the points. A seeded share of the leads\n"
    "(--holdout, default 0.2) is held out; the AUC is reported on both parts, for the model\n"
    "before, the fitted points, and the unconstrained regression.\n"
    "\n"
    "Options:\n";

constexpr const char* kFitExtra =
    "  --out NEWMODEL        where to write the fitted model (required)\n"
    "  --seed S              the train / holdout split (default 1)\n"
    "  --holdout H           share of leads held out, 0 to 0.9 (default 0.2)\n"
    "  --l2 L                ridge penalty of the regression (default 1)\n"
    "  --min-support N       answers seen on fewer training leads get at most 1 point (default 30)\n"
    "  --keep-criteria       keep each question's points on the criteria the model gives it\n"
    "  --date YYYY-MM-DD     the date written into the model's provenance (default today)\n"
    "  --split-out FILE      write where each imported lead went (train, holdout, left_out),\n"
    "                        one line per lead, to check the fit with another tool\n";

constexpr const char* kMapHelp =
    "Usage: ripen map --model MODEL --data CSV\n"
    "\n"
    "Infers a mapping from the CSV's header and first rows to the model (question columns by id\n"
    "or label, values to options by value or label, the source, the outcome and context\n"
    "columns) and prints it as JSON, to save, edit and pass to --map.\n";

constexpr const char* kPublishHelp =
    "Usage: ripen publish MODEL [--out FILE] [--salt SALT]\n"
    "\n"
    "Writes the model for visitors' browsers: the form's model file is public. Removes hand-off\n"
    "cadences, internal labels, rejection reasons, the description and the provenance; renames\n"
    "signals and rules to neutral ids; replaces e-mail and URL domain lists (competitors, ...)\n"
    "with salted SHA-256 digests the core matches the same way. Decisions stay the same. Keep\n"
    "the full model on the server, which re-decides every submission with it.\n"
    "\n"
    "Options:\n"
    "  --out FILE   write the model, as compact JSON, to FILE (default: standard output)\n"
    "  --salt SALT  the digests' salt (default: derived from the model, so builds repeat)\n";

}  // namespace

std::string_view help(std::string_view command) {
    if (command == "validate") return kValidateHelp;
    if (command == "score") return kScoreHelp;
    if (command == "explain") return kExplainHelp;
    if (command == "decide") return kDecideHelp;
    if (command == "sample") return kSampleHelp;
    if (command == "summary") return kSummaryHelp;
    if (command == "map") return kMapHelp;
    if (command == "publish") return kPublishHelp;
    return kUsage;
}

std::string data_help(std::string_view command) {
    if (command == "report") return std::string(kReportHelp) + kDataOptions + kSplitOptions;
    if (command == "tune")
        return std::string(kTuneHelp) + kDataOptions +
               "  --target-precision P  the precision the hand-offs must reach\n"
               "  --capacity N          hand-offs sales can take per period\n"
               "  --days D              days the data covers (to scale the capacity)\n"
               "  --period-days D       the capacity's period in days (default 30)\n"
               "  --segment ID          suggest that segment's own threshold (its handoff_at)\n"
               "  --out NEWMODEL        write the model with the suggested threshold\n" + kSplitOptions;
    if (command == "fit") return std::string(kFitHelp) + kDataOptions + kFitExtra;
    return {};
}

std::string counted(std::uint64_t n, std::string_view noun) {
    auto ends = [&](std::string_view tail) { return noun.size() >= tail.size() && noun.substr(noun.size() - tail.size()) == tail; };
    const char* plural = ends("ch") || ends("sh") || ends("s") || ends("x") ? "es" : "s";
    return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : plural);
}

std::string usage_error(std::string_view command, std::string_view message) {
    std::string c(command);
    return "ripen " + c + ": " + std::string(message) + "\nTry 'ripen " + c + " --help'.\n";
}

std::string located(std::string_view file, const Issue& issue) {
    return safe(file) + ":" + (issue.line ? "" : " ") + format_issue(issue);
}

std::string row_error(std::string_view file, const Issue& error) {
    return safe(file) + ":" + format_issue(error) + "\n";
}

std::string printf_string(const char* format, ...) {
    char small[256];
    va_list args;
    va_start(args, format);
    va_list again;
    va_copy(again, args);
    int n = std::vsnprintf(small, sizeof small, format, args);
    va_end(args);
    std::string out;
    if (n < 0) {
        va_end(again);
        return out;
    }
    if (static_cast<std::size_t>(n) < sizeof small) {
        out.assign(small, static_cast<std::size_t>(n));
    } else {
        out.resize(static_cast<std::size_t>(n) + 1);
        std::vsnprintf(&out[0], out.size(), format, again);
        out.resize(static_cast<std::size_t>(n));
    }
    va_end(again);
    return out;
}

std::string invalid_model(std::string_view command, std::string_view path, const std::vector<Issue>& issues) {
    std::string out = "ripen " + std::string(command) + ": the model \"" + safe(path) + "\" is invalid:\n";
    for (const auto& issue : issues) out += located(path, issue) + "\n";
    return out;
}

std::string validate_report(std::string_view path, std::string_view text, int& exit_code) {
    auto result = load_model(text);
    std::string out;
    for (const auto& issue : result.issues) out += located(path, issue) + "\n";
    if (!result.ok()) {
        std::size_t errors = 0;
        for (const auto& i : result.issues) errors += i.severity == Severity::error;
        out += std::to_string(errors) + (errors == 1 ? " error\n" : " errors\n");
        exit_code = 1;
        return out;
    }
    exit_code = 0;
    return out + "OK\n";
}

std::string score_footer(std::string_view command, std::uint64_t reported, std::uint64_t printed, std::uint64_t failed,
                         std::uint64_t rows) {
    std::string c(command), out;
    if (reported > printed) out += "ripen " + c + ": " + std::to_string(reported - printed) + " more row errors not shown (--max-errors)\n";
    if (failed > 0) out += "ripen " + c + ": " + std::to_string(failed) + " of " + counted(rows, "row") + " could not be scored\n";
    return out;
}

}  // namespace ripen::cli
