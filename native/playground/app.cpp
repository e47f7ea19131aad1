// The scoring playground: Dear ImGui drawing over playground::Playground, one source for the
// browser (Emscripten GLFW + WebGL2) and the desktop (GLFW + OpenGL 3).
//
// Sections
//   fonts and scale         Inter, embedded at build time, rasterised for the device pixel ratio
//   frame                   the layout: the start view, or three columns (tabs below 900 px)
//   render_once             one frame; the canvas follows its CSS size times the pixel ratio
//   JavaScript hooks        the page's buttons, file picker and drop zone, and the browser tests
//   main                    the desktop window or the browser's main loop
#include <GLFW/glfw3.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "png.hpp"
#include "ui.hpp"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#include <emscripten/bind.h>
#include <emscripten/html5.h>
#endif

namespace {

using ripen::playground::Playground;
using ripen::playground::ui::App;
namespace ui = ripen::playground::ui;

const char kDefaultModel[] =
#include "default_model.inc"
    ;

#ifdef RIPEN_UI_FONT
#include "ui_font.inc"  // kUiFont, kUiFontBold: Debian's fonts-inter, embedded by embed_binary.cmake
#endif

constexpr std::size_t kChunk = 4 << 20;  // bytes imported per frame: the UI keeps drawing
constexpr float kFontSize = 15.0f;       // CSS pixels
constexpr float kNarrow = 900.0f;        // below this many CSS pixels: one column with tabs

App* g_app = nullptr;
GLFWwindow* g_window = nullptr;
ImGuiStyle g_base_style;
float g_font_scale = 0;  // the scale the font atlas was built for

// ---- fonts and scale ------------------------------------------------------------------------

void build_fonts(float scale) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    const float size = std::round(kFontSize * scale);
#ifdef RIPEN_UI_FONT
    // Latin with its extensions, general punctuation (dashes, quotes, ellipsis), the euro sign and arrows.
    static const ImWchar ranges[] = {0x0020, 0x024F, 0x2010, 0x205E, 0x20AC, 0x20AC, 0x2190, 0x2199, 0};
    ImFontConfig config;
    config.FontDataOwnedByAtlas = false;  // the arrays are static
    config.OversampleH = 2;
    io.Fonts->AddFontFromMemoryTTF(const_cast<unsigned char*>(kUiFont), static_cast<int>(sizeof kUiFont), size, &config, ranges);
    io.Fonts->AddFontFromMemoryTTF(const_cast<unsigned char*>(kUiFontBold), static_cast<int>(sizeof kUiFontBold), size, &config, ranges);
    // Titles and the key numbers: rasterised at their own size, not a scaled bitmap.
    io.Fonts->AddFontFromMemoryTTF(const_cast<unsigned char*>(kUiFontBold), static_cast<int>(sizeof kUiFontBold), std::round(size * 1.4f), &config, ranges);
#else
    ImFontConfig config;
    config.SizePixels = size;
    io.Fonts->AddFontDefault(&config);
#endif
    io.Fonts->Build();
}

// Fonts rasterised and sizes scaled for the device pixel ratio, so text is crisp at 2x.
void apply_scale(float scale) {
    if (scale == g_font_scale) return;
    g_font_scale = scale;
    build_fonts(scale);
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
    ImGuiStyle& style = ImGui::GetStyle();
    style = g_base_style;
    style.ScaleAllSizes(scale);
}

