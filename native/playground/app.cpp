// The scoring playground: Dear ImGui drawing over playground::Playground, one source for the
// browser (Emscripten GLFW + WebGL2) and the desktop (GLFW + OpenGL 3).
//
// Sections
//   App                     the state of one window: the playground, file dialogs, the status line
//   browser integration     exporting the model as a download
//   drawing                 histogram, gain chart, funnel, definition editor, results, preview, assist
//   frame, render_once      one frame of the whole window; a frame for a screenshot
//   JavaScript hooks        the page's file picker and drop zone, and the browser tests' handles
//   main                    the desktop window or the browser's main loop
#include <GLFW/glfw3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "png.hpp"
#include "state.hpp"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#include <emscripten/bind.h>
#include <emscripten/html5.h>
#endif

namespace {

using ripen::playground::Playground;
using Clock = std::chrono::steady_clock;

const char kDefaultModel[] =
#include "default_model.inc"
    ;

constexpr std::size_t kStartSample = 20000;
constexpr std::size_t kChunk = 4 << 20;  // bytes imported per frame: the UI keeps drawing

const ImU32 kConverted = IM_COL32(46, 160, 67, 255);
const ImU32 kNotConverted = IM_COL32(150, 156, 166, 255);
const ImU32 kLine = IM_COL32(214, 40, 40, 255);

std::string percent(double share) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f %%", 100.0 * share);
    return b;
}

struct App {
    Playground pg;
    double last_update_ms = 0;       // the last edit: re-score (if any) and metrics
    float target_precision = 0.9f;
    int capacity = 500;
    std::optional<ripen::FitResult> fitted;
    std::string fit_error;
    std::string status;               // the last export or load, for the status line
    std::string mapping_text;
    std::vector<char> mapping_buffer;
    int sample_count = static_cast<int>(kStartSample);
    std::string export_path = "tuned-model.json";
    // A native file being read in pieces.
    std::FILE* pending = nullptr;
    std::vector<char> preview_text[64];

    template <typename F>
    void timed(F&& change) {
        auto start = Clock::now();
        change();
        last_update_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    }

    void sync_mapping_text() {
        mapping_text = pg.mapping_json();
        mapping_buffer.assign(mapping_text.begin(), mapping_text.end());
        mapping_buffer.resize(mapping_text.size() + 4096, '\0');
    }
};

App* g_app = nullptr;

// ---- browser integration -----------------------------------------------------------------

#ifdef __EMSCRIPTEN__
EM_JS(void, js_open_file, (const char* kind), { if (Module.ripenOpenFile) Module.ripenOpenFile(UTF8ToString(kind)); });
EM_JS(void, js_download, (const char* name, const char* text), {
    if (Module.ripenDownload) Module.ripenDownload(UTF8ToString(name), UTF8ToString(text));
});
#endif

void export_model(App& app) {
    std::string text = app.pg.export_model();
#ifdef __EMSCRIPTEN__
    js_download("tuned-model.json", text.c_str());
    app.status = "Downloaded tuned-model.json";
#else
    std::FILE* f = std::fopen(app.export_path.c_str(), "wb");
    if (!f) {
        app.status = "Cannot write " + app.export_path + ": " + std::strerror(errno);
        return;
    }
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    app.status = "Saved " + app.export_path;
#endif
}

// ---- drawing -----------------------------------------------------------------------------

void draw_histogram(App& app, ImVec2 size) {
    const auto& h = app.pg.histogram();
    const auto& scoring = app.pg.scoring();
    const int max_total = h.max_total;
    if (max_total <= 0 || h.counts.empty()) return;
    // Knocked out and gate failed first, then totals 0..max.
    std::vector<std::uint64_t> yes(static_cast<std::size_t>(max_total) + 3, 0), no(yes.size(), 0);
    for (std::size_t s = 0; s < h.segments; ++s)
        for (int score = -2; score <= max_total; ++score) {
            yes[static_cast<std::size_t>(score + 2)] += h.at(s, score, 1);
            no[static_cast<std::size_t>(score + 2)] += h.at(s, score, 0);
        }
    std::uint64_t tallest = 1;
    for (std::size_t k = 0; k < yes.size(); ++k) tallest = std::max(tallest, yes[k] + no[k]);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    ImVec2 origin = ImGui::GetCursorScreenPos();
    const float label_height = ImGui::GetTextLineHeight() + 2;
    const float plot_height = size.y - label_height;
    const float slot = size.x / static_cast<float>(yes.size());
    draw->AddRectFilled(origin, ImVec2(origin.x + size.x, origin.y + plot_height), IM_COL32(250, 250, 252, 255));
    for (std::size_t k = 0; k < yes.size(); ++k) {
        float x0 = origin.x + slot * static_cast<float>(k) + 1, x1 = x0 + slot - 2;
        float base = origin.y + plot_height;
        float h_no = plot_height * static_cast<float>(no[k]) / static_cast<float>(tallest);
        float h_yes = plot_height * static_cast<float>(yes[k]) / static_cast<float>(tallest);
        draw->AddRectFilled(ImVec2(x0, base - h_no), ImVec2(x1, base), kNotConverted);
        draw->AddRectFilled(ImVec2(x0, base - h_no - h_yes), ImVec2(x1, base - h_no), kConverted);
        const char* label = nullptr;
        char number[16];
        if (k == 0) label = "KO";
        else if (k == 1) label = "gate";
        else if ((k - 2) % static_cast<std::size_t>(std::max(1, max_total / 12)) == 0) {
            std::snprintf(number, sizeof number, "%d", static_cast<int>(k) - 2);
            label = number;
        }
        if (label) draw->AddText(ImVec2(x0, base + 2), IM_COL32(60, 60, 60, 255), label);
    }
    float line_x = origin.x + slot * static_cast<float>(scoring.handoff_at + 2);
    draw->AddLine(ImVec2(line_x, origin.y), ImVec2(line_x, origin.y + plot_height), kLine, 2.0f);
    draw->AddText(ImVec2(line_x + 4, origin.y + 2), kLine, "hand-off");
    ImGui::Dummy(size);
}

