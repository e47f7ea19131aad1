#include "intake.hpp"

#include <nlohmann/json.hpp>

#include "ripen/decision.hpp"
#include "ripen/json_value.hpp"
#include "log.hpp"
#include "security.hpp"

namespace ripen::server {

namespace {

constexpr std::size_t kMaxContextMembers = 50;
constexpr std::size_t kMaxStoredErrors = 20;

// The 201's body, kept with the row and replayed for a repeated key.
std::string accepted_reply(const LeadRow& row) {
    return nlohmann::json{{"key", row.key}, {"stored", true}, {"route", row.route}, {"status", row.status}, {"mismatch", row.mismatch}}.dump();
}

// Keys go into the database and into URLs (/api/leads/KEY): a UUID or anything as plain.
bool valid_key(const std::string& key) {
    if (key.empty() || key.size() > 128) return false;
    for (char c : key)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == ':'))
            return false;
    return true;
}

std::string string_member(const json::Value& object, std::string_view name) {
    const json::Value* v = object.find(name);
    return v && v->is_string() ? v->text : std::string();
}

std::string status_for(Route route) {
    switch (route) {
        case Route::handoff: return "pending";
        case Route::nurture: return "nurture";
        case Route::disqualify: return "disqualified";
        case Route::undecided: return "review";
    }
    return "review";
}

}  // namespace

std::string error_json(const std::string& message, const std::string& code, std::uint64_t line, std::uint32_t column) {
    nlohmann::json out = {{"error", message}};
    if (!code.empty()) out["code"] = code;
    if (line) {
        out["line"] = line;
        out["column"] = column;
    }
    return out.dump();
}

