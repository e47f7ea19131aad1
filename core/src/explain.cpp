// The human-readable explanation of a decision: labels come from the model in the requested
// language; the connecting words are for the sales and marketing team, in English.
#include <algorithm>

#include "ripen/decision.hpp"

namespace ripen {

namespace {

// Width in code points, so labels with accents line up.
std::size_t width_of(std::string_view s) {
    std::size_t points = 0;
    for (unsigned char c : s) points += (c & 0xC0) != 0x80;
    return points;
}

std::string pad(std::string s, std::size_t width) {
    std::size_t points = width_of(s);
    if (points < width) s.append(width - points, ' ');
    return s;
}

std::string signed_points(int p) { return (p >= 0 ? "+" : "") + std::to_string(p); }

std::string route_verb(Route r) {
    switch (r) {
        case Route::handoff: return "hand this lead off";
        case Route::nurture: return "nurture this lead";
        case Route::disqualify: return "disqualify this lead";
        case Route::undecided: return "leave this lead undecided";
    }
    return "";
}

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
    return out;
}

// An answer value in words: option labels, or the value as written.
std::string shown_answer(const Model& model, int qi, std::string_view value, std::string_view lang) {
    const Question& q = model.spec().questions[static_cast<std::size_t>(qi)];
    if (q.type == QuestionType::single || q.type == QuestionType::multiple) {
        std::string out;
        std::size_t start = 0;
        while (start <= value.size()) {
            std::size_t semi = value.find(';', start);
            std::string_view part = value.substr(start, semi == std::string_view::npos ? std::string_view::npos : semi - start);
            auto it = std::find_if(q.options.begin(), q.options.end(), [&](const Option& o) { return o.value == part; });
            if (!out.empty()) out += ", ";
            out += it != q.options.end() && !it->label.empty() ? std::string(it->label.in(lang)) : std::string(part);
            if (semi == std::string_view::npos) break;
            start = semi + 1;
        }
        return "\"" + out + "\"";
    }
    return "\"" + std::string(value) + "\"";
}

}  // namespace