void draw_gain(App& app, ImVec2 size) {
    const auto& gain = app.pg.metrics().gain;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    ImVec2 o = ImGui::GetCursorScreenPos();
    auto at = [&](double x, double y) { return ImVec2(o.x + static_cast<float>(x) * size.x, o.y + size.y - static_cast<float>(y) * size.y); };
    draw->AddRectFilled(o, ImVec2(o.x + size.x, o.y + size.y), IM_COL32(250, 250, 252, 255));
    draw->AddLine(at(0, 0), at(1, 1), IM_COL32(180, 180, 180, 255), 1.0f);
    for (std::size_t i = 1; i < gain.size(); ++i) draw->AddLine(at(gain[i - 1].x, gain[i - 1].y), at(gain[i].x, gain[i].y), kConverted, 2.0f);
    const auto& overall = app.pg.metrics().overall;
    ImVec2 p = at(overall.handoff_share(), overall.recall());
    draw->AddCircleFilled(p, 4.0f, kLine);
    ImGui::Dummy(size);
}

void draw_funnel(App& app, float width) {
    const auto& c = app.pg.metrics().overall;
    struct Step {
        const char* name;
        std::uint64_t n;
    } steps[] = {{"inquiries", c.leads}, {"hand-offs", c.handoff}, {"converted", c.handoff_converted}};
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const float row = ImGui::GetTextLineHeight() + 4;
    for (const auto& s : steps) {
        ImVec2 o = ImGui::GetCursorScreenPos();
        float w = c.leads ? width * static_cast<float>(s.n) / static_cast<float>(c.leads) : 0;
        draw->AddRectFilled(o, ImVec2(o.x + std::max(w, 2.0f), o.y + row - 2), IM_COL32(190, 225, 198, 255));
        char text[64];
        std::snprintf(text, sizeof text, "%s %llu", s.name, static_cast<unsigned long long>(s.n));
        draw->AddText(ImVec2(o.x + 4, o.y + 1), IM_COL32(30, 30, 30, 255), text);
        ImGui::Dummy(ImVec2(width, row));
    }
}

