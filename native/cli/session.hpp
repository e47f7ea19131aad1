// One run of one command: its name for messages, buffered standard output whose failures are
// remembered, standard error, whole-file reads with a size limit, and the exit statuses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cli/io.hpp"
#include "ripen/issue.hpp"

namespace ripen::cli {

constexpr int kExitOk = 0;
constexpr int kExitInvalid = 1;  // an invalid model, invalid answers or rows
constexpr int kExitUsage = 2;    // bad arguments, an unreadable file, output that cannot be written

// Limits on files read whole: a model or a mapping is a few kilobytes to a megabyte, answers
// less; /dev/zero or a CSV given as a model must not exhaust memory.
constexpr std::size_t kMaxModelBytes = std::size_t{16} << 20;
constexpr std::size_t kMaxMappingBytes = std::size_t{16} << 20;
constexpr std::size_t kMaxJsonArgumentBytes = std::size_t{1} << 20;

class Session {
public:
    Session(Io& io, std::string command) : io_(io), command_(std::move(command)) {}
    ~Session() = default;
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    Io& io() { return io_; }
    const std::string& command() const { return command_; }

    // Standard output, buffered. After a write fails nothing more is written; finish() reports
    // it. Long-running commands check out_failed() to stop early.
    void out(std::string_view bytes);
    bool flush();
    bool out_failed() const { return out_failed_; }

    // Standard error, unbuffered; control bytes in `bytes` reach it as they are, so callers pass
    // text made with safe() where it echoes input.
    void err(std::string_view bytes) { io_.write_err(bytes); }
    // "ripen COMMAND: MESSAGE\n" on standard error.
    void say(std::string_view message);

    // Prints "ripen COMMAND: MESSAGE" and the pointer to --help; returns kExitUsage.
    int usage(std::string_view message);
    // Prints "ripen COMMAND: MESSAGE"; returns `code`.
    int fail(std::string_view message, int code);

    // Reads a whole file ("-": standard input) of at most `limit` bytes; prints why not and
    // returns false. `what` names the file's role in the message ("a model file").
    bool read_whole(const std::string& path, std::size_t limit, std::string_view what, std::string& out);

    // The exit status after flushing standard output: `code`, or kExitUsage with a message when
    // standard output could not be written.
    int finish(int code);

private:
    Io& io_;
    std::string command_;
    std::string buffer_;
    bool out_failed_ = false;
    std::string out_error_;
};

// How a path is named in messages: "<stdin>" for "-".
std::string shown_path(const std::string& path);

// A file name or value echoed in a message: ripen::printable (control bytes as \xNN, cut at
// `limit` bytes).
std::string safe(std::string_view text, std::size_t limit = 200);

}  // namespace ripen::cli
