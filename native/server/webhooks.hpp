// Webhooks: JSON events about leads (a new hand-off, an accept, a reject, an outcome), kept in
// the store's outbox and delivered at least once by a thread of their own through libcurl, each
// signed with HMAC-SHA256 over "TIMESTAMP.BODY" (Ripen-Signature: t=...,v1=...), retried with
// backoff until the receiver answers 2xx. Receivers de-duplicate by the event id.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <optional>
#include <thread>
#include <vector>

#include "store.hpp"

namespace ripen::server {

struct ServeConfig;

class Webhooks {
public:
    Webhooks(const ServeConfig& config, Store& store);
    ~Webhooks();
    void start();
    void stop();
    // The event `type` ("lead.handoff", "lead.accept", ...) for `lead`, for the store to write
    // with the change; nothing without a URL.
    std::optional<OutboxEvent> event(const std::string& type, const LeadRow& lead) const;
    // A new event was committed: deliver it now rather than at the next poll.
    void wake();

private:
    void run();
    // Delivers a batch at once (libcurl's multi interface): one slow receiver or request does
    // not hold the others back; each request has its own timeout; stopping cuts them all.
    void deliver(const std::vector<WebhookEvent>& events);

    const ServeConfig& config_;
    Store& store_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::atomic<bool> cut_{false};  // stopping: transfers in flight are abandoned (retried later)
};

}  // namespace ripen::server
