// The HTTP side of `ripen serve` (server.hpp): every route, who may call it, the static site and
// the desk, the security headers.
#include "server.hpp"

#include <brotli/encode.h>
#include "http.hpp"
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <zlib.h>

#include <chrono>
#include <cmath>
#include <unordered_map>
#include <cstdio>
#include <thread>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "intake.hpp"
#include "log.hpp"
#include "ripen/decision.hpp"
#include "security.hpp"
#include "webhooks.hpp"

namespace ripen::server {

namespace {

// The strict policy of the site (the form needs 'wasm-unsafe-eval' for the core).
constexpr const char* kCsp =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'";

const char* kDeskIndex =
#include "desk_index.inc"
    ;
const char* kDeskScript =
#include "desk_script.inc"
    ;
const char* kDeskStyles =
#include "desk_styles.inc"
    ;

std::string lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void send_json(httplib::Response& res, int status, const std::string& body) {
    res.status = status;
    res.set_content(body, "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, int status, const std::string& message, const std::string& code = {}) {
    send_json(res, status, error_json(message, code));
}

std::string mime_type(const std::string& path) {
    static const std::map<std::string, std::string> types = {
        {".html", "text/html; charset=utf-8"}, {".mjs", "text/javascript; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},   {".json", "application/json; charset=utf-8"}, {".wasm", "application/wasm"},
        {".svg", "image/svg+xml"},             {".png", "image/png"},                      {".csv", "text/csv; charset=utf-8"},
        {".md", "text/markdown; charset=utf-8"}, {".ico", "image/x-icon"},                 {".txt", "text/plain; charset=utf-8"}};
    std::size_t dot = path.rfind('.');
    if (dot != std::string::npos)
        if (auto it = types.find(path.substr(dot)); it != types.end()) return it->second;
    return "application/octet-stream";
}

// cpp-httplib compresses text/* and SVG itself; the WebAssembly and JSON files it leaves alone
// are compressed here, once per file version.
class CompressedFiles {
public:
    struct Entry {
        std::int64_t mtime = 0;
        std::string brotli, gzip;
    };
    const Entry& get(const std::string& path, std::int64_t mtime, const std::string& body) {
        std::lock_guard<std::mutex> lock(mutex_);
        Entry& e = cache_[path];
        if (e.mtime == mtime && (!e.brotli.empty() || body.empty())) return e;
        e.mtime = mtime;
        e.brotli.assign(BrotliEncoderMaxCompressedSize(body.size()), '\0');
        std::size_t size = e.brotli.size();
        if (BrotliEncoderCompress(9, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, body.size(), reinterpret_cast<const uint8_t*>(body.data()), &size,
                                  reinterpret_cast<uint8_t*>(e.brotli.data())))
            e.brotli.resize(size);
        else
            e.brotli.clear();
        z_stream z{};
        deflateInit2(&z, 9, Z_DEFLATED, 31, 9, Z_DEFAULT_STRATEGY);  // 31: a gzip wrapper
        e.gzip.assign(deflateBound(&z, body.size()) + 32, '\0');
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
        z.avail_in = static_cast<uInt>(body.size());
        z.next_out = reinterpret_cast<Bytef*>(e.gzip.data());
        z.avail_out = static_cast<uInt>(e.gzip.size());
        deflate(&z, Z_FINISH);
        e.gzip.resize(z.total_out);
        deflateEnd(&z);
        return e;
    }

private:
    std::mutex mutex_;
    std::map<std::string, Entry> cache_;
};

// Submissions per client per minute, as a token bucket: `per_minute` at once, then one every
// 60/per_minute seconds. 0: no limit (load tests).
class RateLimiter {
public:
    explicit RateLimiter(int per_minute) : per_minute_(per_minute) {}

    bool take(const std::string& client, std::int64_t now) {
        if (per_minute_ <= 0) return true;
        std::lock_guard<std::mutex> lock(mutex_);
        if (buckets_.size() > 100000) prune(now);
        Bucket& b = refill(client, now);
        if (b.tokens < 1.0) return false;
        b.tokens -= 1.0;
        return true;
    }

    int seconds_until_next(const std::string& client, std::int64_t now) {
        if (per_minute_ <= 0) return 0;
        std::lock_guard<std::mutex> lock(mutex_);
        const Bucket& b = refill(client, now);
        return static_cast<int>(std::ceil((1.0 - b.tokens) * 60.0 / per_minute_)) + 1;
    }

private:
    struct Bucket {
        double tokens = 0;
        std::int64_t at = 0;
    };

    Bucket& refill(const std::string& client, std::int64_t now) {
        auto [it, fresh] = buckets_.try_emplace(client);
        Bucket& b = it->second;
        if (fresh) b.tokens = per_minute_;
        else b.tokens = std::min<double>(per_minute_, b.tokens + static_cast<double>(now - b.at) * per_minute_ / 60000.0);
        b.at = now;
        return b;
    }

    // Full buckets say nothing a fresh one would not: a flood of addresses cannot grow the map.
    void prune(std::int64_t now) {
        for (auto it = buckets_.begin(); it != buckets_.end();)
            it = static_cast<double>(now - it->second.at) * per_minute_ / 60000.0 + it->second.tokens >= per_minute_ ? buckets_.erase(it) : std::next(it);
    }

    const int per_minute_;
    std::mutex mutex_;
    std::unordered_map<std::string, Bucket> buckets_;
};

// Desk sessions: in memory (a restart logs the desk out; API tokens are unaffected).
struct Session {
    std::string token_name;
    std::string token_hash;  // checked on every request: a revoked token's sessions end at once
    std::string csrf;
    std::int64_t expires = 0;
};

class App {
public:
    App(const ServeConfig& config, const Model& model, Store& store) : config_(config), model_(model), store_(store), webhooks_(config, store) {}

    void install(httplib::Server& http) {
        // Bodies are read by the routes themselves, counting (read_body): the library's limit
        // holds only for bodies with a Content-Length.
        http.set_payload_max_length(config_.body_limit);
        http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
            log_access(client_of(req), req.method, req.path, res.status, HardenedServer::elapsed_ms());
        });
        http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) { return before(req, res); });
        http.set_post_routing_handler([](const httplib::Request& req, httplib::Response& res) {
            res.set_header("Content-Security-Policy", kCsp);
            res.set_header("X-Content-Type-Options", "nosniff");
            res.set_header("Referrer-Policy", "same-origin");
            res.set_header("X-Frame-Options", "DENY");
            if (req.path.rfind("/api/", 0) == 0 || req.path.rfind("/desk/", 0) == 0) res.set_header("Cache-Control", "no-store");
            else if (!res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-cache");
        });
        http.set_error_handler([this](const httplib::Request&, httplib::Response& res) {
            if (!res.body.empty()) return;
            if (res.status == 413) send_error(res, 413, too_large(), "intake.too_large");
            else if (res.status == 404) {
                res.set_content("<!doctype html><title>Not found</title><p>Not found</p>", "text/html; charset=utf-8");
            }
        });
        http.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr error) {
            try {
                if (error) std::rethrow_exception(error);
            } catch (const StorageError& e) {
                log_error(req.method + " " + req.path + ": " + e.what());
                return send_error(res, 503, "the database could not be read; the cause is in the server's error log", "server.storage");
            } catch (const std::exception& e) {
                log_error(req.method + " " + req.path + ": " + e.what());
            } catch (...) {
                log_error(req.method + " " + req.path + ": an unknown exception");
            }
            send_error(res, 500, "internal error; the cause is in the server's error log", "server.internal");
        });

