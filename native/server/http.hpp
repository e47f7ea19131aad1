// cpp-httplib's server with the connection handling `ripen serve` needs in front of the public
// internet (Debian's cpp-httplib 0.11 has none of it): one thread per connection stays, but no
// connection may hold its thread for long. Each request must arrive whole (headers and body)
// within a deadline however slowly it drips; headers are capped in bytes and in number; one
// address holds only so many connections at once; idle connections are let go after the
// keep-alive time; TCP_NODELAY is on; and stopping cuts every read at once, so SIGTERM ends
// within a second or two whatever the clients do. Connections are read through a Stream of our
// own (the library's SocketStream is not in its public header).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include <httplib.h>

namespace ripen::server {

struct ConnectionLimits {
    std::chrono::milliseconds request_deadline{10000};  // headers and body of one request
    std::chrono::milliseconds keep_alive{1000};          // idle between requests
    std::chrono::milliseconds write_timeout{10000};      // a client that stops reading the answer
    std::size_t header_bytes = 32 * 1024;
    int per_client = 64;                  // open connections from one address
    std::size_t requests_per_connection = 100;
    std::set<std::string> unlimited;      // addresses without the per-client cap (a trusted proxy)
};

class HardenedServer : public httplib::Server {
public:
    explicit HardenedServer(ConnectionLimits limits) : limits_(std::move(limits)) {}

    // The listen backlog: the library's is 5, so a burst of connects is refused by the kernel.
    bool widen_backlog(int backlog);
    // Every read from now on fails: in-flight handlers finish and answer, slow clients are cut.
    void begin_stopping() { stopping_ = true; }
    bool stopping() const { return stopping_; }

    // For the routing handlers, about the request on this thread's connection:
    static void headers_read();           // its headers are in; the header byte cap ends
    static void close_after_response();   // its body was refused unread: the connection closes
    static double elapsed_ms();           // since its first byte arrived

private:
    bool process_and_close_socket(socket_t sock) override;

    ConnectionLimits limits_;
    std::atomic<bool> stopping_{false};
    std::mutex clients_mutex_;
    std::map<std::string, int> clients_;
};

}  // namespace ripen::server
