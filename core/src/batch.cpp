// Streaming batch scoring (see ripen/batch.hpp). Per row it reuses one set of answers, one
// evaluator and one output buffer, so the steady state allocates nothing.
#include "ripen/batch.hpp"
#include "model_data.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "answers_internal.hpp"
#include "evaluator.hpp"
#include "row_mapper.hpp"
#include "ripen/csv.hpp"
#include "text_match.hpp"

namespace ripen {

namespace {

// Writes v in decimal at p (at most 11 bytes) and returns the end.
char* write_int(char* p, int v) {
    unsigned u = static_cast<unsigned>(v);
    if (v < 0) {
        *p++ = '-';
        u = 0u - u;
    }
    if (u < 10) {  // points and small totals: the common case
        *p++ = static_cast<char>('0' + u);
        return p;
    }
    char digits[10];
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + u % 10);
        u /= 10;
    } while (u);
    while (n) *p++ = digits[--n];
    return p;
}

std::string segment_list(const Model& model) {
    std::string out;
    for (const auto& s : model.spec().segments) {
        if (!out.empty()) out += ", ";
        out += s.id;
    }
    return out;
}

}  // namespace

std::vector<std::string> output_columns(const Model& model) {
    std::vector<std::string> columns = {"route", "total", "max", "score", "lo", "hi", "segment"};
    for (const auto& c : model.spec().criteria) columns.push_back("points_" + c.id);
    return columns;
}

struct BatchScorer::Impl {
    Impl(const Model& m, Format f, ScoreOptions o)
        : model(m), format(f), options(o), evaluator(m), answers(empty_answers(m)),
          context(detail::compiled(m).context_keys.size()), columns(output_columns(m)) {
        stats.segments.resize(m.spec().segments.size());
        input.answers = answers.values.data();
        input.context = context.data();
        input.complete = options.complete;
    }

    const Model& model;
    Format format;
    ScoreOptions options;
    detail::Evaluator evaluator;
    Answers answers;
    std::vector<detail::ContextSlot> context;
    detail::LeadInput input;
    std::vector<std::string> columns;
    ScoreStats stats;
    bool fatal = false;

    // CSV
    CsvReader reader;
    char delimiter = 0;  // chosen from the first piece's first line (0: not yet)
    bool windows1252 = false;  // the start was not UTF-8: every piece is converted
    std::string converted;
    std::string head;          // pieces held back until the separator and encoding are chosen
    bool header_read = false;
    enum class ColumnRole : std::uint8_t { ignored, single, question, context, source };
    struct Column {
        ColumnRole role = ColumnRole::ignored;
        int index = -1;
    };
    std::vector<Column> layout;
    std::size_t expected_fields = 0;
    std::vector<int> question_columns;  // questions that have a column
    // With a mapping: the header's names (a fork binds its own mapper to them) and the mapper.
    std::vector<std::string> header_names;
    std::unique_ptr<detail::RowMapper> mapper;
    Context mapped_context;

    // NDJSON
    std::string pending;
    std::size_t pending_scanned = 0;
    std::uint64_t ndjson_line = 0;

    void error(std::vector<Issue>& errors, std::uint64_t line, std::uint32_t column, std::string code, std::string message) {
        Issue issue;
        issue.code = std::move(code);
        issue.message = std::move(message);
        issue.line = line;
        issue.column = column;
        errors.push_back(std::move(issue));
    }

    void record_result(int score) {
        ++stats.scored;
        SegmentStats& s = stats.segments[static_cast<std::size_t>(evaluator.segment)];
        ++s.leads;
        ++s.by_route[static_cast<int>(evaluator.route)];
        s.score_sum += static_cast<std::uint64_t>(score);
    }

    int normalised() const {
        int max = model.max_total();
        return max > 0 ? (200 * evaluator.total + max) / (2 * max) : 0;
    }

