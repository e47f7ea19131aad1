// The loop's numbers: per segment and source, how many hand-offs sales accepted, rejected or
// left pending, how fast, which SLAs broke, why leads were rejected, the cadence done, won and
// lost; and the export that `ripen report` and `ripen fit` read back.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>

#include <nlohmann/json.hpp>

#include "server.hpp"

namespace ripen::server {

namespace {

struct Tally {
    long handoffs = 0, accepted = 0, rejected = 0, pending = 0, breaches = 0, won = 0, lost = 0;
    long touches_done = 0, touches_planned = 0, nurture = 0, disqualified = 0, review = 0, spam = 0, mismatches = 0;
    std::vector<std::int64_t> accept_ms;
    std::map<std::string, long> reasons;

    nlohmann::json to_json() {
        nlohmann::json out = {{"handoffs", handoffs}, {"accepted", accepted}, {"rejected", rejected}, {"pending", pending},
                              {"sla_breaches", breaches}, {"won", won}, {"lost", lost}, {"touches_done", touches_done},
                              {"touches_planned", touches_planned}, {"nurture", nurture}, {"disqualified", disqualified},
                              {"review", review}, {"spam", spam}, {"mismatches", mismatches}, {"rejection_reasons", reasons}};
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

// A cell as spreadsheets read it back: quoted when needed, and text that a spreadsheet would
// run as a formula (=, +, -, @, tab, carriage return first) prefixed with an apostrophe. Numbers
// ("-3", "+49 30 1234") are data, kept as they are where they parse as a number.
std::string csv_cell(std::string value) {
    if (!value.empty() && std::string("=+-@\t\r").find(value[0]) != std::string::npos) {
        char* end = nullptr;
        std::strtod(value.c_str(), &end);
        const bool number = (value[0] == '-' || value[0] == '+') && end == value.c_str() + value.size() && value.size() > 1;
        if (!number) value.insert(0, "'");
    }
    if (value.find_first_of(",\"\n\r") == std::string::npos) return value;
    std::string out = "\"";
    for (char c : value) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

}  // namespace

std::string report_json(const Model& model, Store& store, std::int64_t now_ms) {
    Tally total;
    std::map<std::string, Tally> by_segment, by_source;
    std::map<std::string, long> spam;
    for (ReportGroup& g : store.report_groups(now_ms)) {
        long planned = 0;
        if (int s = model.segment_index(g.segment); s >= 0) planned = static_cast<long>(model.spec().segments[static_cast<std::size_t>(s)].cadence.size());
        Tally* tallies[] = {&total, &by_segment[g.segment.empty() ? "(none)" : g.segment], &by_source[g.source.empty() ? "(none)" : g.source]};
        for (Tally* t : tallies) {
            t->mismatches += g.mismatches;
            t->nurture += g.nurture;
            t->disqualified += g.disqualified;
            t->review += g.review;
            t->spam += g.spam;
            t->handoffs += g.handoffs;
            t->pending += g.pending;
            t->accepted += g.accepted;
            t->rejected += g.rejected;
            t->breaches += g.breaches;
            t->won += g.won;
            t->lost += g.lost;
            t->touches_done += g.touches_done;
            t->touches_planned += planned * g.open_handoffs;
            for (const auto& [reason, n] : g.reasons) t->reasons[reason] += n;
            t->accept_ms.insert(t->accept_ms.end(), g.accept_ms.begin(), g.accept_ms.end());
        }
        for (const auto& [reason, n] : g.spam_reasons) spam[reason] += n;
    }
    nlohmann::json out = {{"total", total.to_json()}};
    out["total"]["spam_reasons"] = spam;
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

bool export_csv(const Model& model, Store& store, const std::string& converted_when, const std::function<bool(const std::string&)>& write) {
    const ModelSpec& spec = model.spec();
    // Context columns: the keys the model's conditions read and the campaign parameters, never
    // whatever keys visitors sent (one column per invented key, unbounded).
    std::vector<std::string> context_keys;
    for (const std::string& k : model.context_keys())
        if (k != "source" && k != "now") context_keys.push_back(k);
    for (const char* k : {"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "referrer"})
        if (std::find(context_keys.begin(), context_keys.end(), k) == context_keys.end()) context_keys.emplace_back(k);
    std::string out;
    for (const auto& q : spec.questions) out += csv_cell(q.id) + ",";
    out += "source";
    for (const auto& k : context_keys) out += "," + csv_cell(k);
    out += ",key,received_at,route,status,segment,outcome,converted\n";
    if (!write(out)) return false;
    out.clear();
    LeadFilter all;
    all.limit = -1;
    all.order = LeadFilter::Order::received;
    all.with_decision = false;
    bool writing = true;
    // One row at a time, handed on every 64 KiB: memory stays flat however many leads.
    store.each_lead(all, [&](const LeadRow& lead) {
        if (lead.route == "fallback" || lead.route == "invalid") return true;  // no answers to learn from
        const nlohmann::json body = nlohmann::json::parse(lead.body, nullptr, false);
        const nlohmann::json answers = body.is_object() && body.contains("answers") && body["answers"].is_object() ? body["answers"] : nlohmann::json::object();
        for (const auto& q : spec.questions) {
            std::string cell;
            if (auto it = answers.find(q.id); it != answers.end()) {
                const auto& v = *it;
                if (v.is_string()) cell = v.get<std::string>();
                else if (v.is_number()) cell = v.dump();
                else if (v.is_array())
                    for (const auto& item : v) cell += (cell.empty() ? "" : ";") + (item.is_string() ? item.get<std::string>() : item.dump());
            }
            out += csv_cell(cell) + ",";
        }
        out += csv_cell(lead.source);
        const nlohmann::json context = body.is_object() && body.contains("context") && body["context"].is_object() ? body["context"] : nlohmann::json::object();
        for (const auto& k : context_keys) {
            std::string cell;
            if (auto it = context.find(k); it != context.end()) cell = it->is_string() ? it->get<std::string>() : it->dump();
            out += "," + csv_cell(cell);
        }
        bool converted = converted_when == "accepted" ? (lead.status == "accepted" || lead.outcome == "won") : lead.outcome == "won";
        // An open lead has no outcome yet: its converted cell stays empty, so reports leave it out.
        bool known = converted_when == "accepted" ? lead.status == "accepted" || lead.status == "rejected" || lead.status == "nurture" || lead.status == "disqualified"
                                                  : !lead.outcome.empty() || lead.status == "rejected" || lead.status == "nurture" || lead.status == "disqualified";
        char received[32];
        std::snprintf(received, sizeof received, "%lld", static_cast<long long>(lead.received_at / 1000));
        out += "," + csv_cell(lead.key) + "," + received + "," + lead.route + "," + lead.status + "," + csv_cell(lead.segment) + "," + lead.outcome + "," +
               (known ? (converted ? "yes" : "no") : "") + "\n";
        if (out.size() >= 65536) {
            writing = write(out);
            out.clear();
        }
        return writing;
    });
    return writing && (out.empty() || write(out));
}

}  // namespace ripen::server
