// Where `ripen serve` keeps leads: SQLite in WAL mode under --data DIR (ripen.db), behind this
// interface so another database (PostgreSQL, docs/deploy.md) can stand in. Every submission is
// committed before it is acknowledged: one writer thread takes whatever submissions are waiting
// and commits them in one transaction (group commit), so each one waits for one fsync, shared.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ripen::server {

// A webhook event, written to the outbox in the same transaction as the change it reports:
// a change is never committed without its event, nor an event without its change.
struct OutboxEvent {
    std::string event_id, type, body;
};

// A submission as stored: the body as received, and the server's own decision next to the
// client's.
struct LeadRow {
    std::string key;            // the Idempotency-Key
    std::string body;           // the submission, as received
    std::string body_hash;      // SHA-256 of the body, hex: same key, other body is a conflict
    std::int64_t received_at = 0;  // Unix milliseconds
    std::string lead_id;        // the visitor's lead id (one per visitor and model)
    std::string supersedes;     // the key of the submission this one replaces
    std::string superseded_by;
    bool fallback = false;      // the form's contact form: no answers, no decision
    std::string model_id, model_version;
    std::string client_route;   // what the visitor's browser decided
    std::optional<int> client_total;
    std::string route;          // what the server decided: handoff, nurture, disqualify, undecided, fallback, invalid
    std::optional<int> total;
    std::string segment, source, track;
    std::optional<int> sla_hours;
    std::optional<std::int64_t> sla_deadline;  // Unix milliseconds
    std::string decision;       // the server's decision (JSON), or its errors
    bool mismatch = false;      // client and server disagree: possible tampering
    bool requested_sales = false;
    std::string email;          // for the desk's listing
    std::string status;         // pending, accepted, rejected, nurture, disqualified, review, superseded
    std::string reason;         // rejection reason
    std::optional<std::int64_t> accepted_at, rejected_at, recycle_at, outcome_at;
    std::string outcome;        // won, lost
    std::string reply;          // the intake's answer (JSON), replayed for a repeated key
    std::string client_address; // who sent it (behind a trusted proxy, from X-Forwarded-For)
    std::string user_agent;     // the sender's User-Agent, cut to 300 bytes
    std::string spam_reason;    // status "spam": honeypot, too_fast
    std::optional<OutboxEvent> event;  // written with the row (add only)
};

struct HistoryEntry {
    std::int64_t at = 0;
    std::string action;  // received, superseded, accepted, rejected, touch, outcome
    std::string detail;  // JSON
};

struct TouchDone {
    int touch = 0;
    std::int64_t at = 0;
    std::string note;
};

struct LeadFilter {
    std::string status, segment, source, route;  // status "" hides spam and superseded rows
    std::optional<std::int64_t> since;  // received at or after, Unix milliseconds
    bool include_superseded = false;
    int limit = 500;  // -1: every lead (the export must not stop short)
    // queue: hand-offs by SLA deadline (most urgent first), then the rest newest first;
    // received: oldest first (the export).
    enum class Order { queue, received } order = Order::queue;
    bool with_decision = true;  // false: LeadRow::decision stays empty (the export needs none)
};

// The report's numbers for one (segment, source) pair, counted by the database.
struct ReportGroup {
    std::string segment, source;  // "" when none
    long handoffs = 0, accepted = 0, rejected = 0, pending = 0, breaches = 0, won = 0, lost = 0;
    long open_handoffs = 0;       // pending or accepted: the ones whose cadence counts
    long touches_done = 0, nurture = 0, disqualified = 0, review = 0, spam = 0, mismatches = 0;
    std::vector<std::pair<std::string, long>> reasons;   // rejection reasons
    std::vector<std::pair<std::string, long>> spam_reasons;
    std::vector<std::int64_t> accept_ms;                 // received to accepted, per accepted lead
};

enum class Stored { created, repeated, conflict, failed };

