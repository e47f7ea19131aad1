// A command's run: buffered output, messages, bounded reads (see session.hpp).
#include "cli/session.hpp"

#include "cli/text.hpp"

namespace ripen::cli {

namespace {
constexpr std::size_t kOutBuffer = std::size_t{1} << 20;
}

void Session::out(std::string_view bytes) {
    if (out_failed_) return;
    buffer_.append(bytes.data(), bytes.size());
    if (buffer_.size() >= kOutBuffer) flush();
}

bool Session::flush() {
    if (out_failed_) return false;
    if (!buffer_.empty() && !io_.write_out(buffer_, out_error_)) out_failed_ = true;
    buffer_.clear();
    return !out_failed_;
}

void Session::say(std::string_view message) {
    std::string line = "ripen " + command_ + ": ";
    line.append(message.data(), message.size());
    line += '\n';
    err(line);
}

int Session::usage(std::string_view message) {
    err(usage_error(command_, message));
    return kExitUsage;
}

int Session::fail(std::string_view message, int code) {
    say(message);
    return code;
}

bool Session::read_whole(const std::string& path, std::size_t limit, std::string_view what, std::string& out) {
    std::string error;
    auto input = io_.open(path, error);
    if (!input) {
        say("cannot read \"" + safe(path) + "\": " + error);
        return false;
    }
    out.clear();
    char chunk[1 << 16];
    for (;;) {
        std::int64_t n = input->read(chunk, sizeof chunk, error);
        if (n < 0) {
            say("cannot read \"" + safe(path) + "\": " + error);
            return false;
        }
        if (n == 0) return true;
        if (out.size() + static_cast<std::size_t>(n) > limit) {
            say("\"" + safe(shown_path(path)) + "\" is larger than " + std::to_string(limit >> 20) + " MB, the limit for " +
                std::string(what));
            out.clear();
            return false;
        }
        out.append(chunk, static_cast<std::size_t>(n));
    }
}

int Session::finish(int code) {
    flush();
    if (!out_failed_) return code;
    say("cannot write to standard output: " + out_error_);
    return kExitUsage;
}

std::string shown_path(const std::string& path) { return path == "-" ? "<stdin>" : path; }

std::string safe(std::string_view text, std::size_t limit) { return printable(text, limit); }

}  // namespace ripen::cli
