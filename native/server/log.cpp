#include "log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

#include "ripen/decision.hpp"

namespace ripen::server {

namespace {

std::mutex log_mutex;
std::atomic<bool> access_on{true};

std::string now_text() {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    return format_time(std::chrono::duration_cast<std::chrono::seconds>(now).count());
}

// Control characters (a path can carry %0A decoded into a newline) would forge log lines.
std::string printable(const std::string& text, std::size_t limit) {
    std::string out;
    for (unsigned char c : text.substr(0, limit)) out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
    if (text.size() > limit) out += "...";
    return out;
}

}  // namespace

void log_error(const std::string& message) {
    std::lock_guard<std::mutex> lock(log_mutex);
    std::fprintf(stderr, "%s ripen serve: error: %s\n", now_text().c_str(), printable(message, 2000).c_str());
    std::fflush(stderr);
}

void log_access(const std::string& client, const std::string& method, const std::string& path, int status, double milliseconds) {
    if (!access_on.load(std::memory_order_relaxed)) return;
    std::lock_guard<std::mutex> lock(log_mutex);
    std::fprintf(stdout, "%s %s %s %s %d %.1fms\n", now_text().c_str(), printable(client, 64).c_str(), printable(method, 16).c_str(),
                 printable(path, 300).c_str(), status, milliseconds);
    std::fflush(stdout);
}

void set_access_log(bool on) { access_on = on; }

}  // namespace ripen::server