        http.Options("/api/leads", [this](const httplib::Request& req, httplib::Response& res) { preflight(req, res); });
        http.Post("/api/leads", bodied([this](const httplib::Request& req, httplib::Response& res, const std::string& body) { intake(req, res, body); }));
        http.Get("/api/leads", [this](const httplib::Request& req, httplib::Response& res) { guarded(req, res, false, [&] { list(req, res); }); });
        http.Get(R"(/api/leads/([A-Za-z0-9._:-]+))", [this](const httplib::Request& req, httplib::Response& res) {
            guarded(req, res, false, [&] { show(req.matches[1].str(), res); });
        });
        http.Post(R"(/api/leads/([A-Za-z0-9._:-]+)/(accept|reject|touch|outcome|release))",
                  bodied([this](const httplib::Request& req, httplib::Response& res, const std::string& body) {
                      guarded(req, res, true, [&] { act(req.matches[1].str(), req.matches[2].str(), body, res); });
                  }));
        http.Get("/api/report", [this](const httplib::Request& req, httplib::Response& res) {
            guarded(req, res, false, [&] { send_json(res, 200, report_json(model_, store_, now_ms())); });
        });
        http.Get("/api/export.csv", [this](const httplib::Request& req, httplib::Response& res) {
            guarded(req, res, false, [&] {
                std::string converted = req.has_param("converted") ? req.get_param_value("converted") : "won";
                if (converted != "won" && converted != "accepted") return send_error(res, 400, "converted must be won or accepted");
                res.set_header("Content-Disposition", "attachment; filename=\"ripen-leads.csv\"");
                // Streamed as it is read: a year of leads in constant memory.
                res.set_chunked_content_provider("text/csv; charset=utf-8", [this, converted](std::size_t, httplib::DataSink& sink) {
                    try {
                        if (!export_csv(model_, store_, converted, [&](const std::string& piece) { return sink.write(piece.data(), piece.size()); }))
                            return false;  // the client went away
                    } catch (const StorageError& e) {
                        // Cut off without the last chunk: the client sees an incomplete download,
                        // never a short file that looks whole.
                        log_error(std::string("GET /api/export.csv: ") + e.what());
                        return false;
                    }
                    sink.done();
                    return true;
                });
            });
        });
        http.Get("/api/webhooks", [this](const httplib::Request& req, httplib::Response& res) {
            guarded(req, res, false, [&] { failing_webhooks(res); });
        });
        http.Get("/api/model", [this](const httplib::Request& req, httplib::Response& res) {
            guarded(req, res, false, [&] { send_json(res, 200, json::to_string(model_.source())); });
        });
        http.Get("/api/session", [this](const httplib::Request& req, httplib::Response& res) {
            guarded(req, res, false, [&] {
                auto s = session_of(req);
                send_json(res, 200, nlohmann::json{{"name", s ? s->token_name : std::string()}, {"csrf", s ? s->csrf : std::string()}}.dump());
            });
        });
        http.Post("/desk/login", bodied([this](const httplib::Request& req, httplib::Response& res, const std::string& body) { login(req, res, body); }));
        http.Post("/desk/logout", bodied([this](const httplib::Request& req, httplib::Response& res, const std::string&) { logout(req, res); }));
        auto desk = [](const char* body, const char* type) {
            return [body, type](const httplib::Request&, httplib::Response& res) { res.set_content(body, type); };
        };
        http.Get("/desk", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/desk/"); });
        http.Get("/desk/", desk(kDeskIndex, "text/html; charset=utf-8"));
        http.Get("/desk/desk.mjs", desk(kDeskScript, "text/javascript; charset=utf-8"));
        http.Get("/desk/desk.css", desk(kDeskStyles, "text/css; charset=utf-8"));
        http.Get(".*", [this](const httplib::Request& req, httplib::Response& res) { file(req, res); });
        webhooks_.start();
    }