    bool read_header(const CsvRecord& rec, std::string& out, std::vector<Issue>& errors) {
        header_read = true;
        expected_fields = rec.fields.size();
        layout.assign(rec.fields.size(), Column{});
        // Hashed, so a header of 400,000 columns takes as long to check as their bytes to read.
        std::unordered_set<std::string_view> seen;
        seen.reserve(rec.fields.size());
        const auto& keys = detail::compiled(model).context_keys;
        for (std::size_t i = 0; i < rec.fields.size(); ++i) {
            std::string_view name = detail::trim(rec.fields[i]);
            if (!seen.insert(name).second) {
                error(errors, rec.line_of(i), rec.column_of(i), "csv.duplicate_column", "duplicate column \"" + std::string(name) + "\"");
                fatal = true;
            }
            if (std::find(columns.begin(), columns.end(), name) != columns.end()) {
                error(errors, rec.line_of(i), rec.column_of(i), "csv.reserved_column",
                      "column \"" + std::string(name) + "\" is an output of ripen score; rename or remove it");
                fatal = true;
            }
            if (options.mapping) continue;
            if (int q = model.question_index(name); q >= 0) {
                bool single = model.spec().questions[static_cast<std::size_t>(q)].type == QuestionType::single;
                layout[i] = Column{single ? ColumnRole::single : ColumnRole::question, q};
                question_columns.push_back(q);
            } else if (name == "source") {
                // The segment id; conditions on context "source" see the value too.
                auto key = std::find(keys.begin(), keys.end(), "source");
                layout[i] = Column{ColumnRole::source, key == keys.end() ? -1 : static_cast<int>(key - keys.begin())};
            } else {
                auto it = std::find(keys.begin(), keys.end(), name);
                if (it != keys.end()) layout[i] = Column{ColumnRole::context, static_cast<int>(it - keys.begin())};
            }
        }
        if (fatal) return false;
        if (options.mapping) {
            for (std::string_view name : rec.fields) header_names.emplace_back(name);
            if (!bind_mapper(errors)) return false;
        }
        check_coverage(rec, errors);
        if (fatal) return false;
        // The added columns use the file's own separator, so it opens as it did.
        const char sep = delimiter ? delimiter : ',';
        out.append(rec.raw.data(), rec.raw.size());
        for (const auto& c : columns) {
            out += sep;
            out += c;
        }
        out += '\n';
        return true;
    }

    bool bind_mapper(std::vector<Issue>& errors) {
        mapper = std::make_unique<detail::RowMapper>(model, *options.mapping, stats.unmapped);
        CsvRecord header;
        for (const auto& name : header_names) header.fields.emplace_back(name);
        header.line = 1;
        if (!mapper->bind(header, errors)) fatal = true;
        question_columns = mapper->questions();
        return !fatal;
    }

    // A header that names no question would score every lead alike: refused, naming what it
    // has. Each question without a column is a warning: it counts as unanswered for every lead.
    void check_coverage(const CsvRecord& rec, std::vector<Issue>& errors) {
        const auto& questions = model.spec().questions;
        std::vector<bool> covered(questions.size(), false);
        for (int q : question_columns) covered[static_cast<std::size_t>(q)] = true;
        std::string ids;
        for (std::size_t q = 0; q < questions.size() && q < 12; ++q) ids += std::string(q ? ", " : "") + questions[q].id;
        if (questions.size() > 12) ids += ", ...";
        if (question_columns.empty() && !questions.empty()) {
            std::string names;
            for (std::size_t i = 0; i < rec.fields.size() && i < 8; ++i) names += std::string(i ? ", " : "") + "\"" + std::string(detail::trim(rec.fields[i])) + "\"";
            if (rec.fields.size() > 8) names += ", ... (" + std::to_string(rec.fields.size()) + " columns)";
            // "Goal" for "goal": say that case matters.
            std::string near;
            for (std::size_t i = 0; i < rec.fields.size() && near.empty(); ++i) {
                std::string lower(detail::trim(rec.fields[i]));
                for (char& c : lower) c = detail::ascii_lower(c);
                if (model.question_index(lower) >= 0) near = "; ids are case-sensitive: \"" + std::string(detail::trim(rec.fields[i])) + "\" is not \"" + lower + "\"";
            }
            Issue issue;
            issue.code = "csv.no_question_column";
            issue.line = rec.line;
            issue.column = 1;
            issue.message = options.mapping
                                ? "the mapping maps none of the header's columns (" + names + ") to a question"
                                : "no column is named by a question id (the header has " + names + "; the questions are " + ids +
                                      ")" + near + ": rename the columns or give a mapping with --map (ripen map writes one)";
            errors.push_back(std::move(issue));
            fatal = true;
            return;
        }
        std::string missing;
        std::size_t count = 0;
        for (std::size_t q = 0; q < questions.size(); ++q) {
            if (covered[q]) continue;
            missing += std::string(count ? ", " : "") + "\"" + questions[q].id + "\"";
            ++count;
        }
        if (count == 0) return;
        Issue issue;
        issue.code = "csv.question_without_column";
        issue.severity = Severity::warning;
        issue.line = rec.line;
        issue.column = 1;
        issue.message = (count == 1 ? "no column for question " + missing + ": every lead counts as not answering it"
                                    : "no column for questions " + missing + ": every lead counts as not answering them");
        errors.push_back(std::move(issue));
    }

