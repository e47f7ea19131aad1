// Embind bindings of the tools module (for Node and the playground): the whole command layer
// (native/cli) over an Io that web/bin/ripen.mjs implements on node:fs, so the Node CLI runs every
// command as the native one does; and streaming batch scoring and sample leads for the tests.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <map>

#include "boundary.hpp"
#include "cli/cli.hpp"
#include "cli/text.hpp"
#include "ripen/batch.hpp"
#include "ripen/sample.hpp"

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

// The command layer's Io over a JavaScript object (web/bin/ripen.mjs): files by handle, bytes
// through the module's memory, error texts in io.lastError.
class JsInput : public cli::Input {
public:
    JsInput(val io, int handle) : io_(std::move(io)), handle_(handle) {}
    ~JsInput() override { io_.call<void>("close", handle_); }
    std::int64_t read(char* buffer, std::size_t size, std::string& error) override {
        double n = io_.call<double>("read", handle_, reinterpret_cast<std::uintptr_t>(buffer), size);
        if (n < 0) error = io_["lastError"].as<std::string>();
        return static_cast<std::int64_t>(n);
    }

private:
    val io_;
    int handle_;
};

class JsIo : public cli::Io {
public:
    explicit JsIo(val io) : io_(std::move(io)) {}
    std::unique_ptr<cli::Input> open(const std::string& path, std::string& error) override {
        int handle = io_.call<int>("open", path);
        if (handle < 0) {
            error = io_["lastError"].as<std::string>();
            return nullptr;
        }
        return std::make_unique<JsInput>(io_, handle);
    }
    bool write_file(const std::string& path, std::string_view bytes, std::string& error) override {
        bool ok = io_.call<bool>("writeFile", path, reinterpret_cast<std::uintptr_t>(bytes.data()), bytes.size());
        if (!ok) error = io_["lastError"].as<std::string>();
        return ok;
    }
    bool write_out(std::string_view bytes, std::string& error) override {
        bool ok = io_.call<bool>("writeOut", reinterpret_cast<std::uintptr_t>(bytes.data()), bytes.size());
        if (!ok) error = io_["lastError"].as<std::string>();
        return ok;
    }
    void write_err(std::string_view bytes) override {
        io_.call<void>("writeErr", reinterpret_cast<std::uintptr_t>(bytes.data()), bytes.size());
    }
    bool is_terminal(int stream) override { return io_.call<bool>("isTerminal", stream); }
    std::string today() override { return io_.call<std::string>("today"); }

private:
    val io_;
};

// Runs one command line (an array of strings) on `io`; returns the exit status.
int run_cli(val words, val io) {
    std::vector<std::string> list;
    const unsigned count = words["length"].as<unsigned>();
    for (unsigned i = 0; i < count; ++i) list.push_back(words[i].as<std::string>());
    JsIo js(std::move(io));
    return cli::run(js, list);
}

}  // namespace

EMSCRIPTEN_BINDINGS(ripen_tools) {
    emscripten::function("batchOpen", &batch_open);
    emscripten::function("batchFeed", &batch_feed);
    emscripten::function("batchFinish", &batch_finish);
    emscripten::function("batchClose", &batch_close);
    emscripten::function("sampleCsv", &sample_csv);
    emscripten::function("runCli", &run_cli);
}