void draw_definition(App& app) {
    Playground& pg = app.pg;
    const auto& spec = pg.model().spec();
    const auto& scoring = pg.scoring();
    const int C = static_cast<int>(spec.criteria.size());
    ImGui::TextWrapped("%s", pg.model_name().c_str());
    int threshold = scoring.handoff_at;
    if (ImGui::SliderInt("Hand-off at", &threshold, 0, scoring.max_total())) app.timed([&] { pg.set_threshold(threshold); });
    if (ImGui::TreeNodeEx("Segments", ImGuiTreeNodeFlags_DefaultOpen)) {
        for (int s = 0; s < static_cast<int>(spec.segments.size()); ++s) {
            ImGui::PushID(s);
            bool own = scoring.segment_handoff_at[static_cast<std::size_t>(s)] >= 0;
            if (ImGui::Checkbox("##own", &own)) app.timed([&] { pg.set_segment_threshold(s, own ? scoring.handoff_at : -1); });
            ImGui::SameLine();
            int t = scoring.threshold(s);
            if (!own) ImGui::BeginDisabled();
            if (ImGui::SliderInt(spec.segments[static_cast<std::size_t>(s)].id.c_str(), &t, 0, scoring.max_total()))
                app.timed([&] { pg.set_segment_threshold(s, t); });
            if (!own) ImGui::EndDisabled();
            ImGui::PopID();
        }
        ImGui::TreePop();
    }
    if (ImGui::TreeNodeEx("Criterion weights", ImGuiTreeNodeFlags_DefaultOpen)) {
        for (int c = 0; c < C; ++c) {
            int w = scoring.weights[static_cast<std::size_t>(c)];
            std::string label = spec.criteria[static_cast<std::size_t>(c)].id + " (max " + std::to_string(scoring.maxima[static_cast<std::size_t>(c)]) + ")";
            if (ImGui::SliderInt(label.c_str(), &w, 0, 5)) app.timed([&] { pg.set_weight(c, w); });
        }
        ImGui::TreePop();
    }
    if (!spec.rules.empty() && ImGui::TreeNodeEx("Knock-outs and gates", ImGuiTreeNodeFlags_DefaultOpen)) {
        for (int r = 0; r < static_cast<int>(spec.rules.size()); ++r) {
            bool on = scoring.rule_enabled[static_cast<std::size_t>(r)] != 0;
            const auto& rule = spec.rules[static_cast<std::size_t>(r)];
            std::string label = std::string(rule.kind == ripen::RuleKind::knockout ? "knock-out " : "gate ") + rule.id;
            if (ImGui::Checkbox(label.c_str(), &on)) app.timed([&] { pg.set_rule_enabled(r, on); });
            if (auto level = pg.rule_level(r)) {  // "authority >= 2": the level moves like points
                int value = scoring.rule_level[static_cast<std::size_t>(r)];
                const std::string format = level->subject + " " + level->comparison + " %d";
                ImGui::Indent();
                ImGui::PushID(r);
                if (ImGui::SliderInt("level", &value, 0, level->max, format.c_str())) app.timed([&] { pg.set_rule_level(r, value); });
                ImGui::PopID();
                ImGui::Unindent();
            }
        }
        ImGui::TreePop();
    }
    ImGui::Separator();
    ImGui::TextUnformatted("Points per answer");
    for (int q = 0; q < static_cast<int>(spec.questions.size()); ++q) {
        const auto& question = spec.questions[static_cast<std::size_t>(q)];
        const auto& points = scoring.option_points[static_cast<std::size_t>(q)];
        const int items = C ? static_cast<int>(points.size()) / C : 0;
        if (items == 0) continue;
        // The criteria this question gives points on (as loaded or as tuned).
        std::vector<int> used;
        const auto& loaded = pg.loaded_scoring().option_points[static_cast<std::size_t>(q)];
        for (int c = 0; c < C; ++c)
            for (int k = 0; k < items; ++k)
                if ((points[static_cast<std::size_t>(k * C + c)] || loaded[static_cast<std::size_t>(k * C + c)]) &&
                    std::find(used.begin(), used.end(), c) == used.end())
                    used.push_back(c);
        if (used.empty()) continue;
        ImGui::PushID(q);
        if (ImGui::CollapsingHeader(question.id.c_str())) {
            for (int k = 0; k < items; ++k) {
                std::string name = question.type == ripen::QuestionType::number
                                       ? (question.bands[static_cast<std::size_t>(k)].from ? "from " + ripen::to_string(*question.bands[static_cast<std::size_t>(k)].from)
                                                                                         : std::string("lowest"))
                                       : question.options[static_cast<std::size_t>(k)].value;
                for (int c : used) {
                    ImGui::PushID(k * 64 + c);
                    int p = points[static_cast<std::size_t>(k * C + c)];
                    const int max = scoring.maxima[static_cast<std::size_t>(c)];
                    std::string label = name + " | " + spec.criteria[static_cast<std::size_t>(c)].id;
                    if (ImGui::SliderInt(label.c_str(), &p, -max, max)) app.timed([&] { pg.set_points(q, k, c, p); });
                    ImGui::PopID();
                }
            }
        }
        ImGui::PopID();
    }
}

