// What the command layer needs of its platform: files, standard output and error, whether they
// are terminals, progress, and running a stream of leads through the scorer. The native CLI
// implements it over POSIX (native/ripen/main.cpp), the Node CLI over node:fs through the tools
// module (wasm/tools.cpp, web/bin/ripen.mjs); the commands themselves never see which.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ripen::cli {

struct BatchJob;

// Bytes from a file or standard input.
class Input {
public:
    virtual ~Input() = default;
    // Reads up to `size` bytes into `buffer`: the number read, 0 at the end of the input, or -1
    // with `error` saying why ("Is a directory", "Input/output error").
    virtual std::int64_t read(char* buffer, std::size_t size, std::string& error) = 0;
};

class Io {
public:
    virtual ~Io() = default;

    // Opens a file for reading, "-" for standard input; nullptr with `error` saying why ("No
    // such file or directory", "it is a directory").
    virtual std::unique_ptr<Input> open(const std::string& path, std::string& error) = 0;
    // Creates or replaces a file with `bytes`; false with `error` saying why.
    virtual bool write_file(const std::string& path, std::string_view bytes, std::string& error) = 0;
    // Writes all of `bytes` to standard output; false with `error` saying why (a full disk, a
    // closed pipe). The command layer buffers, so this sees large writes.
    virtual bool write_out(std::string_view bytes, std::string& error) = 0;
    // Writes to standard error; its failures are ignored (there is nowhere left to report them).
    virtual void write_err(std::string_view bytes) = 0;
    // Whether standard output (1) or standard error (2) is a terminal.
    virtual bool is_terminal(int stream) = 0;
    // Today's date, YYYY-MM-DD in UTC (the core has no clock; ripen fit dates its provenance).
    virtual std::string today() = 0;

    // Progress of a long run (rows and bytes so far); shown on a terminal, at most a few times a
    // second, by platforms that can.
    virtual void progress(std::string_view verb, std::uint64_t rows, std::uint64_t bytes) {
        (void)verb;
        (void)rows;
        (void)bytes;
    }
    virtual void progress_done() {}

    // How many threads `score` and `summary` use unless told (--threads).
    virtual unsigned default_threads() { return 1; }
    // Runs a stream of leads through the scorer (batch.hpp). The default reads and scores on
    // the calling thread; the native CLI overrides it to score blocks on several threads.
    virtual void score_stream(BatchJob& job);
};

}  // namespace ripen::cli