void set_theme() {
    ImGui::StyleColorsLight();
    ImGuiStyle& s = ImGui::GetStyle();
    s.WindowPadding = ImVec2(12, 10);
    s.FramePadding = ImVec2(8, 5);
    s.ItemSpacing = ImVec2(8, 7);
    s.ItemInnerSpacing = ImVec2(6, 5);
    s.CellPadding = ImVec2(6, 4);
    s.IndentSpacing = 16;
    s.ScrollbarSize = 13;
    s.GrabMinSize = 12;
    s.WindowRounding = 0;
    s.ChildRounding = 6;
    s.FrameRounding = 4;
    s.PopupRounding = 4;
    s.ScrollbarRounding = 6;
    s.GrabRounding = 3;
    s.TabRounding = 4;
    s.WindowBorderSize = 0;
    s.ChildBorderSize = 1;
    ImVec4* c = s.Colors;
    const ImVec4 accent(0.18f, 0.42f, 0.25f, 1.0f);
    c[ImGuiCol_Text] = ImVec4(0.11f, 0.14f, 0.19f, 1);
    c[ImGuiCol_TextDisabled] = ImVec4(0.38f, 0.41f, 0.47f, 1);
    c[ImGuiCol_WindowBg] = ImVec4(0.937f, 0.945f, 0.957f, 1);
    c[ImGuiCol_ChildBg] = ImVec4(1, 1, 1, 1);
    c[ImGuiCol_PopupBg] = ImVec4(1, 1, 1, 0.98f);
    c[ImGuiCol_Border] = ImVec4(0.83f, 0.85f, 0.89f, 1);
    c[ImGuiCol_FrameBg] = ImVec4(0.93f, 0.94f, 0.96f, 1);
    c[ImGuiCol_FrameBgHovered] = ImVec4(0.87f, 0.92f, 0.88f, 1);
    c[ImGuiCol_FrameBgActive] = ImVec4(0.82f, 0.90f, 0.84f, 1);
    c[ImGuiCol_SliderGrab] = accent;
    c[ImGuiCol_SliderGrabActive] = ImVec4(0.12f, 0.33f, 0.18f, 1);
    c[ImGuiCol_CheckMark] = accent;
    c[ImGuiCol_Button] = ImVec4(0.91f, 0.93f, 0.95f, 1);
    c[ImGuiCol_ButtonHovered] = ImVec4(0.84f, 0.91f, 0.86f, 1);
    c[ImGuiCol_ButtonActive] = ImVec4(0.76f, 0.87f, 0.79f, 1);
    c[ImGuiCol_Header] = ImVec4(0.90f, 0.94f, 0.91f, 1);
    c[ImGuiCol_HeaderHovered] = ImVec4(0.84f, 0.91f, 0.86f, 1);
    c[ImGuiCol_HeaderActive] = ImVec4(0.76f, 0.87f, 0.79f, 1);
    c[ImGuiCol_Tab] = ImVec4(0.92f, 0.93f, 0.95f, 1);
    c[ImGuiCol_TabHovered] = ImVec4(0.86f, 0.92f, 0.88f, 1);
    c[ImGuiCol_TabActive] = ImVec4(0.78f, 0.88f, 0.81f, 1);  // the open tab stands out from the white panel
    c[ImGuiCol_TableHeaderBg] = ImVec4(0.94f, 0.95f, 0.97f, 1);
    c[ImGuiCol_TableRowBgAlt] = ImVec4(0.975f, 0.98f, 0.985f, 1);
    c[ImGuiCol_NavHighlight] = ImVec4(0.10f, 0.45f, 0.80f, 1);
    c[ImGuiCol_PlotHistogram] = accent;
    g_base_style = s;
}

// ---- frame ------------------------------------------------------------------------------------

void read_pending(App& app) {
    // A native file being read: one piece per frame, so the progress bar moves.
    if (!app.pending) return;
    std::vector<char> buffer(kChunk);
    std::size_t n = std::fread(buffer.data(), 1, buffer.size(), app.pending);
    if (n > 0) app.pg.feed(std::string_view(buffer.data(), n));
    if (n < buffer.size() || !app.pg.importing()) {
        std::fclose(app.pending);
        app.pending = nullptr;
        bool ok = app.pg.importing() && app.pg.finish_import();
        app.leads_loaded();
        if (!ok) app.open_mapping = true;
    }
}

