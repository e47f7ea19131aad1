// The SQLite store (store.hpp). One connection writes, on its own thread; reads come from a pool
// of read connections, which WAL lets run beside the writer.
#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <future>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "log.hpp"
#include "store.hpp"

namespace ripen::server {

namespace {

// A prepared statement, finalized when it goes out of scope.
class Statement {
public:
    Statement(sqlite3* db, const char* sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
    }
    ~Statement() { sqlite3_finalize(stmt_); }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    bool ok() const { return stmt_ != nullptr; }
    Statement& bind(int i, const std::string& s) {
        if (stmt_) sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Statement& bind_or_null(int i, const std::string& s) {
        if (s.empty()) {
            if (stmt_) sqlite3_bind_null(stmt_, i);
        } else {
            bind(i, s);
        }
        return *this;
    }
    Statement& bind(int i, std::int64_t n) {
        if (stmt_) sqlite3_bind_int64(stmt_, i, n);
        return *this;
    }
    template <typename T>
    Statement& bind(int i, const std::optional<T>& n) {
        if (!stmt_) return *this;
        if (n) sqlite3_bind_int64(stmt_, i, static_cast<std::int64_t>(*n));
        else sqlite3_bind_null(stmt_, i);
        return *this;
    }
    int step() { return stmt_ ? sqlite3_step(stmt_) : SQLITE_ERROR; }
    // The next row of a read: false at the end, StorageError on anything else (SQLITE_CORRUPT
    // or SQLITE_IOERR must not read as "no more rows").
    bool next() {
        if (!stmt_) throw StorageError(std::string("cannot prepare a read: ") + sqlite3_errmsg(db_));
        int rc = sqlite3_step(stmt_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        throw StorageError(std::string("a read failed: ") + sqlite3_errstr(rc) + " (" + sqlite3_errmsg(db_) + ")");
    }
    bool done() { return step() == SQLITE_DONE; }
    std::string text(int c) const {
        const unsigned char* t = sqlite3_column_text(stmt_, c);
        return t ? std::string(reinterpret_cast<const char*>(t), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, c))) : std::string();
    }
    std::int64_t integer(int c) const { return sqlite3_column_int64(stmt_, c); }
    std::optional<std::int64_t> maybe(int c) const {
        if (sqlite3_column_type(stmt_, c) == SQLITE_NULL) return std::nullopt;
        return sqlite3_column_int64(stmt_, c);
    }
    const char* error() const { return sqlite3_errmsg(db_); }

private:
    sqlite3* db_;
    sqlite3_stmt* stmt_ = nullptr;
};

bool exec(sqlite3* db, const char* sql, std::string& error) {
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) == SQLITE_OK) return true;
    error = message ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    return false;
}

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS leads (
  key TEXT PRIMARY KEY, body TEXT NOT NULL, body_hash TEXT NOT NULL, received_at INTEGER NOT NULL,
  lead_id TEXT, supersedes TEXT, superseded_by TEXT, fallback INTEGER NOT NULL DEFAULT 0,
  model_id TEXT, model_version TEXT, client_route TEXT, client_total INTEGER,
  route TEXT NOT NULL, total INTEGER, segment TEXT, source TEXT, track TEXT, sla_hours INTEGER, sla_deadline INTEGER,
  decision TEXT NOT NULL, mismatch INTEGER NOT NULL DEFAULT 0, requested_sales INTEGER NOT NULL DEFAULT 0, email TEXT,
  status TEXT NOT NULL, reason TEXT, accepted_at INTEGER, rejected_at INTEGER, recycle_at INTEGER,
  outcome TEXT, outcome_at INTEGER, reply TEXT, client_address TEXT, user_agent TEXT, spam_reason TEXT,
  touch_count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS history (
  id INTEGER PRIMARY KEY, key TEXT NOT NULL, at INTEGER NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS history_key ON history(key, at);
CREATE TABLE IF NOT EXISTS touches (
  key TEXT NOT NULL, touch INTEGER NOT NULL, at INTEGER NOT NULL, note TEXT NOT NULL DEFAULT '', PRIMARY KEY (key, touch)
);
CREATE TABLE IF NOT EXISTS tokens (
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL, revoked_at INTEGER
);
CREATE TABLE IF NOT EXISTS webhook_outbox (
  id INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, delivered_at INTEGER, last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS webhook_due ON webhook_outbox(delivered_at, next_at);
)";

// After the columns are added to older databases.
constexpr const char* kIndexes = R"(
CREATE INDEX IF NOT EXISTS leads_received ON leads(received_at);
CREATE INDEX IF NOT EXISTS leads_status ON leads(status, sla_deadline);
CREATE INDEX IF NOT EXISTS leads_status_received ON leads(status, received_at);
-- The report reads only these, from the index: the table's rows hold the body and the
-- decision before them, which SQLite would walk through for every lead.
-- In the report's GROUP BY order, so one scan of the index groups without sorting.
CREATE INDEX IF NOT EXISTS leads_report ON leads(segment, source, status, outcome, reason, spam_reason, mismatch, sla_deadline, accepted_at,
  rejected_at, touch_count, received_at);
)";

constexpr const char* kLeadColumns =
    "key, body, body_hash, received_at, lead_id, supersedes, superseded_by, fallback, model_id, model_version, client_route, client_total, "
    "route, total, segment, source, track, sla_hours, sla_deadline, decision, mismatch, requested_sales, email, status, reason, "
    "accepted_at, rejected_at, recycle_at, outcome, outcome_at, client_address, user_agent, spam_reason";

LeadRow read_lead(const Statement& s) {
    LeadRow r;
    r.key = s.text(0);
    r.body = s.text(1);
    r.body_hash = s.text(2);
    r.received_at = s.integer(3);
    r.lead_id = s.text(4);
    r.supersedes = s.text(5);
    r.superseded_by = s.text(6);
    r.fallback = s.integer(7) != 0;
    r.model_id = s.text(8);
    r.model_version = s.text(9);
    r.client_route = s.text(10);
    if (auto t = s.maybe(11)) r.client_total = static_cast<int>(*t);
    r.route = s.text(12);
    if (auto t = s.maybe(13)) r.total = static_cast<int>(*t);
    r.segment = s.text(14);
    r.source = s.text(15);
    r.track = s.text(16);
    if (auto t = s.maybe(17)) r.sla_hours = static_cast<int>(*t);
    r.sla_deadline = s.maybe(18);
    r.decision = s.text(19);
    r.mismatch = s.integer(20) != 0;
    r.requested_sales = s.integer(21) != 0;
    r.email = s.text(22);
    r.status = s.text(23);
    r.reason = s.text(24);
    r.accepted_at = s.maybe(25);
    r.rejected_at = s.maybe(26);
    r.recycle_at = s.maybe(27);
    r.outcome = s.text(28);
    r.outcome_at = s.maybe(29);
    r.client_address = s.text(30);
    r.user_agent = s.text(31);
    r.spam_reason = s.text(32);
    return r;
}

class SqliteStore final : public Store {
public:
    ~SqliteStore() override {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        checkpoint_wake_.notify_all();
        if (writer_.joinable()) writer_.join();
        if (checkpoints_.joinable()) checkpoints_.join();
        sqlite3_close(checkpointer_);
        for (sqlite3* db : readers_) sqlite3_close(db);
        sqlite3_close(write_);
    }

    bool open(const std::string& dir, bool check_pages, std::string& error) {
        ::mkdir(dir.c_str(), 0700);
        path_ = dir + "/ripen.db";
        if (!connect(write_, error)) return false;
        // WAL: readers never wait for the writer. synchronous=FULL: a commit is on disk before
        // the 201 goes out, power loss included (NORMAL would survive a crash of the process but
        // could lose the last commits to a power cut). Group commit pays the fsync once a batch.
        // journal_size_limit: after a checkpoint resets the WAL, the file is truncated to this
        // size instead of staying as large as its largest burst.
        if (!exec(write_, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA journal_size_limit=16777216;", error))
            return false;
        if (!exec(write_, kSchema, error)) return false;
        // Databases made before the intake's answer was kept: the column is added (their
        // repeated keys are answered from the row, as before).
        for (const char* column : {"reply", "client_address", "user_agent", "spam_reason"})
            if (!has_column(write_, "leads", column) && !exec(write_, (std::string("ALTER TABLE leads ADD COLUMN ") + column + " TEXT").c_str(), error))
                return false;
        // The touches each lead has, kept on the lead for the report (one scan, no join).
        if (!has_column(write_, "leads", "touch_count") &&
            !exec(write_, "BEGIN; ALTER TABLE leads ADD COLUMN touch_count INTEGER NOT NULL DEFAULT 0;"
                          "UPDATE leads SET touch_count = (SELECT count(*) FROM touches WHERE touches.key = leads.key) "
                          "WHERE key IN (SELECT key FROM touches); COMMIT;", error))
            return false;
        if (!exec(write_, kIndexes, error)) return false;
        // Checkpoints (copying the WAL into the database, with their own fsyncs) run on a thread
        // of their own, not inside a commit that submissions wait for.
        if (!exec(write_, "PRAGMA wal_autocheckpoint=0;", error) || !connect(checkpointer_, error)) return false;
        if (!check_health(check_pages, error)) return false;
        // The server's read connections opened and warmed now (schema parsed, the queue's first
        // pages in their caches), not by the first person to open the desk.
        for (int i = 0; check_pages && i < 4; ++i) {
            sqlite3* db = nullptr;
            if (!connect(db, error)) return false;
            {
                Statement warm(db, "SELECT key, status, sla_deadline FROM leads WHERE status = 'pending' ORDER BY sla_deadline LIMIT 500");
                while (warm.ok() && warm.step() == SQLITE_ROW) {
                }
            }
            readers_.push_back(db);
        }
        writer_ = std::thread([this] { write_loop(); });
        checkpoints_ = std::thread([this] { checkpoint_loop(); });
        return true;
    }

    Stored add(const LeadRow& row, std::string& reply, std::string& error) override {
        auto job = std::make_shared<AddJob>();
        job->row = row;
        auto done = job->result.get_future();
        {
            std::lock_guard<std::mutex> lock(mutex_);
            adds_.push_back(job);
        }
        wake_.notify_one();
        auto [stored, message] = done.get();
        if (stored == Stored::repeated) reply = message;
        else error = message;
        return stored;
    }

    std::optional<LeadRow> get(const std::string& key) override {
        Reader r(*this);
        Statement s(r.db, (std::string("SELECT ") + kLeadColumns + " FROM leads WHERE key = ?").c_str());
        s.bind(1, key);
        if (!s.next()) return std::nullopt;
        return read_lead(s);
    }

    std::vector<LeadRow> list(const LeadFilter& f) override {
        std::vector<LeadRow> rows;
        each_lead(f, [&](const LeadRow& row) {
            rows.push_back(row);
            return true;
        });
        return rows;
    }

    void each_lead(const LeadFilter& f, const std::function<bool(const LeadRow&)>& visit) override {
        Reader r(*this);
        long left = f.limit < 0 ? -1 : f.limit;
        // One indexed query per part of the order: an ORDER BY CASE over the whole table would
        // sort every row (10 s at a million leads) to show the first 500.
        auto run = [&](const std::string& status_clause, const char* order) {
            // Without the stored decision (the largest column) when the caller has no use for it.
            std::string columns = kLeadColumns;
            if (!f.with_decision) columns.replace(columns.find(" decision,"), 10, " '' AS decision,");
            std::string sql = "SELECT " + columns + " FROM leads WHERE " + status_clause;
            if (!f.segment.empty()) sql += " AND segment = ?2";
            if (!f.source.empty()) sql += " AND source = ?3";
            if (!f.route.empty()) sql += " AND route = ?4";
            if (f.since) sql += " AND received_at >= ?5";
            sql += std::string(" ORDER BY ") + order + " LIMIT ?6";
            Statement s(r.db, sql.c_str());
            if (!f.status.empty()) s.bind(1, f.status);
            if (!f.segment.empty()) s.bind(2, f.segment);
            if (!f.source.empty()) s.bind(3, f.source);
            if (!f.route.empty()) s.bind(4, f.route);
            if (f.since) s.bind(5, *f.since);
            s.bind(6, static_cast<std::int64_t>(left));
            while (left != 0 && s.next()) {
                if (left > 0) --left;
                if (!visit(read_lead(s))) return false;
            }
            return true;
        };
        const std::string hidden = f.include_superseded ? "status != 'spam'" : "status NOT IN ('superseded', 'spam')";
        if (f.order == LeadFilter::Order::received) {
            run(f.status.empty() ? hidden : "status = ?1", "received_at, key");
        } else if (!f.status.empty()) {
            run("status = ?1", f.status == "pending" ? "sla_deadline, received_at DESC" : "received_at DESC");
        } else if (run("status = 'pending'", "sla_deadline, received_at DESC") && left != 0) {
            run(hidden + " AND status != 'pending'", "received_at DESC");
        }
    }

    static void add(std::vector<std::pair<std::string, long>>& counts, const std::string& name, long n) {
        for (auto& [known, count] : counts)
            if (known == name) return void(count += n);
        counts.emplace_back(name, n);
    }

    std::vector<ReportGroup> report_groups(std::int64_t now) override {
        Reader r(*this);
        std::map<std::pair<std::string, std::string>, ReportGroup> groups;
        auto group = [&](Statement& s) -> ReportGroup& {
            ReportGroup& g = groups[{s.text(0), s.text(1)}];
            g.segment = s.text(0);
            g.source = s.text(1);
            return g;
        };
        {
            // One scan of the covering index, grouped in its order.
            Statement s(r.db, "SELECT segment, source, status, outcome, reason, spam_reason, count(*), SUM(mismatch), "
                              "SUM(sla_deadline IS NOT NULL AND COALESCE(accepted_at, rejected_at, ?1) > sla_deadline), SUM(touch_count) "
                              "FROM leads INDEXED BY leads_report WHERE status != 'superseded' "
                              "GROUP BY segment, source, status, outcome, reason, spam_reason");
            s.bind(1, now);
            while (s.next()) {
                ReportGroup& g = group(s);
                const std::string status = s.text(2), outcome = s.text(3);
                const long n = s.integer(6);
                g.mismatches += s.integer(7);
                const bool handoff = status == "pending" || status == "accepted" || status == "rejected";
                if (status == "nurture") g.nurture += n;
                if (status == "disqualified") g.disqualified += n;
                if (status == "review") g.review += n;
                if (status == "spam") {
                    g.spam += n;
                    add(g.spam_reasons, s.text(5), n);
                }
                if (!handoff) continue;
                g.handoffs += n;
                g.breaches += s.integer(8);
                if (outcome == "won") g.won += n;
                if (outcome == "lost") g.lost += n;
                if (status == "pending") g.pending += n;
                if (status == "accepted") g.accepted += n;
                if (status == "rejected") {
                    g.rejected += n;
                    add(g.reasons, s.text(4), n);
                } else {
                    g.open_handoffs += n;
                    g.touches_done += s.integer(9);
                }
            }
        }
        {
            Statement s(r.db, "SELECT segment, source, accepted_at - received_at FROM leads INDEXED BY leads_report "
                              "WHERE accepted_at IS NOT NULL AND status IN ('pending', 'accepted', 'rejected')");
            while (s.next()) group(s).accept_ms.push_back(s.integer(2));
        }
        std::vector<ReportGroup> out;
        for (auto& [name, g] : groups) out.push_back(std::move(g));
        return out;
    }

    std::vector<HistoryEntry> history(const std::string& key) override {
        Reader r(*this);
        Statement s(r.db, "SELECT at, action, detail FROM history WHERE key = ? ORDER BY at, id");
        s.bind(1, key);
        std::vector<HistoryEntry> out;
        while (s.next()) out.push_back({s.integer(0), s.text(1), s.text(2)});
        return out;
    }

    std::vector<TouchDone> touches(const std::string& key) override {
        Reader r(*this);
        Statement s(r.db, "SELECT touch, at, note FROM touches WHERE key = ? ORDER BY touch");
        s.bind(1, key);
        std::vector<TouchDone> out;
        while (s.next()) out.push_back({static_cast<int>(s.integer(0)), s.integer(1), s.text(2)});
        return out;
    }

    Action accept(const std::string& key, std::int64_t at, const std::optional<OutboxEvent>& event, std::string& error) override {
        return act([&](sqlite3* db, bool& refused) {
            auto lead = status_of(db, key, error);
            if (!lead) return refused = true, false;
            if (*lead != "pending") return refused = true, fail(error, "only a pending hand-off can be accepted; this lead is " + *lead);
            Statement s(db, "UPDATE leads SET status = 'accepted', accepted_at = ? WHERE key = ?");
            s.bind(1, at).bind(2, key);
            return checked(db, s, error) && log(db, key, at, "accepted", "{}", error) && outbox(db, event, at, error);
        }, error);
    }

    Action reject(const std::string& key, const std::string& reason, const std::string& track, std::int64_t recycle_at, std::int64_t at,
                  const std::optional<OutboxEvent>& event, std::string& error) override {
        return act([&](sqlite3* db, bool& refused) {
            auto lead = status_of(db, key, error);
            if (!lead) return refused = true, false;
            if (*lead != "pending") return refused = true, fail(error, "only a pending hand-off can be rejected; this lead is " + *lead);
            Statement s(db, "UPDATE leads SET status = 'rejected', reason = ?, track = ?, recycle_at = ?, rejected_at = ? WHERE key = ?");
            s.bind(1, reason).bind(2, track).bind(3, recycle_at).bind(4, at).bind(5, key);
            return checked(db, s, error) && log(db, key, at, "rejected", nlohmann::json{{"reason", reason}}.dump(), error) && outbox(db, event, at, error);
        }, error);
    }

    Action touch(const std::string& key, int number, const std::string& note, std::int64_t at, std::string& error) override {
        return act([&](sqlite3* db, bool& refused) {
            auto lead = status_of(db, key, error);
            if (!lead) return refused = true, false;
            if (*lead != "pending" && *lead != "accepted")
                return refused = true, fail(error, "touches are for hand-offs that are pending or accepted; this lead is " + *lead);
            Statement s(db, "INSERT INTO touches (key, touch, at, note) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
            s.bind(1, key).bind(2, static_cast<std::int64_t>(number)).bind(3, at).bind(4, note);
            if (!checked(db, s, error)) return false;
            if (sqlite3_changes(db) == 0) return refused = true, fail(error, "touch " + std::to_string(number) + " is already done");
            Statement count(db, "UPDATE leads SET touch_count = touch_count + 1 WHERE key = ?");
            count.bind(1, key);
            if (!checked(db, count, error)) return false;
            return log(db, key, at, "touch", nlohmann::json{{"touch", number}}.dump(), error);
        }, error);
    }

    Action release(const std::string& key, const std::string& status, std::optional<std::int64_t> sla_deadline, std::int64_t at,
                   const std::optional<OutboxEvent>& event, std::string& error) override {
        return act([&](sqlite3* db, bool& refused) {
            auto lead = status_of(db, key, error);
            if (!lead) return refused = true, false;
            if (*lead != "spam") return refused = true, fail(error, "only a submission held as spam can be released; this lead is " + *lead);
            Statement s(db, "UPDATE leads SET status = ?, sla_deadline = ? WHERE key = ?");
            s.bind(1, status).bind(2, sla_deadline).bind(3, key);
            return checked(db, s, error) && log(db, key, at, "released", nlohmann::json{{"status", status}}.dump(), error) && outbox(db, event, at, error);
        }, error);
    }

    Action set_outcome(const std::string& key, const std::string& outcome, std::int64_t at, const std::optional<OutboxEvent>& event,
                       std::string& error) override {
        return act([&](sqlite3* db, bool& refused) {
            auto lead = status_of(db, key, error);
            if (!lead) return refused = true, false;
            if (*lead != "accepted") return refused = true, fail(error, "only an accepted lead can be won or lost; this lead is " + *lead);
            Statement check(db, "SELECT outcome FROM leads WHERE key = ?");
            check.bind(1, key);
            if (check.next() && !check.text(0).empty()) return refused = true, fail(error, "this lead is already " + check.text(0));
            Statement s(db, "UPDATE leads SET outcome = ?, outcome_at = ? WHERE key = ?");
            s.bind(1, outcome).bind(2, at).bind(3, key);
            return checked(db, s, error) && log(db, key, at, "outcome", nlohmann::json{{"outcome", outcome}}.dump(), error) && outbox(db, event, at, error);
        }, error);
    }

    bool add_token(const std::string& name, const std::string& hash, std::int64_t at, std::string& error) override {
        return write([&](sqlite3* db) {
            Statement s(db, "INSERT INTO tokens (name, hash, created_at) VALUES (?, ?, ?)");
            s.bind(1, name).bind(2, hash).bind(3, at);
            if (s.done()) return true;
            return fail(error, sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE ? "a token named \"" + name + "\" exists already" : s.error());
        }, error);
    }

    std::vector<TokenInfo> tokens() override {
        Reader r(*this);
        Statement s(r.db, "SELECT id, name, created_at, revoked_at FROM tokens ORDER BY id");
        std::vector<TokenInfo> out;
        while (s.next()) out.push_back({s.integer(0), s.text(1), s.integer(2), s.maybe(3)});
        return out;
    }

    bool revoke_token(const std::string& name, std::int64_t at, std::string& error) override {
        return write([&](sqlite3* db) {
            Statement s(db, "UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL");
            s.bind(1, at).bind(2, name);
            if (!s.done()) return fail(error, s.error());
            return sqlite3_changes(db) == 1 || fail(error, "no active token named \"" + name + "\"");
        }, error);
    }

    std::optional<TokenInfo> token_by_hash(const std::string& hash) override {
        Reader r(*this);
        Statement s(r.db, "SELECT id, name, created_at, revoked_at FROM tokens WHERE hash = ?");
        s.bind(1, hash);
        if (!s.next()) return std::nullopt;
        return TokenInfo{s.integer(0), s.text(1), s.integer(2), s.maybe(3)};
    }

    std::vector<WebhookEvent> due_events(std::int64_t now, int limit) override {
        Reader r(*this);
        Statement s(r.db, "SELECT id, event_id, type, body, attempts, next_at, delivered_at, last_error FROM webhook_outbox "
                          "WHERE delivered_at IS NULL AND next_at <= ? ORDER BY id LIMIT ?");
        s.bind(1, now).bind(2, static_cast<std::int64_t>(limit));
        return read_events(s);
    }

    bool mark_event(std::int64_t id, bool delivered, const std::string& error_text, std::int64_t next_at, std::int64_t at) override {
        std::string error;
        bool ok = write([&](sqlite3* db) {
            Statement s(db, "UPDATE webhook_outbox SET attempts = attempts + 1, delivered_at = ?, last_error = ?, next_at = ? WHERE id = ?");
            if (delivered) s.bind(1, at);
            else s.bind(1, std::optional<std::int64_t>{});
            s.bind(2, error_text).bind(3, next_at).bind(4, id);
            return checked(db, s, error);
        }, error);
        if (!ok) log_error("the webhook outbox could not record a delivery attempt: " + error);
        return ok;
    }

    std::vector<WebhookEvent> failing_events(int limit) override {
        Reader r(*this);
        Statement s(r.db, "SELECT id, event_id, type, body, attempts, next_at, delivered_at, last_error FROM webhook_outbox "
                          "WHERE delivered_at IS NULL AND attempts > 0 ORDER BY id LIMIT ?");
        s.bind(1, static_cast<std::int64_t>(limit));
        return read_events(s);
    }

private:
    struct AddJob {
        LeadRow row;
        std::promise<std::pair<Stored, std::string>> result;
    };
    using WriteJob = std::function<bool(sqlite3*)>;
    struct GeneralJob {
        WriteJob run;
        std::promise<bool> done;
        std::string* error;
    };

    // A read connection from the pool, back into it when done.
    struct Reader {
        explicit Reader(SqliteStore& owner) : store(owner) {
            std::lock_guard<std::mutex> lock(store.readers_mutex_);
            if (!store.readers_.empty()) {
                db = store.readers_.back();
                store.readers_.pop_back();
            }
            std::string ignored;
            if (!db) store.connect(db, ignored);
        }
        ~Reader() {
            std::lock_guard<std::mutex> lock(store.readers_mutex_);
            store.readers_.push_back(db);
        }
        SqliteStore& store;
        sqlite3* db = nullptr;
    };

    // Refuses to start on a database that would fail later: damaged pages (quick_check) or a
    // file it cannot write (read-only file or folder, full disk), with the path and the cause.
    bool check_health(bool check_pages, std::string& error) {
        if (check_pages) {
            Statement check(write_, "PRAGMA quick_check(5)");
            std::string problems;
            try {
                while (check.next())
                    if (check.text(0) != "ok") problems += (problems.empty() ? "" : "; ") + check.text(0);
            } catch (const StorageError& e) {
                problems = e.what();
            }
            if (!problems.empty()) {
                error = path_ + " is damaged (" + problems.substr(0, 400) + "); restore it from a backup (docs/deploy.md)";
                return false;
            }
        }
        std::string cause;
        if (!exec(write_, "CREATE TABLE IF NOT EXISTS health (id INTEGER PRIMARY KEY, checked_at INTEGER NOT NULL);"
                          "INSERT OR REPLACE INTO health (id, checked_at) VALUES (1, strftime('%s','now'));", cause)) {
            error = "cannot write to " + path_ + " (" + cause + "); check the file's and the folder's permissions and the free space";
            return false;
        }
        return true;
    }

    static bool has_column(sqlite3* db, const char* table, const char* column) {
        Statement s(db, (std::string("SELECT 1 FROM pragma_table_info('") + table + "') WHERE name = ?").c_str());
        s.bind(1, std::string(column));
        return s.next();
    }

    bool connect(sqlite3*& db, std::string& error) {
        if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK) {
            error = "cannot open " + path_ + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
            return false;
        }
        sqlite3_busy_timeout(db, 5000);
        return true;
    }

    static bool fail(std::string& error, std::string message) {
        error = std::move(message);
        return false;
    }

    static std::optional<std::string> status_of(sqlite3* db, const std::string& key, std::string& error) {
        Statement s(db, "SELECT status FROM leads WHERE key = ?");
        s.bind(1, key);
        if (!s.next()) {
            error = "no lead with key \"" + key + "\"";
            return std::nullopt;
        }
        return s.text(0);
    }

    // A write statement run to its end; false with SQLite's reason.
    static bool checked(sqlite3* db, Statement& s, std::string& error) {
        if (s.ok() && s.done()) return true;
        error = sqlite3_errmsg(db);
        return false;
    }

    static bool log(sqlite3* db, const std::string& key, std::int64_t at, const char* action, const std::string& detail, std::string& error) {
        Statement s(db, "INSERT INTO history (key, at, action, detail) VALUES (?, ?, ?, ?)");
        s.bind(1, key).bind(2, at).bind(3, std::string(action)).bind(4, detail);
        return checked(db, s, error);
    }

    static bool outbox(sqlite3* db, const std::optional<OutboxEvent>& event, std::int64_t at, std::string& error) {
        if (!event) return true;
        Statement s(db, "INSERT INTO webhook_outbox (event_id, type, body, created_at, next_at) VALUES (?, ?, ?, ?, ?)");
        s.bind(1, event->event_id).bind(2, event->type).bind(3, event->body).bind(4, at).bind(5, at);
        return checked(db, s, error);
    }

    // A sales action: done, refused by the lead's state, or failed in the database.
    template <typename F>
    Action act(F job, std::string& error) {
        bool refused = false;
        if (write([&](sqlite3* db) { return job(db, refused); }, error)) return Action::done;
        return refused ? Action::refused : Action::failed;
    }

    static std::vector<WebhookEvent> read_events(Statement& s) {
        std::vector<WebhookEvent> out;
        while (s.next())
            out.push_back({s.integer(0), s.text(1), s.text(2), s.text(3), static_cast<int>(s.integer(4)), s.integer(5), s.maybe(6), s.text(7)});
        return out;
    }

    // Runs `job` in its own transaction on the writer thread; its false rolls it back.
    bool write(WriteJob job, std::string& error) {
        auto general = std::make_shared<GeneralJob>();
        general->run = std::move(job);
        general->error = &error;
        auto done = general->done.get_future();
        {
            std::lock_guard<std::mutex> lock(mutex_);
            general_.push_back(general);
        }
        wake_.notify_one();
        return done.get();
    }

    void write_loop() {
        for (;;) {
            std::deque<std::shared_ptr<AddJob>> adds;
            std::deque<std::shared_ptr<GeneralJob>> general;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [&] { return stopping_ || !adds_.empty() || !general_.empty(); });
                if (stopping_ && adds_.empty() && general_.empty()) return;
                adds.swap(adds_);
                general.swap(general_);
            }
            if (!adds.empty()) commit_adds(adds);
            for (auto& job : general) {
                std::string error;
                bool ok = exec(write_, "BEGIN IMMEDIATE", error);
                try {
                    ok = ok && job->run(write_);
                } catch (const StorageError& e) {
                    ok = false;
                    error = e.what();
                }
                if (ok) ok = exec(write_, "COMMIT", error);
                if (!ok) {
                    if (job->error->empty()) *job->error = error.empty() ? sqlite3_errmsg(write_) : error;
                    std::string ignored;
                    exec(write_, "ROLLBACK", ignored);
                }
                job->done.set_value(ok);
            }
        }
    }

    void checkpoint_loop() {
        std::unique_lock<std::mutex> lock(mutex_);
        while (!checkpoint_wake_.wait_for(lock, std::chrono::milliseconds(100), [&] { return stopping_; })) {
            lock.unlock();
            // PASSIVE: copies what it can without waiting for readers or the writer. But the
            // WAL only starts again from its beginning when a checkpoint has copied all of it
            // before the next commit, which a steady stream of submissions never allows: once
            // it holds 16 MiB, a RESTART checkpoint makes the writer wait (once, for the copy)
            // so the next commit rewinds it, and journal_size_limit trims the file.
            checkpoint(wal_frames_ >= 2048 ? SQLITE_CHECKPOINT_RESTART : SQLITE_CHECKPOINT_PASSIVE);
            lock.lock();
        }
        lock.unlock();
        checkpoint(SQLITE_CHECKPOINT_TRUNCATE);
    }

    // One checkpoint, checked. A connection that has not read the database yet does nothing
    // and says SQLITE_OK (frames -1), so the checkpointer reads the schema first.
    void checkpoint(int mode) {
        {
            // Finalized before the checkpoint: a statement still open on the connection makes
            // the checkpoint fail with SQLITE_LOCKED.
            Statement touch(checkpointer_, "SELECT count(*) FROM sqlite_schema");
            if (!touch.ok() || touch.step() != SQLITE_ROW) {
                log_error(std::string("checkpoint: cannot read the database: ") + sqlite3_errmsg(checkpointer_));
                return;
            }
        }
        int frames = -1, copied = -1;
        int rc = sqlite3_wal_checkpoint_v2(checkpointer_, nullptr, mode, &frames, &copied);
        if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
            log_error(std::string("checkpoint failed: ") + sqlite3_errstr(rc) + " (" + sqlite3_errmsg(checkpointer_) + ")");
            return;
        }
        // The last one, at close, may find another process (the server, when a one-off command
        // such as `token revoke` closes) holding the WAL: that is not a failure.
        if (frames < 0 && mode != SQLITE_CHECKPOINT_TRUNCATE) log_error("checkpoint did nothing: the WAL is not open on the checkpointer's connection");
        wal_frames_ = frames < 0 ? 0 : frames;
    }

    // Every waiting submission in one transaction: one fsync for the batch.
    void commit_adds(std::deque<std::shared_ptr<AddJob>>& jobs) {
        std::string error;
        std::vector<std::pair<Stored, std::string>> results;
        bool ok = exec(write_, "BEGIN IMMEDIATE", error);
        for (auto& job : jobs) {
            if (!ok) break;
            // Each submission in a savepoint: one that fails leaves nothing half-written (a
            // lead without its event) and does not take the others down.
            ok = exec(write_, "SAVEPOINT submission", error);
            if (!ok) break;
            results.push_back(insert(job->row));
            std::string ignored;
            if (results.back().first == Stored::failed) ok = exec(write_, "ROLLBACK TO submission", error);
            ok = ok && exec(write_, "RELEASE submission", error);
        }
        if (ok) ok = exec(write_, "COMMIT", error);
        if (!ok) {
            std::string ignored;
            exec(write_, "ROLLBACK", ignored);
        }
        for (std::size_t i = 0; i < jobs.size(); ++i) {
            if (ok) jobs[i]->result.set_value(results[i]);
            else jobs[i]->result.set_value({Stored::failed, "the database could not commit: " + error});
        }
    }

    std::pair<Stored, std::string> insert(const LeadRow& r) {
        {
            Statement s(write_, "SELECT body_hash, reply FROM leads WHERE key = ?");
            s.bind(1, r.key);
            int rc = s.step();
            if (rc == SQLITE_ROW) {
                if (s.text(0) != r.body_hash) return {Stored::conflict, ""};
                return {Stored::repeated, s.text(1)};  // empty for rows from before replies were kept
            }
            if (rc != SQLITE_DONE) return {Stored::failed, sqlite3_errmsg(write_)};
        }
        Statement s(write_, (std::string("INSERT INTO leads (") + kLeadColumns +
                             ", reply) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, NULL, NULL, ?25, NULL, NULL, ?27, ?28, ?29, ?26)")
                                .c_str());
        s.bind(1, r.key).bind(2, r.body).bind(3, r.body_hash).bind(4, r.received_at).bind_or_null(5, r.lead_id).bind_or_null(6, r.supersedes);
        s.bind(7, static_cast<std::int64_t>(r.fallback)).bind_or_null(8, r.model_id).bind_or_null(9, r.model_version).bind_or_null(10, r.client_route);
        s.bind(11, r.client_total).bind(12, r.route).bind(13, r.total).bind_or_null(14, r.segment).bind_or_null(15, r.source).bind_or_null(16, r.track);
        s.bind(17, r.sla_hours).bind(18, r.sla_deadline).bind(19, r.decision).bind(20, static_cast<std::int64_t>(r.mismatch));
        s.bind(21, static_cast<std::int64_t>(r.requested_sales)).bind_or_null(22, r.email).bind(23, r.status).bind_or_null(24, r.reason).bind(25, r.recycle_at);
        s.bind_or_null(26, r.reply).bind_or_null(27, r.client_address).bind_or_null(28, r.user_agent).bind_or_null(29, r.spam_reason);
        std::string error;
        if (!checked(write_, s, error)) return {Stored::failed, error};
        if (!log(write_, r.key, r.received_at, "received", nlohmann::json{{"route", r.route}}.dump(), error) || !outbox(write_, r.event, r.received_at, error))
            return {Stored::failed, error};
        // The submission it replaces, when it is the same visitor's: kept, marked, in the history.
        if (!r.supersedes.empty()) {
            Statement old(write_, "UPDATE leads SET status = 'superseded', superseded_by = ? WHERE key = ? AND lead_id = ? AND status != 'superseded'");
            old.bind(1, r.key).bind(2, r.supersedes).bind(3, r.lead_id);
            if (!checked(write_, old, error)) return {Stored::failed, error};
            if (sqlite3_changes(write_) == 1 && !log(write_, r.supersedes, r.received_at, "superseded", nlohmann::json{{"by", r.key}}.dump(), error))
                return {Stored::failed, error};
        }
        return {Stored::created, ""};
    }

    std::string path_;
    int wal_frames_ = 0;  // the WAL's length in frames at the last checkpoint (checkpoint thread only)
    sqlite3* write_ = nullptr;
    sqlite3* checkpointer_ = nullptr;
    std::thread writer_;
    std::thread checkpoints_;
    std::mutex mutex_;
    std::condition_variable wake_;             // the writer's
    std::condition_variable checkpoint_wake_;  // the checkpointer's (its own: notify_one must reach the writer)
    std::deque<std::shared_ptr<AddJob>> adds_;
    std::deque<std::shared_ptr<GeneralJob>> general_;
    bool stopping_ = false;
    std::mutex readers_mutex_;
    std::vector<sqlite3*> readers_;
};

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::string& dir, std::string& error, bool check_pages) {
    auto store = std::make_unique<SqliteStore>();
    if (!store->open(dir, check_pages, error)) return nullptr;
    return store;
}

}  // namespace ripen::server
