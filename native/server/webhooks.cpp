#include "webhooks.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

#include "ripen/decision.hpp"
#include "security.hpp"
#include "server.hpp"

namespace ripen::server {

namespace {

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

Webhooks::Webhooks(const ServeConfig& config, Store& store) : config_(config), store_(store) {}

Webhooks::~Webhooks() { stop(); }

void Webhooks::start() {
    if (config_.webhook_url.empty() || thread_.joinable()) return;
    thread_ = std::thread([this] { run(); });
}

void Webhooks::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void Webhooks::lead_event(const std::string& type, const LeadRow& lead) {
    if (config_.webhook_url.empty()) return;
    std::string event_id = random_token("evt_");
    nlohmann::json body = {{"id", event_id}, {"type", type}, {"created", format_time(now_ms() / 1000)},
                           {"lead", {{"key", lead.key}, {"route", lead.route}, {"status", lead.status}, {"segment", lead.segment},
                                     {"source", lead.source}, {"email", lead.email}, {"reason", lead.reason}, {"outcome", lead.outcome}}}};
    store_.queue_event(event_id, type, body.dump(), now_ms());
    wake_.notify_all();
}

void Webhooks::run() {
    for (;;) {
        for (const auto& event : store_.due_events(now_ms(), 50)) {
            std::string error;
            bool ok = deliver(event, error);
            // 2 s, 4 s, 8 s ... up to an hour between attempts.
            std::int64_t wait = std::min<std::int64_t>(3600000, 2000LL << std::min(event.attempts, 12));
            store_.mark_event(event.id, ok, ok ? "" : error, now_ms() + wait, now_ms());
        }
        std::unique_lock<std::mutex> lock(mutex_);
        if (wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; })) return;
    }
}

bool Webhooks::deliver(const WebhookEvent& event, std::string& error) {
    CURL* curl = curl_easy_init();
    if (!curl) {
        error = "libcurl could not start";
        return false;
    }
    std::string timestamp = std::to_string(now_ms() / 1000);
    std::string signature = "t=" + timestamp + ",v1=" + hmac_sha256_hex(config_.webhook_secret, timestamp + "." + event.body);
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, ("Ripen-Event-Id: " + event.event_id).c_str());
    headers = curl_slist_append(headers, ("Ripen-Signature: " + signature).c_str());
    curl_easy_setopt(curl, CURLOPT_URL, config_.webhook_url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, event.body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(event.body.size()));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, +[](char*, size_t size, size_t n, void*) { return size * n; });
    CURLcode code = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (code != CURLE_OK) {
        error = curl_easy_strerror(code);
        return false;
    }
    if (status < 200 || status >= 300) {
        error = "the receiver answered HTTP " + std::to_string(status);
        return false;
    }
    return true;
}

}  // namespace ripen::server
