// Embind bindings of the tools module (for Node and the playground): streaming batch scoring
// over raw bytes, sample leads, and the CLI's texts so web/bin/ripen.mjs prints what the native
// ripen prints.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <map>

#include "../native/ripen/cli_text.hpp"
#include "boundary.hpp"

namespace {

using namespace ripen;
using emscripten::val;

struct Batch {
    std::unique_ptr<BatchScorer> scorer;
    std::string file;  // as shown in error lines
    std::string out;
    std::vector<Issue> errors;
};

std::map<int, Batch>& batches() {
    static std::map<int, Batch> all;
    return all;
}
int next_batch = 1;

// Opens a scorer; -1 when the model handle is not loaded, -2 for an unknown format.
int batch_open(int model_handle, const std::string& format, bool complete, const std::string& file) {
    const Model* model = wasm::models().get(model_handle);
    if (!model) return -1;
    BatchScorer::Format f;
    if (format == "csv") f = BatchScorer::Format::csv;
    else if (format == "ndjson") f = BatchScorer::Format::ndjson;
    else return -2;
    ScoreOptions options;
    options.complete = complete;
    Batch batch;
    batch.scorer = std::make_unique<BatchScorer>(*model, f, options);
    batch.file = file;
    int id = next_batch++;
    batches().emplace(id, std::move(batch));
    return id;
}

// The result of feed/finish: ok, the output bytes (a view into wasm memory, valid until the next
// call) and the row errors as the CLI prints them.
val batch_result(Batch& batch, bool ok) {
    val result = val::object();
    result.set("ok", ok);
    result.set("out", val(emscripten::typed_memory_view(batch.out.size(), reinterpret_cast<const std::uint8_t*>(batch.out.data()))));
    val errors = val::array();
    for (std::size_t i = 0; i < batch.errors.size(); ++i) errors.call<void>("push", cli::row_error(batch.file, batch.errors[i]));
    result.set("errors", errors);
    const ScoreStats& s = batch.scorer->stats();
    result.set("rows", static_cast<double>(s.rows));
    result.set("scored", static_cast<double>(s.scored));
    result.set("failed", static_cast<double>(s.failed));
    batch.errors.clear();
    return result;
}

// Scores `length` bytes the caller copied to `address` (allocated with _malloc).
val batch_feed(int id, std::uintptr_t address, std::size_t length) {
    Batch& batch = batches().at(id);
    batch.out.clear();
    bool ok = batch.scorer->feed(std::string_view(reinterpret_cast<const char*>(address), length), batch.out, batch.errors);
    return batch_result(batch, ok);
}

val batch_finish(int id) {
    Batch& batch = batches().at(id);
    batch.out.clear();
    bool ok = batch.scorer->finish(batch.out, batch.errors);
    return batch_result(batch, ok);
}

void batch_close(int id) { batches().erase(id); }

// `count` sample leads as CSV with a header.
std::string sample_csv(int model_handle, double count, double seed) {
    const Model* model = wasm::models().get(model_handle);
    if (!model) return {};
    LeadGenerator generator(*model, static_cast<std::uint64_t>(seed));
    SampleLead lead;
    std::string out = generator.csv_header();
    for (std::uint64_t i = 0; i < static_cast<std::uint64_t>(count); ++i) {
        generator.next(lead);
        generator.append_csv(lead, out);
    }
    return out;
}

std::string help(const std::string& command) { return std::string(cli::help(command)); }
std::string usage_error(const std::string& command, const std::string& message) { return cli::usage_error(command, message); }

// {"out": report, "code": exit status} for `ripen validate` on a file's bytes.
val validate_report(const std::string& path, std::uintptr_t address, std::size_t length) {
    int code = 0;
    std::string out = cli::validate_report(path, std::string_view(reinterpret_cast<const char*>(address), length), code);
    val result = val::object();
    result.set("out", out);
    result.set("code", code);
    return result;
}

// The invalid-model message, or "" after loading the model (its handle is then `handle`).
val load_for_command(const std::string& command, const std::string& path, std::uintptr_t address, std::size_t length) {
    auto result = load_model(std::string_view(reinterpret_cast<const char*>(address), length));
    val out = val::object();
    if (!result.ok()) {
        out.set("error", cli::invalid_model(command, path, result.issues));
        return out;
    }
    out.set("handle", wasm::models().add(std::move(*result.value)));
    return out;
}

std::string score_footer(const std::string& command, double reported, double printed, double failed, double rows) {
    return cli::score_footer(command, static_cast<std::uint64_t>(reported), static_cast<std::uint64_t>(printed),
                             static_cast<std::uint64_t>(failed), static_cast<std::uint64_t>(rows));
}

}  // namespace

EMSCRIPTEN_BINDINGS(ripen_tools) {
    emscripten::function("batchOpen", &batch_open);
    emscripten::function("batchFeed", &batch_feed);
    emscripten::function("batchFinish", &batch_finish);
    emscripten::function("batchClose", &batch_close);
    emscripten::function("sampleCsv", &sample_csv);
    emscripten::function("cliHelp", &help);
    emscripten::function("cliUsageError", &usage_error);
    emscripten::function("cliValidate", &validate_report);
    emscripten::function("cliLoadModel", &load_for_command);
    emscripten::function("cliScoreFooter", &score_footer);
}
