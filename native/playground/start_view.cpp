// The first screen (two obvious paths: your leads, or sample leads), the warnings that say when
// the numbers mean nothing, and the mapping step: what each column means, and which option
// each of its values is.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <functional>
#include <map>

#include "ui.hpp"

namespace ripen::playground::ui {

namespace {

// A dashed rounded rectangle: the drop zone.
void dashed_rect(ImDrawList* draw, ImVec2 a, ImVec2 b, ImU32 colour, float dash, float thickness) {
    auto line = [&](ImVec2 from, ImVec2 to) {
        const float dx = to.x - from.x, dy = to.y - from.y;
        const float length = std::sqrt(dx * dx + dy * dy);
        for (float t = 0; t < length; t += dash * 2) {
            const float e = std::min(length, t + dash);
            draw->AddLine(ImVec2(from.x + dx * t / length, from.y + dy * t / length), ImVec2(from.x + dx * e / length, from.y + dy * e / length), colour, thickness);
        }
    };
    line(a, ImVec2(b.x, a.y));
    line(ImVec2(b.x, a.y), b);
    line(b, ImVec2(a.x, b.y));
    line(ImVec2(a.x, b.y), a);
}

bool primary_button(const char* label, ImVec2 size) {
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.18f, 0.42f, 0.25f, 1));
    ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(0.22f, 0.50f, 0.30f, 1));
    ImGui::PushStyleColor(ImGuiCol_ButtonActive, ImVec4(0.14f, 0.35f, 0.20f, 1));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
    bool pressed = ImGui::Button(label, size);
    ImGui::PopStyleColor(4);
    return pressed;
}

const char* role_name(ColumnMapping::Role role) {
    switch (role) {
        case ColumnMapping::Role::question: return "question";
        case ColumnMapping::Role::source: return "Lead source (segment)";
        case ColumnMapping::Role::outcome: return "Outcome (converted or not)";
        case ColumnMapping::Role::context: return "Context";
        case ColumnMapping::Role::ignore: return "Ignore";
    }
    return "";
}

}  // namespace