IntakeOutcome take_submission(const Model& model, Store& store, const std::string& key, const std::string& body, std::int64_t now_ms,
                              const EventMaker& make_event, const Sender& sender) {
    IntakeOutcome result;
    auto reply = [&](int status, std::string text) {
        result.reply = {status, std::move(text)};
        return result;
    };
    if (key.empty()) return reply(400, error_json("missing the Idempotency-Key header: the form sends one per submission", "intake.key"));
    if (!valid_key(key)) return reply(400, error_json("Idempotency-Key must be 1 to 128 letters, digits, '-', '_', '.' or ':'", "intake.key"));
    auto parsed = json::parse(body);
    if (!parsed.ok()) {
        const Issue& issue = parsed.issues.front();
        return reply(400, error_json(format_issue(issue), issue.code, issue.line, issue.column));
    }
    const json::Value& doc = *parsed.value;
    if (!doc.is_object()) return reply(400, error_json("a submission must be a JSON object, got " + std::string(json::describe(doc.kind)), "json.type", doc.line, doc.column));
    if (std::string body_key = string_member(doc, "key"); !body_key.empty() && body_key != key)
        return reply(400, error_json("the body's \"key\" is not the Idempotency-Key header", "intake.key"));

    // A visitor's page puts utm_* parameters and hidden fields in the context: a few dozen short
    // values. More is a tampered request, and would be kept and exported for nothing.
    if (const json::Value* c = doc.find("context"); c && c->is_object()) {
        if (c->members.size() > kMaxContextMembers)
            return reply(400, error_json("the context has " + std::to_string(c->members.size()) + " members; at most " + std::to_string(kMaxContextMembers) +
                                             " are taken", "intake.context", c->line, c->column));
        for (const auto& [name, value] : c->members)
            if (name.size() > 100 || (value.is_string() && value.text.size() > 2000))
                return reply(400, error_json("context member \"" + name.substr(0, 60) + "\" is too long (names up to 100 bytes, values up to 2000)",
                                             "intake.context", value.line, value.column));
    }

    LeadRow& row = result.row;
    row.key = key;
    row.client_address = sender.address;
    row.user_agent = sender.user_agent.substr(0, 300);
    row.body = body;
    row.body_hash = sha256_hex(body);
    row.received_at = now_ms;
    row.lead_id = string_member(doc, "lead_id");
    row.supersedes = string_member(doc, "supersedes");
    if (!row.supersedes.empty() && !valid_key(row.supersedes)) row.supersedes.clear();
    const json::Value* fallback = doc.find("fallback");
    row.fallback = fallback && fallback->is_bool() && fallback->boolean;
    if (const json::Value* m = doc.find("model"); m && m->is_object()) {
        row.model_id = string_member(*m, "id");
        row.model_version = string_member(*m, "version");
    }
    if (const json::Value* d = doc.find("decision"); d && d->is_object()) {
        row.client_route = string_member(*d, "route");
        if (const json::Value* t = d->find("total"); t && t->is_number())
            if (auto n = json::to_int64(t->text)) row.client_total = static_cast<int>(*n);
    }
    const json::Value* requested = doc.find("requested_sales");
    row.requested_sales = requested && requested->is_bool() && requested->boolean;
    const json::Value* context_json = doc.find("context");
    if (context_json && context_json->is_object()) row.source = string_member(*context_json, "source");

    if (row.fallback) {
        // The contact form the page showed when the model or the core could not load: a person
        // with a message, for sales to look at.
        row.route = "fallback";
        row.status = "review";
        row.decision = "{}";
        if (const json::Value* contact = doc.find("contact"); contact && contact->is_object()) row.email = string_member(*contact, "email");
    } else {
        const json::Value* answers_json = doc.find("answers");
        std::vector<Issue> problems;
        Answers answers;
        Context context;
        if (!answers_json) {
            Issue missing;
            missing.code = "schema.required";
            missing.message = "missing required member \"answers\"";
            missing.path = "$";
            problems.push_back(missing);
        } else {
            auto a = parse_answers(model, *answers_json);
            for (auto& issue : a.issues) {
                issue.path = "$.answers" + issue.path.substr(issue.path.empty() ? 0 : 1);
                if (issue.severity == Severity::error) problems.push_back(issue);
            }
            if (a.ok()) answers = std::move(*a.value);
        }
        if (context_json) {
            auto c = parse_context(*context_json);
            for (auto& issue : c.issues)
                if (issue.severity == Severity::error) problems.push_back(issue);
            if (c.ok()) context = std::move(*c.value);
        }
        if (!problems.empty()) {
            // Kept for a person to look at rather than refused: a visitor on a page with an older
            // model, or a tampered request, is still a lead the team should see.
            // The first twenty, and how many more: a body of a thousand unknown keys must not be
            // stored as a thousand errors.
            nlohmann::json errors = nlohmann::json::array();
            for (std::size_t i = 0; i < problems.size() && i < kMaxStoredErrors; ++i)
                errors.push_back({{"code", problems[i].code}, {"message", problems[i].message.substr(0, 300)}, {"path", problems[i].path.substr(0, 200)}});
            if (problems.size() > kMaxStoredErrors)
                errors.push_back({{"code", "intake.more_errors"}, {"message", std::to_string(problems.size() - kMaxStoredErrors) + " more problems not kept"}, {"path", "$"}});
            row.route = "invalid";
            row.status = "review";
            row.decision = nlohmann::json{{"errors", errors}}.dump();
            row.mismatch = !row.client_route.empty();
        } else {
            context.values.emplace_back("now", format_time(now_ms / 1000));
            context.complete = false;
            Decision d = decide(model, answers, context);
            row.decision = to_json(model, d);
            row.route = std::string(to_string(d.route));
            row.total = d.total;
            const ModelSpec& spec = model.spec();
            if (d.segment >= 0) {
                row.segment = spec.segments[static_cast<std::size_t>(d.segment)].id;
                row.sla_hours = spec.segments[static_cast<std::size_t>(d.segment)].sla_hours;
            }
            if (d.track >= 0) row.track = spec.tracks[static_cast<std::size_t>(d.track)].id;
            row.status = status_for(d.route);
            // "Talk to sales anyway": the visitor asked, so sales gets the lead, flagged as asked.
            if (d.route == Route::nurture && row.requested_sales) row.status = "pending";
            if (row.status == "pending" && row.sla_hours) row.sla_deadline = now_ms + static_cast<std::int64_t>(*row.sla_hours) * 3600 * 1000;
            row.mismatch = !row.client_route.empty() && (row.client_route != row.route || (row.client_total && *row.client_total != d.total));
            for (std::size_t q = 0; q < spec.questions.size(); ++q)
                if (spec.questions[q].type == QuestionType::email && answers.values[q].state == Answer::State::given) row.email = answers.values[q].text;
        }
    }

    // The form's bot checks: its hidden field (people never see it, form-filling bots fill it)
    // and the time from the first question to the submission. Either one holds the lead as
    // spam, out of the sales queue, for a person to release. Submissions without them (the
    // API, server to server) are not judged by them.
    if (const json::Value* client = doc.find("client"); client && client->is_object()) {
        const json::Value* trap = client->find("website");
        const json::Value* fill = client->find("fill_ms");
        if (trap && trap->is_string() && !trap->text.empty()) row.spam_reason = "honeypot";
        else if (fill && fill->is_number() && sender.min_fill_ms > 0)
            if (auto ms = json::to_int64(fill->text); ms && *ms < sender.min_fill_ms) row.spam_reason = "too_fast";
        if (!row.spam_reason.empty()) {
            row.status = "spam";
            row.sla_deadline.reset();
        }
    }

    // The answer is kept with the row: a repeated key gets the same one, however the lead has
    // moved on since.
    row.reply = accepted_reply(row);
    if (make_event && row.status == "pending") row.event = make_event("lead.handoff", row);
    std::string error, first_reply;
    switch (store.add(row, first_reply, error)) {
        case Stored::created:
            result.created = true;
            return reply(201, row.reply);
        case Stored::repeated:
            // A row from before answers were kept: the answer its row gives.
            if (first_reply.empty())
                if (auto stored = store.get(key)) first_reply = accepted_reply(*stored);
            return reply(201, first_reply);
        case Stored::conflict:
            return reply(409, error_json("a different submission was already stored under this Idempotency-Key", "intake.conflict"));
        case Stored::failed: break;
    }
    // The cause (SQLite's words, a path) goes to the log, not to the visitor.
    log_error("a lead could not be stored: " + error);
    return reply(503, error_json("the lead could not be stored right now; please try again (the cause is in the server's error log)", "intake.storage"));
}

}  // namespace ripen::server
