// The native ripen: the command layer (native/cli) over POSIX files and descriptors, with
// progress on a terminal and lead streams scored on several threads.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli/batch.hpp"
#include "cli/cli.hpp"
#include "serve_command.hpp"
#include "ripen/csv.hpp"
#include "ripen/decision.hpp"

namespace {

using ripen::cli::BatchJob;

std::string reason(int error) { return std::strerror(error); }

class FileInput : public ripen::cli::Input {
public:
    FileInput(int fd, bool owned) : fd_(fd), owned_(owned) {}
    ~FileInput() override {
        if (owned_) ::close(fd_);
    }
    std::int64_t read(char* buffer, std::size_t size, std::string& error) override {
        for (;;) {
            ssize_t n = ::read(fd_, buffer, size);
            if (n >= 0) return n;
            if (errno == EINTR) continue;
            error = reason(errno);
            return -1;
        }
    }

private:
    int fd_;
    bool owned_;
};

class PosixIo : public ripen::cli::Io {
public:
    std::unique_ptr<ripen::cli::Input> open(const std::string& path, std::string& error) override {
        int fd = path == "-" ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            error = reason(errno);
            return nullptr;
        }
        struct stat info;
        if (::fstat(fd, &info) == 0 && S_ISDIR(info.st_mode)) {
            if (fd != STDIN_FILENO) ::close(fd);
            error = "it is a directory";
            return nullptr;
        }
        return std::make_unique<FileInput>(fd, fd != STDIN_FILENO);
    }

    bool write_file(const std::string& path, std::string_view bytes, std::string& error) override {
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            error = reason(errno);
            return false;
        }
        bool ok = write_all(fd, bytes, error);
        if (::close(fd) != 0 && ok) {
            error = reason(errno);
            ok = false;
        }
        return ok;
    }

    bool write_out(std::string_view bytes, std::string& error) override { return write_all(STDOUT_FILENO, bytes, error); }

    void write_err(std::string_view bytes) override {
        if (progress_shown_) clear_progress();
        std::string ignored;
        write_all(STDERR_FILENO, bytes, ignored);
    }

    bool is_terminal(int stream) override { return ::isatty(stream) != 0; }

    std::string today() override { return ripen::format_time(static_cast<std::int64_t>(std::time(nullptr))).substr(0, 10); }

    // At most four times a second, on standard error when it is a terminal.
    void progress(std::string_view verb, std::uint64_t rows, std::uint64_t bytes) override {
        if (!progress_enabled_) return;
        auto now = Clock::now();
        if (!progress_started_) {
            progress_started_ = true;
            start_ = last_ = now;
            return;
        }
        if (now - last_ < std::chrono::milliseconds(250)) return;
        last_ = now;
        double seconds = std::chrono::duration<double>(now - start_).count();
        char line[160];
        if (bytes > 0)
            std::snprintf(line, sizeof line, "\r%.*s %llu rows, %.1f MB, %.1f MB/s   ", static_cast<int>(verb.size()), verb.data(),
                          static_cast<unsigned long long>(rows), static_cast<double>(bytes) / 1e6,
                          static_cast<double>(bytes) / 1e6 / (seconds > 0 ? seconds : 1));
        else
            std::snprintf(line, sizeof line, "\r%.*s %llu rows   ", static_cast<int>(verb.size()), verb.data(), static_cast<unsigned long long>(rows));
        std::string ignored;
        write_all(STDERR_FILENO, line, ignored);
        progress_shown_ = true;
    }

    void progress_done() override {
        if (progress_shown_) clear_progress();
        progress_started_ = false;
    }

    unsigned default_threads() override { return std::max(1u, std::min(4u, std::thread::hardware_concurrency())); }

    void score_stream(BatchJob& job) override;

private:
    using Clock = std::chrono::steady_clock;
    bool progress_enabled_ = ::isatty(STDERR_FILENO) != 0;
    bool progress_started_ = false, progress_shown_ = false;
    Clock::time_point start_, last_;

    void clear_progress() {
        progress_shown_ = false;
        std::string ignored;
        write_all(STDERR_FILENO, "\r\033[K", ignored);
    }

    static bool write_all(int fd, std::string_view bytes, std::string& error) {
        while (!bytes.empty()) {
            ssize_t n = ::write(fd, bytes.data(), bytes.size());
            if (n < 0) {
                if (errno == EINTR) continue;
                error = reason(errno);
                return false;
            }
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }
};

// Counts line ends, to number the first line of the next block.
std::uint64_t count_lines(std::string_view bytes) {
    std::uint64_t n = 0;
    const char* p = bytes.data();
    const char* end = p + bytes.size();
    while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)))) != nullptr) {
        ++n;
        ++p;
    }
    return n;
}