    void stop() { webhooks_.stop(); }

private:
    static constexpr std::size_t kMaxHeaders = 100;

    std::string too_large() const { return "the body is larger than the " + std::to_string(config_.body_limit) + " bytes this server takes"; }

    // A POST route whose body is read here, counted as it arrives whatever its framing
    // (Content-Length or chunked): past the limit the reading stops and the answer is 413.
    template <typename F>
    httplib::Server::HandlerWithContentReader bodied(F handler) {
        return [this, handler](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
            std::string body;
            bool too_big = false;
            const bool complete = reader([&](const char* data, std::size_t size) {
                if (body.size() + size > config_.body_limit) {
                    too_big = true;
                    return false;
                }
                body.append(data, size);
                return true;
            });
            if (too_big || !complete) {
                HardenedServer::close_after_response();
                res.set_header("Connection", "close");
                if (too_big) return send_error(res, 413, too_large(), "intake.too_large");
                return send_error(res, 400, "the body did not arrive whole (cut off, malformed chunks, or too slow)", "server.body");
            }
            handler(req, res, body);
        };
    }

    // Refuses requests for hosts this server is not (DNS rebinding), before any route runs.
    httplib::Server::HandlerResponse before(const httplib::Request& req, httplib::Response& res) {
        HardenedServer::headers_read();
        auto refuse = [&](int status, const std::string& message, const std::string& code) {
            // The body (if any) is left unread: the connection cannot carry another request.
            HardenedServer::close_after_response();
            res.set_header("Connection", "close");
            send_error(res, status, message, code);
            return httplib::Server::HandlerResponse::Handled;
        };
        if (req.headers.size() > kMaxHeaders)
            return refuse(431, "a request has at most " + std::to_string(kMaxHeaders) + " headers", "server.headers");
        if (std::string encoding = lower(req.get_header_value("Content-Encoding")); !encoding.empty() && encoding != "identity")
            return refuse(415, "compressed request bodies are not taken (Content-Encoding: " + encoding.substr(0, 40) + "); send the JSON as it is", "server.encoding");
        if (req.has_header("Content-Length")) {
            const std::string length = req.get_header_value("Content-Length");
            if (length.empty() || length.size() > 18 || length.find_first_not_of("0123456789") != std::string::npos)
                return refuse(400, "Content-Length must be a number of bytes", "server.length");
            if (std::stoull(length) > config_.body_limit) return refuse(413, too_large(), "intake.too_large");
        }
        // Static files: one range at most. Many overlapping ranges would make one small request
        // a gigantic answer (2,700 ranges of a 600 KB file: 1.5 GB); then the whole file is sent.
        if (req.ranges.size() > 1) const_cast<httplib::Request&>(req).ranges.clear();

        std::string host = lower(req.get_header_value("Host"));
        if (!host.empty() && host.front() == '[') host = host.substr(1, host.find(']') - 1);
        else if (std::size_t colon = host.rfind(':'); colon != std::string::npos) host = host.substr(0, colon);
        bool allowed = host == "localhost" || host == "127.0.0.1" || host == "::1";
        for (const auto& h : config_.hosts) allowed = allowed || lower(h) == host;
        if (allowed) return httplib::Server::HandlerResponse::Unhandled;
        send_error(res, 403, "this server does not answer for host \"" + host.substr(0, 100) + "\" (allow it with --host)", "server.host");
        return httplib::Server::HandlerResponse::Handled;
    }

    // CORS for the intake only: the form on another site posts leads; nothing else is shared.
    bool origin_allowed(const httplib::Request& req) const {
        std::string origin = req.get_header_value("Origin");
        if (origin.empty()) return true;
        for (const auto& o : config_.origins)
            if (o == origin) return true;
        // Same origin: the browser sends Origin on POST too.
        std::string host = req.get_header_value("Host");
        return origin == "http://" + host || origin == "https://" + host;
    }

    void allow_origin(const httplib::Request& req, httplib::Response& res) const {
        std::string origin = req.get_header_value("Origin");
        if (!origin.empty() && std::find(config_.origins.begin(), config_.origins.end(), origin) != config_.origins.end()) {
            res.set_header("Access-Control-Allow-Origin", origin);
            res.set_header("Vary", "Origin");
        }
    }

