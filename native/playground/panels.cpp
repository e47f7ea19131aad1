// The definition editor (threshold, segments, weights, rules, points per answer, by their
// labels), the assistant (threshold suggestions, fitting points from outcomes), the changes in
// plain sentences, and one lead previewed.
#include <algorithm>
#include <cfloat>
#include <functional>

#include "ui.hpp"

namespace ripen::playground::ui {

namespace {

const ImGuiTableFlags kRows = ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_RowBg;

// A row of a label / control table: the label wraps, the control takes the rest of the row.
void label_cell(const std::string& label) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::AlignTextToFramePadding();
    ImGui::TextWrapped("%s", label.c_str());
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(-FLT_MIN);
}

// A slider whose drag is one undo step; `apply` runs for every value it passes.
void slider(App& app, const char* id, int value, int lo, int hi, const std::function<void(int)>& apply, const char* format = "%d") {
    int v = value;
    const bool changed = ImGui::SliderInt(id, &v, lo, hi, format);
    gesture_begin(app);
    if (changed) app.timed([&] { apply(v); });
    gesture_end(app);
}

std::string points_words(const Model& model, const std::vector<int>& points, std::size_t base) {
    const std::size_t C = model.spec().criteria.size();
    std::string out;
    for (std::size_t c = 0; c < C && base + c < points.size(); ++c)
        if (points[base + c]) out += (out.empty() ? "" : ", ") + std::to_string(points[base + c]) + " " + criterion_label(model, static_cast<int>(c));
    return out.empty() ? "no points" : out;
}

}  // namespace

std::vector<std::string> change_sentences(const Model& model, const Scoring& before, const Scoring& after) {
    const auto& spec = model.spec();
    const std::size_t C = spec.criteria.size();
    std::vector<std::string> out;
    for (std::size_t c = 0; c < C; ++c)
        if (before.weights[c] != after.weights[c])
            out.push_back(criterion_label(model, static_cast<int>(c)) + " now counts " + std::to_string(after.weights[c]) + " times instead of " +
                          std::to_string(before.weights[c]) + " (its weight).");
    if (before.handoff_at != after.handoff_at)
        out.push_back("Leads go to sales from a total of " + std::to_string(after.handoff_at) + " instead of " + std::to_string(before.handoff_at) + ".");
    for (std::size_t s = 0; s < spec.segments.size(); ++s) {
        const int was = before.segment_handoff_at[s], now = after.segment_handoff_at[s];
        if (was == now) continue;
        const std::string name = segment_label(model, static_cast<int>(s));
        if (now < 0) out.push_back(name + " uses the model's threshold again instead of its own " + std::to_string(was) + ".");
        else out.push_back(name + " goes to sales from a total of " + std::to_string(now) + (was < 0 ? " (it used the model's threshold)." : " instead of " + std::to_string(was) + "."));
    }
    for (std::size_t r = 0; r < spec.rules.size(); ++r) {
        const std::string name = std::string(spec.rules[r].kind == RuleKind::gate ? "The gate \"" : "The knock-out \"") + rule_label(model, static_cast<int>(r)) + "\"";
        if (before.rule_enabled[r] != after.rule_enabled[r]) out.push_back(name + (after.rule_enabled[r] ? " is back on." : " is turned off."));
        if (r < before.rule_level.size() && r < after.rule_level.size() && before.rule_level[r] != after.rule_level[r])
            out.push_back(name + " now compares with " + std::to_string(after.rule_level[r]) + " instead of " + std::to_string(before.rule_level[r]) + ".");
    }
    for (std::size_t q = 0; q < spec.questions.size(); ++q)
        for (std::size_t k = 0; (k + 1) * C <= before.option_points[q].size() && k * C < after.option_points[q].size(); ++k) {
            std::string was = points_words(model, before.option_points[q], k * C), now = points_words(model, after.option_points[q], k * C);
            if (was != now)
                out.push_back(question_label(model, static_cast<int>(q)) + " \"" + answer_label(model, static_cast<int>(q), static_cast<int>(k)) + "\" gives " + now +
                              " instead of " + was + ".");
        }
    for (std::size_t s = 0; s < spec.signals.size(); ++s) {
        std::string was = points_words(model, before.signal_points[s], 0), now = points_words(model, after.signal_points[s], 0);
        std::string label(spec.signals[s].label.in(""));
        if (was != now) out.push_back("The signal \"" + (label.empty() ? spec.signals[s].id : label) + "\" gives " + now + " instead of " + was + ".");
    }
    return out;
}