    // A mapped record: answers and context through the mapper, then the context into the slots.
    bool map_csv_row(const CsvRecord& rec, std::vector<Issue>& errors) {
        int outcome = -1;
        mapper->map(rec, answers, mapped_context, outcome);
        const auto& comp = detail::compiled(model);
        for (const auto& [key, value] : mapped_context.values) {
            if (key == "source") input.source_segment = model.segment_index(value);
            auto it = std::find(comp.context_keys.begin(), comp.context_keys.end(), key);
            if (it == comp.context_keys.end()) continue;
            std::size_t slot = static_cast<std::size_t>(it - comp.context_keys.begin());
            if (!detail::fill_context_slot(comp, static_cast<int>(slot), value, context[slot])) {
                error(errors, rec.line, 1, "context.number", "\"" + value + "\" is not a number (context \"" + key + "\")");
                return false;
            }
        }
        return true;
    }

    void score_csv_row(const CsvRecord& rec, std::string& out, std::vector<Issue>& errors) {
        ++stats.rows;
        if (rec.fields.size() != expected_fields) {
            std::size_t at = std::min(rec.fields.size(), expected_fields) - (rec.fields.size() < expected_fields ? 1 : 0);
            error(errors, rec.line_of(at), rec.column_of(at), "csv.field_count",
                  "expected " + std::to_string(expected_fields) + " fields as in the header, got " + std::to_string(rec.fields.size()));
            ++stats.failed;
            return;
        }
        bool ok = true;
        input.source_segment = -1;
        for (auto& slot : context) slot.present = false;
        Issue issue;
        if (mapper) ok = map_csv_row(rec, errors);
        for (std::size_t i = 0; i < layout.size() && !mapper; ++i) {
            const Column& col = layout[i];
            switch (col.role) {
                case ColumnRole::ignored: break;
                case ColumnRole::single: {
                    // The common cell: an option value as written. Anything else (blanks around
                    // it, an unknown value) goes the general way, which also words the error.
                    Answer& a = answers.values[static_cast<std::size_t>(col.index)];
                    std::string_view cell = rec.fields[i];
                    int o = cell.empty() ? -1 : detail::compiled(model).option_index[static_cast<std::size_t>(col.index)].find(cell);
                    if (o >= 0) {
                        a.state = Answer::State::given;
                        a.option = o;
                        break;
                    }
                    if (cell.empty()) {
                        a.state = Answer::State::open;
                        a.option = -1;
                        break;
                    }
                    if (!set_answer_text(model, col.index, cell, a, issue)) {
                        error(errors, rec.line_of(i), rec.column_of(i), issue.code, issue.message);
                        ok = false;
                    }
                    break;
                }
                case ColumnRole::question:
                    if (!set_answer_text(model, col.index, rec.fields[i], answers.values[static_cast<std::size_t>(col.index)], issue)) {
                        error(errors, rec.line_of(i), rec.column_of(i), issue.code, issue.message);
                        ok = false;
                    }
                    break;
                case ColumnRole::context: {
                    std::string_view value = detail::trim(rec.fields[i]);
                    if (value.empty()) break;
                    if (!detail::fill_context_slot(detail::compiled(model), col.index, value, context[static_cast<std::size_t>(col.index)])) {
                        error(errors, rec.line_of(i), rec.column_of(i), "context.number",
                              "\"" + std::string(value) + "\" is not a number (context \"" + detail::compiled(model).context_keys[static_cast<std::size_t>(col.index)] + "\")");
                        ok = false;
                    }
                    break;
                }
                case ColumnRole::source: {
                    std::string_view value = detail::trim(rec.fields[i]);
                    if (value.empty()) break;
                    if (col.index >= 0) detail::fill_context_slot(detail::compiled(model), col.index, value, context[static_cast<std::size_t>(col.index)]);
                    input.source_segment = model.segment_index(value);
                    if (input.source_segment < 0) {
                        error(errors, rec.line_of(i), rec.column_of(i), "context.unknown_segment",
                              "source \"" + std::string(value) + "\" is not a segment (expected one of: " + segment_list(model) + ")");
                        ok = false;
                    }
                    break;
                }
            }
        }
        if (!ok) {
            ++stats.failed;
            return;
        }
        evaluator.run(input);
        int score = normalised();
        record_result(score);
        // Write straight into the output buffer: this runs for every row.
        const char sep = delimiter ? delimiter : ',';
        const std::string& segment = model.spec().segments[static_cast<std::size_t>(evaluator.segment)].id;
        std::size_t at = out.size();
        out.resize(at + rec.raw.size() + segment.size() + 16 * (7 + evaluator.points.size()));
        char* p = &out[at];
        std::memcpy(p, rec.raw.data(), rec.raw.size());
        p += rec.raw.size();
        *p++ = sep;
        std::string_view route = to_string(evaluator.route);
        std::memcpy(p, route.data(), route.size());
        p += route.size();
        for (int v : {evaluator.total, model.max_total(), score, evaluator.lo, evaluator.hi}) {
            *p++ = sep;
            p = write_int(p, v);
        }
        *p++ = sep;
        std::memcpy(p, segment.data(), segment.size());
        p += segment.size();
        for (int v : evaluator.points) {
            *p++ = sep;
            p = write_int(p, v);
        }
        *p++ = '\n';
        out.resize(static_cast<std::size_t>(p - out.data()));
    }