std::string explain(const Model& model, const Decision& d, std::string_view lang) {
    const ModelSpec& spec = model.spec();
    if (lang.empty()) lang = spec.languages.front();
    const Segment& segment = spec.segments[static_cast<std::size_t>(d.segment)];
    std::string out;

    out += "Route: " + upper(to_string(d.route)) + " - total " + std::to_string(d.total) + " of " + std::to_string(d.max) +
           " (score " + std::to_string(d.score) + "/100), hand-off at " + std::to_string(d.threshold) + "\n";
    if (d.lo == d.hi) out += "Final total: " + std::to_string(d.lo) + " (no open question can change it)\n";
    else out += "Final total will be between " + std::to_string(d.lo) + " and " + std::to_string(d.hi) + " (" + std::to_string(d.open) + " questions open)\n";
    out += "Segment: " + segment.id + " (" + std::string(segment.label.in(lang)) + ")" + (d.segment_settled ? "" : ", may still change") + "\n";

    out += "\nBreakdown\n";
    std::size_t width = 0;
    for (const auto& c : spec.criteria) width = std::max(width, width_of(c.label.in(lang)));
    for (std::size_t c = 0; c < spec.criteria.size(); ++c) {
        const Criterion& crit = spec.criteria[c];
        const CriterionResult& r = d.criteria[c];
        std::string line = "  " + pad(std::string(crit.label.in(lang)), width) + "  " + std::to_string(r.points) + "/" + std::to_string(crit.max);
        if (crit.weight != 1) line += " x" + std::to_string(crit.weight);
        if (r.lo != r.hi) line += " (can reach " + std::to_string(r.lo) + ".." + std::to_string(r.hi) + ")";
        std::string sources;
        for (const Contribution& k : r.from) {
            if (!sources.empty()) sources += ", ";
            if (k.question >= 0) sources += spec.questions[static_cast<std::size_t>(k.question)].id + " = " + shown_answer(model, k.question, k.answer, lang);
            else sources += "signal " + spec.signals[static_cast<std::size_t>(k.signal)].id;
            sources += " (" + signed_points(k.points) + ")";
        }
        if (!sources.empty()) line += "  <- " + sources;
        out += line + "\n";
    }

    bool any_signal = false;
    for (std::size_t s = 0; s < spec.signals.size(); ++s) {
        if (d.signals[s] == Truth::no) continue;
        if (!any_signal) out += "\nSignals\n";
        any_signal = true;
        out += "  " + spec.signals[s].id + (d.signals[s] == Truth::maybe ? " (may apply)" : "");
        if (!spec.signals[s].label.empty()) out += ": " + std::string(spec.signals[s].label.in(lang));
        out += "\n";
    }

    if (!spec.rules.empty()) out += "\nRules\n";
    for (std::size_t r = 0; r < spec.rules.size(); ++r) {
        const Rule& rule = spec.rules[r];
        std::string state;
        if (d.rules[r] == Truth::maybe) state = "open";
        else if (rule.kind == RuleKind::knockout) state = d.rules[r] == Truth::yes ? "FIRED" : "clear";
        else state = d.rules[r] == Truth::yes ? "passed" : "FAILED";
        out += "  " + std::string(rule.kind == RuleKind::knockout ? "knock-out " : "gate ") + rule.id + ": " + state + " - " +
               std::string(rule.label.in(lang)) + "\n";
    }

    out += "\nWhat would change the route\n";
    if (d.route == Route::undecided) {
        out += "  Nothing is settled yet: the final total can land on either side of " + std::to_string(d.threshold) + ".\n";
    } else if (!d.flip) {
        out += "  No change of one or two answers gives a different route.\n";
    } else {
        std::string what;
        for (std::size_t i = 0; i < d.flip->changes.size(); ++i) {
            const AnswerChange& ch = d.flip->changes[i];
            if (i) what += " and ";
            what += spec.questions[static_cast<std::size_t>(ch.question)].id + " " + shown_answer(model, ch.question, ch.to, lang);
            if (!ch.from.empty()) what += " instead of " + shown_answer(model, ch.question, ch.from, lang);
        }
        out += "  Answering " + what + " would " + route_verb(d.flip->to) + " (total " + std::to_string(d.flip->total) + ").\n";
    }

    out += "\nPlan\n";
    switch (d.route) {
        case Route::handoff: {
            out += "  Hand off to sales: accept or reject within " + std::to_string(segment.sla_hours) + " hours";
            if (d.sla_deadline) out += " (by " + format_time(*d.sla_deadline) + ")";
            out += ".\n";
            const std::string& booking = segment.booking_url.empty() ? spec.booking_url : segment.booking_url;
            if (!booking.empty()) out += "  Booking link: " + booking + "\n";
            if (!segment.cadence.empty()) {
                int days = segment.cadence.back().day;
                out += "  Cadence: " + std::to_string(segment.cadence.size()) + " touches over " + std::to_string(days) + " days\n";
                std::size_t role_width = 0;
                for (const auto& t : segment.cadence) role_width = std::max(role_width, t.role.size());
                for (const auto& t : segment.cadence)
                    out += "    day " + pad(std::to_string(t.day), 3) + " " + pad(t.channel, 8) + " " + pad(t.role, role_width) + "  " + t.purpose + "\n";
            }
            if (!spec.rejection.empty()) {
                out += "  If sales rejects:";
                for (std::size_t i = 0; i < spec.rejection.size(); ++i) {
                    const RejectionReason& r = spec.rejection[i];
                    out += std::string(i ? ";" : "") + " " + r.id + " -> nurture track " + r.track;
                    if (r.recycle_after_days) out += ", re-scored after " + std::to_string(r.recycle_after_days) + " days";
                }
                out += "\n";
            }
            break;
        }
        case Route::nurture:
            if (d.track >= 0) {
                const Track& track = spec.tracks[static_cast<std::size_t>(d.track)];
                out += "  Nurture track " + track.id + " (" + std::string(track.label.in(lang)) + ", stage " + track.stage + "), a touch every " +
                       std::to_string(track.every_days) + " days:\n";
                for (const Content& c : track.content) out += "    - " + std::string(c.title.in(lang)) + " " + c.url + "\n";
            }
            break;
        case Route::disqualify:
            for (std::size_t r = 0; r < spec.rules.size(); ++r) {
                if (spec.rules[r].kind != RuleKind::knockout || d.rules[r] != Truth::yes) continue;
                out += "  Disqualified by " + spec.rules[r].id + ". The visitor sees: " + std::string(spec.rules[r].message.in(lang));
                if (!spec.rules[r].url.empty()) out += " " + spec.rules[r].url;
                out += "\n";
            }
            break;
        case Route::undecided:
            if (d.next_questions.empty()) {
                out += "  Ask the remaining questions.\n";
            } else {
                out += "  Ask next:\n";
                for (int q : d.next_questions) {
                    const Question& question = spec.questions[static_cast<std::size_t>(q)];
                    out += "    - " + question.id + ": " + std::string(question.label.in(lang)) + "\n";
                }
            }
            break;
    }
    for (const Issue& w : d.warnings) out += "\nWarning: " + w.message + " [" + w.code + "]\n";
    return out;
}

}  // namespace ripen
