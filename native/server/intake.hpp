// POST /api/leads without the HTTP: a submission (docs/integration.md) checked, decided again
// with the server's full model, compared with what the browser decided, and committed.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "ripen/model.hpp"
#include "store.hpp"

namespace ripen::server {

struct Reply {
    int status = 200;
    std::string body;  // JSON
};

// What an intake produced, for the caller to act on (webhooks).
struct IntakeOutcome {
    Reply reply;
    bool created = false;
    LeadRow row;
};

// The webhook event a new lead brings (nothing when no receiver is configured), committed with it.
using EventMaker = std::function<std::optional<OutboxEvent>(const std::string& type, const LeadRow& lead)>;

// Who sent it, and the checks the form's own fields allow (docs/deploy.md, "Bots").
struct Sender {
    std::string address, user_agent;
    int min_fill_ms = 1000;  // a form filled faster than this was not filled by a person; 0: off
};

IntakeOutcome take_submission(const Model& model, Store& store, const std::string& key, const std::string& body, std::int64_t now_ms,
                              const EventMaker& make_event = {}, const Sender& sender = {});

// {"error": message, ...} for a reply; `where` adds "line" and "column" when known.
std::string error_json(const std::string& message, const std::string& code = {}, std::uint64_t line = 0, std::uint32_t column = 0);

}  // namespace ripen::server