// A panel with its own scrolling; `draw` fills it.
template <typename F>
void panel(const char* id, ImVec2 size, F&& draw) {
    // Flattened: the arrow keys go straight into the panel's controls, without entering it first.
    ImGui::BeginChild(id, size, true, ImGuiWindowFlags_AlwaysUseWindowPadding | ImGuiWindowFlags_NavFlattened);
    draw();
    ImGui::EndChild();
}

void middle_tabs(App& app) {
    if (!ImGui::BeginTabBar("views")) return;
    const bool select_mapping = app.open_mapping;
    app.open_mapping = false;
    if (ImGui::BeginTabItem("Results")) {
        ImGui::BeginChild("results body", ImVec2(0, 0), false, ImGuiWindowFlags_NavFlattened);
        ui::draw_results(app);
        ImGui::EndChild();
        ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Data and mapping", nullptr, select_mapping ? ImGuiTabItemFlags_SetSelected : 0)) {
        ImGui::BeginChild("mapping body", ImVec2(0, 0), false, ImGuiWindowFlags_NavFlattened);
        ui::draw_warnings(app);
        ui::draw_mapping(app);
        ImGui::EndChild();
        ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
}

void frame(App& app) {
    Playground& pg = app.pg;
    read_pending(app);
    ImGuiIO& io = ImGui::GetIO();
    // Ctrl+Z / Ctrl+Y, except while typing (a text field has its own undo).
    if (!io.WantTextInput && io.KeyCtrl && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Z)) && pg.can_undo()) app.timed([&] { pg.undo(); });
    if (!io.WantTextInput && io.KeyCtrl && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Y)) && pg.can_redo()) app.timed([&] { pg.redo(); });

    const float font = ImGui::GetFontSize();
    const float css_width = io.DisplaySize.x / app.scale;
    app.narrow = css_width < kNarrow;
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(io.DisplaySize);
    // The start view and the main view are windows of their own, so the main view starts the
    // keyboard at its first control (the hand-off threshold) when it appears.
    const bool start = pg.leads() == 0 && !pg.has_csv();
    ImGui::Begin(start ? "Ripen start" : "Ripen playground", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoSavedSettings);
    if (pg.importing()) {
        ImGui::ProgressBar(static_cast<float>(pg.import_progress()), ImVec2(-FLT_MIN, 0), ("Reading " + pg.data_name() + "...").c_str());
    }
    if (start) {
        if (!pg.importing()) ui::draw_start(app);
        ImGui::End();
        return;
    }
    if (!app.narrow) {
        const float width = ImGui::GetContentRegionAvail().x;
        const float spacing = ImGui::GetStyle().ItemSpacing.x;
        const float left = std::max(font * 20.0f, width * 0.27f);
        const float right = std::max(font * 19.0f, width * 0.26f);
        panel("definition", ImVec2(left, 0), [&] { ui::draw_definition(app); });
        ImGui::SameLine();
        panel("middle", ImVec2(width - left - right - 2 * spacing, 0), [&] { middle_tabs(app); });
        ImGui::SameLine();
        panel("assist", ImVec2(0, 0), [&] { ui::draw_assist(app); });
    } else if (ImGui::BeginTabBar("narrow views")) {
        const bool select_mapping = app.open_mapping;
        app.open_mapping = false;
        auto tab = [&](const char* name, auto draw, ImGuiTabItemFlags flags = 0) {
            if (ImGui::BeginTabItem(name, nullptr, flags)) {
                panel(name, ImVec2(0, 0), draw);
                ImGui::EndTabItem();
            }
        };
        tab("Results", [&] { ui::draw_results(app); });
        tab("Definition", [&] { ui::draw_definition(app); });
        tab("Suggest and fit", [&] { ui::draw_assist(app); });
        tab("Data", [&] {
            ui::draw_warnings(app);
            ui::draw_mapping(app);
        }, select_mapping ? ImGuiTabItemFlags_SetSelected : 0);
        ImGui::EndTabBar();
    }
    ImGui::End();
}

