// Shared by the commands (see common.hpp).
#include "commands/common.hpp"

#include "cli/text.hpp"

namespace ripen::cli {

void print_issues(Session& s, const std::string& file, const std::vector<Issue>& issues) {
    for (const auto& issue : issues) s.err(located(file, issue) + "\n");
}

std::optional<Model> load_model_option(Session& s, const Args& args, int& exit_code) {
    const std::string* path = args.value("model");
    if (!path) {
        exit_code = s.usage("missing --model MODEL");
        return std::nullopt;
    }
    std::string text;
    if (!s.read_whole(*path, kMaxModelBytes, "a model file", text)) {
        exit_code = kExitUsage;
        return std::nullopt;
    }
    auto result = load_model(text);
    if (!result.ok()) {
        s.err(invalid_model(s.command(), *path, result.issues));
        exit_code = kExitInvalid;
        return std::nullopt;
    }
    return std::move(*result.value);
}

bool read_json_option(Session& s, const std::string& option, const std::string& value, std::string& text, std::string& place) {
    if (!value.empty() && value[0] == '@') {
        place = value.substr(1);
        return s.read_whole(place, kMaxJsonArgumentBytes, "--" + option, text);
    }
    text = value;
    place = "--" + option;
    return true;
}

std::optional<Mapping> infer_from_file(Session& s, const Model& model, const std::string& path, int& exit_code) {
    std::string error;
    auto input = s.io().open(path, error);
    if (!input) {
        s.say("cannot read \"" + safe(path) + "\": " + error);
        exit_code = kExitUsage;
        return std::nullopt;
    }
    std::string head;
    const std::size_t limit = std::size_t{1} << 20;
    head.resize(limit);
    std::size_t filled = 0;
    while (filled < limit) {
        std::int64_t n = input->read(&head[filled], limit - filled, error);
        if (n < 0) {
            s.say("cannot read \"" + safe(path) + "\": " + error);
            exit_code = kExitUsage;
            return std::nullopt;
        }
        if (n == 0) break;
        filled += static_cast<std::size_t>(n);
    }
    head.resize(filled);
    auto mapping = infer_mapping_from_csv(model, head, filled < limit);
    if (!mapping) {
        s.say("\"" + safe(path) + "\" has no header row");
        exit_code = kExitUsage;
    }
    return mapping;
}

int check_mapping_coverage(Session& s, const Model& model, const Mapping& mapping, bool inferred, const std::string& data) {
    const auto& questions = model.spec().questions;
    std::vector<bool> covered(questions.size(), false);
    bool any = false;
    for (const auto& c : mapping.columns)
        if (c.role == ColumnMapping::Role::question)
            if (int q = model.question_index(c.target); q >= 0) covered[static_cast<std::size_t>(q)] = any = true;
    std::string missing;
    std::size_t count = 0;
    for (std::size_t q = 0; q < questions.size(); ++q)
        if (!covered[q]) missing += std::string(count++ ? ", " : "") + "\"" + questions[q].id + "\"";
    if (!any) {
        std::string columns;
        std::size_t shown = 0;
        for (const auto& c : mapping.columns)
            if (shown++ < 10) columns += std::string(shown > 1 ? ", " : "") + "\"" + safe(c.column, 40) + "\"";
        if (mapping.columns.size() > 10) columns += ", ... (" + std::to_string(mapping.columns.size()) + " columns)";
        s.say("no column of \"" + safe(data) + "\" " + (inferred ? "matches" : "is mapped to") + " a question of the model" +
              (columns.empty() ? std::string() : " (its columns: " + columns + ")") + "; the questions without a column: " + missing);
        if (s.command() == "map")
            s.say("the mapping written lists every column as ignored: name each column's question in it, then pass it with --map");
        else
            s.say("write a mapping with ripen map --model MODEL --data " + safe(data) +
                  " > mapping.json (it lists every column), name each column's question in it, then pass --map mapping.json");
        return kExitInvalid;
    }
    if (count)
        s.say("warning: no column for question" + std::string(count == 1 ? " " : "s ") + missing + ": every lead counts as not answering " +
              (count == 1 ? "it" : "them") + (inferred ? "; ripen map writes a mapping to edit" : ""));
    return -1;
}

int load_history(Session& s, const Args& args, const Model& model, History& history) {
    const std::string* data = args.value("data");
    if (!data) return s.usage("missing --data CSV");
    if (const std::string* map = args.value("map")) {
        std::string text;
        if (!s.read_whole(*map, kMaxMappingBytes, "a mapping file", text)) return kExitUsage;
        auto parsed = parse_mapping(model, text);
        if (!parsed.ok()) {
            s.say("the mapping \"" + safe(*map) + "\" is invalid:");
            print_issues(s, *map, parsed.issues);
            return kExitInvalid;
        }
        history.mapping = std::move(*parsed.value);
    } else {
        int code = kExitOk;
        auto inferred = infer_from_file(s, model, *data, code);
        if (!inferred) return code;
        history.mapping = std::move(*inferred);
        history.inferred = true;
    }
    if (int code = check_mapping_coverage(s, model, history.mapping, history.inferred, *data); code >= 0) return code;
    std::string error;
    auto input = s.io().open(*data, error);
    if (!input) return s.fail("cannot read \"" + safe(*data) + "\": " + error, kExitUsage);
    history.table.emplace(model);
    Importer importer(model, history.mapping, *history.table);
    std::string buffer(std::size_t{1} << 20, '\0');
    std::uint64_t bytes = 0;
    bool ok = true;
    for (;;) {
        std::int64_t n = input->read(&buffer[0], buffer.size(), error);
        if (n < 0) {
            s.io().progress_done();
            return s.fail("cannot read \"" + safe(*data) + "\": " + error, kExitUsage);
        }
        if (n == 0) break;
        bytes += static_cast<std::uint64_t>(n);
        ok = importer.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
        s.io().progress("imported", importer.stats().rows, bytes);
        if (!ok) break;
    }
    if (ok) ok = importer.finish();
    s.io().progress_done();
    history.stats = importer.stats();
    for (const auto& w : history.stats.warnings) s.err(row_error(*data, w));
    for (const auto& e : history.stats.errors) s.err(row_error(*data, e));
    if (history.stats.bad_rows > history.stats.errors.size())
        s.say(counted(history.stats.bad_rows - history.stats.errors.size(), "more bad row") + " not shown");
    if (!ok) return s.fail("cannot import \"" + safe(*data) + "\"", kExitUsage);
    if (history.stats.imported == 0 || history.stats.imported == history.stats.outcome_unknown)
        return s.fail("no lead in \"" + safe(*data) + "\" has an outcome; map the outcome column (ripen map shows the mapping)",
                      kExitInvalid);
    return kExitOk;
}

int apply_split(Session& s, const Args& args, History& history, const char* default_part) {
    const std::string* path = args.value("split-in");
    if (!path) {
        if (args.has("part")) return s.usage("--part goes with --split-in FILE");
        return kExitOk;
    }
    const std::string part = args.value_or("part", default_part);
    if (part != "train" && part != "holdout") return s.usage("--part must be train or holdout");
    std::string text;
    if (!s.read_whole(*path, kMaxMappingBytes * 8, "a split file", text)) return kExitUsage;
    // One line per imported lead after the header "split": train, holdout or left_out (fit --split-out).
    std::size_t at = 0, line = 0, lead = 0;
    std::vector<std::uint8_t> keep;
    while (at < text.size()) {
        std::size_t end = text.find('\n', at);
        std::string word = text.substr(at, end == std::string::npos ? std::string::npos : end - at);
        if (!word.empty() && word.back() == '\r') word.pop_back();
        at = end == std::string::npos ? text.size() : end + 1;
        ++line;
        if (line == 1) {
            if (word != "split") return s.fail("\"" + safe(*path) + "\":1: expected the header \"split\" (a file from ripen fit --split-out)", kExitUsage);
            continue;
        }
        if (word != "train" && word != "holdout" && word != "left_out")
            return s.fail("\"" + safe(*path) + "\":" + std::to_string(line) + ": expected train, holdout or left_out, got \"" + safe(word, 40) + "\"", kExitUsage);
        keep.push_back(word == part);
        ++lead;
    }
    if (lead != history.table->size())
        return s.fail("\"" + safe(*path) + "\" has " + std::to_string(lead) + " leads, the data " + std::to_string(history.table->size()) +
                          ": it was written for other data or another mapping",
                      kExitUsage);
    std::uint64_t kept = 0;
    for (std::size_t i = 0; i < keep.size(); ++i) {
        if (!keep[i]) history.table->forget_outcome(i);
        else kept += history.table->outcomes()[i] >= 0;
    }
    s.say("using the " + part + " leads of \"" + safe(*path) + "\": " + std::to_string(kept) + " with an outcome");
    if (kept == 0) return s.fail("no " + part + " lead has an outcome", kExitInvalid);
    return kExitOk;
}

std::string unmapped_summary(const std::map<std::string, std::map<std::string, std::uint64_t>>& unmapped) {
    std::string out;
    for (const auto& [column, values] : unmapped) {
        std::uint64_t total = 0;
        for (const auto& [v, count] : values) total += count;
        out += "Unmapped in " + safe(column, 80) + ": " + counted(total, "value") + ", left unanswered:";
        int shown = 0;
        for (const auto& [v, count] : values) {
            if (++shown > 8) {
                out += " ...";
                break;
            }
            out += " \"" + safe(v, 60) + "\" x" + std::to_string(count);
        }
        out += "\n";
    }
    return out;
}

std::string mapping_table(const Model& model, const Mapping& mapping) {
    (void)model;
    std::string out = "column                         maps to                                  match\n";
    for (const auto& c : mapping.columns) {
        std::string to;
        switch (c.role) {
            case ColumnMapping::Role::question: to = "question " + c.target; break;
            case ColumnMapping::Role::source: to = "source (the segment)"; break;
            case ColumnMapping::Role::outcome: {
                to = "outcome, converted when:";
                for (const auto& v : c.positive) to += " " + safe(v, 30);
                break;
            }
            case ColumnMapping::Role::context: to = "context " + c.target; break;
            case ColumnMapping::Role::ignore: to = "ignored"; break;
        }
        if (!c.values.empty()) to += " (" + std::to_string(c.values.size()) + (c.values.size() == 1 ? " value" : " values") + " renamed)";
        std::string match;
        if (c.role == ColumnMapping::Role::question || c.role == ColumnMapping::Role::context)
            match = printf_string("%3.0f %%%s", 100 * c.confidence, c.confidence < 0.9 ? "  please confirm" : "");
        if (c.role == ColumnMapping::Role::ignore && !c.candidates.empty()) {
            match = "resembles";
            for (std::size_t i = 0; i < c.candidates.size(); ++i) match += (i ? " or " : " ") + c.candidates[i];
            match += ": map it by hand if it is";
        }
        out += printf_string("%-30s %-40s %s", safe(c.column, 30).c_str(), to.c_str(), match.c_str());
        while (!out.empty() && out.back() == ' ') out.pop_back();
        out += "\n";
    }
    return out;
}

std::string import_summary(const std::string& path, const History& h) {
    const auto& s = h.stats;
    std::string out = "Data " + safe(path) + ": " + counted(s.rows, "row") + ", " + std::to_string(s.imported) + " imported, " +
                      std::to_string(s.bad_rows) + " bad; " + std::to_string(s.converted) + " converted";
    if (s.outcome_unknown) out += ", " + std::to_string(s.outcome_unknown) + " without an outcome (left out of the metrics)";
    out += "\nMapping: " + std::string(h.inferred ? "inferred from the data (save and edit it with: ripen map --model ... --data ...)" : "as given") + "\n";
    if (h.inferred) {
        // Never taken silently: the matches to confirm and the columns left out for resembling
        // several questions.
        for (const auto& c : h.mapping.columns) {
            if (c.role == ColumnMapping::Role::question && c.confidence < 0.9)
                out += printf_string("  to confirm: column \"%s\" taken as question %s (%.0f %% match)\n", safe(c.column, 60).c_str(), c.target.c_str(),
                                     100 * c.confidence);
            if (c.role == ColumnMapping::Role::ignore && !c.candidates.empty()) {
                std::string which;
                for (std::size_t i = 0; i < c.candidates.size(); ++i) which += (i ? " or " : "") + c.candidates[i];
                out += "  left out: column \"" + safe(c.column, 60) + "\" resembles " + which + "; map it with ripen map if it is one\n";
            }
        }
    }
    return out + unmapped_summary(s.unmapped);
}

json::Value import_json(const History& h) {
    using json::Value;
    Value v = Value::make_object();
    v.set("rows", Value::make_int(static_cast<std::int64_t>(h.stats.rows)));
    v.set("imported", Value::make_int(static_cast<std::int64_t>(h.stats.imported)));
    v.set("bad_rows", Value::make_int(static_cast<std::int64_t>(h.stats.bad_rows)));
    v.set("converted", Value::make_int(static_cast<std::int64_t>(h.stats.converted)));
    v.set("outcome_unknown", Value::make_int(static_cast<std::int64_t>(h.stats.outcome_unknown)));
    v.set("mapping_inferred", Value::make_bool(h.inferred));
    Value unmapped = Value::make_object();
    for (const auto& [column, values] : h.stats.unmapped) {
        Value list = Value::make_object();
        for (const auto& [value, count] : values) list.set(value, Value::make_int(static_cast<std::int64_t>(count)));
        unmapped.set(column, std::move(list));
    }
    v.set("unmapped", std::move(unmapped));
    return v;
}

std::string pct(double share) { return printf_string("%.1f %%", 100.0 * share); }

std::string fixed(double value, int digits) { return printf_string("%.*f", digits, value); }

std::string percent(std::uint64_t part, std::uint64_t whole) {
    return printf_string("%llu (%.1f%%)", static_cast<unsigned long long>(part),
                         whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
}

namespace {
constexpr const char* kCountsFormat = "%-12s %8s  %9s %-8s %9s %-15s %8s %8s %6s %13s";
}

std::string counts_row(const std::string& name, const RouteCounts& c) {
    // Undefined shares are a dash, not 0.0 %: no hand-offs have no precision.
    const std::string dash = "\u2013";
    auto share = [&](std::uint64_t part, std::uint64_t whole) { return whole ? pct(static_cast<double>(part) / static_cast<double>(whole)) : dash; };
    std::string interval = dash;
    if (c.handoff) {
        Interval w = wilson_interval(c.handoff_converted, c.handoff);
        interval = printf_string("%.1f-%.1f %%", 100 * w.lo, 100 * w.hi);
    }
    std::string lift = c.handoff && c.converted ? fixed(c.lift(), 2) : dash;
    std::string line = printf_string(kCountsFormat, safe(name, 12).c_str(), thousands(c.leads).c_str(),
                                     thousands(c.handoff).c_str(), ("(" + pct(c.handoff_share()) + ")").c_str(),
                                     share(c.handoff_converted, c.handoff).c_str(), interval.c_str(),
                                     share(c.handoff_converted, c.converted).c_str(), share(c.nurture_converted, c.converted).c_str(),
                                     lift.c_str(), thousands(c.disqualify).c_str());
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line + "\n";
}

const std::string kCountsHeader = printf_string(kCountsFormat, "", "leads", "hand-offs", "", "precision", "95 % interval", "recall",
                                               "leakage", "lift", "disqualified") + "\n";

}  // namespace ripen::cli
