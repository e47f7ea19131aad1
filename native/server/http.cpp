#include "http.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ripen::server {

namespace {

using Clock = std::chrono::steady_clock;

std::string address_of(const sockaddr_storage& addr, int& port) {
    char text[INET6_ADDRSTRLEN] = "";
    port = -1;
    if (addr.ss_family == AF_INET) {
        const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
        inet_ntop(AF_INET, &a->sin_addr, text, sizeof text);
        port = ntohs(a->sin_port);
    } else if (addr.ss_family == AF_INET6) {
        const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
        inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
        port = ntohs(a->sin6_port);
        // An IPv4 client on a dual-stack socket: ::ffff:1.2.3.4 is 1.2.3.4.
        if (std::strncmp(text, "::ffff:", 7) == 0 && std::strchr(text + 7, '.')) return text + 7;
    }
    return text;
}

// One connection: its socket, a read buffer (the library reads request lines a byte at a
// time), and the current request's deadline and header budget.
class Connection final : public httplib::Stream {
public:
    Connection(int sock, const ConnectionLimits& limits, const std::atomic<bool>& stopping) : sock_(sock), limits_(limits), stopping_(stopping) {
        sockaddr_storage addr{};
        socklen_t size = sizeof addr;
        if (::getpeername(sock, reinterpret_cast<sockaddr*>(&addr), &size) == 0) remote_ = address_of(addr, remote_port_);
    }

    const std::string& remote() const { return remote_; }

    // Waits for the next request's first byte, up to the keep-alive time.
    bool wait_for_request() {
        if (begin_ < end_) return start_request();
        if (!wait(POLLIN, Clock::now() + limits_.keep_alive)) return false;
        return start_request();
    }

    bool start_request() {
        started_ = Clock::now();
        deadline_ = started_ + limits_.request_deadline;
        header_budget_ = limits_.header_bytes;
        in_headers_ = true;
        close_ = false;
        return true;
    }

    void headers_read() { in_headers_ = false; }
    void close_after_response() { close_ = true; }
    bool must_close() const { return close_; }
    double elapsed_ms() const { return std::chrono::duration<double, std::milli>(Clock::now() - started_).count(); }

    bool is_readable() const override { return begin_ < end_ || wait(POLLIN, deadline_); }
    bool is_writable() const override { return wait(POLLOUT, Clock::now() + limits_.write_timeout, false); }

    ssize_t read(char* ptr, size_t size) override {
        if (begin_ == end_) {
            if (!wait(POLLIN, deadline_)) return -1;
            std::size_t want = sizeof buffer_;
            if (in_headers_) {
                if (header_budget_ == 0) return -1;  // too many header bytes: the request fails
                want = std::min(want, header_budget_);
            }
            ssize_t n;
            do n = ::recv(sock_, buffer_, want, 0);
            while (n < 0 && errno == EINTR);
            if (n <= 0) return n;
            if (in_headers_) header_budget_ -= static_cast<std::size_t>(n);
            begin_ = 0;
            end_ = static_cast<std::size_t>(n);
        }
        std::size_t n = std::min(size, end_ - begin_);
        std::memcpy(ptr, buffer_ + begin_, n);
        begin_ += n;
        return static_cast<ssize_t>(n);
    }

    ssize_t write(const char* ptr, size_t size) override {
        if (!is_writable()) return -1;
        ssize_t n;
        do n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        return n;
    }

    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        ip = remote_;
        port = remote_port_;
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        sockaddr_storage addr{};
        socklen_t size = sizeof addr;
        if (::getsockname(sock_, reinterpret_cast<sockaddr*>(&addr), &size) == 0) ip = address_of(addr, port);
    }
    socket_t socket() const override { return sock_; }

private:
    // poll() in short slices, so that stopping is seen within a tenth of a second.
    bool wait(short events, Clock::time_point until, bool stop_cuts = true) const {
        for (;;) {
            if (stop_cuts && stopping_.load()) return false;
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
            if (left <= 0) return false;
            pollfd p{sock_, events, 0};
            int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 100)));
            if (r > 0) return (p.revents & (events | POLLHUP | POLLERR)) != 0;
            if (r < 0 && errno != EINTR) return false;
        }
    }

    int sock_;
    const ConnectionLimits& limits_;
    const std::atomic<bool>& stopping_;
    std::string remote_;
    int remote_port_ = -1;
    char buffer_[4096];
    std::size_t begin_ = 0, end_ = 0;
    Clock::time_point started_{}, deadline_{};
    std::size_t header_budget_ = 0;
    bool in_headers_ = true;
    bool close_ = false;
};

thread_local Connection* current = nullptr;

void refuse(int sock, const char* status, const char* message) {
    std::string body = std::string("{\"error\":\"") + message + "\",\"code\":\"server.busy\"}";
    std::string head = std::string("HTTP/1.1 ") + status + "\r\nContent-Type: application/json; charset=utf-8\r\nRetry-After: 5\r\nConnection: close\r\n" +
                       "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    std::string all = head + body;
    // Best effort and never blocking: a client that does not read does not get it.
    (void)::send(sock, all.data(), all.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}

}  // namespace

bool HardenedServer::widen_backlog(int backlog) {
    // listen() again on a listening socket only changes its backlog.
    return ::listen(svr_sock_, backlog) == 0;
}

void HardenedServer::headers_read() {
    if (current) current->headers_read();
}
void HardenedServer::close_after_response() {
    if (current) current->close_after_response();
}
double HardenedServer::elapsed_ms() { return current ? current->elapsed_ms() : 0.0; }

bool HardenedServer::process_and_close_socket(socket_t sock) {
    int on = 1;
    ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    Connection connection(sock, limits_, stopping_);
    const std::string client = connection.remote();
    bool admitted = true;
    if (!limits_.unlimited.count(client)) {
        std::lock_guard<std::mutex> lock(clients_mutex_);
        int& open = clients_[client];
        if (open >= limits_.per_client) admitted = false;
        else ++open;
    }
    bool ok = true;
    if (!admitted) {
        refuse(sock, "503 Service Unavailable", "too many open connections from this address");
    } else {
        current = &connection;
        for (std::size_t n = 0; n < limits_.requests_per_connection && !stopping_.load(); ++n) {
            if (!connection.wait_for_request()) break;
            bool closed = false;
            const bool last = n + 1 == limits_.requests_per_connection;
            ok = process_request(connection, last, closed, nullptr);
            if (!ok || closed || connection.must_close()) break;
        }
        current = nullptr;
        std::lock_guard<std::mutex> lock(clients_mutex_);
        if (!limits_.unlimited.count(client) && --clients_[client] <= 0) clients_.erase(client);
    }
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return ok;
}

}  // namespace ripen::server
