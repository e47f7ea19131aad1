#include "ui.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#endif

namespace ripen::playground::ui {

namespace {

#ifdef __EMSCRIPTEN__
EM_JS(void, js_open_file, (const char* kind), { if (Module.ripenOpenFile) Module.ripenOpenFile(UTF8ToString(kind)); });
EM_JS(void, js_download, (const char* name, const char* text), {
    if (Module.ripenDownload) Module.ripenDownload(UTF8ToString(name), UTF8ToString(text));
});
#else
bool write_file(const std::string& path, const std::string& text, std::string& status) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) {
        status = "Cannot write " + path + ": " + std::strerror(errno);
        return false;
    }
    std::fwrite(text.data(), 1, text.size(), f);
    if (std::fclose(f) != 0) {
        status = "Cannot write " + path + ": " + std::strerror(errno);
        return false;
    }
    status = "Saved " + path;
    return true;
}
#endif

std::string text_or(const Text& text, const std::string& fallback) {
    std::string s(text.in(""));
    return s.empty() ? fallback : s;
}

}  // namespace

void App::leads_loaded() {
    // A precision target a little above today's, so the first suggestion is one to try.
    const double precision = pg.metrics().overall.precision();
    target_precision = static_cast<float>(std::clamp(std::ceil((precision + 0.05) * 20) / 20, 0.1, 0.95));
    // A capacity a little under today's hand-offs (a tenth of the leads when nobody is handed off).
    const double handoffs = static_cast<double>(pg.metrics().overall.handoff);
    const double leads = static_cast<double>(pg.metrics().overall.leads);
    capacity = static_cast<int>(std::max(1.0, std::round(handoffs > 0 ? handoffs * 0.8 : leads * 0.1)));
    fitted.reset();
    fit_error.clear();
    for (const auto& w : pg.warnings())
        if (w.code == "nothing_maps" || w.code == "rule_unmapped" || w.code == "unmapped_values") open_mapping = true;
}

std::string fixed(double value, int decimals) {
    char b[48];
    std::snprintf(b, sizeof b, "%.*f", decimals, value);
    return b;
}

std::string percent(double share, int decimals) { return fixed(100.0 * share, decimals) + " %"; }

std::string question_label(const Model& model, int question) {
    const auto& q = model.spec().questions[static_cast<std::size_t>(question)];
    return text_or(q.label, q.id);
}

std::string answer_label(const Model& model, int question, int option) {
    const auto& q = model.spec().questions[static_cast<std::size_t>(question)];
    if (option < 0) return "(no answer)";
    if (q.type == QuestionType::number) {
        const auto& bands = q.bands;
        const auto& band = bands[static_cast<std::size_t>(option)];
        std::string fallback = band.from ? to_string(*band.from) + " or more" : "lowest";
        if (band.from && static_cast<std::size_t>(option) + 1 < bands.size() && bands[static_cast<std::size_t>(option) + 1].from)
            fallback = to_string(*band.from) + " to under " + to_string(*bands[static_cast<std::size_t>(option) + 1].from);
        else if (!band.from && bands.size() > 1 && bands[1].from)
            fallback = "under " + to_string(*bands[1].from);
        return text_or(band.label, fallback);
    }
    const auto& o = q.options[static_cast<std::size_t>(option)];
    return text_or(o.label, o.value == "*" ? std::string("any other") : o.value);
}

std::string criterion_label(const Model& model, int criterion) {
    const auto& c = model.spec().criteria[static_cast<std::size_t>(criterion)];
    return text_or(c.label, c.id);
}

std::string segment_label(const Model& model, int segment) {
    const auto& s = model.spec().segments[static_cast<std::size_t>(segment)];
    return text_or(s.label, s.id);
}

std::string rule_label(const Model& model, int rule) {
    const auto& r = model.spec().rules[static_cast<std::size_t>(rule)];
    return text_or(r.label, r.id);
}

void tooltip(const char* text) {
    if (ImGui::IsItemHovered() || (ImGui::IsItemFocused() && ImGui::GetIO().NavVisible)) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28.0f);
        ImGui::TextUnformatted(text);
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
}

void help_marker(const char* text) {
    ImGui::SameLine(0, ImGui::GetFontSize() * 0.3f);
    ImGui::TextDisabled("(?)");
    tooltip(text);
}

ImFont* bold_font() {
    ImGuiIO& io = ImGui::GetIO();
    return io.Fonts->Fonts.Size > 1 ? io.Fonts->Fonts[1] : io.Fonts->Fonts[0];
}

ImFont* title_font() {
    ImGuiIO& io = ImGui::GetIO();
    return io.Fonts->Fonts.Size > 2 ? io.Fonts->Fonts[2] : bold_font();
}

void heading(const char* text) {
    ImGui::PushFont(bold_font());
    ImGui::TextUnformatted(text);
    ImGui::PopFont();
}

void gesture_begin(App& app) {
    if (ImGui::IsItemActivated()) app.pg.begin_gesture();
}

void gesture_end(App& app) {
    if (ImGui::IsItemDeactivated()) app.pg.end_gesture();
}

void open_file(App& app, const char* kind) {
#ifdef __EMSCRIPTEN__
    (void)app;
    js_open_file(kind);
#else
    (void)kind;
    app.status = "Start ripen-playground with --data FILE.csv (and --model, --map) to load files.";
#endif
}

void export_model(App& app) {
    std::string text = app.pg.export_model(app.today);
#ifdef __EMSCRIPTEN__
    js_download("tuned-model.json", text.c_str());
    app.status = "Downloaded tuned-model.json";
#else
    write_file(app.export_path, text, app.status);
#endif
}

void export_mapping(App& app) {
    std::string text = app.pg.mapping_json() + "\n";
#ifdef __EMSCRIPTEN__
    js_download("mapping.json", text.c_str());
    app.status = "Downloaded mapping.json";
#else
    write_file("mapping.json", text, app.status);
#endif
}

#ifndef __EMSCRIPTEN__
bool load_csv_path(App& app, const std::string& path, std::optional<std::string> mapping) {
    if (app.pending) std::fclose(app.pending);
    app.pending = std::fopen(path.c_str(), "rb");
    if (!app.pending) {
        app.status = "Cannot read " + path + ": " + std::strerror(errno);
        return false;
    }
    std::fseek(app.pending, 0, SEEK_END);
    long size = std::ftell(app.pending);
    std::fseek(app.pending, 0, SEEK_SET);
    app.pg.begin_import(path, static_cast<std::uint64_t>(std::max(0L, size)), std::move(mapping));
    app.status.clear();
    return true;
}
#endif

void load_sample(App& app) {
    app.timed([&] { app.pg.generate(static_cast<std::size_t>(std::max(1, app.sample_count)), 1); });
    app.leads_loaded();
}

}  // namespace ripen::playground::ui
