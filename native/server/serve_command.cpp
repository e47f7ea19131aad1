// ripen serve [--config FILE] [--model MODEL] [--site DIR] [--data DIR] [--port N] ...
// ripen serve token add NAME | list | revoke NAME [--data DIR]
// ripen serve report --model MODEL [--data DIR] [--format json]
// ripen serve export --model MODEL [--data DIR] [--converted won|accepted] [--out FILE]
#include "serve_command.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#include "cli/args.hpp"
#include "ripen/decision.hpp"
#include "ripen/json_value.hpp"
#include "security.hpp"
#include "log.hpp"
#include "server.hpp"

namespace ripen::server {

namespace {

constexpr const char* kHelp =
    "Usage: ripen serve [options]\n"
    "       ripen serve token add NAME | token list | token revoke NAME   [--data DIR]\n"
    "       ripen serve report --model MODEL [--data DIR] [--format text|json]\n"
    "       ripen serve export --model MODEL [--data DIR] [--converted won|accepted] [--out FILE]\n"
    "\n"
    "Serves the site, takes the form's submissions (POST /api/leads), decides each again with the\n"
    "full model, keeps them in SQLite under --data, and serves the sales desk (/desk/) and its API.\n"
    "Everything but the intake, the site and the desk's login page needs a token (token add).\n"
    "\n"
    "Options (also as members of a JSON --config file; options given here win):\n"
    "  --config FILE          model, site, data, port, listen, origins, hosts, webhook_url,\n"
    "                         webhook_secret, body_limit, secure_cookies, threads,\n"
    "                         connections_per_client, trusted_proxies, access_log,\n"
    "                         rate_limit, min_fill_ms\n"
    "  --model MODEL          the full lead-definition model (not the published one)\n"
    "  --site DIR             static files to serve (the site build)\n"
    "  --data DIR             where the database lives (default $RIPEN_DATA or ./ripen-data)\n"
    "  --port N               port (default $PORT or 8080; 0 picks a free one)\n"
    "  --listen ADDRESS       address to listen on (default 127.0.0.1)\n"
    "  --origin LIST          comma-separated origins allowed to POST leads (CORS)\n"
    "  --host LIST            comma-separated host names to answer for, besides localhost\n"
    "  --webhook-url URL      POST signed JSON events here (new hand-offs, status changes)\n"
    "  --webhook-secret S     the HMAC-SHA256 key (default $RIPEN_WEBHOOK_SECRET)\n"
    "  --body-limit BYTES     largest submission taken (default 65536)\n"
    "  --secure-cookies       mark the desk's cookie Secure (behind TLS)\n"
    "  --threads N            request threads (default 256; one per open connection)\n"
    "  --connections-per-client N  open connections one address may hold (default 64)\n"
    "  --trusted-proxy LIST   comma-separated addresses of your reverse proxies: their\n"
    "                         X-Forwarded-For names the client, and they have no connection cap\n"
    "  --no-access-log        no line per request on standard output\n"
    "  --rate-limit N         new submissions per minute from one client (default 30, 0: no\n"
    "                         limit); more are answered 429 and the form sends them later\n"
    "  --min-fill-ms N        a form filled faster than this is held as spam (default 1000)\n";

int usage(const std::string& message) {
    std::fprintf(stderr, "ripen serve: %s\nTry 'ripen serve --help'.\n", message.c_str());
    return 2;
}

std::int64_t now_ms() { return static_cast<std::int64_t>(std::time(nullptr)) * 1000; }

std::string data_dir(const cli::Args& args) {
    if (const std::string* d = args.value("data")) return *d;
    if (const char* env = std::getenv("RIPEN_DATA"); env && *env) return env;
    return "ripen-data";
}

bool read_file(const std::string& path, std::string& out, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot read \"" + path + "\"";
        return false;
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    out = buffer.str();
    return true;
}

std::optional<Model> load_full_model(const std::string& path) {
    std::string text, error;
    if (!read_file(path, text, error)) {
        std::fprintf(stderr, "ripen serve: %s\n", error.c_str());
        return std::nullopt;
    }
    auto model = load_model(text);
    if (!model.ok()) {
        std::fprintf(stderr, "ripen serve: the model \"%s\" is invalid:\n", path.c_str());
        for (const auto& issue : model.issues) std::fprintf(stderr, "%s:%s\n", path.c_str(), format_issue(issue).c_str());
        return std::nullopt;
    }
    if (model.value->spec().visitor_model) {
        std::fprintf(stderr, "ripen serve: \"%s\" is a published model (\"audience\": \"visitor\"); the server re-decides with the full model\n", path.c_str());
        return std::nullopt;
    }
    return std::move(*model.value);
}

std::vector<std::string> split_list(const std::string& list) {
    std::vector<std::string> out;
    std::string item;
    std::istringstream in(list);
    while (std::getline(in, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

// The --config file: every member checked, with its place in the file.
bool read_config(const std::string& path, ServeConfig& config, std::string& error) {
    std::string text;
    if (!read_file(path, text, error)) return false;
    auto parsed = json::parse(text);
    if (!parsed.ok()) {
        error = path + ":" + format_issue(parsed.issues.front());
        return false;
    }
    const json::Value& doc = *parsed.value;
    auto at = [&](const json::Value& v, const std::string& where, const std::string& message) {
        error = path + ":" + std::to_string(v.line) + ":" + std::to_string(v.column) + ": " + where + ": " + message;
        return false;
    };
    if (!doc.is_object()) return at(doc, "$", "expected an object, got " + std::string(json::describe(doc.kind)));
    for (const auto& [key, v] : doc.members) {
        std::string where = "$." + key;
        auto string = [&](std::string& out) { return v.is_string() ? (out = v.text, true) : at(v, where, "expected a string"); };
        auto list = [&](std::vector<std::string>& out) {
            if (!v.is_array()) return at(v, where, "expected a list of strings");
            for (std::size_t i = 0; i < v.items.size(); ++i) {
                if (!v.items[i].is_string()) return at(v.items[i], where + "[" + std::to_string(i) + "]", "expected a string");
                out.push_back(v.items[i].text);
            }
            return true;
        };
        auto integer = [&](long long lo, long long hi, long long& out) {
            auto n = v.is_number() ? json::to_int64(v.text) : std::nullopt;
            if (!n || *n < lo || *n > hi) return at(v, where, "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
            out = *n;
            return true;
        };
        long long n = 0;
        bool ok = true;
        if (key == "model") ok = string(config.model_path);
        else if (key == "site") ok = string(config.site_dir);
        else if (key == "data") ok = string(config.data_dir);
        else if (key == "listen") ok = string(config.listen);
        else if (key == "webhook_url") ok = string(config.webhook_url);
        else if (key == "webhook_secret") ok = string(config.webhook_secret);
        else if (key == "origins") ok = list(config.origins);
        else if (key == "hosts") ok = list(config.hosts);
        else if (key == "port") ok = integer(0, 65535, n) && ((config.port = static_cast<int>(n)), true);
        else if (key == "body_limit") ok = integer(1024, 16 << 20, n) && ((config.body_limit = static_cast<std::size_t>(n)), true);
        else if (key == "threads") ok = integer(1, 1024, n) && ((config.threads = static_cast<int>(n)), true);
        else if (key == "connections_per_client") ok = integer(1, 1024, n) && ((config.connections_per_client = static_cast<int>(n)), true);
        else if (key == "trusted_proxies") ok = list(config.trusted_proxies);
        else if (key == "rate_limit") ok = integer(0, 1000000, n) && ((config.rate_limit = static_cast<int>(n)), true);
        else if (key == "min_fill_ms") ok = integer(0, 600000, n) && ((config.min_fill_ms = static_cast<int>(n)), true);
        else if (key == "access_log") ok = v.is_bool() ? ((config.access_log = v.boolean), true) : at(v, where, "expected true or false");
        else if (key == "secure_cookies") ok = v.is_bool() ? ((config.secure_cookies = v.boolean), true) : at(v, where, "expected true or false");
        else ok = at(v, where, "unknown member \"" + key + "\" (expected one of: model, site, data, port, listen, origins, hosts, webhook_url, webhook_secret, body_limit, secure_cookies, threads, "
                            "connections_per_client, trusted_proxies, access_log, rate_limit, min_fill_ms)");
        if (!ok) return false;
    }
    return true;
}

std::atomic<bool> stop_requested{false};
extern "C" void on_signal(int) { stop_requested = true; }

int run_server(const std::vector<std::string>& words) {
    cli::Args args;
    std::string error;
    if (!cli::Args::parse(words, {"config", "model", "site", "data", "port", "listen", "origin", "host", "webhook-url", "webhook-secret", "body-limit", "threads",
                           "connections-per-client", "trusted-proxy", "rate-limit", "min-fill-ms"},
                          {"secure-cookies", "no-access-log"}, args, error))
        return usage(error);
    if (args.help) {
        std::fputs(kHelp, stdout);
        return 0;
    }
    args.no_positional();
    if (!args.ok()) return usage(args.error());
    ServeConfig config;
    if (const char* env = std::getenv("PORT"); env && *env) {
        const std::string port = env;
        if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) > 65535)
            return usage("PORT=\"" + port.substr(0, 20) + "\" must be a number from 0 to 65535");
        config.port = std::stoi(port);
    }
    if (const char* env = std::getenv("RIPEN_DATA"); env && *env) config.data_dir = env;
    if (const char* env = std::getenv("RIPEN_WEBHOOK_SECRET"); env && *env) config.webhook_secret = env;
    if (const std::string* file = args.value("config"); file && !read_config(*file, config, error)) {
        std::fprintf(stderr, "ripen serve: %s\n", error.c_str());
        return 1;
    }
    if (const std::string* v = args.value("model")) config.model_path = *v;
    if (const std::string* v = args.value("site")) config.site_dir = *v;
    if (const std::string* v = args.value("data")) config.data_dir = *v;
    if (const std::string* v = args.value("listen")) config.listen = *v;
    if (const std::string* v = args.value("origin")) config.origins = split_list(*v);
    if (const std::string* v = args.value("host")) config.hosts = split_list(*v);
    if (const std::string* v = args.value("webhook-url")) config.webhook_url = *v;
    if (const std::string* v = args.value("webhook-secret")) config.webhook_secret = *v;
    if (auto port = args.integer("port", 0, 65535, "--port must be a number from 0 to 65535")) config.port = static_cast<int>(*port);
    if (auto limit = args.integer("body-limit", 1024, 16 << 20, "--body-limit must be a number of bytes from 1024 to 16777216"))
        config.body_limit = static_cast<std::size_t>(*limit);
    if (auto threads = args.integer("threads", 1, 1024, "--threads must be a number from 1 to 1024")) config.threads = static_cast<int>(*threads);
    if (auto cap = args.integer("connections-per-client", 1, 1024, "--connections-per-client must be a number from 1 to 1024"))
        config.connections_per_client = static_cast<int>(*cap);
    if (const std::string* v = args.value("trusted-proxy")) config.trusted_proxies = split_list(*v);
    if (args.flag("no-access-log")) config.access_log = false;
    if (auto rate = args.integer("rate-limit", 0, 1000000, "--rate-limit must be a number of submissions per minute from 0 (no limit) to 1000000"))
        config.rate_limit = static_cast<int>(*rate);
    if (auto fill = args.integer("min-fill-ms", 0, 600000, "--min-fill-ms must be a number of milliseconds from 0 (off) to 600000"))
        config.min_fill_ms = static_cast<int>(*fill);
    if (args.flag("secure-cookies")) config.secure_cookies = true;
    if (!args.ok()) return usage(args.error());
    if (config.model_path.empty()) return usage("missing --model MODEL (the full model; the server decides every submission again with it)");
    if (!config.webhook_url.empty() && config.webhook_secret.size() < 16)
        return usage("a webhook needs a secret of 16 characters or more (--webhook-secret or RIPEN_WEBHOOK_SECRET) to sign its events");
    for (const auto& o : config.origins)
        if (o.rfind("http://", 0) != 0 && o.rfind("https://", 0) != 0) return usage("origin \"" + o + "\" must look like https://www.example.com");
    auto model = load_full_model(config.model_path);
    if (!model) return 1;
    if (!init_crypto()) {
        std::fprintf(stderr, "ripen serve: libsodium could not start (no source of randomness?); nothing was served\n");
        return 1;
    }
    auto store = open_sqlite_store(config.data_dir, error, true);
    if (!store) {
        std::fprintf(stderr, "ripen serve: %s\n", error.c_str());
        return 1;
    }
    set_access_log(config.access_log);
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    std::signal(SIGPIPE, SIG_IGN);
    int code = serve(config, *model, *store, stop_requested, error);
    if (code != 0) std::fprintf(stderr, "ripen serve: %s\n", error.c_str());
    return code;
}

int token_command(const std::vector<std::string>& words) {
    cli::Args args;
    std::string error;
    if (!cli::Args::parse(words, {"data"}, {}, args, error)) return usage(error);
    if (args.help || args.positional.empty()) return args.help ? (std::fputs(kHelp, stdout), 0) : usage("token needs add NAME, list or revoke NAME");
    const std::string& action = args.positional[0];
    if (!init_crypto()) return usage("libsodium could not start");
    auto store = open_sqlite_store(data_dir(args), error);
    if (!store) {
        std::fprintf(stderr, "ripen serve: %s\n", error.c_str());
        return 1;
    }
    if (action == "list") {
        if (args.positional.size() != 1) return usage("token list takes no name");
        for (const auto& t : store->tokens())
            std::printf("%-24s created %s%s\n", t.name.c_str(), format_time(t.created_at / 1000).c_str(),
                        t.revoked_at ? (", revoked " + format_time(*t.revoked_at / 1000)).c_str() : "");
        return 0;
    }
    if (args.positional.size() != 2) return usage("token " + action + " needs a NAME");
    const std::string& name = args.positional[1];
    if (action == "add") {
        if (name.empty() || name.size() > 64) return usage("a token's name has 1 to 64 characters");
        std::string token = random_token("rpn_");
        if (!store->add_token(name, token_hash(token), now_ms(), error)) {
            std::fprintf(stderr, "ripen serve: %s\n", error.c_str());
            return 1;
        }
        std::printf("%s\n", token.c_str());
        std::fprintf(stderr, "Token \"%s\" created. It is shown only now; the server keeps only its hash.\n", name.c_str());
        return 0;
    }
    if (action == "revoke") {
        if (!store->revoke_token(name, now_ms(), error)) {
            std::fprintf(stderr, "ripen serve: %s\n", error.c_str());
            return 1;
        }
        std::printf("Token \"%s\" revoked.\n", name.c_str());
        return 0;
    }
    return usage("unknown token action \"" + action + "\" (expected add, list or revoke)");
}

int report_or_export(const std::string& what, const std::vector<std::string>& words) {
    cli::Args args;
    std::string error;
    if (!cli::Args::parse(words, {"data", "model", "format", "converted", "out"}, {}, args, error)) return usage(error);
    if (args.help) return std::fputs(kHelp, stdout), 0;
    args.no_positional();
    std::string format = args.choice("format", {"text", "json"}, "text");
    std::string converted = args.choice("converted", {"won", "accepted"}, "won");
    if (!args.ok()) return usage(args.error());
    const std::string* model_path = args.value("model");
    if (!model_path) return usage("missing --model MODEL");
    auto model = load_full_model(*model_path);
    if (!model) return 1;
    if (!init_crypto()) return usage("libsodium could not start");
    auto store = open_sqlite_store(data_dir(args), error);
    if (!store) {
        std::fprintf(stderr, "ripen serve: %s\n", error.c_str());
        return 1;
    }
    const std::string* file = args.value("out");
    const bool to_file = file && *file != "-";
    std::ofstream o;
    if (to_file) o.open(*file, std::ios::binary);
    auto write = [&](const std::string& piece) {
        if (to_file) return static_cast<bool>(o.write(piece.data(), static_cast<std::streamsize>(piece.size())));
        return std::fwrite(piece.data(), 1, piece.size(), stdout) == piece.size();
    };
    bool written = false;
    try {
        if (what == "report") {
            std::string report = report_json(*model, *store, now_ms());
            written = write(format == "json" ? report + "\n" : report_text(report));
        } else {
            written = export_csv(*model, *store, converted, write);
        }
    } catch (const StorageError& e) {
        std::fprintf(stderr, "ripen serve: the database could not be read: %s\n", e.what());
        return 1;
    }
    if (to_file) o.close();
    if (!written || (to_file && !o)) {
        std::fprintf(stderr, "ripen serve: cannot write \"%s\"\n", to_file ? file->c_str() : "standard output");
        return 2;
    }
    return 0;
}

}  // namespace

int serve_command(const std::vector<std::string>& words) {
    if (!words.empty() && words[0] == "token") return token_command({words.begin() + 1, words.end()});
    if (!words.empty() && (words[0] == "report" || words[0] == "export")) return report_or_export(words[0], {words.begin() + 1, words.end()});
    return run_server(words);
}

}  // namespace ripen::server
