-- The schema of ripen serve before issue 24 (commit 30580d1): a database made by it must open and upgrade in place.
CREATE TABLE IF NOT EXISTS leads (
  key TEXT PRIMARY KEY, body TEXT NOT NULL, body_hash TEXT NOT NULL, received_at INTEGER NOT NULL,
  lead_id TEXT, supersedes TEXT, superseded_by TEXT, fallback INTEGER NOT NULL DEFAULT 0,
  model_id TEXT, model_version TEXT, client_route TEXT, client_total INTEGER,
  route TEXT NOT NULL, total INTEGER, segment TEXT, source TEXT, track TEXT, sla_hours INTEGER, sla_deadline INTEGER,
  decision TEXT NOT NULL, mismatch INTEGER NOT NULL DEFAULT 0, requested_sales INTEGER NOT NULL DEFAULT 0, email TEXT,
  status TEXT NOT NULL, reason TEXT, accepted_at INTEGER, rejected_at INTEGER, recycle_at INTEGER,
  outcome TEXT, outcome_at INTEGER
);
CREATE INDEX IF NOT EXISTS leads_received ON leads(received_at);
CREATE INDEX IF NOT EXISTS leads_status ON leads(status, sla_deadline);
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