    bool run_csv(std::string& out, std::vector<Issue>& errors) {
        CsvRecord rec;
        Issue csv_error;
        while (!fatal) {
            auto status = reader.next(rec, csv_error);
            if (status == CsvReader::Status::need_more || status == CsvReader::Status::end) break;
            if (status == CsvReader::Status::error) {
                if (reader.failed()) fatal = true;
                errors.push_back(std::move(csv_error));
                if (fatal) break;
                if (header_read) {
                    ++stats.rows;
                    ++stats.failed;
                } else {
                    fatal = true;
                }
                continue;
            }
            if (!header_read) {
                if (!read_header(rec, out, errors)) return false;
                continue;
            }
            score_csv_row(rec, out, errors);
        }
        stats.bytes = reader.bytes_consumed();
        return !fatal;
    }

    void score_ndjson_line(std::string_view line, std::string& out, std::vector<Issue>& errors) {
        ++ndjson_line;
        stats.bytes += line.size() + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (detail::trim(line).empty()) return;
        ++stats.rows;
        auto value = json::parse(line);
        if (!value.ok()) {
            Issue& syntax = value.issues.front();
            syntax.line = ndjson_line;
            errors.push_back(std::move(syntax));
            ++stats.failed;
            return;
        }
        if (!value->is_object()) {
            error(errors, ndjson_line, value->column, "json.type", "each line must be a JSON object, got " + std::string(json::describe(value->kind)));
            ++stats.failed;
            return;
        }
        bool ok = true;
        input.source_segment = -1;
        for (auto& slot : context) slot.present = false;
        for (auto& a : answers.values) a = Answer{};
        const auto& keys = detail::compiled(model).context_keys;
        std::vector<std::string> held;  // context values that are not strings in the JSON
        held.reserve(value->members.size());
        for (const auto& [key, v] : value->members) {
            if (std::find(columns.begin(), columns.end(), key) != columns.end() || key == "points") {
                error(errors, ndjson_line, v.column, "csv.reserved_column", "member \"" + key + "\" is an output of ripen score; rename or remove it");
                ok = false;
                continue;
            }
            if (int q = model.question_index(key); q >= 0) {
                Issue issue;
                if (!set_answer_json(model, q, v, answers.values[static_cast<std::size_t>(q)], issue)) {
                    error(errors, ndjson_line, v.column, issue.code, issue.message);
                    ok = false;
                }
                continue;
            }
            if (v.is_null()) continue;
            if (!v.is_string() && !v.is_number() && !v.is_bool()) {
                error(errors, ndjson_line, v.column, "context.type", "context member \"" + key + "\" must be a string or a number, got " + std::string(json::describe(v.kind)));
                ok = false;
                continue;
            }
            held.push_back(v.is_bool() ? (v.boolean ? "true" : "false") : v.text);
            std::string_view text = held.back();
            if (key == "source") {
                auto source_key = std::find(keys.begin(), keys.end(), "source");
                if (source_key != keys.end())
                    detail::fill_context_slot(detail::compiled(model), static_cast<int>(source_key - keys.begin()), text,
                                              context[static_cast<std::size_t>(source_key - keys.begin())]);
                input.source_segment = model.segment_index(text);
                if (input.source_segment < 0) {
                    error(errors, ndjson_line, v.column, "context.unknown_segment",
                          "source \"" + std::string(text) + "\" is not a segment (expected one of: " + segment_list(model) + ")");
                    ok = false;
                }
                continue;
            }
            auto it = std::find(keys.begin(), keys.end(), key);
            if (it == keys.end()) continue;
            int k = static_cast<int>(it - keys.begin());
            if (!detail::fill_context_slot(detail::compiled(model), k, text, context[static_cast<std::size_t>(k)])) {
                error(errors, ndjson_line, v.column, "context.number", "\"" + std::string(text) + "\" is not a number (context \"" + key + "\")");
                ok = false;
            }
        }
        if (!ok) {
            ++stats.failed;
            return;
        }
        evaluator.run(input);
        int score = normalised();
        record_result(score);
        json::Value& obj = *value.value;
        obj.set("route", json::Value::make_string(std::string(to_string(evaluator.route))));
        obj.set("total", json::Value::make_int(evaluator.total));
        obj.set("max", json::Value::make_int(model.max_total()));
        obj.set("score", json::Value::make_int(score));
        obj.set("lo", json::Value::make_int(evaluator.lo));
        obj.set("hi", json::Value::make_int(evaluator.hi));
        obj.set("segment", json::Value::make_string(model.spec().segments[static_cast<std::size_t>(evaluator.segment)].id));
        json::Value points = json::Value::make_object();
        for (std::size_t c = 0; c < evaluator.points.size(); ++c)
            points.set(model.spec().criteria[c].id, json::Value::make_int(evaluator.points[c]));
        obj.set("points", std::move(points));
        json::write(obj, out);
        out += '\n';
    }