    void preflight(const httplib::Request& req, httplib::Response& res) {
        if (!origin_allowed(req)) return send_error(res, 403, "origin not allowed", "intake.origin");
        allow_origin(req, res);
        res.set_header("Access-Control-Allow-Methods", "POST");
        res.set_header("Access-Control-Allow-Headers", "Content-Type, Idempotency-Key");
        res.set_header("Access-Control-Max-Age", "600");
        res.status = 204;
    }

    void intake(const httplib::Request& req, httplib::Response& res, const std::string& body) {
        if (!origin_allowed(req)) return send_error(res, 403, "origin \"" + req.get_header_value("Origin").substr(0, 200) + "\" may not post leads here (allow it with --origin)", "intake.origin");
        allow_origin(req, res);
        std::string type = req.get_header_value("Content-Type");
        if (type.substr(0, type.find(';')) != "application/json")
            return send_error(res, 415, "a submission is JSON: send Content-Type: application/json", "intake.content_type");
        const std::string client = client_of(req);
        if (!rate_.take(client, now_ms())) {
            // Not stored, and said so: the form's outbox keeps the submission and sends it again
            // later (it retries 429), a flood is turned away at no cost.
            res.set_header("Retry-After", std::to_string(rate_.seconds_until_next(client, now_ms())));
            return send_error(res, 429, "too many submissions from this address; the form sends this one again later", "intake.rate_limited");
        }
        Sender sender{client, req.get_header_value("User-Agent"), config_.min_fill_ms};
        IntakeOutcome outcome = take_submission(model_, store_, req.get_header_value("Idempotency-Key"), body, now_ms(),
                                                [this](const std::string& event_type, const LeadRow& lead) { return webhooks_.event(event_type, lead); },
                                                sender);
        send_json(res, outcome.reply.status, outcome.reply.body);
        if (outcome.row.event) webhooks_.wake();
    }

    // Who is calling: a Bearer token for the API, or the desk's session cookie (with the CSRF
    // header on state changes). 401 without credentials, 403 with wrong ones.
    template <typename F>
    void guarded(const httplib::Request& req, httplib::Response& res, bool changes, F&& run) {
        std::string auth = req.get_header_value("Authorization");
        if (!auth.empty()) {
            if (auth.size() < 7 || lower(auth.substr(0, 7)) != "bearer ") return send_error(res, 401, "use Authorization: Bearer TOKEN", "auth.scheme");
            auto token = store_.token_by_hash(token_hash(auth.substr(7)));
            if (!token || token->revoked_at) return send_error(res, 403, "this token is not valid (revoked or unknown)", "auth.token");
            return run();
        }
        if (auto s = session_of(req)) {
            if (changes && !same(req.get_header_value("X-CSRF-Token"), s->csrf))
                return send_error(res, 403, "missing or wrong X-CSRF-Token for this session", "auth.csrf");
            return run();
        }
        res.set_header("WWW-Authenticate", "Bearer");
        send_error(res, 401, "this needs a token: Authorization: Bearer TOKEN (ripen serve token add NAME), or the desk's login", "auth.required");
    }

    // The desk's session id from the Cookie header ("" when there is none).
    static std::string session_cookie(const httplib::Request& req) {
        std::string cookies = req.get_header_value("Cookie");
        std::size_t at = 0;
        // The cookie's own name, not one ending in it ("xripen_session=").
        while ((at = cookies.find("ripen_session=", at)) != std::string::npos && at > 0 && cookies[at - 1] != ' ' && cookies[at - 1] != ';') ++at;
        if (at == std::string::npos) return {};
        at += 14;
        std::size_t end = cookies.find(';', at);
        return cookies.substr(at, end == std::string::npos ? std::string::npos : end - at);
    }

    std::optional<Session> session_of(const httplib::Request& req) {
        std::string id = session_cookie(req);
        if (id.empty()) return std::nullopt;
        std::optional<Session> session;
        {
            std::lock_guard<std::mutex> lock(sessions_mutex_);
            auto it = sessions_.find(token_hash(id));
            if (it == sessions_.end() || it->second.expires < now_ms()) return std::nullopt;
            session = it->second;
        }
        auto token = store_.token_by_hash(session->token_hash);
        if (!token || token->revoked_at) {
            std::lock_guard<std::mutex> lock(sessions_mutex_);
            sessions_.erase(token_hash(id));
            return std::nullopt;
        }
        return session;
    }