void draw_definition(App& app) {
    Playground& pg = app.pg;
    const Model& model = pg.model();
    const auto& spec = model.spec();
    const auto& scoring = pg.scoring();
    const int C = static_cast<int>(spec.criteria.size());
    std::string name(spec.name.in(""));
    ImGui::PushFont(bold_font());
    ImGui::TextWrapped("%s", name.empty() ? pg.model_name().c_str() : name.c_str());
    ImGui::PopFont();
    std::string file = pg.model_name().substr(pg.model_name().find_last_of('/') == std::string::npos ? 0 : pg.model_name().find_last_of('/') + 1);
    ImGui::TextDisabled("%s, version %s", file.c_str(), spec.version.c_str());
    if (ImGui::BeginTable("threshold", 2, kRows)) {
        ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthStretch, 1.2f);
        ImGui::TableSetupColumn("control", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        label_cell("Hand off at a total of");
        slider(app, "##handoff", scoring.handoff_at, 0, scoring.max_total(), [&](int v) { pg.set_threshold(v); });
        app.remember("handoff");
        ImGui::SetItemDefaultFocus();
        tooltip("A lead whose total reaches this goes to sales now (unless a knock-out or a gate says otherwise); below it, nurture.");
        ImGui::EndTable();
    }
    if (!spec.segments.empty() && ImGui::TreeNodeEx("Segments: their own thresholds", ImGuiTreeNodeFlags_DefaultOpen)) {
        if (ImGui::BeginTable("segments", 2, kRows)) {
            ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthStretch, 1.2f);
            ImGui::TableSetupColumn("control", ImGuiTableColumnFlags_WidthStretch, 1.0f);
            for (int s = 0; s < static_cast<int>(spec.segments.size()); ++s) {
                ImGui::PushID(s);
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                bool own = scoring.segment_handoff_at[static_cast<std::size_t>(s)] >= 0;
                if (ImGui::Checkbox("##own", &own)) app.timed([&] { pg.set_segment_threshold(s, own ? scoring.handoff_at : -1); });
                tooltip("Ticked: this segment has its own hand-off threshold. Unticked: it uses the model's.");
                ImGui::SameLine();
                ImGui::TextWrapped("%s", segment_label(model, s).c_str());
                ImGui::TableNextColumn();
                ImGui::SetNextItemWidth(-FLT_MIN);
                if (!own) ImGui::BeginDisabled();
                slider(app, "##t", scoring.threshold(s), 0, scoring.max_total(), [&](int v) { pg.set_segment_threshold(s, v); });
                if (!own) ImGui::EndDisabled();
                ImGui::PopID();
            }
            ImGui::EndTable();
        }
        ImGui::TreePop();
    }
    if (ImGui::TreeNodeEx("How much each criterion counts", ImGuiTreeNodeFlags_DefaultOpen)) {
        if (ImGui::BeginTable("weights", 2, kRows)) {
            ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthStretch, 1.2f);
            ImGui::TableSetupColumn("control", ImGuiTableColumnFlags_WidthStretch, 1.0f);
            for (int c = 0; c < C; ++c) {
                ImGui::PushID(c);
                label_cell(criterion_label(model, c) + " (up to " + std::to_string(scoring.maxima[static_cast<std::size_t>(c)]) + " points)");
                slider(app, "##w", scoring.weights[static_cast<std::size_t>(c)], 0, 5, [&](int v) { pg.set_weight(c, v); }, "weight %d");
                tooltip("The criterion's points are multiplied by its weight in the total. 0 leaves it out.");
                ImGui::PopID();
            }
            ImGui::EndTable();
        }
        ImGui::TreePop();
    }
    if (!spec.rules.empty() && ImGui::TreeNodeEx("Knock-outs and gates", ImGuiTreeNodeFlags_DefaultOpen)) {
        for (int r = 0; r < static_cast<int>(spec.rules.size()); ++r) {
            ImGui::PushID(100 + r);
            bool on = scoring.rule_enabled[static_cast<std::size_t>(r)] != 0;
            const auto& rule = spec.rules[static_cast<std::size_t>(r)];
            std::string label = std::string(rule.kind == RuleKind::knockout ? "Knock-out: " : "Gate: ") + rule_label(model, r);
            if (ImGui::Checkbox("##on", &on)) app.timed([&] { pg.set_rule_enabled(r, on); });
            tooltip(rule.kind == RuleKind::knockout ? "A knock-out disqualifies a lead whatever its score. Untick to see the numbers without it."
                                                    : "A gate lets a lead go to sales only when it holds; otherwise the lead is nurtured. Untick to see the numbers without it.");
            ImGui::SameLine();
            ImGui::TextWrapped("%s", label.c_str());
            if (auto level = pg.rule_level(r)) {  // "authority >= 2": the level moves like points
                const int criterion = model.criterion_index(level->subject);
                const std::string subject = criterion >= 0 ? criterion_label(model, criterion) : std::string("total");
                const std::string format = subject + " " + level->comparison + " %d";
                ImGui::Indent();
                ImGui::SetNextItemWidth(-FLT_MIN);
                slider(app, "##level", scoring.rule_level[static_cast<std::size_t>(r)], 0, level->max, [&](int v) { pg.set_rule_level(r, v); }, format.c_str());
                ImGui::Unindent();
            }
            ImGui::PopID();
        }
        ImGui::TreePop();
    }
    ImGui::Spacing();
    heading("Points per answer");
    help_marker("What each answer adds to a criterion. Open a question to change its points; the numbers update as you drag.");
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
                if ((points[static_cast<std::size_t>(k * C + c)] || loaded[static_cast<std::size_t>(k * C + c)]) && std::find(used.begin(), used.end(), c) == used.end())
                    used.push_back(c);
        if (used.empty()) continue;
        ImGui::PushID(200 + q);
        if (ImGui::CollapsingHeader(question_label(model, q).c_str()) && ImGui::BeginTable("points", 2, kRows)) {
            ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthStretch, 1.2f);
            ImGui::TableSetupColumn("control", ImGuiTableColumnFlags_WidthStretch, 1.0f);
            for (int k = 0; k < items; ++k)
                for (int c : used) {
                    ImGui::PushID(k * 64 + c);
                    const int max = scoring.maxima[static_cast<std::size_t>(c)];
                    label_cell(answer_label(model, q, k) + (used.size() > 1 ? " · " + criterion_label(model, c) : ""));
                    const std::string format = "%d " + criterion_label(model, c);
                    slider(app, "##p", points[static_cast<std::size_t>(k * C + c)], -max, max, [&](int v) { pg.set_points(q, k, c, v); }, format.c_str());
                    ImGui::PopID();
                }
            ImGui::EndTable();
        }
        (void)question;
        ImGui::PopID();
    }
}

