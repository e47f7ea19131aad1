// The server's two logs: errors on stderr (a cause an operator can act on: a failed
// checkpoint, a read that failed, a webhook that cannot be delivered), and the access log on
// stdout, one line per request (time, client, method, path, status, duration). Neither ever
// holds a body, a query string, a token or a cookie: they may hold visitors' data or secrets.
#pragma once

#include <cstdint>
#include <string>

namespace ripen::server {

void log_error(const std::string& message);
void log_access(const std::string& client, const std::string& method, const std::string& path, int status, double milliseconds);
// Off for load tests and benchmarks that would only measure the pipe.
void set_access_log(bool on);

}  // namespace ripen::server