float device_scale() {
#ifdef __EMSCRIPTEN__
    return static_cast<float>(std::clamp(emscripten_get_device_pixel_ratio(), 1.0, 4.0));
#else
    float x = 1, y = 1;
    glfwGetWindowContentScale(g_window, &x, &y);
    if (const char* forced = std::getenv("RIPEN_PLAYGROUND_SCALE")) x = static_cast<float>(std::atof(forced));
    return std::clamp(x, 1.0f, 4.0f);
#endif
}

#ifdef __EMSCRIPTEN__
// The browser page draws a frame only when something could have changed: input, a resize, a
// change of state (from the canvas or the page's hooks), a text field being edited, a few frames
// after each of these, and twice a second regardless. An idle playground then costs next to
// nothing (software WebGL would otherwise redraw the whole canvas 60 times a second, on the
// cores the next re-score needs).
bool frame_needed() {
    static std::uint64_t last = 0;
    static double last_drawn = -1;
    static int settle = 0;
    const ImGuiIO& io = ImGui::GetIO();
    const Playground& pg = g_app->pg;
    std::uint64_t h = 1469598103934665603ull;
    auto mix = [&](double v) {
        std::uint64_t bits = 0;
        std::memcpy(&bits, &v, sizeof bits);
        h = (h ^ bits) * 1099511628211ull;
    };
    mix(io.MousePos.x), mix(io.MousePos.y), mix(io.MouseWheel), mix(io.MouseWheelH), mix(io.InputQueueCharacters.Size);
    for (bool down : io.MouseDown) mix(down);
    for (bool down : io.KeysDown) if (down) mix(1);
    mix(io.KeyCtrl), mix(io.KeyShift), mix(io.KeyAlt);
    mix(io.DisplaySize.x), mix(io.DisplaySize.y), mix(g_app->scale);
    mix(static_cast<double>(pg.rescore_count())), mix(pg.scoring().handoff_at), mix(static_cast<double>(pg.leads())), mix(pg.importing()),
        mix(pg.import_progress()), mix(static_cast<double>(pg.model_name().size() + pg.data_name().size() + pg.last_error().size() + g_app->status.size())),
        mix(static_cast<double>(pg.warnings().size())), mix(static_cast<double>(pg.can_undo() + 2 * pg.can_redo())), mix(g_app->fitted.has_value()),
        mix(g_app->open_mapping), mix(static_cast<double>(g_app->pending != nullptr));
    for (int t : pg.scoring().segment_handoff_at) mix(t);
    const double now = glfwGetTime();
    const bool changed = h != last;
    if (changed) settle = 4;  // popups, tooltips and layouts take a frame or two to settle
    if (!changed && settle <= 0 && !io.WantTextInput && now - last_drawn < 0.5) return false;
    if (!changed) --settle;
    last = h;
    last_drawn = now;
    return true;
}
#endif

