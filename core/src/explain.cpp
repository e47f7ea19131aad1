// The human-readable explanation of a decision: labels come from the model in the requested
// language; the connecting words are for the sales and marketing team, in English.
#include <algorithm>

#include "message.hpp"
#include "ripen/decision.hpp"

namespace ripen {

namespace {

using detail::format;
using detail::format_to;

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

const char* route_verb(Route r) {
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
        std::string out = "\"";
        std::size_t start = 0;
        while (start <= value.size()) {
            std::size_t semi = value.find(';', start);
            std::string_view part = value.substr(start, semi == std::string_view::npos ? std::string_view::npos : semi - start);
            auto it = std::find_if(q.options.begin(), q.options.end(), [&](const Option& o) { return o.value == part; });
            format_to(out, out.size() > 1 ? ", {}" : "{}", {it != q.options.end() && !it->label.empty() ? it->label.in(lang) : part});
            if (semi == std::string_view::npos) break;
            start = semi + 1;
        }
        return out + "\"";
    }
    return format("\"{}\"", {value});
}

}  // namespace

std::string explain(const Model& model, const Decision& d, std::string_view lang) {
    const ModelSpec& spec = model.spec();
    if (lang.empty()) lang = spec.languages.front();
    const Segment& segment = spec.segments[static_cast<std::size_t>(d.segment)];
    std::string out;

    format_to(out, "Route: {} - total {} of {} (score {}/100), hand-off at {}\n",
              {upper(to_string(d.route)), d.total, d.max, d.score, d.threshold});
    if (d.lo == d.hi) format_to(out, "Final total: {} (no open question can change it)\n", {d.lo});
    else format_to(out, "Final total will be between {} and {} ({} questions open)\n", {d.lo, d.hi, d.open});
    format_to(out, "Segment: {} ({}){}\n", {segment.id, segment.label.in(lang), d.segment_settled ? "" : ", may still change"});

    out += "\nBreakdown\n";
    std::size_t width = 0;
    for (const auto& c : spec.criteria) width = std::max(width, width_of(c.label.in(lang)));
    for (std::size_t c = 0; c < spec.criteria.size(); ++c) {
        const Criterion& crit = spec.criteria[c];
        const CriterionResult& r = d.criteria[c];
        format_to(out, "  {}  {}/{}", {pad(std::string(crit.label.in(lang)), width), r.points, crit.max});
        if (crit.weight != 1) format_to(out, " x{}", {crit.weight});
        if (r.lo != r.hi) format_to(out, " (can reach {}..{})", {r.lo, r.hi});
        const char* separator = "  <- ";
        for (const Contribution& k : r.from) {
            out += separator;
            separator = ", ";
            if (k.question >= 0)
                format_to(out, "{} = {}", {spec.questions[static_cast<std::size_t>(k.question)].id, shown_answer(model, k.question, k.answer, lang)});
            else
                format_to(out, "signal {}", {spec.signals[static_cast<std::size_t>(k.signal)].id});
            format_to(out, " ({}{})", {k.points >= 0 ? "+" : "", k.points});
        }
        out += "\n";
    }

    bool any_signal = false;
    for (std::size_t s = 0; s < spec.signals.size(); ++s) {
        if (d.signals[s] == Truth::no) continue;
        if (!any_signal) out += "\nSignals\n";
        any_signal = true;
        format_to(out, "  {}{}", {spec.signals[s].id, d.signals[s] == Truth::maybe ? " (may apply)" : ""});
        if (!spec.signals[s].label.empty()) format_to(out, ": {}", {spec.signals[s].label.in(lang)});
        out += "\n";
    }

    if (!spec.rules.empty()) out += "\nRules\n";
    for (std::size_t r = 0; r < spec.rules.size(); ++r) {
        const Rule& rule = spec.rules[r];
        const char* state;
        if (d.rules[r] == Truth::maybe) state = "open";
        else if (rule.kind == RuleKind::knockout) state = d.rules[r] == Truth::yes ? "FIRED" : "clear";
        else state = d.rules[r] == Truth::yes ? "passed" : "FAILED";
        format_to(out, "  {}{}: {} - {}\n", {rule.kind == RuleKind::knockout ? "knock-out " : "gate ", rule.id, state, rule.label.in(lang)});
    }

    out += "\nWhat would change the route\n";
    if (d.route == Route::undecided) {
        // Say which of the things that route a lead is still open: they are not all the total.
        out += "  Not settled yet:\n";
        for (std::size_t r = 0; r < spec.rules.size(); ++r) {
            if (d.rules[r] != Truth::maybe) continue;
            const Rule& rule = spec.rules[r];
            format_to(out, "  - {} {} is still open ({}): {}\n",
                      {rule.kind == RuleKind::knockout ? "knock-out" : "gate", rule.id, rule.label.in(lang),
                       rule.kind == RuleKind::knockout ? "if it fires, the lead is disqualified" : "if it fails, the lead is nurtured"});
        }
        if (!d.segment_settled) out += "  - the segment is not settled: it depends on answers still open\n";
        if (d.lo < d.threshold && d.hi >= d.threshold)
            format_to(out, "  - the total ({}..{}) can still land on either side of the hand-off at {}\n", {d.lo, d.hi, d.threshold});
    } else if (!d.flip) {
        out += "  No change of one or two answers gives a different route.\n";
    } else {
        out += "  Answering ";
        for (std::size_t i = 0; i < d.flip->changes.size(); ++i) {
            const AnswerChange& ch = d.flip->changes[i];
            format_to(out, "{}{} {}", {i ? " and " : "", spec.questions[static_cast<std::size_t>(ch.question)].id, shown_answer(model, ch.question, ch.to, lang)});
            if (!ch.from.empty()) format_to(out, " instead of {}", {shown_answer(model, ch.question, ch.from, lang)});
        }
        format_to(out, " would {} (total {}).\n", {route_verb(d.flip->to), d.flip->total});
    }

    out += "\nPlan\n";
    switch (d.route) {
        case Route::handoff: {
            format_to(out, "  Hand off to sales: accept or reject within {} hours", {segment.sla_hours});
            if (d.sla_deadline) format_to(out, " (by {})", {format_time(*d.sla_deadline)});
            out += ".\n";
            const std::string& booking = segment.booking_url.empty() ? spec.booking_url : segment.booking_url;
            if (!booking.empty()) format_to(out, "  Booking link: {}\n", {booking});
            if (!segment.cadence.empty()) {
                format_to(out, "  Cadence: {} touches over {} days\n", {segment.cadence.size(), segment.cadence.back().day});
                std::size_t role_width = 0;
                for (const auto& t : segment.cadence) role_width = std::max(role_width, t.role.size());
                for (const auto& t : segment.cadence)
                    format_to(out, "    day {} {} {}  {}\n",
                              {pad(format("{}", {t.day}), 3), pad(t.channel, 8), pad(t.role, role_width), t.purpose});
            }
            if (!spec.rejection.empty()) {
                out += "  If sales rejects:";
                for (std::size_t i = 0; i < spec.rejection.size(); ++i) {
                    const RejectionReason& r = spec.rejection[i];
                    format_to(out, "{} {} -> nurture track {}", {i ? ";" : "", r.id, r.track});
                    if (r.recycle_after_days) format_to(out, ", re-scored after {} days", {r.recycle_after_days});
                }
                out += "\n";
            }
            break;
        }
        case Route::nurture:
            if (d.track >= 0) {
                const Track& track = spec.tracks[static_cast<std::size_t>(d.track)];
                format_to(out, "  Nurture track {} ({}, stage {}), a touch every {} days:\n",
                          {track.id, track.label.in(lang), track.stage, track.every_days});
                for (const Content& c : track.content) format_to(out, "    - {} {}\n", {c.title.in(lang), c.url});
            }
            break;
        case Route::disqualify:
            for (std::size_t r = 0; r < spec.rules.size(); ++r) {
                if (spec.rules[r].kind != RuleKind::knockout || d.rules[r] != Truth::yes) continue;
                format_to(out, "  Disqualified by {}. The visitor sees: {}", {spec.rules[r].id, spec.rules[r].message.in(lang)});
                if (!spec.rules[r].url.empty()) {
                    std::string_view link = spec.rules[r].link.in(lang);
                    format_to(out, " [{}: {}]", {link.empty() ? std::string_view("link") : link, spec.rules[r].url});
                }
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
                    format_to(out, "    - {}: {}\n", {question.id, question.label.in(lang)});
                }
            }
            break;
    }
    for (const Issue& w : d.warnings) format_to(out, "\nWarning: {} [{}]\n", {w.message, w.code});
    return out;
}

}  // namespace ripen