void draw_start(App& app) {
    Playground& pg = app.pg;
    const float font = ImGui::GetFontSize();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float width = std::min(avail.x - font * 3.0f, font * 44.0f);
    ImGui::SetCursorPosX(ImGui::GetCursorPosX() + (avail.x - width) * 0.5f);
    ImGui::SetCursorPosY(ImGui::GetCursorPosY() + std::clamp((avail.y - font * 24.0f) * 0.35f, font, font * 8.0f));
    // A white card behind the group, drawn once its height is known.
    ImDrawList* card = ImGui::GetWindowDrawList();
    card->ChannelsSplit(2);
    card->ChannelsSetCurrent(1);
    const ImVec2 card_at = ImGui::GetCursorScreenPos();
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
    ImGui::PushFont(title_font());
    ImGui::TextWrapped("Tune your lead definition on your own leads");
    ImGui::PopFont();
    ImGui::Spacing();
    std::string model_name(pg.model().spec().name.in(""));
    if (model_name.empty()) model_name = pg.model_name();
    ImGui::TextWrapped(
        "Load a CSV export of past leads that says which ones converted (a column such as won, converted or y). "
        "You will see how the model would have routed them: who goes to sales, who is nurtured, and how many converted. "
#ifdef __EMSCRIPTEN__
        "Then tune it and export it. Your leads never leave this browser."
#else
        "Then tune it and export it. Your leads stay on this computer."
#endif
    );
    ImGui::Spacing();
    ImGui::Spacing();
    const float button_w = std::min(width, font * 14.0f), button_h = font * 2.6f;
#ifndef __EMSCRIPTEN__
    ImGui::TextUnformatted("The path of your CSV file:");
    ImGui::SetNextItemWidth(width);
    const bool enter = ImGui::InputText("##path", app.data_path, sizeof app.data_path, ImGuiInputTextFlags_EnterReturnsTrue);
    if (primary_button("Load your leads (CSV)", ImVec2(button_w, button_h)) || enter) {
        if (app.data_path[0]) load_csv_path(app, app.data_path);
        else app.status = "Type the path of a CSV file first.";
    }
#else
    if (primary_button("Load your leads (CSV)", ImVec2(button_w, button_h))) open_file(app, "data");
    app.remember("start.load");
#endif
    if (width > button_w * 2 + font) ImGui::SameLine(0, font);
    if (ImGui::Button("Try with sample leads", ImVec2(button_w, button_h))) load_sample(app);
    app.remember("start.sample");
    tooltip("20,000 leads generated from the model, with outcomes: a safe place to try every control.");
    ImGui::Spacing();
#ifdef __EMSCRIPTEN__
    // The drop zone: the page takes a file dropped anywhere on it.
    ImVec2 a = ImGui::GetCursorScreenPos();
    ImVec2 b(a.x + width, a.y + font * 5.0f);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(a, b, IM_COL32(247, 250, 248, 255), font * 0.4f);
    dashed_rect(draw, a, b, IM_COL32(120, 160, 130, 255), font * 0.5f, std::max(1.0f, app.scale * 1.5f));
    const char* drop = "or drop a CSV file here (or anywhere on this page)";
    ImVec2 size = ImGui::CalcTextSize(drop);
    draw->AddText(ImVec2(a.x + (width - size.x) * 0.5f, a.y + (b.y - a.y - size.y) * 0.5f), kMuted, drop);
    ImGui::Dummy(ImVec2(width, b.y - a.y));
#endif
    ImGui::Spacing();
    ImGui::Spacing();
    ImGui::TextDisabled("Model");
#ifdef __EMSCRIPTEN__
    const char* other = "Choose another with the Model menu above, or Load model file.";
#else
    const char* other = "Start ripen-playground with --model FILE for another.";
#endif
    ImGui::TextWrapped("%s: %zu questions, %zu knock-outs and gates. %s", model_name.c_str(), pg.model().spec().questions.size(), pg.model().spec().rules.size(), other);
    if (!app.status.empty()) ImGui::TextWrapped("%s", app.status.c_str());
    if (!pg.last_error().empty()) ImGui::TextColored(kWarningText, "%s", pg.last_error().c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    card->ChannelsSetCurrent(0);
    const float pad = font * 1.5f;
    card->AddRectFilled(ImVec2(card_at.x - pad, card_at.y - pad), ImVec2(card_at.x + width + pad, ImGui::GetItemRectMax().y + pad), IM_COL32(255, 255, 255, 255),
                        font * 0.5f);
    card->AddRect(ImVec2(card_at.x - pad, card_at.y - pad), ImVec2(card_at.x + width + pad, ImGui::GetItemRectMax().y + pad), IM_COL32(214, 219, 227, 255),
                  font * 0.5f);
    card->ChannelsMerge();
}

void draw_warnings(App& app) {
    Playground& pg = app.pg;
    const bool error = !pg.last_error().empty() && !pg.importing();
    if (pg.warnings().empty() && !error) return;
    const float font = ImGui::GetFontSize();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->ChannelsSplit(2);
    draw->ChannelsSetCurrent(1);
    ImVec2 start = ImGui::GetCursorScreenPos();
    ImGui::SetCursorScreenPos(ImVec2(start.x + font * 0.6f, start.y + font * 0.5f));
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + ImGui::GetContentRegionAvail().x - font * 1.2f);
    if (error) {
        ImGui::PushStyleColor(ImGuiCol_Text, kWarningText);
        ImGui::TextWrapped("%s", pg.last_error().c_str());
        ImGui::PopStyleColor();
    }
    for (const auto& w : pg.warnings()) {
        ImGui::PushFont(bold_font());
        ImGui::PushStyleColor(ImGuiCol_Text, kWarningText);
        ImGui::TextWrapped("%s", w.text.c_str());
        ImGui::PopStyleColor();
        ImGui::PopFont();
        ImGui::TextWrapped("%s", w.fix.c_str());
    }
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
    ImVec2 end(ImGui::GetItemRectMax().x + font * 0.6f, ImGui::GetItemRectMax().y + font * 0.5f);
    end.x = std::max(end.x, start.x + ImGui::GetContentRegionAvail().x);
    draw->ChannelsSetCurrent(0);
    draw->AddRectFilled(start, end, IM_COL32(253, 236, 234, 255), font * 0.3f);
    draw->AddRect(start, end, IM_COL32(222, 120, 110, 255), font * 0.3f);
    draw->ChannelsMerge();
    ImGui::SetCursorScreenPos(ImVec2(start.x, end.y));
    ImGui::Dummy(ImVec2(1, font * 0.4f));
}