void draw_results(App& app) {
    Playground& pg = app.pg;
    const auto& m = pg.metrics();
    const auto& c = m.overall;
    ImGui::TextWrapped("%zu leads | %s | re-scored %llu times | last change %.1f ms", pg.leads(), pg.data_name().c_str(),
                       static_cast<unsigned long long>(pg.rescore_count()), app.last_update_ms);
    if (ImGui::BeginTable("metrics", 6, ImGuiTableFlags_Borders)) {
        const char* names[] = {"hand-offs", "precision", "recall", "leakage", "lift", "AUC"};
        for (const char* n : names) ImGui::TableSetupColumn(n);
        ImGui::TableHeadersRow();
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%llu (%s)", static_cast<unsigned long long>(c.handoff), percent(c.handoff_share()).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(percent(c.precision()).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(percent(c.recall()).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(percent(c.leakage()).c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%.2f", c.lift());
        ImGui::TableNextColumn();
        ImGui::Text("%.3f", m.auc);
        ImGui::EndTable();
    }
    const float width = ImGui::GetContentRegionAvail().x;
    ImGui::TextWrapped("Leads per total: converted (green) and not; the red line is the hand-off threshold");
    draw_histogram(app, ImVec2(width, 200));
    ImGui::Spacing();
    ImGui::BeginGroup();
    ImGui::TextUnformatted("Gain: share of conversions caught by share of leads handed off");
    draw_gain(app, ImVec2(std::min(width * 0.45f, 260.0f), 160));
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::TextUnformatted("Funnel");
    draw_funnel(app, std::max(80.0f, width * 0.3f));
    ImGui::EndGroup();
    ImGui::Spacing();
    const auto& spec = pg.model().spec();
    if (ImGui::BeginTable("segments", 7, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg)) {
        for (const char* n : {"segment", "threshold", "leads", "hand-offs", "precision", "recall", "leakage"}) ImGui::TableSetupColumn(n);
        ImGui::TableHeadersRow();
        for (std::size_t s = 0; s < spec.segments.size() && s < m.segments.size(); ++s) {
            const auto& r = m.segments[s];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(spec.segments[s].id.c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%d", pg.scoring().threshold(static_cast<int>(s)));
            ImGui::TableNextColumn();
            ImGui::Text("%llu", static_cast<unsigned long long>(r.leads));
            ImGui::TableNextColumn();
            ImGui::Text("%llu", static_cast<unsigned long long>(r.handoff));
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(percent(r.precision()).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(percent(r.recall()).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(percent(r.leakage()).c_str());
        }
        ImGui::EndTable();
    }
}

void draw_preview(App& app) {
    Playground& pg = app.pg;
    const auto& spec = pg.model().spec();
    auto& answers = pg.preview_answers();
    for (int q = 0; q < static_cast<int>(spec.questions.size()); ++q) {
        const auto& question = spec.questions[static_cast<std::size_t>(q)];
        auto& a = answers.values[static_cast<std::size_t>(q)];
        ImGui::PushID(1000 + q);
        if (question.type == ripen::QuestionType::single) {
            const char* current = a.option >= 0 ? question.options[static_cast<std::size_t>(a.option)].value.c_str() : "(open)";
            if (ImGui::BeginCombo(question.id.c_str(), current)) {
                if (ImGui::Selectable("(open)", a.option < 0)) a = ripen::Answer{};
                for (int o = 0; o < static_cast<int>(question.options.size()); ++o)
                    if (ImGui::Selectable(question.options[static_cast<std::size_t>(o)].value.c_str(), a.option == o)) {
                        ripen::Issue ignored;
                        ripen::set_answer_text(pg.model(), q, question.options[static_cast<std::size_t>(o)].value, a, ignored);
                    }
                ImGui::EndCombo();
            }
        } else {
            auto& buffer = app.preview_text[q % 64];
            if (buffer.empty()) buffer.assign(128, '\0');
            if (ImGui::InputText(question.id.c_str(), buffer.data(), buffer.size())) {
                ripen::Issue ignored;
                ripen::Answer next;
                if (!ripen::set_answer_text(pg.model(), q, buffer.data(), next, ignored)) next = ripen::Answer{};
                a = next;
            }
        }
        ImGui::PopID();
    }
    ImGui::Checkbox("Form finished (open questions count as declined)", &pg.preview_complete());
    auto decision = pg.preview_decision();
    ImGui::Text("Route: %s | total %d of %d | could still reach [%d, %d]", std::string(ripen::to_string(decision.route)).c_str(), decision.total,
                decision.max, decision.lo, decision.hi);
    ImGui::TextWrapped("%s", pg.preview_explanation().c_str());
}

void draw_assist(App& app) {
    Playground& pg = app.pg;
    if (ImGui::Button("Undo") && pg.can_undo()) app.timed([&] { pg.undo(); });
    ImGui::SameLine();
    if (ImGui::Button("Redo") && pg.can_redo()) app.timed([&] { pg.redo(); });
    ImGui::SameLine();
    if (ImGui::Button("Export model")) export_model(app);
    if (!app.status.empty()) ImGui::TextWrapped("%s", app.status.c_str());

    if (ImGui::CollapsingHeader("Threshold suggestions", ImGuiTreeNodeFlags_DefaultOpen)) {
        ImGui::SliderFloat("target precision", &app.target_precision, 0.05f, 1.0f, "%.2f");
        auto precise = pg.suggest_for_precision(app.target_precision);
        if (precise.found) {
            ImGui::TextWrapped("Hand off at %d: %llu hand-offs, precision %s, recall %s", precise.at.threshold,
                               static_cast<unsigned long long>(precise.at.counts.handoff), percent(precise.at.counts.precision()).c_str(),
                               percent(precise.at.counts.recall()).c_str());
            if (ImGui::Button("Apply##precision")) app.timed([&] { pg.apply_threshold(precise); });
        } else {
            ImGui::TextWrapped("%s", precise.reason.c_str());
        }
        ImGui::InputInt("sales capacity (hand-offs)", &app.capacity);
        auto fits = pg.suggest_for_capacity(app.capacity);
        if (fits.found) {
            ImGui::TextWrapped("Hand off at %d: %llu hand-offs, precision %s", fits.at.threshold, static_cast<unsigned long long>(fits.at.counts.handoff),
                               percent(fits.at.counts.precision()).c_str());
            if (ImGui::Button("Apply##capacity")) app.timed([&] { pg.apply_threshold(fits); });
        } else {
            ImGui::TextWrapped("%s", fits.reason.c_str());
        }
    }
    if (ImGui::CollapsingHeader("Fit points from outcomes", ImGuiTreeNodeFlags_DefaultOpen)) {
        if (ImGui::Button("Fit")) {
            auto result = pg.fit();
            app.fit_error.clear();
            app.fitted.reset();
            if (result.ok()) app.fitted = std::move(*result.value);
            else app.fit_error = result.issues.empty() ? "the fit failed" : result.issues[0].message;
        }
        if (!app.fit_error.empty()) ImGui::TextWrapped("%s", app.fit_error.c_str());
        if (app.fitted) {
            const auto& f = *app.fitted;
            ImGui::Text("holdout AUC: before %.3f, fitted %.3f, regression %.3f", f.auc_before_holdout, f.auc_holdout, f.lr_auc_holdout);
            // As ripen fit says them: a fit that ranks worse, and the answers held back for their few leads.
            if (f.holdout > 0 && f.auc_holdout < f.auc_before_holdout)
                ImGui::TextWrapped("The fitted points rank the held-out leads worse than the model's own: keep the model or load more leads.");
            if (f.capped_rare)
                ImGui::TextWrapped("%llu rare answers (fewer than %llu leads) held to at most 1 point.", static_cast<unsigned long long>(f.capped_rare),
                                   static_cast<unsigned long long>(ripen::FitOptions::kDefaultMinSupport));
            if (ImGui::Button("Apply fitted points")) app.timed([&] { pg.apply_fitted_points(f); });
            ImGui::TextWrapped("%s", f.diff.c_str());
        }
    }
    if (ImGui::CollapsingHeader("Changes against the loaded model")) {
        std::string diff = pg.diff();
        ImGui::TextWrapped("%s", diff.empty() ? "(none)" : diff.c_str());
    }
    if (ImGui::CollapsingHeader("Data and mapping")) {
        const auto& stats = pg.import_stats();
        ImGui::TextWrapped("%s: %llu rows, %llu imported, %llu bad, %llu converted", pg.data_name().c_str(),
                           static_cast<unsigned long long>(stats.rows), static_cast<unsigned long long>(stats.imported),
                           static_cast<unsigned long long>(stats.bad_rows), static_cast<unsigned long long>(stats.converted));
        for (const auto& [column, values] : stats.unmapped) {
            std::string line = "Unmapped in " + column + ":";
            for (const auto& [value, n] : values) line += " \"" + value + "\" x" + std::to_string(n);
            ImGui::TextWrapped("%s", line.c_str());
        }
        ImGui::InputInt("sample size", &app.sample_count);
        if (ImGui::Button("Generate sample")) app.timed([&] { pg.generate(static_cast<std::size_t>(std::max(1, app.sample_count)), 1); });
#ifdef __EMSCRIPTEN__
        ImGui::SameLine();
        if (ImGui::Button("Load leads (CSV)")) js_open_file("data");
        ImGui::SameLine();
        if (ImGui::Button("Load model")) js_open_file("model");
#endif
        if (!pg.mapping().columns.empty()) {
            ImGui::TextUnformatted("Mapping (edit, then re-import):");
            ImGui::InputTextMultiline("##mapping", app.mapping_buffer.data(), app.mapping_buffer.size(), ImVec2(-1, 200));
            if (ImGui::Button("Re-import with this mapping")) {
                auto issues = pg.set_mapping(app.mapping_buffer.data());
                app.status = issues.empty() ? "Re-imported" : pg.last_error();
            }
        }
    }
    if (ImGui::CollapsingHeader("Preview one lead")) draw_preview(app);
}

void frame(App& app) {
    Playground& pg = app.pg;
    // A native file being read: one piece per frame, so the progress bar moves.
    if (app.pending) {
        std::vector<char> buffer(kChunk);
        std::size_t n = std::fread(buffer.data(), 1, buffer.size(), app.pending);
        if (n > 0) pg.feed(std::string_view(buffer.data(), n));
        if (n < buffer.size() || !pg.importing()) {
            std::fclose(app.pending);
            app.pending = nullptr;
            if (pg.importing()) pg.finish_import();
            app.sync_mapping_text();
        }
    }
    ImGuiIO& io = ImGui::GetIO();
    if (io.KeyCtrl && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Z)) && pg.can_undo()) app.timed([&] { pg.undo(); });
    if (io.KeyCtrl && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Y)) && pg.can_redo()) app.timed([&] { pg.redo(); });

    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    ImGui::Begin("Ripen playground", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoBringToFrontOnFocus);
    ImGui::Text("Ripen scoring playground - tune the lead definition on historical leads");
    if (pg.importing()) {
        ImGui::ProgressBar(static_cast<float>(pg.import_progress()), ImVec2(-1, 0), "importing leads...");
    }
    if (!pg.last_error().empty()) ImGui::TextColored(ImVec4(0.8f, 0.1f, 0.1f, 1), "%s", pg.last_error().c_str());
    const float width = ImGui::GetContentRegionAvail().x;
    // Sliders and inputs stop short of the panel's edge by the room their labels need
    // ("timeframe (max 3)", "sales capacity (hand-offs)"); ImGui's default width clipped them.
    const float font = ImGui::GetFontSize();
    ImGui::BeginChild("definition", ImVec2(width * 0.28f, 0), true);
    ImGui::PushItemWidth(-font * 9.5f);
    draw_definition(app);
    ImGui::PopItemWidth();
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("results", ImVec2(width * 0.42f, 0), true);
    draw_results(app);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("assist", ImVec2(0, 0), true);
    ImGui::PushItemWidth(-font * 14.0f);
    draw_assist(app);
    ImGui::PopItemWidth();
    ImGui::EndChild();
    ImGui::End();
}

