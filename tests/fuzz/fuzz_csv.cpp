// CSV through every reader, in chunks of the sizes the input's first bytes choose: the record
// reader, the importer (inferred mapping) with table scoring, and batch scoring as CSV or as
// NDJSON (a bit of the first byte chooses). Whatever the bytes, each gives rows or located errors, and the chunking never changes
// what comes out.
#include <cstdlib>
#include <string>

#include "fuzz_support.hpp"
#include "ripen/batch.hpp"
#include "ripen/csv.hpp"
#include "ripen/import.hpp"
#include "ripen/table.hpp"

namespace {

std::string score_batch(const ripen::Model& model, ripen::BatchScorer::Format format, std::string_view text,
                        std::string_view sizes) {
    ripen::BatchScorer scorer(model, format);
    std::string out;
    std::vector<ripen::Issue> errors;
    bool going = true;
    ripen::fuzz::in_chunks(text, sizes, [&](std::string_view chunk) {
        if (going) going = scorer.feed(chunk, out, errors);
    });
    if (going) scorer.finish(out, errors);
    for (const ripen::Issue& issue : errors) {
        if (issue.message.empty()) std::abort();
        out += ripen::format_issue(issue);
        out += '\n';
    }
    return out;
}

std::string read_records(std::string_view text, std::string_view sizes) {
    ripen::CsvReader reader;
    std::string seen;
    ripen::CsvRecord record;
    ripen::Issue error;
    auto drain = [&] {
        for (;;) {
            ripen::CsvReader::Status status = reader.next(record, error);
            if (status == ripen::CsvReader::Status::need_more || status == ripen::CsvReader::Status::end) return;
            if (status == ripen::CsvReader::Status::error) {
                seen += "error " + ripen::format_issue(error) + "\n";
                if (reader.failed()) return;
                continue;
            }
            seen += std::to_string(record.line) + ":";
            for (std::string_view field : record.fields) {
                seen += std::to_string(field.size());
                seen += '=';
                seen += field;
            }
            seen += '\n';
        }
    };
    ripen::fuzz::in_chunks(text, sizes, [&](std::string_view chunk) {
        reader.feed(chunk);
        drain();
    });
    reader.finish();
    drain();
    return seen;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const ripen::Model& model = ripen::fuzz::default_model();
    // The first byte: how many chunk sizes follow (bits 0-2) and which scorer reads (bit 3).
    std::size_t sizes_length = data[0] % 8;
    auto format = data[0] & 8 ? ripen::BatchScorer::Format::ndjson : ripen::BatchScorer::Format::csv;
    if (size < 1 + sizes_length) return 0;
    std::string_view sizes(reinterpret_cast<const char*>(data) + 1, sizes_length);
    std::string_view text(reinterpret_cast<const char*>(data) + 1 + sizes_length, size - 1 - sizes_length);

    // Chunked and whole, the reader and both scorers say the same.
    if (read_records(text, sizes) != read_records(text, {})) std::abort();
    if (score_batch(model, format, text, sizes) != score_batch(model, format, text, {})) std::abort();

    std::optional<ripen::Mapping> mapping = ripen::infer_mapping_from_csv(model, text, true);
    if (mapping) {
        ripen::LeadTable table(model);
        ripen::Importer importer(model, *mapping, table);
        bool going = true;
        ripen::fuzz::in_chunks(text, sizes, [&](std::string_view chunk) {
            if (going) going = importer.feed(chunk);
        });
        if (going) importer.finish();
        if (importer.stats().imported != table.size()) std::abort();
        // Built once: its tables of points are the same for every input.
        static const ripen::TableScorer scorer(model, ripen::Scoring::from(model));
        ripen::TableResult result;
        scorer.score(table, result, true);
    }
    return 0;
}
