// Ripen: a client-side lead qualifier. One header to include them all.
//
// Index
//   ripen/issue.hpp     Issue, Result<T>, format_issue      errors as data: code, message, place
//   ripen/json_value.hpp      json::Value, parse, write           JSON with line:column on every value
//   ripen/decimal.hpp   Decimal, parse_decimal              exact fixed-point numbers
//   ripen/model.hpp     Model, ModelSpec, load_model        the lead-definition model, validated
//   ripen/decision.hpp  Answers, Context, Decision, decide  one lead in, route and reasons out
//                       write_decision, explain             the decision as JSON and as prose
//   ripen/csv.hpp       CsvReader, write_csv_field          RFC 4180 reading in chunks
//   ripen/batch.hpp     BatchScorer, ScoreStats             CSV / NDJSON streaming scoring
//   ripen/table.hpp     LeadTable, Scoring, TableScorer     columnar leads, re-scored fast
//   ripen/import.hpp    Mapping, Importer                   CRM exports: mapping, normalising
//   ripen/tuning.hpp    Metrics, suggest_*, fit_points      performance, thresholds, fitted points
//   ripen/sample.hpp    LeadGenerator, SampleLead           seeded synthetic historical leads
//   ripen/version.hpp   version()                           the library version
#pragma once

#include "ripen/batch.hpp"
#include "ripen/csv.hpp"
#include "ripen/decimal.hpp"
#include "ripen/decision.hpp"
#include "ripen/import.hpp"
#include "ripen/issue.hpp"
#include "ripen/json_value.hpp"
#include "ripen/model.hpp"
#include "ripen/publish.hpp"
#include "ripen/sample.hpp"
#include "ripen/table.hpp"
#include "ripen/tuning.hpp"
#include "ripen/version.hpp"