GLFWwindow* g_window = nullptr;

void render_once() {
#ifdef __EMSCRIPTEN__
    // The canvas fills the page: follow its CSS size.
    double css_w = 0, css_h = 0;
    emscripten_get_element_css_size("#canvas", &css_w, &css_h);
    int w = 0, h = 0;
    glfwGetWindowSize(g_window, &w, &h);
    if (static_cast<int>(css_w) != w || static_cast<int>(css_h) != h) glfwSetWindowSize(g_window, static_cast<int>(css_w), static_cast<int>(css_h));
#endif
    glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    frame(*g_app);
    ImGui::Render();
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(g_window, &fw, &fh);
    glViewport(0, 0, fw, fh);
    glClearColor(0.94f, 0.95f, 0.96f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    glfwSwapBuffers(g_window);
}

bool save_screenshot(const std::string& path) {
    int w = 0, h = 0;
    glfwGetFramebufferSize(g_window, &w, &h);
    std::vector<std::uint8_t> pixels(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 4);
    glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    // OpenGL's rows run bottom up.
    std::vector<std::uint8_t> flipped(pixels.size());
    const std::size_t stride = static_cast<std::size_t>(w) * 4;
    for (int y = 0; y < h; ++y)
        std::memcpy(flipped.data() + static_cast<std::size_t>(y) * stride, pixels.data() + static_cast<std::size_t>(h - 1 - y) * stride, stride);
    std::string png = ripen::playground::encode_png(flipped, w, h);
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return false;
    std::fwrite(png.data(), 1, png.size(), f);
    return std::fclose(f) == 0;
}

std::string read_file(const std::string& path, bool& ok) {
    std::string out;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    ok = f != nullptr;
    if (!f) return out;
    char buffer[65536];
    std::size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) out.append(buffer, n);
    std::fclose(f);
    return out;
}

}  // namespace

