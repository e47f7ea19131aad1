// What the definition does on the leads, in words and charts a reader can read: the key numbers
// for the loaded and the tuned model side by side, each explained on hover; the score histogram
// with axes, legend and readouts; the gain curve with the threshold point; the funnel; the
// segments in the same words; conversion per answer and what each rule removes.
#include <algorithm>
#include <cfloat>
#include <cmath>

#include "ui.hpp"

namespace ripen::playground::ui {

namespace {

const char* const kHandoffHelp =
    "Leads the model sends to sales now, and their share of all leads with an outcome. Sales has to contact every one: compare it "
    "with what your team can take.";
const char* const kPrecisionHelp =
    "Of the leads handed to sales, the share that converted: what sales experiences as lead quality. The playbook aims for at least 90 % "
    "of hand-offs accepted by sales.";
const char* const kRecallHelp =
    "Of all the leads that converted, the share the model handed to sales. The others converted from nurture or after being turned away.";
const char* const kLeakageHelp =
    "Of all the leads that converted, the share the model left in nurture: buyers sales heard of late. Lower is better.";
const char* const kLiftHelp =
    "Precision divided by the conversion rate of all leads: 2.0x means a hand-off is twice as likely to convert as a lead picked at random.";
const char* const kAucHelp =
    "How well the score ranks leads: the chance that a lead that converted scores above one that did not. 0.5 is a coin toss, 1.0 "
    "perfect; 0.7 to 0.8 is useful.";

struct KeyNumber {
    const char* name;
    const char* help;
    std::string now, before;
    double delta;      // after minus before, in the number's own unit
    bool higher_better;
};

// A nice step for an axis: 1, 2 or 5 times a power of ten, about `ticks` steps over `range`.
double nice_step(double range, int ticks) {
    const double raw = range / std::max(1, ticks);
    const double power = std::pow(10.0, std::floor(std::log10(std::max(raw, 1e-9))));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (raw <= m * power) return m * power;
    return 10 * power;
}

void key_numbers(App& app) {
    const auto& now = app.pg.metrics();
    const auto& was = app.pg.loaded_metrics();
    const auto& a = now.overall;
    const auto& b = was.overall;
    const bool tuned = app.pg.scoring() != app.pg.loaded_scoring();
    KeyNumber numbers[] = {
        {"Hand-offs", kHandoffHelp, thousands(a.handoff) + " (" + percent(a.handoff_share()) + ")", thousands(b.handoff) + " (" + percent(b.handoff_share()) + ")",
         static_cast<double>(a.handoff) - static_cast<double>(b.handoff), true},
        {"Precision", kPrecisionHelp, percent(a.precision()), percent(b.precision()), a.precision() - b.precision(), true},
        {"Recall", kRecallHelp, percent(a.recall()), percent(b.recall()), a.recall() - b.recall(), true},
        {"Leakage", kLeakageHelp, percent(a.leakage()), percent(b.leakage()), a.leakage() - b.leakage(), false},
        {"Lift", kLiftHelp, fixed(a.lift(), 2) + "x", fixed(b.lift(), 2) + "x", a.lift() - b.lift(), true},
        {"AUC", kAucHelp, fixed(now.auc, 3), fixed(was.auc, 3), now.auc - was.auc, true},
    };
    const float font = ImGui::GetFontSize();
    // Six, three or two to a row: rows of equal length.
    const int fits = static_cast<int>(ImGui::GetContentRegionAvail().x / (font * 8.5f));
    const int per_row = fits >= 6 ? 6 : fits >= 3 ? 3 : 2;
    if (!ImGui::BeginTable("key numbers", per_row, ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchSame)) return;
    for (const auto& n : numbers) {
        ImGui::TableNextColumn();
        ImGui::TextDisabled("%s", n.name);
        help_marker(n.help);
        ImGui::PushFont(title_font());
        ImGui::TextUnformatted(n.now.c_str());
        ImGui::PopFont();
        tooltip(n.help);
        if (tuned && n.now != n.before) {
            const bool better = (n.delta > 0) == n.higher_better;
            ImGui::TextColored(better ? kGood : kBad, "was %s", n.before.c_str());
        } else if (tuned) {
            ImGui::TextDisabled("unchanged");
        } else {
            ImGui::TextDisabled("as loaded");
        }
    }
    ImGui::EndTable();
}

// One entry of a legend, on the line of the one before when it fits.
void legend_item(ImU32 colour, const char* text, bool first, bool line = false) {
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const float font = ImGui::GetFontSize();
    if (!first) {
        // Room left on the line of the previous entry?
        const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
        const float need = font * 2.5f + ImGui::CalcTextSize(text).x;
        if (right - ImGui::GetItemRectMax().x > need) ImGui::SameLine(0, font * 1.2f);
    }
    ImVec2 p = ImGui::GetCursorScreenPos();
    if (line) draw->AddLine(ImVec2(p.x, p.y + font * 0.55f), ImVec2(p.x + font * 0.9f, p.y + font * 0.55f), colour, std::max(2.0f, font * 0.15f));
    else draw->AddRectFilled(ImVec2(p.x, p.y + font * 0.15f), ImVec2(p.x + font * 0.9f, p.y + font * 0.95f), colour, font * 0.15f);
    ImGui::Dummy(ImVec2(font * 1.1f, font));
    ImGui::SameLine(0, font * 0.2f);
    ImGui::TextUnformatted(text);
}

void histogram(App& app, ImVec2 size) {
    const auto& h = app.pg.histogram();
    const auto& scoring = app.pg.scoring();
    const Model& model = app.pg.model();
    const int max_total = h.max_total;
    if (max_total <= 0 || h.counts.empty()) return;
    // Slot 0: knocked out, 1: gate failed, then totals 0..max.
    const std::size_t slots = static_cast<std::size_t>(max_total) + 3;
    std::vector<std::uint64_t> yes(slots, 0), no(slots, 0);
    std::vector<std::uint64_t> handed(slots, 0);
    for (std::size_t s = 0; s < h.segments; ++s)
        for (int score = -2; score <= max_total; ++score) {
            const std::size_t k = static_cast<std::size_t>(score + 2);
            yes[k] += h.at(s, score, 1);
            no[k] += h.at(s, score, 0);
            if (score >= 0 && score >= scoring.threshold(static_cast<int>(s))) handed[k] += h.at(s, score, 1) + h.at(s, score, 0);
        }
    std::uint64_t tallest = 1;
    for (std::size_t k = 0; k < slots; ++k) tallest = std::max(tallest, yes[k] + no[k]);
    const double step = nice_step(static_cast<double>(tallest), 4);
    const double top = std::ceil(static_cast<double>(tallest) / step) * step;

    const float font = ImGui::GetFontSize();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float axis_w = ImGui::CalcTextSize(thousands(static_cast<std::uint64_t>(top)).c_str()).x + font * 0.6f;
    const float bar_w = (size.x - axis_w) / static_cast<float>(slots);
    const float ko_half = ImGui::CalcTextSize("knocked out").x * 0.5f;
    const bool rule_labels_fit = ko_half + font * 0.4f < bar_w * 0.5f + axis_w && ko_half + ImGui::CalcTextSize("gate").x * 0.5f + font * 0.6f < bar_w;
    const float label_h = font * (rule_labels_fit ? 1.4f : 2.7f);  // totals, and a line naming the rule bars when they are narrow
    const ImVec2 plot0(origin.x + axis_w, origin.y + font * 0.5f);
    const ImVec2 plot1(origin.x + size.x, origin.y + size.y - label_h);
    const float plot_h = plot1.y - plot0.y;
    const float slot_w = (plot1.x - plot0.x) / static_cast<float>(slots);
    // The y axis: gridlines with counts.
    for (double v = 0; v <= top + step * 0.5; v += step) {
        const float y = plot1.y - static_cast<float>(v / top) * plot_h;
        draw->AddLine(ImVec2(plot0.x, y), ImVec2(plot1.x, y), kGrid, 1.0f);
        std::string label = thousands(static_cast<std::uint64_t>(v));
        ImVec2 ts = ImGui::CalcTextSize(label.c_str());
        draw->AddText(ImVec2(plot0.x - ts.x - font * 0.3f, y - ts.y * 0.5f), kMuted, label.c_str());
    }
    int hovered = -1;
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    float last_label_end = -FLT_MAX;
    for (std::size_t k = 0; k < slots; ++k) {
        const float x0 = plot0.x + slot_w * static_cast<float>(k) + std::min(1.0f, slot_w * 0.1f);
        const float x1 = plot0.x + slot_w * static_cast<float>(k + 1) - std::min(1.0f, slot_w * 0.1f);
        const float h_no = plot_h * static_cast<float>(static_cast<double>(no[k]) / top);
        const float h_yes = plot_h * static_cast<float>(static_cast<double>(yes[k]) / top);
        draw->AddRectFilled(ImVec2(x0, plot1.y - h_no), ImVec2(x1, plot1.y), kNotConverted);
        draw->AddRectFilled(ImVec2(x0, plot1.y - h_no - h_yes), ImVec2(x1, plot1.y - h_no), kConverted);
        if (ImGui::IsWindowHovered() && mouse.x >= x0 && mouse.x < x1 && mouse.y >= plot0.y && mouse.y <= plot1.y + label_h) hovered = static_cast<int>(k);
        // Labels under the bars, each only where it does not touch the one before. The two rule
        // bars are named here when their names fit under them, else on a line of their own.
        if (k < 2 && !rule_labels_fit) continue;
        std::string label = k == 0 ? "knocked out" : k == 1 ? "gate" : std::to_string(k - 2);
        const float w = ImGui::CalcTextSize(label.c_str()).x;
        const float cx = (x0 + x1) * 0.5f;
        const float lx = k < 2 ? std::max(cx - w * 0.5f, origin.x) : cx - w * 0.5f;
        if (lx > last_label_end + font * 0.4f && lx + w <= plot1.x + font) {
            draw->AddText(ImVec2(lx, plot1.y + font * 0.2f), kMuted, label.c_str());
            last_label_end = lx + w;
        }
    }
    draw->AddLine(ImVec2(plot0.x, plot1.y), ImVec2(plot1.x, plot1.y), kMuted, 1.0f);
    if (!rule_labels_fit)
        draw->AddText(ImVec2(origin.x, plot1.y + font * 1.35f), kMuted, "1st bar: knocked out · 2nd: held by a gate");
    // The model's hand-off threshold.
    const float line_x = plot0.x + slot_w * static_cast<float>(scoring.handoff_at + 2);
    draw->AddLine(ImVec2(line_x, plot0.y), ImVec2(line_x, plot1.y), kLine, std::max(2.0f, font * 0.14f));
    const std::string at = "hand off at " + std::to_string(scoring.handoff_at);
    const float at_w = ImGui::CalcTextSize(at.c_str()).x;
    draw->AddText(ImVec2(line_x + at_w + font * 0.4f < plot1.x ? line_x + font * 0.3f : line_x - at_w - font * 0.3f, plot0.y), kLine, at.c_str());
    ImGui::Dummy(size);
    if (hovered >= 0) {
        const std::size_t k = static_cast<std::size_t>(hovered);
        const std::uint64_t n = yes[k] + no[k];
        std::string what = k == 0 ? "Knocked out by a rule" : k == 1 ? "Held back by a gate (nurtured whatever their total)" : "Total score " + std::to_string(k - 2);
        ImGui::BeginTooltip();
        ImGui::TextUnformatted(what.c_str());
        ImGui::Text("%s leads, %s converted (%s)", thousands(n).c_str(), thousands(yes[k]).c_str(), percent(n ? static_cast<double>(yes[k]) / static_cast<double>(n) : 0).c_str());
        if (k >= 2) ImGui::Text("%s of them handed off", thousands(handed[k]).c_str());
        ImGui::EndTooltip();
    }
    (void)model;
    legend_item(kConverted, "converted", true);
    legend_item(kNotConverted, "did not convert", false);
    legend_item(kLine, "hand-off threshold", false, true);
}

void gain_chart(App& app, ImVec2 size) {
    const auto& gain = app.pg.metrics().gain;
    const auto& overall = app.pg.metrics().overall;
    const float font = ImGui::GetFontSize();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float axis_w = ImGui::CalcTextSize("100 %").x + font * 0.5f;
    const ImVec2 p0(origin.x + axis_w, origin.y + font * 0.5f);
    const ImVec2 p1(origin.x + size.x - font * 0.5f, origin.y + size.y - font * 2.6f);
    auto at = [&](double x, double y) { return ImVec2(p0.x + static_cast<float>(x) * (p1.x - p0.x), p1.y - static_cast<float>(y) * (p1.y - p0.y)); };
    for (int t = 0; t <= 4; ++t) {
        const double v = t * 0.25;
        std::string label = std::to_string(t * 25) + " %";
        ImVec2 ts = ImGui::CalcTextSize(label.c_str());
        draw->AddLine(at(0, v), at(1, v), kGrid, 1.0f);
        draw->AddLine(at(v, 0), at(v, 1), kGrid, 1.0f);
        draw->AddText(ImVec2(p0.x - ts.x - font * 0.3f, at(0, v).y - ts.y * 0.5f), kMuted, label.c_str());
        const float lx = std::clamp(at(v, 0).x - ts.x * 0.5f, origin.x, p1.x - ts.x);
        draw->AddText(ImVec2(lx, p1.y + font * 0.2f), kMuted, label.c_str());
    }
    const char* x_title = "leads handed off, best scores first";
    draw->AddText(ImVec2(p0.x + (p1.x - p0.x - ImGui::CalcTextSize(x_title).x) * 0.5f, p1.y + font * 1.3f), kMuted, x_title);
    draw->AddLine(at(0, 0), at(1, 1), IM_COL32(170, 176, 186, 255), 1.0f);
    for (std::size_t i = 1; i < gain.size(); ++i) draw->AddLine(at(gain[i - 1].x, gain[i - 1].y), at(gain[i].x, gain[i].y), kConverted, std::max(2.0f, font * 0.14f));
    const ImVec2 point = at(overall.handoff_share(), overall.recall());
    draw->AddCircleFilled(point, font * 0.35f, kLine);
    std::string now = "now: " + percent(overall.handoff_share(), 0) + " of leads, " + percent(overall.recall(), 0) + " of conversions";
    if (ImGui::CalcTextSize(now.c_str()).x > (p1.x - p0.x) * 0.6f) now.replace(now.find(", "), 2, ",\n");  // two lines in a small chart
    const ImVec2 ts = ImGui::CalcTextSize(now.c_str());
    ImVec2 label(point.x + font * 0.6f, point.y + font * 0.9f);  // under the curve, which rises to the right
    if (label.x + ts.x > p1.x) label.x = point.x - ts.x - font * 0.6f;
    label.x = std::max(label.x, p0.x + font * 0.2f);
    if (label.y + ts.y > p1.y) label.y = point.y - ts.y - font * 0.4f;
    draw->AddRectFilled(ImVec2(label.x - 2, label.y - 1), ImVec2(label.x + ts.x + 2, label.y + ts.y + 1), IM_COL32(255, 255, 255, 220));
    draw->AddText(label, kLine, now.c_str());
    ImGui::Dummy(size);
    // Hover: the curve at the mouse.
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    if (ImGui::IsItemHovered() && mouse.x >= p0.x && mouse.x <= p1.x && !gain.empty()) {
        const double x = (mouse.x - p0.x) / (p1.x - p0.x);
        auto it = std::lower_bound(gain.begin(), gain.end(), x, [](const CurvePoint& c, double v) { return c.x < v; });
        if (it == gain.end()) --it;
        ImGui::SetTooltip("Handing off the best %s of leads catches %s of the conversions", percent(it->x, 0).c_str(), percent(it->y, 0).c_str());
    }
}

void funnel(App& app, float width) {
    const auto& c = app.pg.metrics().overall;
    struct Step {
        const char* name;
        std::uint64_t n;
        std::string share;
    } steps[] = {{"Leads with an outcome", c.leads, ""},
                 {"Handed off to sales", c.handoff, percent(c.handoff_share()) + " of leads"},
                 {"Converted after the hand-off", c.handoff_converted, percent(c.precision()) + " of hand-offs"}};
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const float font = ImGui::GetFontSize();
    const float row = font * 1.5f;
    for (const auto& s : steps) {
        ImGui::TextDisabled("%s", s.name);
        ImVec2 o = ImGui::GetCursorScreenPos();
        const float w = c.leads ? width * static_cast<float>(static_cast<double>(s.n) / static_cast<double>(c.leads)) : 0;
        draw->AddRectFilled(o, ImVec2(o.x + std::max(w, 3.0f), o.y + row - font * 0.2f), IM_COL32(196, 228, 204, 255), font * 0.15f);
        std::string text = thousands(s.n) + (s.share.empty() ? "" : " (" + s.share + ")");
        draw->AddText(ImVec2(o.x + font * 0.3f, o.y + font * 0.15f), kInk, text.c_str());
        ImGui::Dummy(ImVec2(width, row));
    }
}

void segments_table(App& app) {
    const Model& model = app.pg.model();
    const auto& spec = model.spec();
    const auto& m = app.pg.metrics();
    if (spec.segments.empty()) return;
    heading("Per segment");
    const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("segments", 7, flags)) return;
    const char* names[] = {"Segment", "Hand off at", "Leads", "Hand-offs", "Precision", "Recall", "Leakage"};
    const char* helps[] = {"Where leads come from, as the model groups them; each can have its own threshold.", "The total a lead needs to go to sales.",
                           "Leads of this segment with an outcome.", kHandoffHelp, kPrecisionHelp, kRecallHelp, kLeakageHelp};
    for (int i = 0; i < 7; ++i) ImGui::TableSetupColumn(names[i], ImGuiTableColumnFlags_WidthStretch, i == 0 ? 1.6f : 1.0f);
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    for (int i = 0; i < 7; ++i) {
        ImGui::TableSetColumnIndex(i);
        ImGui::TableHeader(names[i]);
        tooltip(helps[i]);
    }
    for (std::size_t s = 0; s < spec.segments.size() && s < m.segments.size(); ++s) {
        const auto& r = m.segments[s];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextWrapped("%s", segment_label(model, static_cast<int>(s)).c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%d", app.pg.scoring().threshold(static_cast<int>(s)));
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(thousands(r.leads).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(thousands(r.handoff).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(r.handoff ? percent(r.precision()).c_str() : "-");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(r.converted ? percent(r.recall()).c_str() : "-");
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(r.converted ? percent(r.leakage()).c_str() : "-");
    }
    ImGui::EndTable();
}

void answers_table(App& app) {
    const Model& model = app.pg.model();
    const auto& rows = app.pg.answer_rows();
    const double base = app.pg.metrics().overall.base_rate();
    ImGui::TextWrapped("How the leads that gave each answer converted, against %s for all leads. Answers far above it deserve points; far below, fewer.",
                       percent(base).c_str());
    const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
    int question = -1;
    bool open = false;
    for (const auto& row : rows) {
        if (row.question != question) {
            if (open) {
                ImGui::EndTable();
                ImGui::TreePop();
            }
            question = row.question;
            ImGui::PushID(question);
            open = ImGui::TreeNode("##q", "%s", question_label(model, question).c_str());
            ImGui::PopID();
            if (open && !ImGui::BeginTable("answers", 4, flags)) {
                ImGui::TreePop();
                open = false;
            }
            if (open) {
                for (const char* n : {"Answer", "Leads", "Converted", "Handed off"}) ImGui::TableSetupColumn(n);
                ImGui::TableHeadersRow();
            }
        }
        if (!open || row.leads == 0) continue;
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextWrapped("%s", answer_label(model, row.question, row.option).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(thousands(row.leads).c_str());
        ImGui::TableNextColumn();
        const double rate = row.conversion();
        ImGui::TextColored(rate > base * 1.5 ? kGood : rate < base * 0.67 ? kBad : ImGui::GetStyle().Colors[ImGuiCol_Text], "%s", percent(rate).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(thousands(row.handoff).c_str());
    }
    if (open) {
        ImGui::EndTable();
        ImGui::TreePop();
    }
}

void rules_table(App& app) {
    const Model& model = app.pg.model();
    const auto& spec = model.spec();
    const auto& impacts = app.pg.rule_impacts();
    if (impacts.empty()) {
        ImGui::TextDisabled("The model has no knock-outs or gates.");
        return;
    }
    for (const auto& r : impacts) {
        const auto& rule = spec.rules[static_cast<std::size_t>(r.rule)];
        const bool gate = rule.kind == RuleKind::gate;
        ImGui::Bullet();
        ImGui::TextWrapped("%s \"%s\" %s %s leads, %s of whom converted%s", gate ? "The gate" : "The knock-out", rule_label(model, r.rule).c_str(),
                           gate ? "keeps" : "disqualifies", thousands(r.removed).c_str(), thousands(r.removed_converted).c_str(),
                           gate ? " (they would have been handed off without it)." : ".");
        if (!gate && r.removed_converted > 0) {
            ImGui::SameLine();
            ImGui::TextColored(kBad, "check it");
            tooltip("A knock-out that turns away leads who went on to buy is a mistake to look at: are those leads really out of scope?");
        }
    }
}

}  // namespace

void draw_results(App& app) {
    Playground& pg = app.pg;
    const float font = ImGui::GetFontSize();
    draw_warnings(app);
    key_numbers(app);
    ImGui::Spacing();
    const float width = ImGui::GetContentRegionAvail().x;
    heading("Leads by total score");
    help_marker("Each bar is the leads with that total; green ones converted. Leads to the right of the red line go to sales. Knocked-out leads and "
                "leads a gate held back are on the left, whatever their total. Hover a bar for its numbers.");
    const float tall = ImGui::GetIO().DisplaySize.y * 0.3f;
    histogram(app, ImVec2(width, std::clamp(std::min(width * 0.42f, tall), font * 10.0f, font * 24.0f)));
    ImGui::Spacing();
    const bool side_by_side = width > font * 34.0f;
    const float gain_w = side_by_side ? width * 0.5f - font * 0.5f : width;
    ImGui::BeginGroup();
    heading("Conversions caught");
    help_marker("The green curve: the share of all conversions caught when the best-scoring share of leads is handed off. The grey diagonal "
                "is picking leads at random; the higher the curve, the better the score. The red point is where the threshold is now.");
    gain_chart(app, ImVec2(gain_w, std::clamp(gain_w * 0.62f, font * 9.0f, font * 15.0f)));
    ImGui::EndGroup();
    if (side_by_side) ImGui::SameLine(0, font);
    ImGui::BeginGroup();
    heading("Funnel");
    funnel(app, side_by_side ? width - gain_w - font : width);
    ImGui::EndGroup();
    ImGui::Spacing();
    segments_table(app);
    ImGui::Spacing();
    if (ImGui::CollapsingHeader("Conversion per answer")) answers_table(app);
    if (ImGui::CollapsingHeader("What each knock-out and gate does")) rules_table(app);
    ImGui::TextDisabled("%s leads | %s | last change %.1f ms", thousands(pg.leads()).c_str(), pg.data_name().c_str(), app.last_update_ms);
}

}  // namespace ripen::playground::ui