    // Who sent the request: the peer, or behind a trusted proxy the last address it added to
    // X-Forwarded-For that is not a proxy of ours (anything further left the client wrote).
    std::string client_of(const httplib::Request& req) const {
        auto trusted = [&](const std::string& address) {
            return std::find(config_.trusted_proxies.begin(), config_.trusted_proxies.end(), address) != config_.trusted_proxies.end();
        };
        if (!trusted(req.remote_addr) || !req.has_header("X-Forwarded-For")) return req.remote_addr;
        std::vector<std::string> hops;
        for (std::size_t i = 0, n = req.get_header_value_count("X-Forwarded-For"); i < n; ++i) {
            std::string value = req.get_header_value("X-Forwarded-For", i);
            std::size_t at = 0;
            while (at <= value.size()) {
                std::size_t comma = value.find(',', at);
                if (comma == std::string::npos) comma = value.size();
                std::string hop = value.substr(at, comma - at);
                hop.erase(0, hop.find_first_not_of(" \t"));
                hop.erase(hop.find_last_not_of(" \t") + 1);
                if (!hop.empty()) hops.push_back(hop.substr(0, 64));
                at = comma + 1;
            }
        }
        for (auto it = hops.rbegin(); it != hops.rend(); ++it)
            if (!trusted(*it)) return *it;
        return req.remote_addr;
    }

    // The desk's own pages send Origin (fetch POST) and Sec-Fetch-Site; another site's form or
    // script cannot make them look same-origin.
    static bool same_origin(const httplib::Request& req) {
        const std::string origin = req.get_header_value("Origin");
        const std::string host = req.get_header_value("Host");
        if (!origin.empty() && origin != "http://" + host && origin != "https://" + host) return false;
        const std::string site = req.get_header_value("Sec-Fetch-Site");
        return site.empty() || site == "same-origin" || site == "none";
    }

    void login(const httplib::Request& req, httplib::Response& res, const std::string& request_body) {
        if (req.has_param("token"))
            return send_error(res, 400, "send the token in the request body, never in the URL (URLs end up in logs and histories)", "auth.token_in_url");
        if (!same_origin(req)) return send_error(res, 403, "the desk's login is only taken from the desk's own page", "auth.origin");
        std::string type = req.get_header_value("Content-Type");
        if (type.substr(0, type.find(';')) != "application/json")
            return send_error(res, 415, "the login is JSON: {\"token\": \"...\"} with Content-Type: application/json", "auth.content_type");
        // Ten failures per client per ten minutes: a token cannot be guessed by trying, and a
        // team behind one proxy is not locked out by one person's typos (--trusted-proxy).
        const std::string client = client_of(req);
        const std::int64_t now = now_ms();
        {
            std::lock_guard<std::mutex> lock(sessions_mutex_);
            auto& failures = failures_[client];
            failures.erase(std::remove_if(failures.begin(), failures.end(), [&](std::int64_t t) { return now - t > 600000; }), failures.end());
            if (failures.empty()) failures_.erase(client);
            else if (failures.size() >= 10) {
                res.set_header("Retry-After", std::to_string((failures.front() + 600000 - now) / 1000 + 1));
                return send_error(res, 429, "too many failed logins from this address; try again in ten minutes", "auth.rate_limited");
            }
        }
        auto failed = [&](int status, const std::string& message, const std::string& code) {
            std::lock_guard<std::mutex> lock(sessions_mutex_);
            if (failures_.size() > 100000) failures_.clear();  // a flood of addresses cannot grow this without bound
            failures_[client].push_back(now);
            send_error(res, status, message, code);
        };
        auto body = nlohmann::json::parse(request_body, nullptr, false);
        std::string token;
        if (body.is_object() && body.contains("token") && body["token"].is_string()) token = body["token"].get<std::string>();
        if (token.empty()) return send_error(res, 401, "enter a token (ripen serve token add NAME prints one)", "auth.required");
        const std::string hash = token_hash(token);
        auto info = store_.token_by_hash(hash);
        if (!info || info->revoked_at) return failed(403, "this token is not valid (revoked or unknown)", "auth.token");
        std::string id = random_token("s_");
        Session session{info->name, hash, random_token("c_"), now + 12LL * 3600 * 1000};
        {
            std::lock_guard<std::mutex> lock(sessions_mutex_);
            failures_.erase(client);
            sessions_[token_hash(id)] = session;
        }
        res.set_header("Set-Cookie", "ripen_session=" + id + "; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200" + (config_.secure_cookies ? "; Secure" : ""));
        send_json(res, 200, nlohmann::json{{"name", session.token_name}, {"csrf", session.csrf}}.dump());
    }