void render_once() {
    g_app->scale = device_scale();
#ifdef __EMSCRIPTEN__
    // The canvas fills its box: its backing store is the CSS size times the pixel ratio, and
    // ImGui works in those device pixels (fonts and sizes scaled to match).
    double css_w = 0, css_h = 0;
    emscripten_get_element_css_size("#canvas", &css_w, &css_h);
    const int want_w = static_cast<int>(std::lround(css_w * g_app->scale)), want_h = static_cast<int>(std::lround(css_h * g_app->scale));
    int w = 0, h = 0;
    glfwGetWindowSize(g_window, &w, &h);
    if (want_w > 0 && want_h > 0 && (want_w != w || want_h != h)) glfwSetWindowSize(g_window, want_w, want_h);
#endif
    apply_scale(g_app->scale);
    glfwPollEvents();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
#ifdef __EMSCRIPTEN__
    if (!frame_needed()) return;
#endif
    ImGui::NewFrame();
    frame(*g_app);
    ImGui::Render();
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(g_window, &fw, &fh);
    glViewport(0, 0, fw, fh);
    glClearColor(0.937f, 0.945f, 0.957f, 1.0f);
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
    if (errors.empty() && g_app->pg.leads()) g_app->leads_loaded();
    return errors;
}
void generate(int count, int seed) {
    g_app->timed([&] { g_app->pg.generate(static_cast<std::size_t>(count), static_cast<std::uint64_t>(seed)); });
    g_app->leads_loaded();
}
void begin_import(std::string name, double size, std::string mapping) {
    g_app->pg.begin_import(name, static_cast<std::uint64_t>(size), mapping.empty() ? std::nullopt : std::optional<std::string>(mapping));
}
bool feed(std::string chunk) { return g_app->pg.feed(chunk); }
bool finish_import() {
    bool ok = g_app->pg.finish_import();
    g_app->leads_loaded();
    if (!ok) g_app->open_mapping = true;
    return ok;
}
// The marketer's mapping: a file they load, or the one kept in the browser's storage.
std::string set_mapping(std::string text) {
    std::string errors;
    for (const auto& i : g_app->pg.set_mapping(text)) errors += ripen::format_issue(i) + "\n";
    return errors;
}
std::optional<ripen::ColumnMapping::Role> role_named(const std::string& name) {
    using Role = ripen::ColumnMapping::Role;
    for (auto [n, role] : {std::pair{"question", Role::question}, {"outcome", Role::outcome}, {"source", Role::source}, {"context", Role::context}, {"ignore", Role::ignore}})
        if (name == n) return role;
    return std::nullopt;
}
std::string set_column(std::string column, std::string role, std::string target) {
    auto r = role_named(role);
    if (!r) return "unknown role \"" + role + "\" (question, outcome, source, context or ignore)\n";
    std::string errors;
    g_app->timed([&] {
        for (const auto& i : g_app->pg.set_column(column, *r, target)) errors += ripen::format_issue(i) + "\n";
    });
    return errors;
}
std::string set_value(std::string column, std::string value, std::string option) {
    std::string errors;
    g_app->timed([&] {
        for (const auto& i : g_app->pg.set_value(column, value, option)) errors += ripen::format_issue(i) + "\n";
    });
    return errors;
}
bool own_mapping() { return g_app->pg.own_mapping(); }
std::string warnings() {
    using ripen::json::Value;
    Value out = Value::make_array();
    for (const auto& w : g_app->pg.warnings()) {
        Value item = Value::make_object();
        item.set("code", Value::make_string(w.code));
        item.set("text", Value::make_string(w.text));
        item.set("fix", Value::make_string(w.fix));
        out.items.push_back(std::move(item));
    }
    return ripen::json::to_string(out, 0);
}
void set_today(std::string date) { g_app->today = date; }
// The fit as the panel's button runs it, for tests: its holdout AUCs, then applied as one step.
std::string fit() {
    auto result = g_app->pg.fit();
    if (!result.ok()) return "{\"error\": \"" + (result.issues.empty() ? std::string("the fit failed") : result.issues[0].message) + "\"}";
    g_app->fitted = std::move(*result.value);
    char b[160];
    std::snprintf(b, sizeof b, "{\"auc_holdout\": %.4f, \"auc_before_holdout\": %.4f, \"holdout\": %llu}", g_app->fitted->auc_holdout,
                  g_app->fitted->auc_before_holdout, static_cast<unsigned long long>(g_app->fitted->holdout));
    return b;
}
bool apply_fit() {
    if (!g_app->fitted) return false;
    g_app->timed([&] { g_app->pg.apply_fitted_points(*g_app->fitted); });
    return true;
}
std::string changes() {
    std::string out;
    for (const auto& s : ripen::playground::ui::change_sentences(g_app->pg.model(), g_app->pg.loaded_scoring(), g_app->pg.scoring())) out += s + "\n";
    return out;
}
std::string loaded_metrics() { return ripen::json::to_string(ripen::metrics_to_json(g_app->pg.model(), g_app->pg.loaded_metrics()), 2); }
std::string item_rect(std::string name) {
    auto it = g_app->rects.find(name);
    if (it == g_app->rects.end()) return "null";
    char b[160];
    std::snprintf(b, sizeof b, "[%.1f, %.1f, %.1f, %.1f]", it->second[0], it->second[1], it->second[2], it->second[3]);
    return b;
}
double scoring_threshold() { return g_app->pg.scoring().handoff_at; }
bool can_undo() { return g_app->pg.can_undo(); }
bool can_redo() { return g_app->pg.can_redo(); }
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
bool undo() {
    bool done = false;
    g_app->timed([&] { done = g_app->pg.undo(); });
    return done;
}
bool redo() {
    bool done = false;
    g_app->timed([&] { done = g_app->pg.redo(); });
    return done;
}
std::string metrics() { return ripen::json::to_string(ripen::metrics_to_json(g_app->pg.model(), g_app->pg.metrics()), 2); }
double rescore_count() { return static_cast<double>(g_app->pg.rescore_count()); }
double last_update_ms() { return g_app->last_update_ms; }
double leads() { return static_cast<double>(g_app->pg.leads()); }
std::string export_model() { return g_app->pg.export_model(g_app->today); }
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
    emscripten::function("setMapping", &hooks::set_mapping);
    emscripten::function("setColumn", &hooks::set_column);
    emscripten::function("setValue", &hooks::set_value);
    emscripten::function("ownMapping", &hooks::own_mapping);
    emscripten::function("warnings", &hooks::warnings);
    emscripten::function("setToday", &hooks::set_today);
    emscripten::function("fit", &hooks::fit);
    emscripten::function("applyFit", &hooks::apply_fit);
    emscripten::function("changes", &hooks::changes);
    emscripten::function("loadedMetrics", &hooks::loaded_metrics);
    emscripten::function("canUndo", &hooks::can_undo);
    emscripten::function("itemRect", &hooks::item_rect);
    emscripten::function("threshold", &hooks::scoring_threshold);
    emscripten::function("canRedo", &hooks::can_redo);
}
#endif

