// What the playground's drawing code shares: the state of one window (App), labels from the
// model, numbers in words, help markers, and controls whose drags and typed values are one undo
// step each. The panels live in their own files:
//   app.cpp          the window: layout, fonts and scale, the frame, JavaScript hooks, main
//   ui.cpp           these helpers
//   start_view.cpp   the first screen and the mapping step
//   results.cpp      the key numbers before and after, the charts, segments, answers and rules
//   panels.cpp       the definition editor, suggestions and fit, the changes in sentences, preview
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "imgui.h"
#include "state.hpp"

namespace ripen::playground::ui {

inline const ImU32 kConverted = IM_COL32(46, 160, 67, 255);
inline const ImU32 kNotConverted = IM_COL32(165, 172, 184, 255);
inline const ImU32 kLine = IM_COL32(200, 40, 40, 255);
inline const ImU32 kGrid = IM_COL32(222, 226, 232, 255);
inline const ImU32 kInk = IM_COL32(40, 46, 58, 255);
inline const ImU32 kMuted = IM_COL32(96, 104, 118, 255);
inline const ImVec4 kWarningText(0.62f, 0.09f, 0.07f, 1.0f);
inline const ImVec4 kGood(0.12f, 0.50f, 0.22f, 1.0f);
inline const ImVec4 kBad(0.70f, 0.16f, 0.12f, 1.0f);

struct App {
    Playground pg;
    double last_update_ms = 0;  // the last edit: re-score (if any) and metrics
    float target_precision = 0.6f;
    int capacity = 500;
    std::optional<FitResult> fitted;
    std::string fit_error;
    std::string status;  // the last export or load
    int sample_count = 20000;
    std::string export_path = "tuned-model.json";
    char data_path[512] = "";  // native: the CSV path typed in the start view
    std::FILE* pending = nullptr;  // native: a CSV being read in pieces
    std::vector<char> preview_text[64];
    float scale = 1;     // device pixels per CSS pixel: fonts and sizes follow it
    bool narrow = false; // below 900 CSS pixels: one column with tabs
    bool open_mapping = false;  // select the mapping tab on the next frame
    std::string today;   // YYYY-MM-DD, for the export's provenance
    // Where some controls were drawn last (CSS pixels: x0, y0, x1, y1), for browser tests that
    // drag them with the mouse.
    std::map<std::string, std::array<float, 4>> rects;
    void remember(const char* name) {
        const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
        rects[name] = {a.x / scale, a.y / scale, b.x / scale, b.y / scale};
    }

    template <typename F>
    void timed(F&& change) {
        auto start = std::chrono::steady_clock::now();
        change();
        last_update_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    }
    // After new leads: targets that make sense for them, and the mapping tab when they need it.
    void leads_loaded();
};

// Numbers as people read them: "12,345" (ripen::thousands), "46.5 %", "2.00".
using ripen::thousands;
std::string percent(double share, int decimals = 1);
std::string fixed(double value, int decimals);

// Labels from the model (the default language), never ids; an id only where a label is absent.
std::string question_label(const Model& model, int question);
std::string answer_label(const Model& model, int question, int option);  // option or band; -1: no answer
std::string criterion_label(const Model& model, int criterion);
std::string segment_label(const Model& model, int segment);
std::string rule_label(const Model& model, int rule);

// A "(?)" after the last item, with `text` on hover; tooltip() shows it on the last item itself.
void help_marker(const char* text);
void tooltip(const char* text);
// A heading in the semi-bold font.
void heading(const char* text);
ImFont* bold_font();
ImFont* title_font();  // larger: the start view's title, the key numbers

// Opens and closes a gesture around the last control, so a drag or typed value is one undo step.
// Call begin before applying the control's change and end after.
void gesture_begin(App& app);
void gesture_end(App& app);

// The actions, for the ImGui buttons and the page's DOM buttons alike.
void open_file(App& app, const char* kind);  // "data", "model" or "mapping": the browser's file picker
void export_model(App& app);
void export_mapping(App& app);
void load_sample(App& app);
#ifndef __EMSCRIPTEN__
// Starts reading a CSV in pieces, one per frame (the desktop build; the browser's page reads files).
bool load_csv_path(App& app, const std::string& path, std::optional<std::string> mapping = std::nullopt);
#endif

// Panels.
void draw_start(App& app);
void draw_mapping(App& app);
void draw_warnings(App& app);
void draw_results(App& app);
void draw_definition(App& app);
void draw_assist(App& app);
void draw_changes(App& app);
void draw_preview(App& app);
// The changes against the loaded model, one plain sentence each.
std::vector<std::string> change_sentences(const Model& model, const Scoring& before, const Scoring& after);

}  // namespace ripen::playground::ui
