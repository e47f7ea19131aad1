// Answers in, decision out: the route, the score and its reachable interval, the explanation,
// what would flip the route, the follow-up plan, and the next questions worth asking.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ripen/decimal.hpp"
#include "ripen/issue.hpp"
#include "ripen/json_value.hpp"
#include "ripen/model.hpp"

namespace ripen {

// ---- answers and context ---------------------------------------------------------------------

// One question's answer. "open" means not asked yet (the final answer is still unknown);
// "declined" means asked and left empty, or hidden, and gives no points.
struct Answer {
    enum class State : std::uint8_t { open, declined, given };
    State state = State::open;
    int option = -1;             // single; country (its option, the "*" option, or -1)
    std::uint64_t selected = 0;  // multiple: bit i = option i
    Decimal number;              // number
    int band = -1;               // number: the band the value falls in, or -1
    std::string text;            // email, country (upper case), text
    std::string folded;          // lowercase form conditions compare: the e-mail's domain,
                                 // the country code, the text
};

struct Answers {
    std::vector<Answer> values;  // one per question, in model order
};

Answers empty_answers(const Model& model);

// Sets question `question`'s answer from its text form, as in a CSV cell: an option value,
// options joined by ';', a decimal number, an e-mail address, a country code or free text.
// An empty cell leaves the answer open. Returns false and fills `error` (code and message, no
// place) when the text is not a valid answer.
bool set_answer_text(const Model& model, int question, std::string_view text, Answer& out, Issue& error);

// Reads answers from a JSON object keyed by question id. null declines a question; a missing
// key leaves it open. Errors name the JSON path ($.role) and position.
Result<Answers> parse_answers(const Model& model, const json::Value& object);
Result<Answers> parse_answers(const Model& model, std::string_view json_text);

// What is known about the lead besides its answers: UTM parameters, referrer, hidden fields,
// "source" (a segment id), "now" (RFC 3339 time or Unix seconds, for the SLA deadline).
struct Context {
    std::vector<std::pair<std::string, std::string>> values;
    bool complete = false;  // the form is finished: every open question counts as declined
    const std::string* find(std::string_view key) const;
};

Result<Context> parse_context(const json::Value& object);
Result<Context> parse_context(std::string_view json_text);

// ---- decisions -------------------------------------------------------------------------------

enum class Route : std::uint8_t { handoff, nurture, disqualify, undecided };
std::string_view to_string(Route route);

enum class Truth : std::uint8_t { no, maybe, yes };

struct Contribution {
    int question = -1;   // the answer that gave the points, or
    int signal = -1;     // the signal that gave them
    std::string answer;  // the answer as text ("replace", "250", "reporting;forecasting")
    int points = 0;      // unweighted
};

struct CriterionResult {
    int points = 0;  // clamped to [0, max], from answers given so far
    int lo = 0;      // the range the criterion can still reach
    int hi = 0;
    std::vector<Contribution> from;
};

struct AnswerChange {
    int question = -1;
    std::string from;  // "" when the question was open
    std::string to;
};

// The smallest change of answers that gives a different, settled route.
struct Flip {
    Route to = Route::undecided;
    int total = 0;
    std::vector<AnswerChange> changes;
};

struct Decision {
    Route route = Route::undecided;
    int total = 0;      // weighted points from the answers so far
    int max = 0;        // the model's maximum total
    int score = 0;      // total normalised to 0..100
    int lo = 0;         // the final total is within [lo, hi]
    int hi = 0;
    int threshold = 0;  // hand-off threshold of the lead's segment
    std::vector<CriterionResult> criteria;  // model order
    std::vector<Truth> signals;             // model order
    std::vector<Truth> rules;               // knock-outs: yes = fired; gates: yes = passed
    int segment = -1;
    bool segment_settled = true;
    std::optional<std::int64_t> sla_deadline;  // Unix seconds, when the context has "now"
    int track = -1;                            // nurture track, for a nurture route
    bool track_settled = true;                 // no open answer can still change the track
    std::optional<Flip> flip;
    std::vector<int> next_questions;  // for an undecided route: what to ask next
    int answered = 0;                 // questions given an answer
    int open = 0;                     // visible questions still open
    std::vector<Issue> warnings;      // e.g. an answer to a hidden question, ignored
};

// Decides a lead. Never fails: answers and context have been validated when they were read.
Decision decide(const Model& model, const Answers& answers, const Context& context);

// The questions most likely to settle an undecided route, at most `max`, best first; empty
// when the route is settled. Only questions that are shown and still open are chosen.
std::vector<int> next_questions(const Model& model, const Answers& answers, const Context& context, int max);

// The decision as JSON (see docs/decision.md); content titles in `language`. Compact, or
// pretty-printed with `indent` spaces.
void write_decision(const Model& model, const Decision& decision, std::string_view language, json::Writer& out);
std::string to_json(const Model& model, const Decision& decision, std::string_view language = {}, int indent = -1);

// Decides one request given as JSON text: {"answers": {...}, "context": {...}} (context
// optional). Appends the decision as one line of compact JSON to `out`, or returns false with
// located errors (paths like $.answers.size).
bool decide_json(const Model& model, std::string_view request, std::string_view language, std::string& out,
                 std::vector<Issue>& errors);

// A readable explanation: breakdown, rules, interval, what would flip the route, the plan.
std::string explain(const Model& model, const Decision& decision, std::string_view language = {});

// Unix seconds from "2026-11-23T09:30:00Z", "2026-11-23T10:30:00+01:00" or "1795426200".
std::optional<std::int64_t> parse_time(std::string_view text);
std::string format_time(std::int64_t unix_seconds);  // RFC 3339 in UTC

}  // namespace ripen