// The input is cut into blocks of whole records. Each thread takes the next block (under the
// input lock), scores it with line numbers counted from the block's start, then waits its turn to
// write its output and report its errors in input order (under the output lock). Reading and
// writing thus overlap the other threads' scoring instead of stopping them. Record ends are found
// by one RecordScanner that looks at each byte once, however long a record is.
void PosixIo::score_stream(BatchJob& job) {
    using Format = ripen::BatchScorer::Format;
    ripen::BatchScorer scorer(job.model, job.format, job.options);
    ripen::RecordScanner scanner(job.format == Format::csv);
    std::string carry;  // read, not yet handed out; starts at a record boundary
    bool ok = true, at_end = false, read_failed = false;
    auto read_into = [&](std::string& into) {
        const std::size_t old = into.size();
        into.resize(old + ripen::cli::kReadChunk);
        std::int64_t n = job.input.read(&into[old], ripen::cli::kReadChunk, job.read_error);
        if (n < 0) {
            read_failed = true;
            n = 0;
        }
        into.resize(old + static_cast<std::size_t>(n));
        if (n == 0) at_end = true;
    };
    std::uint64_t line = 1;  // of the next record to write
    std::vector<ripen::Issue> errors;
    auto too_long = [&] {
        errors.push_back(ripen::record_too_long(line));
        job.report(errors);
        ok = false;
    };

    // The header goes through the main scorer, which then lends its layout to the workers.
    while (ok && !scorer.header_ready()) {
        scanner.scan(carry);
        std::size_t end = scanner.first_end();
        if (end == std::string::npos && !at_end) {
            if (carry.size() > ripen::kMaxRecordBytes) too_long();
            else read_into(carry);
            continue;
        }
        if (end == std::string::npos) end = carry.size();
        std::string out;
        scorer.sniff(carry);  // separator and encoding from all that is read, not the header alone
        ok = scorer.feed(std::string_view(carry).substr(0, end), out, errors);
        if (ok && at_end && end == carry.size()) ok = scorer.finish(out, errors);
        job.report(errors);
        job.emit(out);
        line += count_lines(std::string_view(carry).substr(0, end));
        carry.erase(0, end);
        scanner.drop(end);
        if (at_end && carry.empty()) break;
    }

    std::vector<std::unique_ptr<ripen::BatchScorer>> workers;
    std::uint64_t rows_seen = 0, bytes_seen = 0;
    std::mutex input_lock, output_lock;
    std::condition_variable output_turn;
    std::uint64_t next_block = 0, next_output = 0;
    auto run_worker = [&](ripen::BatchScorer& worker) {
        std::string block, out;
        std::vector<ripen::Issue> block_errors;
        for (;;) {
            std::uint64_t seq;
            {
                std::lock_guard<std::mutex> hold(input_lock);
                if (!ok || read_failed) return;
                // Copied, not moved: the block keeps its capacity from round to round (a fresh
                // buffer per block costs a page fault per 4 KB).
                block.assign(carry);
                carry.clear();
                // At least a block's worth, cut after its last whole record; a longer record
                // makes a longer block.
                std::size_t cut = std::string::npos;
                for (;;) {
                    while (!at_end && block.size() < ripen::cli::kBlockBytes) read_into(block);
                    if (at_end) {
                        cut = block.size();
                        break;
                    }
                    scanner.scan(block);
                    cut = scanner.last_end();
                    if (cut != std::string::npos) break;
                    if (block.size() > ripen::kMaxRecordBytes) {
                        std::lock_guard<std::mutex> turn(output_lock);
                        too_long();
                        return;
                    }
                    read_into(block);
                }
                if (read_failed) {
                    ok = false;
                    return;
                }
                if (cut == 0) return;  // nothing left
                carry.assign(block, cut, std::string::npos);
                block.resize(cut);
                scanner.drop(cut);
                seq = next_block++;
            }
            const std::uint64_t lines = count_lines(block);
            const std::uint64_t rows_before = worker.stats().rows;
            worker.score_block(block, 1, out, block_errors);
            const std::uint64_t rows = worker.stats().rows - rows_before;
            bool written = true;
            {
                std::unique_lock<std::mutex> hold(output_lock);
                output_turn.wait(hold, [&] { return next_output == seq; });
                job.report(block_errors, line - 1);
                written = job.emit(out);
                line += lines;
                rows_seen += rows;
                bytes_seen += block.size();
                progress("scored", rows_seen, bytes_seen);
                ++next_output;
            }
            output_turn.notify_all();
            if (!written) {
                std::lock_guard<std::mutex> hold(input_lock);
                ok = false;  // standard output failed: stop reading
                return;
            }
        }
    };
    if (ok && scorer.header_ready() && !(at_end && carry.empty())) {
        // Workers share the header's layout (NDJSON has none). Each thread makes its own, so
        // the scorer's working memory comes from that thread's malloc arena: made one after
        // another on this thread, the workers' small scratch vectors shared cache lines (two
        // threads took 694 ms for 1M leads that way, 574 ms this way).
        workers.resize(job.threads);
        std::vector<std::thread> running;
        for (unsigned t = 1; t < job.threads; ++t)
            running.emplace_back([&, t] {
                workers[t] = scorer.fork();
                run_worker(*workers[t]);
            });
        workers[0] = scorer.fork();
        run_worker(*workers[0]);
        for (auto& th : running) th.join();
    }
    if (ok && !read_failed && !scorer.header_ready()) {
        std::string out;
        ok = scorer.finish(out, errors);
        job.report(errors);
    }
    progress_done();
    for (const auto& w : workers)
        if (w) scorer.add_stats(w->stats());
    job.stats = scorer.stats();
    job.fatal = !ok && !read_failed && !job.session.out_failed();
}

}  // namespace

int main(int argc, char** argv) {
    // SIGPIPE keeps its default: `ripen sample ... | head` ends quietly when head does. Where the
    // caller ignores it, the write fails with EPIPE and the command says so and exits with 2.
    PosixIo io;
    std::vector<std::string> words(argv + 1, argv + argc);
    // The server is native only: not part of the command layer the Node CLI shares.
    if (!words.empty() && words[0] == "serve") return ripen::server::serve_command({words.begin() + 1, words.end()});
    return ripen::cli::run(io, words);
}