    bool run_ndjson(std::string& out, std::vector<Issue>& errors, bool final) {
        std::size_t start = 0;
        while (true) {
            // The bytes before pending_scanned are known to hold no line end: a long line that
            // arrives in many chunks is searched once.
            std::size_t nl = pending.find('\n', std::max(start, pending_scanned));
            if (nl == std::string::npos) break;
            score_ndjson_line(std::string_view(pending).substr(start, nl - start), out, errors);
            start = nl + 1;
        }
        pending.erase(0, start);
        pending_scanned = pending.size();
        if (pending.size() > kMaxRecordBytes) {
            errors.push_back(record_too_long(ndjson_line + 1));
            fatal = true;
            pending.clear();
            return false;
        }
        if (final && !pending.empty()) {
            score_ndjson_line(pending, out, errors);
            stats.bytes -= 1;  // no line end after the last line
            pending.clear();
        }
        return true;
    }
};

BatchScorer::BatchScorer(const Model& model, Format format, ScoreOptions options)
    : impl_(std::make_unique<Impl>(model, format, options)) {}

bool BatchScorer::header_ready() const { return impl_->format == Format::ndjson || impl_->header_read; }

std::unique_ptr<BatchScorer> BatchScorer::fork() const {
    auto copy = std::make_unique<BatchScorer>(impl_->model, impl_->format, impl_->options);
    copy->impl_->header_read = impl_->header_read;
    copy->impl_->delimiter = impl_->delimiter;
    copy->impl_->windows1252 = impl_->windows1252;
    copy->impl_->layout = impl_->layout;
    copy->impl_->expected_fields = impl_->expected_fields;
    copy->impl_->question_columns = impl_->question_columns;
    if (impl_->mapper) {
        std::vector<Issue> ignored;  // reported by the scorer that read the header
        copy->impl_->header_names = impl_->header_names;
        copy->impl_->bind_mapper(ignored);
    }
    return copy;
}