void draw_changes(App& app) {
    auto sentences = change_sentences(app.pg.model(), app.pg.loaded_scoring(), app.pg.scoring());
    if (sentences.empty()) {
        ImGui::TextDisabled("Nothing changed yet: the model is as loaded.");
        return;
    }
    for (const auto& s : sentences) {
        ImGui::Bullet();
        ImGui::TextWrapped("%s", s.c_str());
    }
}

void draw_assist(App& app) {
    Playground& pg = app.pg;
    const float font = ImGui::GetFontSize();
    if (ImGui::Button("Undo") && pg.can_undo()) app.timed([&] { pg.undo(); });
    tooltip("Ctrl+Z: takes back the last change (a whole drag or typed value at once).");
    ImGui::SameLine();
    if (ImGui::Button("Redo") && pg.can_redo()) app.timed([&] { pg.redo(); });
    tooltip("Ctrl+Y");
    ImGui::SameLine();
    if (ImGui::Button("Export model")) export_model(app);
    tooltip("Download the tuned model: a new version with a note of the data it was tuned on. The form and ripen report read it as it is.");
    if (!app.status.empty()) ImGui::TextWrapped("%s", app.status.c_str());

    if (ImGui::CollapsingHeader("Changes against the loaded model", ImGuiTreeNodeFlags_DefaultOpen)) draw_changes(app);
    if (ImGui::CollapsingHeader("Suggest a threshold", ImGuiTreeNodeFlags_DefaultOpen)) {
        float target = app.target_precision * 100.0f;
        ImGui::TextUnformatted("Precision to reach");
        help_marker("The lowest threshold whose hand-offs convert at this rate or better.");
        ImGui::SetNextItemWidth(-FLT_MIN);
        if (ImGui::SliderFloat("##target", &target, 5.0f, 100.0f, "%.0f %%")) app.target_precision = target / 100.0f;
        auto precise = pg.suggest_for_precision(app.target_precision);
        if (precise.found) {
            ImGui::TextWrapped("Hand off from %d: %s hand-offs, %s precision, %s recall.", precise.at.threshold, thousands(precise.at.counts.handoff).c_str(),
                               percent(precise.at.counts.precision()).c_str(), percent(precise.at.counts.recall()).c_str());
            if (ImGui::Button("Use this threshold##precision")) app.timed([&] { pg.apply_threshold(precise); });
        } else {
            ImGui::TextWrapped("%s", precise.reason.c_str());
        }
        ImGui::Spacing();
        ImGui::TextUnformatted("Hand-offs sales can take");
        help_marker("In the period your data covers: the threshold with the most hand-offs within it.");
        ImGui::SetNextItemWidth(-FLT_MIN);
        ImGui::InputInt("##capacity", &app.capacity, 50, 500);
        app.capacity = std::max(1, app.capacity);
        auto fits = pg.suggest_for_capacity(app.capacity);
        if (fits.found) {
            ImGui::TextWrapped("Hand off from %d: %s hand-offs, %s precision.", fits.at.threshold, thousands(fits.at.counts.handoff).c_str(), percent(fits.at.counts.precision()).c_str());
            if (ImGui::Button("Use this threshold##capacity")) app.timed([&] { pg.apply_threshold(fits); });
        } else {
            ImGui::TextWrapped("%s", fits.reason.c_str());
        }
    }
    if (ImGui::CollapsingHeader("Fit points from outcomes", ImGuiTreeNodeFlags_DefaultOpen)) {
        ImGui::TextWrapped("Learns each answer's points from which leads converted, on 80 %% of them, and checks the result on the other 20 %%.");
        if (ImGui::Button("Fit points", ImVec2(font * 8.0f, 0))) {
            auto result = pg.fit();
            app.fit_error.clear();
            app.fitted.reset();
            if (result.ok()) app.fitted = std::move(*result.value);
            else app.fit_error = result.issues.empty() ? "the fit failed" : result.issues[0].message;
        }
        if (!app.fit_error.empty()) ImGui::TextColored(kWarningText, "%s", app.fit_error.c_str());
        if (app.fitted) {
            const auto& f = *app.fitted;
            ImGui::TextWrapped("On the %s leads held back, the fitted points rank converting leads above the others with an AUC of %s, against %s for the "
                               "model as it is (a free regression reaches %s).",
                               thousands(f.holdout).c_str(), fixed(f.auc_holdout, 3).c_str(), fixed(f.auc_before_holdout, 3).c_str(), fixed(f.lr_auc_holdout, 3).c_str());
            if (f.holdout > 0 && f.auc_holdout < f.auc_before_holdout)
                ImGui::TextColored(kWarningText, "The fitted points rank the held-out leads worse than the model's own: keep the model or load more leads.");
            if (f.capped_rare)
                ImGui::TextWrapped("%s rare answers (fewer than %s leads) are held to at most 1 point.", thousands(f.capped_rare).c_str(),
                                   thousands(FitOptions::kDefaultMinSupport).c_str());
            if (ImGui::Button("Use the fitted points")) app.timed([&] { pg.apply_fitted_points(f); });
            tooltip("One step: Undo takes it back.");
        }
    }
    if (ImGui::CollapsingHeader("Preview one lead")) draw_preview(app);
}