int main(int argc, char** argv) {
    std::string model_path, data_path, map_path, screenshot;
    bool sample = false;
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
        else if (a == "--sample") sample = true;
        else if (a == "--frames") { value(number); frames = std::max(1, std::atoi(number.c_str())); }
        else if (a == "--size") { value(number); std::sscanf(number.c_str(), "%dx%d", &width, &height); }
        else if (a == "--help") {
            std::printf(
                "Usage: ripen-playground [--model MODEL] [--data CSV [--map MAP] | --sample] [--out FILE]\n"
                "                        [--screenshot PNG [--frames N]] [--size WxH]\n"
                "\n"
                "Tune a lead definition on historical leads: weights, points, thresholds and rules,\n"
                "with metrics re-computed on every change. Without --model the default model is\n"
                "loaded; --data reads a CSV export, --sample generates %d leads, and without\n"
                "either the start view asks for them. Export writes --out (default\n"
                "tuned-model.json). --screenshot renders N frames, saves a PNG and exits.\n"
                "RIPEN_PLAYGROUND_SCALE=2 draws at twice the size (a high-density screen).\n",
                app.sample_count);
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
    {
        std::time_t now = std::time(nullptr);
        char day[16];
        std::strftime(day, sizeof day, "%Y-%m-%d", std::gmtime(&now));
        app.today = day;
    }
    if (sample) ui::load_sample(app);
    std::optional<std::string> mapping;
    if (!map_path.empty()) {
        mapping = read_file(map_path, ok);
        if (!ok) {
            std::fprintf(stderr, "ripen-playground: cannot read %s\n", map_path.c_str());
            return 2;
        }
    }
#ifndef __EMSCRIPTEN__
    if (!data_path.empty() && !ui::load_csv_path(app, data_path, mapping)) {
        std::fprintf(stderr, "ripen-playground: %s\n", app.status.c_str());
        return 2;
    }
#endif

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
    ImGui::GetIO().ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    set_theme();
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