    void logout(const httplib::Request& req, httplib::Response& res) {
        std::string id = session_cookie(req);
        if (!id.empty()) {
            std::lock_guard<std::mutex> lock(sessions_mutex_);
            auto it = sessions_.find(token_hash(id));
            // Another site cannot log a rep out: the CSRF token proves the desk's own page.
            if (it != sessions_.end() && !same(req.get_header_value("X-CSRF-Token"), it->second.csrf))
                return send_error(res, 403, "missing or wrong X-CSRF-Token for this session", "auth.csrf");
            if (it != sessions_.end()) sessions_.erase(it);
        }
        res.set_header("Set-Cookie", "ripen_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
        send_json(res, 200, "{}");
    }

    nlohmann::json lead_summary(const LeadRow& lead) const {
        nlohmann::json out = {{"key", lead.key}, {"received_at", format_time(lead.received_at / 1000)}, {"route", lead.route}, {"status", lead.status},
                              {"segment", lead.segment}, {"source", lead.source}, {"track", lead.track}, {"email", lead.email},
                              {"total", lead.total ? nlohmann::json(*lead.total) : nlohmann::json(nullptr)}, {"mismatch", lead.mismatch},
                              {"requested_sales", lead.requested_sales}, {"fallback", lead.fallback}, {"lead_id", lead.lead_id},
                              {"supersedes", lead.supersedes.empty() ? nlohmann::json(nullptr) : nlohmann::json(lead.supersedes)},
                              {"superseded_by", lead.superseded_by.empty() ? nlohmann::json(nullptr) : nlohmann::json(lead.superseded_by)},
                              {"outcome", lead.outcome.empty() ? nlohmann::json(nullptr) : nlohmann::json(lead.outcome)},
                              {"reason", lead.reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(lead.reason)},
                              {"spam_reason", lead.spam_reason.empty() ? nlohmann::json(nullptr) : nlohmann::json(lead.spam_reason)}};
        out["sla_deadline"] = lead.sla_deadline ? nlohmann::json(format_time(*lead.sla_deadline / 1000)) : nlohmann::json(nullptr);
        out["recycle_at"] = lead.recycle_at ? nlohmann::json(format_time(*lead.recycle_at / 1000)) : nlohmann::json(nullptr);
        if (lead.sla_deadline && lead.status == "pending") out["sla_left_minutes"] = (*lead.sla_deadline - now_ms()) / 60000;
        return out;
    }

    void list(const httplib::Request& req, httplib::Response& res) {
        LeadFilter f;
        f.status = req.get_param_value("status");
        f.segment = req.get_param_value("segment");
        f.source = req.get_param_value("source");
        f.route = req.get_param_value("route");
        f.include_superseded = req.get_param_value("superseded") == "1";
        if (req.has_param("since")) {
            auto t = parse_time(req.get_param_value("since"));
            if (!t) return send_error(res, 400, "since must be an RFC 3339 time such as 2026-12-01T00:00:00Z", "api.since");
            f.since = *t * 1000;
        }
        if (req.has_param("limit")) {
            std::string n = req.get_param_value("limit");
            if (n.empty() || n.size() > 6 || n.find_first_not_of("0123456789") != std::string::npos)
                return send_error(res, 400, "limit must be a whole number up to 999999", "api.limit");
            f.limit = std::stoi(n);
        }
        nlohmann::json out = nlohmann::json::array();
        for (const auto& lead : store_.list(f)) out.push_back(lead_summary(lead));
        send_json(res, 200, out.dump());
    }

    void show(const std::string& key, httplib::Response& res) {
        auto lead = store_.get(key);
        if (!lead) return send_error(res, 404, "no lead with key \"" + key + "\"", "api.not_found");
        nlohmann::json out = lead_summary(*lead);
        out["submission"] = nlohmann::json::parse(lead->body, nullptr, false);
        out["client_address"] = lead->client_address;
        out["user_agent"] = lead->user_agent;
        out["decision"] = nlohmann::json::parse(lead->decision, nullptr, false);
        out["explanation"] = explanation(*lead);
        out["answers"] = labelled_answers(out["submission"]);
        nlohmann::json history = nlohmann::json::array();
        for (const auto& h : store_.history(key))
            history.push_back({{"at", format_time(h.at / 1000)}, {"action", h.action}, {"detail", nlohmann::json::parse(h.detail, nullptr, false)}});
        out["history"] = history;
        // The segment's cadence as a checklist.
        nlohmann::json cadence = nlohmann::json::array();
        auto done = store_.touches(key);
        if (int s = model_.segment_index(lead->segment); s >= 0 && (lead->status == "pending" || lead->status == "accepted")) {
            const auto& touches = model_.spec().segments[static_cast<std::size_t>(s)].cadence;
            for (std::size_t i = 0; i < touches.size(); ++i) {
                nlohmann::json t = {{"touch", i + 1}, {"day", touches[i].day}, {"channel", touches[i].channel}, {"role", touches[i].role},
                                    {"purpose", touches[i].purpose}, {"done", nullptr}, {"note", ""}};
                for (const auto& d : done)
                    if (d.touch == static_cast<int>(i + 1)) t["done"] = format_time(d.at / 1000), t["note"] = d.note;
                cadence.push_back(t);
            }
        }
        out["cadence"] = cadence;
        nlohmann::json reasons = nlohmann::json::array();
        for (const auto& r : model_.spec().rejection) reasons.push_back({{"id", r.id}, {"label", std::string(r.label.in(""))}});
        out["rejection_reasons"] = reasons;
        send_json(res, 200, out.dump());
    }

    // The answers as the desk shows them: the question's label and the chosen options' labels,
    // in the model's default language, in model order.
    nlohmann::json labelled_answers(const nlohmann::json& submission) const {
        nlohmann::json out = nlohmann::json::array();
        if (!submission.is_object() || !submission.contains("answers") || !submission["answers"].is_object()) return out;
        const auto& answers = submission["answers"];
        for (const auto& q : model_.spec().questions) {
            if (!answers.contains(q.id) || answers[q.id].is_null()) continue;
            auto shown = [&](const nlohmann::json& v) {
                std::string value = v.is_string() ? v.get<std::string>() : v.dump();
                for (const auto& o : q.options)
                    if (o.value == value && !o.label.empty()) return std::string(o.label.in(""));
                return value;
            };
            std::string text;
            if (answers[q.id].is_array())
                for (const auto& v : answers[q.id]) text += (text.empty() ? "" : ", ") + shown(v);
            else
                text = shown(answers[q.id]);
            out.push_back({{"question", q.id}, {"label", std::string(q.label.in(""))}, {"answer", text}});
        }
        return out;
    }

    std::string explanation(const LeadRow& lead) const {
        auto body = json::parse(lead.body);
        if (!body.ok() || lead.route == "invalid" || lead.route == "fallback") return {};
        const json::Value* answers = body.value->find("answers");
        if (!answers) return {};
        auto a = parse_answers(model_, *answers);
        if (!a.ok()) return {};
        Context context;
        if (const json::Value* c = body.value->find("context"))
            if (auto parsed = parse_context(*c); parsed.ok()) context = std::move(*parsed.value);
        return ripen::explain(model_, decide(model_, *a.value, context));
    }

    void act(const std::string& key, const std::string& action, const std::string& request_body, httplib::Response& res) {
        auto body = request_body.empty() ? nlohmann::json::object() : nlohmann::json::parse(request_body, nullptr, false);
        if (!body.is_object()) return send_error(res, 400, "the body must be a JSON object", "json.type");
        std::string error;
        Store::Action done = Store::Action::failed;
        std::int64_t now = now_ms();
        auto lead = store_.get(key);
        if (!lead) return send_error(res, 404, "no lead with key \"" + key + "\"", "api.not_found");
        // The lead as the action leaves it, for its event (written with the change).
        LeadRow after = *lead;
        if (action == "release") {
            // Where the decision sends it, as if it had just arrived.
            const std::string status = lead->route == "handoff" || (lead->route == "nurture" && lead->requested_sales) ? "pending"
                                       : lead->route == "nurture"                                                   ? "nurture"
                                       : lead->route == "disqualify"                                                ? "disqualified"
                                                                                                                    : "review";
            std::optional<std::int64_t> deadline;
            if (status == "pending" && lead->sla_hours) deadline = now + static_cast<std::int64_t>(*lead->sla_hours) * 3600 * 1000;
            after.status = status;
            after.sla_deadline = deadline;
            done = store_.release(key, status, deadline, now, status == "pending" ? webhooks_.event("lead.handoff", after) : std::nullopt, error);
        } else if (action == "accept") {
            after.status = "accepted";
            done = store_.accept(key, now, webhooks_.event("lead.accept", after), error);
        } else if (action == "reject") {
            if (!body.contains("reason") || !body["reason"].is_string())
                return send_error(res, 400, "reject needs {\"reason\": ID}, one of the model's rejection reasons", "api.reason");
            std::string reason = body["reason"].get<std::string>();
            const RejectionReason* found = nullptr;
            for (const auto& r : model_.spec().rejection)
                if (r.id == reason) found = &r;
            if (!found) {
                std::string known;
                for (const auto& r : model_.spec().rejection) known += (known.empty() ? "" : ", ") + r.id;
                return send_error(res, 400, "\"" + reason.substr(0, 100) + "\" is not a rejection reason of the model (expected one of: " + known + ")", "api.reason");
            }
            after.status = "rejected";
            after.reason = reason;
            done = store_.reject(key, reason, found->track, now + static_cast<std::int64_t>(found->recycle_after_days) * 86400000, now,
                                 webhooks_.event("lead.reject", after), error);
        } else if (action == "touch") {
            if (!body.contains("touch") || !body["touch"].is_number_integer())
                return send_error(res, 400, "touch needs {\"touch\": N}, the touch's number in the cadence (from 1)", "api.touch");
            int n = body["touch"].get<int>();
            int s = model_.segment_index(lead->segment);
            int count = s >= 0 ? static_cast<int>(model_.spec().segments[static_cast<std::size_t>(s)].cadence.size()) : 0;
            if (n < 1 || n > count) return send_error(res, 400, "touch must be from 1 to " + std::to_string(count) + " for this lead's cadence", "api.touch");
            std::string note = body.contains("note") && body["note"].is_string() ? body["note"].get<std::string>() : "";
            if (note.size() > 2000) return send_error(res, 400, "a note has at most 2000 bytes", "api.note");
            done = store_.touch(key, n, note, now, error);
        } else {
            std::string outcome = body.contains("outcome") && body["outcome"].is_string() ? body["outcome"].get<std::string>() : "";
            if (outcome != "won" && outcome != "lost") return send_error(res, 400, "outcome needs {\"outcome\": \"won\"} or \"lost\"", "api.outcome");
            after.outcome = outcome;
            done = store_.set_outcome(key, outcome, now, webhooks_.event("lead.outcome", after), error);
        }
        if (done == Store::Action::refused) return send_error(res, 409, error, "api.transition");
        if (done == Store::Action::failed) {
            log_error(action + " " + key + ": " + error);
            return send_error(res, 503, "the change could not be saved right now; please try again (the cause is in the server's error log)", "server.storage");
        }
        if (action != "touch") webhooks_.wake();
        auto now_lead = store_.get(key);
        send_json(res, 200, lead_summary(now_lead ? *now_lead : after).dump());
    }

    void failing_webhooks(httplib::Response& res) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& e : store_.failing_events(100))
            out.push_back({{"event_id", e.event_id}, {"type", e.type}, {"attempts", e.attempts}, {"last_error", e.last_error},
                           {"next_attempt", format_time(e.next_at / 1000)}});
        send_json(res, 200, out.dump());
    }

    // Only the site's own files: no dotfile or dot folder (.git, .env; /.well-known/ is
    // public by definition) and no symbolic link anywhere on the way (it may point at the data
    // folder or the system).
    bool plainly_inside_site(const std::string& path, const std::string& full) const {
        for (std::size_t at = path.find("/."); at != std::string::npos; at = path.find("/.", at + 1))
            if (path.compare(at, 13, "/.well-known/") != 0) return false;
        char site_real[PATH_MAX], file_real[PATH_MAX];
        if (!::realpath(config_.site_dir.c_str(), site_real) || !::realpath(full.c_str(), file_real)) return false;
        std::string expected = std::string(site_real) + full.substr(config_.site_dir.size());
        // Doubled slashes in the request are not links.
        std::string collapsed;
        for (char c : expected)
            if (!(c == '/' && !collapsed.empty() && collapsed.back() == '/')) collapsed += c;
        return collapsed == file_real;
    }

    void file(const httplib::Request& req, httplib::Response& res) {
        if (config_.site_dir.empty()) return send_error(res, 404, "not found");
        std::string path = req.path;
        if (path.find("..") != std::string::npos || path.find('\0') != std::string::npos) return send_error(res, 404, "not found");
        std::string full = config_.site_dir + path;
        struct stat info;
        if (::stat(full.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
            if (path.back() != '/') return res.set_redirect(path + "/");
            full += "index.html";
        }
        if (::stat(full.c_str(), &info) != 0 || !S_ISREG(info.st_mode) || !plainly_inside_site(path, full)) {
            res.status = 404;
            return res.set_content("<!doctype html><title>Not found</title><p>Not found</p>", "text/html; charset=utf-8");
        }
        std::ifstream in(full, std::ios::binary);
        std::string body((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::string type = mime_type(full);
        bool httplib_compresses = type.rfind("text/", 0) == 0 || type == "image/svg+xml";
        if (httplib_compresses || type == "application/wasm" || type.rfind("application/json", 0) == 0) res.set_header("Vary", "Accept-Encoding");
        if (!httplib_compresses && (type == "application/wasm" || type.rfind("application/json", 0) == 0) && body.size() > 512) {
            std::string accepted = req.get_header_value("Accept-Encoding");
            bool br = accepted.find("br") != std::string::npos, gzip = accepted.find("gzip") != std::string::npos;
            if (br || gzip) {
                const auto& packed = compressed_.get(full, static_cast<std::int64_t>(info.st_mtime), body);
                if (br && !packed.brotli.empty()) {
                    res.set_header("Content-Encoding", "br");
                    return res.set_content(packed.brotli, type.c_str());
                }
                res.set_header("Content-Encoding", "gzip");
                return res.set_content(packed.gzip, type.c_str());
            }
        }
        res.set_content(body, type.c_str());
    }

    const ServeConfig& config_;
    const Model& model_;
    Store& store_;
    Webhooks webhooks_;
    CompressedFiles compressed_;
    std::mutex sessions_mutex_;
    std::map<std::string, Session> sessions_;
    std::map<std::string, std::vector<std::int64_t>> failures_;  // failed logins per client
    RateLimiter rate_{config_.rate_limit};
};

}  // namespace

int serve(const ServeConfig& config, const Model& model, Store& store, std::atomic<bool>& stop, std::string& error) {
    // A thread per connection (cpp-httplib's model), so no connection may keep one for long:
    // see http.hpp.
    ConnectionLimits limits;
    limits.per_client = config.connections_per_client;
    limits.request_deadline = std::chrono::milliseconds(config.request_deadline_ms);
    for (const auto& proxy : config.trusted_proxies) limits.unlimited.insert(proxy);
    HardenedServer http(limits);
    http.new_task_queue = [threads = config.threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
    App app(config, model, store);
    app.install(http);
    int port = config.port;
    if (port == 0) port = http.bind_to_any_port(config.listen);
    else if (!http.bind_to_port(config.listen, port)) port = -1;
    if (port <= 0) {
        error = "cannot listen on " + config.listen + ":" + std::to_string(config.port) + " (in use, or not an address of this machine)";
        return 1;
    }
    if (!http.widen_backlog(1024)) log_error("could not widen the listen backlog; a burst of new connections may be refused");
    // The line scripts and tests wait for.
    std::printf("ripen serve: http://%s:%d/ (desk: http://%s:%d/desk/)\n", config.listen.c_str(), port, config.listen.c_str(), port);
    std::fflush(stdout);
    std::thread watcher([&] {
        while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        // In-flight requests finish; every connection still reading is cut within 0.1 s.
        http.begin_stopping();
        http.stop();
    });
    bool ok = http.listen_after_bind();
    stop = true;
    watcher.join();
    app.stop();
    if (!ok) error = "the server stopped unexpectedly";
    return ok ? 0 : 1;
}

}  // namespace ripen::server