void BatchScorer::score_block(std::string_view block, std::uint64_t first_line, std::string& out, std::vector<Issue>& errors) {
    Impl& impl = *impl_;
    if (impl.format == Format::ndjson) {
        impl.ndjson_line = first_line - 1;
        impl.pending.assign(block.data(), block.size());
        impl.pending_scanned = 0;
        impl.run_ndjson(out, errors, true);
        return;
    }
    std::uint64_t bytes_before = impl.stats.bytes;
    impl.reader = CsvReader(impl.delimiter ? impl.delimiter : ',');
    impl.reader.start_block(first_line);
    const std::size_t raw_size = block.size();
    if (impl.windows1252) {
        impl.converted.clear();
        append_windows1252(block, impl.converted);
        block = impl.converted;
    }
    impl.reader.feed(block);
    impl.reader.finish();
    impl.run_csv(out, errors);
    impl.stats.bytes = bytes_before + raw_size;
}

void BatchScorer::add_stats(const ScoreStats& other) {
    ScoreStats& s = impl_->stats;
    s.rows += other.rows;
    s.scored += other.scored;
    s.failed += other.failed;
    s.bytes += other.bytes;
    for (std::size_t i = 0; i < s.segments.size() && i < other.segments.size(); ++i) {
        s.segments[i].leads += other.segments[i].leads;
        for (int r = 0; r < 4; ++r) s.segments[i].by_route[r] += other.segments[i].by_route[r];
        s.segments[i].score_sum += other.segments[i].score_sum;
    }
    for (const auto& [column, values] : other.unmapped)
        for (const auto& [value, count] : values) s.unmapped[column][value] += count;
}

BatchScorer::~BatchScorer() = default;

constexpr std::size_t kSniffBytes = std::size_t{64} << 10;

void BatchScorer::sniff(std::string_view head) {
    if (impl_->delimiter || head.empty() || impl_->format != Format::csv) return;
    impl_->windows1252 = looks_windows1252(head);
    impl_->delimiter = detect_delimiter(head);
    impl_->reader = CsvReader(impl_->delimiter);
}

bool BatchScorer::feed(std::string_view chunk, std::string& out, std::vector<Issue>& errors) {
    if (impl_->fatal) return false;
    if (impl_->format == Format::csv) {
        // The separator and encoding come from the first 64 KiB however the input is cut (or
        // from sniff()): the pieces are held back until then.
        if (!impl_->delimiter) {
            impl_->head.append(chunk.data(), chunk.size());
            if (impl_->head.size() < kSniffBytes) return true;
            sniff(impl_->head);
            std::string head = std::move(impl_->head);
            impl_->head.clear();
            return feed(head, out, errors);
        }
        if (impl_->windows1252) {
            impl_->converted.clear();
            append_windows1252(chunk, impl_->converted);
            chunk = impl_->converted;
        }
        impl_->reader.feed(chunk);
        return impl_->run_csv(out, errors);
    }
    impl_->pending.append(chunk.data(), chunk.size());
    return impl_->run_ndjson(out, errors, false);
}

bool BatchScorer::finish(std::string& out, std::vector<Issue>& errors) {
    if (impl_->fatal) return false;
    if (impl_->format == Format::csv && !impl_->delimiter) {
        // Shorter than 64 KiB: chosen from all of it.
        std::string head = std::move(impl_->head);
        impl_->head.clear();
        if (!head.empty()) {
            sniff(head);
            if (!feed(head, out, errors)) return false;
        }
    }
    if (impl_->format == Format::csv) {
        impl_->reader.finish();
        if (!impl_->run_csv(out, errors)) return false;
        if (!impl_->header_read) {
            impl_->error(errors, 1, 1, "csv.empty", "the input has no header row");
            impl_->fatal = true;
            return false;
        }
        return true;
    }
    impl_->run_ndjson(out, errors, true);
    return true;
}

const ScoreStats& BatchScorer::stats() const { return impl_->stats; }

}  // namespace ripen