// ---- JavaScript hooks: the page's file picker and drop zone, and the browser tests -------------

#ifdef __EMSCRIPTEN__
namespace hooks {

std::string load_model(std::string text, std::string name) {
    std::string errors;
    for (const auto& i : g_app->pg.load_model(text, name)) errors += ripen::format_issue(i) + "\n";
    g_app->sync_mapping_text();
    return errors;
}
void generate(int count, int seed) { g_app->timed([&] { g_app->pg.generate(static_cast<std::size_t>(count), static_cast<std::uint64_t>(seed)); }); }
void begin_import(std::string name, double size, std::string mapping) {
    g_app->pg.begin_import(name, static_cast<std::uint64_t>(size), mapping.empty() ? std::nullopt : std::optional<std::string>(mapping));
}
bool feed(std::string chunk) { return g_app->pg.feed(chunk); }
bool finish_import() {
    bool ok = g_app->pg.finish_import();
    g_app->sync_mapping_text();
    return ok;
}
double import_progress() { return g_app->pg.importing() ? g_app->pg.import_progress() : 1.0; }
bool set_weight(std::string criterion, int weight) {
    const auto& criteria = g_app->pg.model().spec().criteria;
    for (std::size_t c = 0; c < criteria.size(); ++c)
        if (criteria[c].id == criterion) {
            g_app->timed([&] { g_app->pg.set_weight(static_cast<int>(c), weight); });
            return true;
        }
    return false;
}
bool set_points(std::string question, std::string option, std::string criterion, int points) {
    const auto& spec = g_app->pg.model().spec();
    int q = g_app->pg.model().question_index(question);
    if (q < 0) return false;
    const auto& item = spec.questions[static_cast<std::size_t>(q)];
    int k = -1;
    for (std::size_t o = 0; o < item.options.size(); ++o)
        if (item.options[o].value == option) k = static_cast<int>(o);
    for (std::size_t b = 0; b < item.bands.size(); ++b)
        if ((item.bands[b].from ? ripen::to_string(*item.bands[b].from) : std::string("lowest")) == option) k = static_cast<int>(b);
    for (std::size_t c = 0; c < spec.criteria.size() && k >= 0; ++c)
        if (spec.criteria[c].id == criterion) {
            g_app->timed([&] { g_app->pg.set_points(q, k, static_cast<int>(c), points); });
            return true;
        }
    return false;
}
void set_threshold(int t) { g_app->timed([&] { g_app->pg.set_threshold(t); }); }
bool set_rule_level(std::string rule, int level) {
    const auto& rules = g_app->pg.model().spec().rules;
    for (std::size_t r = 0; r < rules.size(); ++r)
        if (rules[r].id == rule && g_app->pg.rule_level(static_cast<int>(r))) {
            g_app->timed([&] { g_app->pg.set_rule_level(static_cast<int>(r), level); });
            return true;
        }
    return false;
}
bool undo() { return g_app->pg.undo(); }
bool redo() { return g_app->pg.redo(); }
std::string metrics() { return ripen::json::to_string(ripen::metrics_to_json(g_app->pg.model(), g_app->pg.metrics()), 2); }
double rescore_count() { return static_cast<double>(g_app->pg.rescore_count()); }
double last_update_ms() { return g_app->last_update_ms; }
double leads() { return static_cast<double>(g_app->pg.leads()); }
std::string export_model() { return g_app->pg.export_model(); }
std::string diff() { return g_app->pg.diff(); }
std::string last_error() { return g_app->pg.last_error(); }
std::string mapping() { return g_app->pg.mapping_json(); }

// One column of the leads as a weight move reads them, for the arquero comparison in
// bench/playground_rescore.mjs: a criterion id (its points per lead before clamping),
// "segment", "outcome" or "flags". A view into memory kept until the next call: copy it.
emscripten::val lead_column(std::string name) {
    static std::vector<std::int32_t> column;
    column.clear();
    const ripen::LeadTable* table = g_app->pg.lead_table();
    const int criterion = g_app->pg.model().criterion_index(name);
    if (table && criterion >= 0) {
        column = g_app->pg.criterion_sums(criterion);
    } else if (table && name == "segment") {
        for (std::size_t i = 0; i < table->size(); ++i) column.push_back(table->segment(i));
    } else if (table && name == "outcome") {
        column.assign(table->outcomes().begin(), table->outcomes().end());
    } else if (table && name == "flags") {
        column.assign(g_app->pg.result().flags.begin(), g_app->pg.result().flags.end());
    }
    return emscripten::val(emscripten::typed_memory_view(column.size(), column.data()));
}
}  // namespace hooks