void draw_mapping(App& app) {
    Playground& pg = app.pg;
    const Model& model = pg.model();
    const auto& spec = model.spec();
    const auto& stats = pg.import_stats();
    const float font = ImGui::GetFontSize();
    heading(("Your data: " + pg.data_name()).c_str());
    ImGui::TextWrapped("%s rows read, %s imported, %s could not be read, %s converted", thousands(stats.rows).c_str(), thousands(stats.imported).c_str(),
                       thousands(stats.bad_rows).c_str(), thousands(stats.converted).c_str());
    if (!pg.has_csv()) {
        ImGui::TextWrapped("These leads are generated from the model, so every column already means what the model asks. Load your own CSV to map its columns.");
        return;
    }
    for (const auto& e : stats.errors) {
        ImGui::PushStyleColor(ImGuiCol_Text, kWarningText);
        ImGui::TextWrapped("%s", format_issue(e).c_str());
        ImGui::PopStyleColor();
        if (&e - stats.errors.data() >= 4) break;
    }
    if (ImGui::Button("Save mapping")) export_mapping(app);
    tooltip("Download this mapping as mapping.json: ripen report --map reads it, and the next file with these columns uses it here.");
    ImGui::SameLine();
    if (ImGui::Button("Load mapping")) open_file(app, "mapping");
    ImGui::TextWrapped("Choose what each column of your file means. A match below 90 %% is a guess to check.");

    // Edits re-import the file, which replaces the mapping this loop reads: apply after it.
    std::function<void()> change;
    std::map<std::string, const ColumnProfile*> profiles;
    for (const auto& p : stats.profiles) profiles[p.column] = &p;
    const ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp;
    if (ImGui::BeginTable("columns", 4, flags)) {
        ImGui::TableSetupColumn("Column", ImGuiTableColumnFlags_WidthStretch, 0.9f);
        ImGui::TableSetupColumn("Means", ImGuiTableColumnFlags_WidthStretch, 1.9f);
        ImGui::TableSetupColumn("Match", ImGuiTableColumnFlags_WidthStretch, 0.55f);
        ImGui::TableSetupColumn("Values in the file", ImGuiTableColumnFlags_WidthStretch, 1.5f);
        ImGui::TableHeadersRow();
        for (const auto& c : pg.mapping().columns) {
            ImGui::PushID(c.column.c_str());
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextWrapped("%s", c.column.c_str());
            ImGui::TableNextColumn();
            // The chosen question by its label (the list says "Question: ..." to tell roles apart).
            std::string current = c.role == ColumnMapping::Role::question ? (model.question_index(c.target) >= 0 ? question_label(model, model.question_index(c.target)) : c.target)
                                  : c.role == ColumnMapping::Role::context ? "Context: " + c.target
                                                                           : role_name(c.role);
            ImGui::SetNextItemWidth(-FLT_MIN);
            if (ImGui::BeginCombo("##means", current.c_str())) {
                for (auto role : {ColumnMapping::Role::ignore, ColumnMapping::Role::outcome, ColumnMapping::Role::source})
                    if (ImGui::Selectable(role_name(role), c.role == role)) change = [&pg, column = c.column, role] { pg.set_column(column, role, ""); };
                for (int q = 0; q < static_cast<int>(spec.questions.size()); ++q) {
                    const bool chosen = c.role == ColumnMapping::Role::question && c.target == spec.questions[static_cast<std::size_t>(q)].id;
                    if (ImGui::Selectable(("Question: " + question_label(model, q)).c_str(), chosen))
                        change = [&pg, column = c.column, id = spec.questions[static_cast<std::size_t>(q)].id] { pg.set_column(column, ColumnMapping::Role::question, id); };
                }
                ImGui::EndCombo();
            }
            ImGui::TableNextColumn();
            if (c.role == ColumnMapping::Role::ignore && !c.candidates.empty()) {
                std::string like;
                for (const auto& id : c.candidates) {
                    int q = model.question_index(id);
                    like += (like.empty() ? "" : ", ") + (q >= 0 ? question_label(model, q) : id);
                }
                ImGui::TextDisabled("like %s?", like.c_str());
            } else if (c.role == ColumnMapping::Role::question || c.role == ColumnMapping::Role::outcome) {
                if (c.confidence < 0.9) ImGui::TextColored(kBad, "%s, check", percent(c.confidence, 0).c_str());
                else ImGui::TextUnformatted(percent(c.confidence, 0).c_str());
            }
            ImGui::TableNextColumn();
            if (auto p = profiles.find(c.column); p != profiles.end()) {
                std::string examples;
                for (const auto& e : p->second->examples) examples += (examples.empty() ? "" : ", ") + e;
                ImGui::TextWrapped("%s%s", examples.c_str(),
                                   p->second->many_values ? " ... (many values)" : (" (" + std::to_string(p->second->values.size()) + " values)").c_str());
            }
            ImGui::PopID();
        }
        ImGui::EndTable();
    }

    // The values of choice columns and of the outcome.
    for (const auto& c : pg.mapping().columns) {
        auto p = profiles.find(c.column);
        if (p == profiles.end()) continue;
        const int q = c.role == ColumnMapping::Role::question ? model.question_index(c.target) : -1;
        const bool choice = q >= 0 && (spec.questions[static_cast<std::size_t>(q)].type == QuestionType::single ||
                                       spec.questions[static_cast<std::size_t>(q)].type == QuestionType::multiple);
        const bool outcome = c.role == ColumnMapping::Role::outcome;
        if (!choice && !outcome) continue;
        std::uint64_t unmapped_rows = 0, unmapped_values = 0;
        if (auto u = stats.unmapped.find(c.column); u != stats.unmapped.end())
            for (const auto& [value, n] : u->second) unmapped_rows += n, ++unmapped_values;
        std::string title = c.column + " -> " + (outcome ? std::string("outcome") : question_label(model, q)) + ": " + std::to_string(p->second->values.size()) +
                            (p->second->many_values ? "+" : "") + " values";
        if (choice) title += unmapped_values ? ", " + thousands(unmapped_values) + " unmapped (" + thousands(unmapped_rows) + " rows)" : ", all mapped";
        ImGui::PushID(("values." + c.column).c_str());
        ImGui::SetNextItemOpen(unmapped_values > 0 || outcome, ImGuiCond_Appearing);
        if (ImGui::TreeNode("##values", "%s", title.c_str())) {
            if (ImGui::BeginTable("values", 3, flags)) {
                ImGui::TableSetupColumn("Value in the file", ImGuiTableColumnFlags_WidthStretch, 1.2f);
                ImGui::TableSetupColumn("Rows", ImGuiTableColumnFlags_WidthFixed, font * 5.0f);
                ImGui::TableSetupColumn(outcome ? "Means" : "Answer", ImGuiTableColumnFlags_WidthStretch, 1.5f);
                ImGui::TableHeadersRow();
                const auto& question = choice ? spec.questions[static_cast<std::size_t>(q)] : spec.questions.front();
                auto option_combo = [&](const std::string& value, int at) {
                    const char* shown = at >= 0 ? nullptr : "(leave unanswered)";
                    std::string label = at >= 0 ? answer_label(model, q, at) : shown;
                    ImGui::SetNextItemWidth(-FLT_MIN);
                    if (ImGui::BeginCombo("##option", label.c_str())) {
                        if (ImGui::Selectable("(leave unanswered)", at < 0)) change = [&pg, column = c.column, value] { pg.set_value(column, value, ""); };
                        for (int o = 0; o < static_cast<int>(question.options.size()); ++o)
                            if (ImGui::Selectable(answer_label(model, q, o).c_str(), o == at))
                                change = [&pg, column = c.column, value, id = question.options[static_cast<std::size_t>(o)].value] { pg.set_value(column, value, id); };
                        ImGui::EndCombo();
                    }
                };
                for (const auto& entry : p->second->values) {
                    const std::string& value = entry.first;  // named: lambdas capture it (C++17 cannot capture a binding)
                    const std::uint64_t n = entry.second;
                    ImGui::PushID(value.c_str());
                    ImGui::TableNextRow();
                    ImGui::TableNextColumn();
                    ImGui::TextWrapped("%s", value.c_str());
                    ImGui::TableNextColumn();
                    ImGui::TextUnformatted(thousands(n).c_str());
                    ImGui::TableNextColumn();
                    if (outcome) {
                        bool converted = std::find(c.positive.begin(), c.positive.end(), value) != c.positive.end();
                        if (ImGui::Checkbox("converted", &converted))
                            change = [&pg, column = c.column, value, converted] { pg.set_value(column, value, converted ? "converted" : ""); };
                    } else {
                        const int at = mapped_option(model, c, value);
                        if (at < 0) ImGui::PushStyleColor(ImGuiCol_FrameBg, ImVec4(0.99f, 0.90f, 0.88f, 1));
                        option_combo(value, at);
                        if (at < 0) ImGui::PopStyleColor();
                    }
                    ImGui::PopID();
                }
                if (choice) {
                    int catch_all = -1;
                    for (const auto& [raw, target] : c.values)
                        if (raw == "*")
                            for (int o = 0; o < static_cast<int>(question.options.size()); ++o)
                                if (question.options[static_cast<std::size_t>(o)].value == target) catch_all = o;
                    ImGui::PushID("*");
                    ImGui::TableNextRow();
                    ImGui::TableNextColumn();
                    ImGui::TextDisabled("any other value");
                    ImGui::TableNextColumn();
                    ImGui::TableNextColumn();
                    option_combo("*", catch_all);
                    ImGui::PopID();
                }
                ImGui::EndTable();
            }
            ImGui::TreePop();
        }
        ImGui::PopID();
    }
    if (change) {
        app.timed(change);
        app.fitted.reset();
    }
}

}  // namespace ripen::playground::ui