// A read that failed (a corrupt page, an I/O error): never mistaken for "no rows". The HTTP
// layer answers 503 and logs the cause.
class StorageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct TokenInfo {
    std::int64_t id = 0;
    std::string name;
    std::int64_t created_at = 0;
    std::optional<std::int64_t> revoked_at;
};

struct WebhookEvent {
    std::int64_t id = 0;
    std::string event_id, type, body;
    int attempts = 0;
    std::int64_t next_at = 0;
    std::optional<std::int64_t> delivered_at;
    std::string last_error;
};

class Store {
public:
    virtual ~Store() = default;

    // Commits the row and its event (or finds the key already there): created, repeated (same
    // body; `reply` is then the first answer, empty for rows stored before answers were kept)
    // or conflict (another body). A superseding row
    // marks the one it replaces, in the same transaction. Blocks until committed; safe from
    // any thread.
    virtual Stored add(const LeadRow& row, std::string& reply, std::string& error) = 0;

    virtual std::optional<LeadRow> get(const std::string& key) = 0;
    virtual std::vector<LeadRow> list(const LeadFilter& filter) = 0;
    // Every matching lead, one at a time, in constant memory (the export); `visit` returns
    // false to stop. StorageError when a read fails.
    virtual void each_lead(const LeadFilter& filter, const std::function<bool(const LeadRow&)>& visit) = 0;
    // The report, aggregated by the database; `now` decides which open SLAs have broken.
    virtual std::vector<ReportGroup> report_groups(std::int64_t now) = 0;
    virtual std::vector<HistoryEntry> history(const std::string& key) = 0;
    virtual std::vector<TouchDone> touches(const std::string& key) = 0;

    // Sales actions, in one transaction each with their history entry and their event;
    // Action::refused with `error` when the lead is not in a state that allows them (the caller
    // answers 409), Action::failed when the database could not do it (503).
    enum class Action { done, refused, failed };
    virtual Action accept(const std::string& key, std::int64_t at, const std::optional<OutboxEvent>& event, std::string& error) = 0;
    virtual Action reject(const std::string& key, const std::string& reason, const std::string& track, std::int64_t recycle_at, std::int64_t at,
                          const std::optional<OutboxEvent>& event, std::string& error) = 0;
    virtual Action touch(const std::string& key, int touch, const std::string& note, std::int64_t at, std::string& error) = 0;
    // A submission held as spam goes where its decision sends it (`status`; a hand-off's SLA
    // starts now).
    virtual Action release(const std::string& key, const std::string& status, std::optional<std::int64_t> sla_deadline, std::int64_t at,
                           const std::optional<OutboxEvent>& event, std::string& error) = 0;
    virtual Action set_outcome(const std::string& key, const std::string& outcome, std::int64_t at, const std::optional<OutboxEvent>& event,
                               std::string& error) = 0;

    // API tokens: only a hash is kept.
    virtual bool add_token(const std::string& name, const std::string& hash, std::int64_t at, std::string& error) = 0;
    virtual std::vector<TokenInfo> tokens() = 0;
    virtual bool revoke_token(const std::string& name, std::int64_t at, std::string& error) = 0;
    virtual std::optional<TokenInfo> token_by_hash(const std::string& hash) = 0;

    // The webhook outbox: events wait here until a receiver answers 2xx.
    virtual std::vector<WebhookEvent> due_events(std::int64_t now, int limit) = 0;
    virtual bool mark_event(std::int64_t id, bool delivered, const std::string& error, std::int64_t next_at, std::int64_t at) = 0;
    virtual std::vector<WebhookEvent> failing_events(int limit) = 0;
};

// Opens (creating when needed) DIR/ripen.db; nullptr with `error` when it cannot.
// `check_pages`: read every page first (PRAGMA quick_check, about 1 s per GB) and warm the read
// connections, as the server does at start; the one-off commands skip both.
std::unique_ptr<Store> open_sqlite_store(const std::string& dir, std::string& error, bool check_pages = false);

}  // namespace ripen::server