EMSCRIPTEN_BINDINGS(ripen_playground) {
    emscripten::function("loadModel", &hooks::load_model);
    emscripten::function("generate", &hooks::generate);
    emscripten::function("beginImport", &hooks::begin_import);
    emscripten::function("feed", &hooks::feed);
    emscripten::function("finishImport", &hooks::finish_import);
    emscripten::function("importProgress", &hooks::import_progress);
    emscripten::function("setWeight", &hooks::set_weight);
    emscripten::function("setPoints", &hooks::set_points);
    emscripten::function("setThreshold", &hooks::set_threshold);
    emscripten::function("setRuleLevel", &hooks::set_rule_level);
    emscripten::function("undo", &hooks::undo);
    emscripten::function("redo", &hooks::redo);
    emscripten::function("metrics", &hooks::metrics);
    emscripten::function("rescoreCount", &hooks::rescore_count);
    emscripten::function("lastUpdateMs", &hooks::last_update_ms);
    emscripten::function("leads", &hooks::leads);
    emscripten::function("exportModel", &hooks::export_model);
    emscripten::function("diff", &hooks::diff);
    emscripten::function("lastError", &hooks::last_error);
    emscripten::function("mapping", &hooks::mapping);
    emscripten::function("leadColumn", &hooks::lead_column);
}
#endif

