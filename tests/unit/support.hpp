// Shared test fixtures: a tiny model small enough to reason about by hand, and helpers to
// load models, answers and files.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ripen/ripen.hpp"

namespace test {

// Maximum total 9: need (max 3, weight 1) + fit (max 3, weight 2). Hand-off at 6 (web) or
// 5 (event). Knock-out: student = yes. Gate: fit >= 1.
inline const char* tiny_model_json() {
    return R"({
  "format": 1,
  "id": "tiny",
  "languages": ["en"],
  "criteria": [
    {"id": "need", "label": "Need", "max": 3},
    {"id": "fit", "label": "Fit", "max": 3, "weight": 2}
  ],
  "questions": [
    {"id": "goal", "type": "single", "label": "Goal", "required": true, "options": [
      {"value": "buy", "label": "Buy", "points": {"need": 3}},
      {"value": "look", "label": "Look", "points": {"need": 1}}]},
    {"id": "size", "type": "number", "label": "Size", "required": true, "min": 1, "bands": [
      {"from": 1, "label": "small", "points": {"fit": 1}},
      {"from": 100, "label": "large", "points": {"fit": 3}}]},
    {"id": "tools", "type": "multiple", "label": "Tools", "options": [
      {"value": "a", "label": "A", "points": {"need": 1}},
      {"value": "b", "label": "B", "points": {"fit": -1}}]},
    {"id": "student", "type": "single", "label": "Student?", "options": [
      {"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]},
    {"id": "email", "type": "email", "label": "E-mail"},
    {"id": "country", "type": "country", "label": "Country", "options": [
      {"value": "DE", "points": {"fit": 1}}, {"value": "*"}]},
    {"id": "why", "type": "text", "label": "Why", "show_if": {"answer": "goal", "in": ["buy"]}}
  ],
  "signals": [
    {"id": "free_mail", "label": "Free mail", "when": {"answer": "email", "domain_in": ["gmail.com"]}, "points": {"fit": -1}}
  ],
  "rules": [
    {"id": "student", "kind": "knockout", "label": "Students", "when": {"answer": "student", "in": ["yes"]},
     "message": "Try the academic program", "url": "/academic", "link": "Academic program"},
    {"id": "fit_gate", "kind": "gate", "label": "Fit at least 1", "when": {"criterion": "fit", "gte": 1}}
  ],
  "thresholds": {"handoff": 6},
  "segments": [
    {"id": "event", "label": "Event", "when": {"context": "utm_medium", "in": ["event"]}, "handoff_at": 5, "sla_hours": 24,
     "cadence": [
       {"day": 0, "channel": "email", "role": "requester", "purpose": "Thanks"},
       {"day": 1, "channel": "phone", "role": "requester", "purpose": "Call"},
       {"day": 2, "channel": "linkedin", "role": "champion", "purpose": "Connect"},
       {"day": 4, "channel": "email", "role": "technical_buyer", "purpose": "Docs"},
       {"day": 7, "channel": "video", "role": "requester", "purpose": "Demo"},
       {"day": 10, "channel": "phone", "role": "economic_buyer", "purpose": "Budget"},
       {"day": 14, "channel": "email", "role": "economic_buyer", "purpose": "Proposal"}]},
    {"id": "web", "label": "Web", "sla_hours": 4,
     "cadence": [
       {"day": 0, "channel": "phone", "role": "requester", "purpose": "Call"},
       {"day": 0, "channel": "email", "role": "requester", "purpose": "Recap"},
       {"day": 2, "channel": "linkedin", "role": "requester", "purpose": "Connect"},
       {"day": 4, "channel": "phone", "role": "requester", "purpose": "Second call"},
       {"day": 7, "channel": "email", "role": "technical_buyer", "purpose": "Docs"},
       {"day": 10, "channel": "phone", "role": "economic_buyer", "purpose": "Budget"},
       {"day": 14, "channel": "video", "role": "requester", "purpose": "Demo"}]}
  ],
  "nurture": {
    "tracks": [
      {"id": "hot", "stage": "decision", "label": "Hot", "when": {"answer": "goal", "in": ["buy"]},
       "content": [{"title": "Pricing", "url": "/pricing", "format": "guide"}]},
      {"id": "cold", "stage": "awareness", "label": "Cold", "content": [{"title": "Blog", "url": "/blog"}]}
    ],
    "rejection": [{"id": "no_budget", "label": "No budget", "track": "cold", "recycle_after_days": 90}]
  },
  "texts": {
    "next": "Next", "back": "Back", "submit": "Send", "forget": "Forget", "optional": "optional",
    "error_required": "Required", "error_number": "Number", "error_range": "From {min} to {max}",
    "error_email": "E-mail", "error_country": "Country", "error_choices": "Choose {min} to {max}",
    "handoff_title": "Great", "handoff_body": "Within {hours} hours", "handoff_booking": "Book",
    "nurture_title": "Thanks", "nurture_body": "Read this",
    "disqualify_title": "Sorry", "disqualify_body": "Try this"
  }
})";
}

inline std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in.good(), "cannot open " << path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline std::string source_path(const std::string& relative) { return std::string(RIPEN_SOURCE_DIR) + "/" + relative; }

inline ripen::Model load(const std::string& json) {
    auto result = ripen::load_model(json);
    if (!result.ok())
        for (const auto& issue : result.issues) MESSAGE(ripen::format_issue(issue));
    REQUIRE(result.ok());
    return *result.value;
}

inline ripen::Model tiny() { return load(tiny_model_json()); }
inline ripen::Model default_model() { return load(read_file(source_path("models/default.json"))); }

inline ripen::Answers answers(const ripen::Model& model, const std::string& json) {
    auto result = ripen::parse_answers(model, json);
    if (!result.ok())
        for (const auto& issue : result.issues) MESSAGE(ripen::format_issue(issue));
    REQUIRE(result.ok());
    return *result.value;
}

inline ripen::Context context(const std::string& json) {
    auto result = ripen::parse_context(json);
    REQUIRE(result.ok());
    return *result.value;
}

inline ripen::Decision decide(const ripen::Model& model, const std::string& answers_json, const std::string& context_json = "{}") {
    return ripen::decide(model, answers(model, answers_json), context(context_json));
}

// The one issue with `code` when loading `model_text`; fails when there is none or several.
inline ripen::Issue only_issue(const std::string& model_text, const std::string& code) {
    auto result = ripen::load_model(model_text);
    std::vector<ripen::Issue> found;
    for (const auto& i : result.issues)
        if (i.code == code) found.push_back(i);
    if (found.size() != 1)
        for (const auto& i : result.issues) MESSAGE(ripen::format_issue(i));
    REQUIRE(found.size() == 1);
    return found[0];
}

// The model document with one change applied, for validation tests.
inline ripen::json::Value tiny_document() {
    auto doc = ripen::json::parse(tiny_model_json());
    REQUIRE(doc.ok());
    return *doc.value;
}

inline ripen::json::Value parse_json(const std::string& text) {
    auto doc = ripen::json::parse(text);
    REQUIRE_MESSAGE(doc.ok(), (doc.ok() ? std::string() : doc.issues.front().message));
    return *doc.value;
}

}  // namespace test
