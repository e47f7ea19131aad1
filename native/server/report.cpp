// The loop's numbers: per segment and source, how many hand-offs sales accepted, rejected or
// left pending, how fast, which SLAs broke, why leads were rejected, the cadence done, won and
// lost; and the export that `ripen report` and `ripen fit` read back.
#include <algorithm>
#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

#include "server.hpp"

namespace ripen::server {

namespace {

struct Tally {
    long handoffs = 0, accepted = 0, rejected = 0, pending = 0, breaches = 0, won = 0, lost = 0;
    long touches_done = 0, touches_planned = 0, nurture = 0, disqualified = 0, review = 0, mismatches = 0;
    std::vector<std::int64_t> accept_ms;
    std::map<std::string, long> reasons;

    nlohmann::json to_json() {
        nlohmann::json out = {{"handoffs", handoffs}, {"accepted", accepted}, {"rejected", rejected}, {"pending", pending},
                              {"sla_breaches", breaches}, {"won", won}, {"lost", lost}, {"touches_done", touches_done},
                              {"touches_planned", touches_planned}, {"nurture", nurture}, {"disqualified", disqualified},
                              {"review", review}, {"mismatches", mismatches}, {"rejection_reasons", reasons}};
        long decided = accepted + rejected;
        out["acceptance_rate"] = decided ? nlohmann::json(static_cast<double>(accepted) / static_cast<double>(decided)) : nlohmann::json(nullptr);
        out["acceptance_aim"] = 0.9;
        if (accept_ms.empty()) {
            out["median_hours_to_accept"] = nullptr;
        } else {
            std::sort(accept_ms.begin(), accept_ms.end());
            std::size_t n = accept_ms.size();
            double median = n % 2 ? static_cast<double>(accept_ms[n / 2]) : (static_cast<double>(accept_ms[n / 2 - 1]) + static_cast<double>(accept_ms[n / 2])) / 2;
            out["median_hours_to_accept"] = median / 3600000.0;
        }
        return out;
    }
};

std::string csv_cell(std::string value, bool visitor_text) {
    // A visitor's text that a spreadsheet would run as a formula gets a leading apostrophe.
    if (visitor_text && !value.empty() && std::string("=+-@\t\r").find(value[0]) != std::string::npos) value.insert(0, "'");
    if (value.find_first_of(",\"\n\r") == std::string::npos) return value;
    std::string out = "\"";
    for (char c : value) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

}  // namespace

std::string report_json(const Model& model, Store& store, std::int64_t now_ms) {
    LeadFilter all;
    all.limit = -1;
    Tally total;
    std::map<std::string, Tally> by_segment, by_source;
    for (const LeadRow& lead : store.list(all)) {
        Tally* tallies[] = {&total, &by_segment[lead.segment.empty() ? "(none)" : lead.segment], &by_source[lead.source.empty() ? "(none)" : lead.source]};
        bool handoff = lead.status == "pending" || lead.status == "accepted" || lead.status == "rejected";
        int planned = 0;
        if (int s = model.segment_index(lead.segment); s >= 0) planned = static_cast<int>(model.spec().segments[static_cast<std::size_t>(s)].cadence.size());
        long done = lead.status == "accepted" || lead.status == "pending" ? static_cast<long>(store.touches(lead.key).size()) : 0;
        for (Tally* t : tallies) {
            t->mismatches += lead.mismatch;
            if (lead.status == "nurture") ++t->nurture;
            if (lead.status == "disqualified") ++t->disqualified;
            if (lead.status == "review") ++t->review;
            if (!handoff) continue;
            ++t->handoffs;
            if (lead.status == "pending") ++t->pending;
            if (lead.status == "accepted") ++t->accepted;
            if (lead.status == "rejected") {
                ++t->rejected;
                ++t->reasons[lead.reason];
            }
            std::optional<std::int64_t> answered = lead.accepted_at ? lead.accepted_at : lead.rejected_at;
            if (lead.sla_deadline && ((answered && *answered > *lead.sla_deadline) || (!answered && now_ms > *lead.sla_deadline))) ++t->breaches;
            if (lead.accepted_at) t->accept_ms.push_back(*lead.accepted_at - lead.received_at);
            if (lead.outcome == "won") ++t->won;
            if (lead.outcome == "lost") ++t->lost;
            if (lead.status != "rejected") {
                t->touches_done += done;
                t->touches_planned += planned;
            }
        }
    }
    nlohmann::json out = {{"total", total.to_json()}};
    for (auto& [name, t] : by_segment) out["segments"][name] = t.to_json();
    for (auto& [name, t] : by_source) out["sources"][name] = t.to_json();
    if (!out.contains("segments")) out["segments"] = nlohmann::json::object();
    if (!out.contains("sources")) out["sources"] = nlohmann::json::object();
    return out.dump(2);
}

std::string report_text(const std::string& report) {
    auto doc = nlohmann::json::parse(report);
    std::string out;
    char line[256];
    auto rate = [](const nlohmann::json& t) {
        if (t["acceptance_rate"].is_null()) return std::string("–");
        char b[32];
        std::snprintf(b, sizeof b, "%.1f %%", t["acceptance_rate"].get<double>() * 100);
        return std::string(b);
    };
    auto hours = [](const nlohmann::json& t) {
        if (t["median_hours_to_accept"].is_null()) return std::string("–");
        char b[32];
        std::snprintf(b, sizeof b, "%.1f h", t["median_hours_to_accept"].get<double>());
        return std::string(b);
    };
    auto row = [&](const std::string& name, const nlohmann::json& t) {
        std::snprintf(line, sizeof line, "%-22s %8ld %8ld %8ld %8ld %10s %9s %8ld %7ld/%-7ld %5ld %5ld\n", name.c_str(), t["handoffs"].get<long>(),
                      t["accepted"].get<long>(), t["rejected"].get<long>(), t["pending"].get<long>(), rate(t).c_str(), hours(t).c_str(),
                      t["sla_breaches"].get<long>(), t["touches_done"].get<long>(), t["touches_planned"].get<long>(), t["won"].get<long>(),
                      t["lost"].get<long>());
        out += line;
    };
    std::string header = "                       hand-offs accepted rejected  pending acceptance   median  SLA late  touches done    won  lost\n";
    out += "By segment (the playbook aims at 90 % acceptance)\n" + header;
    for (auto& [name, t] : doc["segments"].items()) row(name, t);
    row("all", doc["total"]);
    out += "\nBy source\n" + header;
    for (auto& [name, t] : doc["sources"].items()) row(name, t);
    const auto& reasons = doc["total"]["rejection_reasons"];
    if (!reasons.empty()) {
        out += "\nRejection reasons\n";
        for (auto& [reason, n] : reasons.items()) {
            std::snprintf(line, sizeof line, "  %-30s %ld\n", reason.c_str(), n.get<long>());
            out += line;
        }
    }
    std::snprintf(line, sizeof line, "\nNurtured %ld, disqualified %ld, for review %ld; %ld where the browser's decision differed from the server's.\n",
                  doc["total"]["nurture"].get<long>(), doc["total"]["disqualified"].get<long>(), doc["total"]["review"].get<long>(),
                  doc["total"]["mismatches"].get<long>());
    out += line;
    return out;
}

std::string export_csv(const Model& model, Store& store, const std::string& converted_when) {
    const ModelSpec& spec = model.spec();
    LeadFilter all;
    all.limit = -1;
    std::vector<LeadRow> leads = store.list(all);
    // Context columns: every key the submissions brought, in first-seen order, but "now".
    std::vector<std::string> context_keys;
    std::vector<nlohmann::json> bodies;
    for (const LeadRow& lead : leads) {
        bodies.push_back(nlohmann::json::parse(lead.body, nullptr, false));
        const auto& context = bodies.back().is_object() && bodies.back().contains("context") ? bodies.back()["context"] : nlohmann::json::object();
        if (!context.is_object()) continue;
        for (auto& [k, v] : context.items())
            if (k != "source" && k != "now" && std::find(context_keys.begin(), context_keys.end(), k) == context_keys.end()) context_keys.push_back(k);
    }
    std::string out;
    for (const auto& q : spec.questions) out += csv_cell(q.id, false) + ",";
    out += "source";
    for (const auto& k : context_keys) out += "," + csv_cell(k, false);
    out += ",key,received_at,route,status,segment,outcome,converted\n";
    for (std::size_t i = 0; i < leads.size(); ++i) {
        const LeadRow& lead = leads[i];
        if (lead.route == "fallback" || lead.route == "invalid") continue;  // no answers to learn from
        const nlohmann::json& body = bodies[i];
        const nlohmann::json answers = body.is_object() && body.contains("answers") && body["answers"].is_object() ? body["answers"] : nlohmann::json::object();
        for (const auto& q : spec.questions) {
            std::string cell;
            if (answers.contains(q.id)) {
                const auto& v = answers[q.id];
                if (v.is_string()) cell = v.get<std::string>();
                else if (v.is_number()) cell = v.dump();
                else if (v.is_array())
                    for (const auto& item : v) cell += (cell.empty() ? "" : ";") + (item.is_string() ? item.get<std::string>() : item.dump());
            }
            out += csv_cell(cell, q.type == QuestionType::text || q.type == QuestionType::email) + ",";
        }
        out += csv_cell(lead.source, true);
        const nlohmann::json context = body.is_object() && body.contains("context") && body["context"].is_object() ? body["context"] : nlohmann::json::object();
        for (const auto& k : context_keys) {
            std::string cell;
            if (context.contains(k)) cell = context[k].is_string() ? context[k].get<std::string>() : context[k].dump();
            out += "," + csv_cell(cell, true);
        }
        bool converted = converted_when == "accepted" ? (lead.status == "accepted" || lead.outcome == "won") : lead.outcome == "won";
        // An open lead has no outcome yet: its converted cell stays empty, so reports leave it out.
        bool known = converted_when == "accepted" ? lead.status == "accepted" || lead.status == "rejected" || lead.status == "nurture" || lead.status == "disqualified"
                                                  : !lead.outcome.empty() || lead.status == "rejected" || lead.status == "nurture" || lead.status == "disqualified";
        char received[32];
        std::snprintf(received, sizeof received, "%lld", static_cast<long long>(lead.received_at / 1000));
        out += "," + csv_cell(lead.key, false) + "," + received + "," + lead.route + "," + lead.status + "," + csv_cell(lead.segment, false) + "," +
               lead.outcome + "," + (known ? (converted ? "yes" : "no") : "") + "\n";
    }
    return out;
}

}  // namespace ripen::server
