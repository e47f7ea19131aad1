// `ripen serve`: the site, the lead intake, the sales desk and its API on one port, through
// cpp-httplib (see docs/deploy.md for TLS and several servers).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ripen/model.hpp"
#include "store.hpp"

namespace ripen::server {

struct ServeConfig {
    std::string model_path;
    std::string site_dir;                // static files; empty: none
    std::string data_dir = "ripen-data";
    std::string listen = "127.0.0.1";
    int port = 8080;
    std::vector<std::string> origins;    // allowed cross-origin callers of POST /api/leads
    std::vector<std::string> hosts;      // allowed Host names besides localhost and 127.0.0.1
    std::string webhook_url, webhook_secret;
    std::size_t body_limit = 64 * 1024;
    bool secure_cookies = false;         // behind TLS: the session cookie gets Secure
    int threads = 256;                   // one per open connection (http.hpp)
    int connections_per_client = 64;     // open connections from one address
    int request_deadline_ms = 10000;     // a request's headers and body arrive within this
    std::vector<std::string> trusted_proxies;  // addresses whose X-Forwarded-For is believed
    bool access_log = true;
    int rate_limit = 30;                 // new submissions per minute per client; 0: no limit
    int min_fill_ms = 1000;              // the form filled faster than this: held as spam; 0: off
};

// Runs until `stop` becomes true (or the process is signalled). Prints the URL on `announce`.
int serve(const ServeConfig& config, const Model& model, Store& store, std::atomic<bool>& stop, std::string& error);

// The numbers of GET /api/report and `ripen serve report`, as JSON.
std::string report_json(const Model& model, Store& store, std::int64_t now_ms);
// The text table of `ripen serve report`.
std::string report_text(const std::string& report);
// GET /api/export.csv and `ripen serve export`: one row per lead, as ripen report reads it.
// converted_when: "won" or "accepted".
// Written in pieces through `write` (false from it stops), so a million leads take no more
// memory than a thousand. StorageError when the database cannot be read.
bool export_csv(const Model& model, Store& store, const std::string& converted_when, const std::function<bool(const std::string&)>& write);

}  // namespace ripen::server