void draw_preview(App& app) {
    Playground& pg = app.pg;
    const Model& model = pg.model();
    const auto& spec = model.spec();
    auto& answers = pg.preview_answers();
    if (ImGui::BeginTable("preview", 2, kRows)) {
        ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthStretch, 1.2f);
        ImGui::TableSetupColumn("control", ImGuiTableColumnFlags_WidthStretch, 1.0f);
        for (int q = 0; q < static_cast<int>(spec.questions.size()); ++q) {
            const auto& question = spec.questions[static_cast<std::size_t>(q)];
            auto& a = answers.values[static_cast<std::size_t>(q)];
            ImGui::PushID(1000 + q);
            label_cell(question_label(model, q));
            if (question.type == QuestionType::single) {
                std::string current = a.option >= 0 ? answer_label(model, q, a.option) : "(not answered)";
                if (ImGui::BeginCombo("##answer", current.c_str())) {
                    if (ImGui::Selectable("(not answered)", a.option < 0)) a = Answer{};
                    for (int o = 0; o < static_cast<int>(question.options.size()); ++o)
                        if (ImGui::Selectable(answer_label(model, q, o).c_str(), a.option == o)) {
                            Issue ignored;
                            set_answer_text(model, q, question.options[static_cast<std::size_t>(o)].value, a, ignored);
                        }
                    ImGui::EndCombo();
                }
            } else {
                auto& buffer = app.preview_text[q % 64];
                if (buffer.empty()) buffer.assign(128, '\0');
                if (ImGui::InputText("##answer", buffer.data(), buffer.size())) {
                    Issue ignored;
                    Answer next;
                    if (!set_answer_text(model, q, buffer.data(), next, ignored)) next = Answer{};
                    a = next;
                }
            }
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    ImGui::Checkbox("The form is finished (open questions count as declined)", &pg.preview_complete());
    auto decision = pg.preview_decision();
    const char* route = decision.route == Route::handoff ? "Hand off to sales now" : decision.route == Route::nurture ? "Nurture" : decision.route == Route::disqualify ? "Disqualify" : "Not decided yet";
    ImGui::PushFont(bold_font());
    ImGui::TextWrapped("%s: total %d of %d (could still reach %d to %d)", route, decision.total, decision.max, decision.lo, decision.hi);
    ImGui::PopFont();
    ImGui::TextWrapped("%s", pg.preview_explanation().c_str());
}

}  // namespace ripen::playground::ui