int main(int argc, char** argv) {
    std::string model_path, data_path, map_path, screenshot;
    int frames = 3, width = 1400, height = 900;
    static App app;
    g_app = &app;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&](std::string& out) {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "ripen-playground: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            out = argv[++i];
        };
        std::string number;
        if (a == "--model") value(model_path);
        else if (a == "--data") value(data_path);
        else if (a == "--map") value(map_path);
        else if (a == "--out") value(app.export_path);
        else if (a == "--screenshot") value(screenshot);
        else if (a == "--frames") { value(number); frames = std::max(1, std::atoi(number.c_str())); }
        else if (a == "--size") { value(number); std::sscanf(number.c_str(), "%dx%d", &width, &height); }
        else if (a == "--help") {
            std::printf(
                "Usage: ripen-playground [--model MODEL] [--data CSV [--map MAP]] [--out FILE]\n"
                "                        [--screenshot PNG [--frames N]] [--size WxH]\n"
                "\n"
                "Tune a lead definition on historical leads: weights, points, thresholds and rules,\n"
                "with metrics re-computed on every change. Without --model the default model is\n"
                "loaded; without --data, %zu generated leads. Export writes --out (default\n"
                "tuned-model.json). --screenshot renders N frames, saves a PNG and exits.\n",
                kStartSample);
            return 0;
        } else {
            std::fprintf(stderr, "ripen-playground: unknown argument %s (try --help)\n", a.c_str());
            return 2;
        }
    }

    bool ok = true;
    std::string model_text = model_path.empty() ? std::string(kDefaultModel) : read_file(model_path, ok);
    if (!ok) {
        std::fprintf(stderr, "ripen-playground: cannot read %s\n", model_path.c_str());
        return 2;
    }
    auto issues = app.pg.load_model(model_text, model_path.empty() ? "default model" : model_path);
    if (!issues.empty()) {
        std::fprintf(stderr, "ripen-playground: %s", app.pg.last_error().c_str());
        return 1;
    }
    app.pg.generate(kStartSample, 1);
    if (!data_path.empty()) {
        std::optional<std::string> mapping;
        if (!map_path.empty()) {
            mapping = read_file(map_path, ok);
            if (!ok) {
                std::fprintf(stderr, "ripen-playground: cannot read %s\n", map_path.c_str());
                return 2;
            }
        }
        app.pending = std::fopen(data_path.c_str(), "rb");
        if (!app.pending) {
            std::fprintf(stderr, "ripen-playground: cannot read %s\n", data_path.c_str());
            return 2;
        }
        std::fseek(app.pending, 0, SEEK_END);
        long size = std::ftell(app.pending);
        std::fseek(app.pending, 0, SEEK_SET);
        app.pg.begin_import(data_path, static_cast<std::uint64_t>(std::max(0L, size)), mapping);
    }
    app.sync_mapping_text();

    if (!glfwInit()) {
        std::fprintf(stderr, "ripen-playground: cannot initialise GLFW (no display?)\n");
        return 1;
    }
#ifdef __EMSCRIPTEN__
    const char* glsl = "#version 300 es";
    glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
#else
    const char* glsl = "#version 130";
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
#endif
    g_window = glfwCreateWindow(width, height, "Ripen playground", nullptr, nullptr);
    if (!g_window) {
        std::fprintf(stderr, "ripen-playground: cannot open a window with OpenGL 3\n");
        glfwTerminate();
        return 1;
    }
    glfwMakeContextCurrent(g_window);
    glfwSwapInterval(1);
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;  // nothing written beside the user's files
    ImGui::StyleColorsLight();
    ImGui::GetStyle().FrameRounding = 3;
    ImGui_ImplGlfw_InitForOpenGL(g_window, true);
    ImGui_ImplOpenGL3_Init(glsl);

#ifdef __EMSCRIPTEN__
    emscripten_set_main_loop(render_once, 0, false);
    return 0;
#else
    int rendered = 0;
    while (!glfwWindowShouldClose(g_window)) {
        render_once();
        // For a screenshot, wait until a --data file has been read in full.
        if (!screenshot.empty() && !app.pending && ++rendered >= frames) {
            bool saved = save_screenshot(screenshot);
            if (!saved) std::fprintf(stderr, "ripen-playground: cannot write %s\n", screenshot.c_str());
            else std::printf("wrote %s\n", screenshot.c_str());
            break;
        }
    }
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(g_window);
    glfwTerminate();
    return 0;
#endif
}
