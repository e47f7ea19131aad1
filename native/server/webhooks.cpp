#include "webhooks.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>

#include "ripen/decision.hpp"
#include "log.hpp"
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
    cut_ = true;
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::optional<OutboxEvent> Webhooks::event(const std::string& type, const LeadRow& lead) const {
    if (config_.webhook_url.empty()) return std::nullopt;
    std::string event_id = random_token("evt_");
    nlohmann::json body = {{"id", event_id}, {"type", type}, {"created", format_time(now_ms() / 1000)},
                           {"lead", {{"key", lead.key}, {"route", lead.route}, {"status", lead.status}, {"segment", lead.segment},
                                     {"source", lead.source}, {"email", lead.email}, {"reason", lead.reason}, {"outcome", lead.outcome}}}};
    return OutboxEvent{event_id, type, body.dump()};
}

void Webhooks::wake() { wake_.notify_all(); }

void Webhooks::run() {
    for (;;) {
        try {
            auto due = store_.due_events(now_ms(), 50);
            if (!due.empty()) deliver(due);
        } catch (const StorageError& e) {
            log_error(std::string("webhooks: cannot read the outbox: ") + e.what());
        }
        std::unique_lock<std::mutex> lock(mutex_);
        if (wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; })) return;
    }
}

namespace {

struct Transfer {
    const WebhookEvent* event = nullptr;
    CURL* curl = nullptr;
    curl_slist* headers = nullptr;
};

}  // namespace

void Webhooks::deliver(const std::vector<WebhookEvent>& events) {
    CURLM* multi = curl_multi_init();
    if (!multi) return log_error("webhooks: libcurl could not start");
    std::vector<Transfer> transfers;
    transfers.reserve(events.size());
    for (const auto& event : events) {
        Transfer t;
        t.event = &event;
        t.curl = curl_easy_init();
        if (!t.curl) continue;
        std::string timestamp = std::to_string(now_ms() / 1000);
        std::string signature = "t=" + timestamp + ",v1=" + hmac_sha256_hex(config_.webhook_secret, timestamp + "." + event.body);
        t.headers = curl_slist_append(t.headers, "Content-Type: application/json");
        t.headers = curl_slist_append(t.headers, ("Ripen-Event-Id: " + event.event_id).c_str());
        t.headers = curl_slist_append(t.headers, ("Ripen-Signature: " + signature).c_str());
        curl_easy_setopt(t.curl, CURLOPT_URL, config_.webhook_url.c_str());
        curl_easy_setopt(t.curl, CURLOPT_HTTPHEADER, t.headers);
        curl_easy_setopt(t.curl, CURLOPT_POSTFIELDS, event.body.c_str());
        curl_easy_setopt(t.curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(event.body.size()));
        curl_easy_setopt(t.curl, CURLOPT_CONNECTTIMEOUT, 5L);
        curl_easy_setopt(t.curl, CURLOPT_TIMEOUT, 10L);
        curl_easy_setopt(t.curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(t.curl, CURLOPT_PRIVATE, &transfers.emplace_back(t));
        curl_easy_setopt(t.curl, CURLOPT_WRITEFUNCTION, +[](char*, size_t size, size_t n, void*) { return size * n; });
        curl_multi_add_handle(multi, t.curl);
    }
    int running = 1;
    while (running > 0 && !cut_.load()) {
        curl_multi_perform(multi, &running);
        if (running > 0) curl_multi_poll(multi, nullptr, 0, 100, nullptr);  // 0.1 s: stopping is seen quickly
    }
    // What finished is recorded; what was cut by stopping stays due, for the next start.
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
        if (message->msg != CURLMSG_DONE) continue;
        Transfer* t = nullptr;
        curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&t));
        long status = 0;
        curl_easy_getinfo(message->easy_handle, CURLINFO_RESPONSE_CODE, &status);
        std::string error;
        if (message->data.result != CURLE_OK) error = curl_easy_strerror(message->data.result);
        else if (status < 200 || status >= 300) error = "the receiver answered HTTP " + std::to_string(status);
        const bool ok = error.empty();
        // 2 s, 4 s, 8 s ... up to an hour between attempts.
        std::int64_t wait = std::min<std::int64_t>(3600000, 2000LL << std::min(t->event->attempts, 12));
        store_.mark_event(t->event->id, ok, error, now_ms() + wait, now_ms());
    }
    for (auto& t : transfers) {
        curl_multi_remove_handle(multi, t.curl);
        curl_easy_cleanup(t.curl);
        curl_slist_free_all(t.headers);
    }
    curl_multi_cleanup(multi);
}

}  // namespace ripen::server
