// Webhooks: JSON events about leads (a new hand-off, an accept, a reject, an outcome), kept in
// the store's outbox and delivered at least once by a thread of their own through libcurl, each
// signed with HMAC-SHA256 over "TIMESTAMP.BODY" (Ripen-Signature: t=...,v1=...), retried with
// backoff until the receiver answers 2xx. Receivers de-duplicate by the event id.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "store.hpp"

namespace ripen::server {

struct ServeConfig;

class Webhooks {
public:
    Webhooks(const ServeConfig& config, Store& store);
    ~Webhooks();
    void start();
    void stop();
    // Queues `type` ("lead.handoff", "lead.accept", ...) for `lead`; nothing without a URL.
    void lead_event(const std::string& type, const LeadRow& lead);

private:
    void run();
    bool deliver(const WebhookEvent& event, std::string& error);

    const ServeConfig& config_;
    Store& store_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
};

}  // namespace ripen::server
