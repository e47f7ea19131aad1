// Model accessors and the small shared vocabulary (texts, names of enums, issue formatting).
#include <algorithm>

#include "model_data.hpp"
#include "text_match.hpp"
#include "ripen/model.hpp"

namespace ripen {

std::string_view Text::in(std::string_view language) const {
    for (const auto& [lang, text] : translations)
        if (lang == language) return text;
    // "de-ch" falls back to "de" before the default language.
    std::size_t dash = language.find('-');
    if (dash != std::string_view::npos) {
        std::string_view primary = language.substr(0, dash);
        for (const auto& [lang, text] : translations)
            if (lang == primary) return text;
    }
    return translations.empty() ? std::string_view() : std::string_view(translations.front().second);
}

std::string_view to_string(QuestionType type) {
    switch (type) {
        case QuestionType::single: return "single";
        case QuestionType::multiple: return "multiple";
        case QuestionType::number: return "number";
        case QuestionType::email: return "email";
        case QuestionType::country: return "country";
        case QuestionType::text: return "text";
    }
    return "single";
}

std::string_view to_string(RuleKind kind) { return kind == RuleKind::knockout ? "knockout" : "gate"; }

const ModelSpec& Model::spec() const { return data_->spec; }
Model::Model(const Model& other) : data_(other.data_) {
    if (data_) ++data_->references;
}

Model::Model(Model&& other) noexcept : data_(other.data_) { other.data_ = nullptr; }

Model& Model::operator=(Model other) noexcept {
    std::swap(data_, other.data_);
    return *this;
}

Model::~Model() {
    if (data_ && --data_->references == 0) delete data_;
}

const json::Value& Model::source() const { return data_->source; }
int Model::max_total() const { return data_->compiled.max_total; }

int Model::threshold_for(int segment) const {
    if (segment >= 0 && segment < static_cast<int>(data_->spec.segments.size())) {
        const auto& override_at = data_->spec.segments[static_cast<std::size_t>(segment)].handoff_at;
        if (override_at) return *override_at;
    }
    return data_->spec.handoff_at;
}

int Model::criterion_index(std::string_view id) const { return data_->criterion_ids.find(id); }
int Model::question_index(std::string_view id) const { return data_->question_ids.find(id); }
int Model::segment_index(std::string_view id) const { return data_->segment_ids.find(id); }
const std::vector<std::string>& Model::context_keys() const { return data_->compiled.context_keys; }
int Model::track_index(std::string_view id) const { return data_->track_ids.find(id); }

std::string_view Model::text(std::string_view key, std::string_view language) const {
    for (const auto& [k, text] : data_->spec.texts)
        if (k == key) return text.in(language);
    return {};
}

const std::vector<std::string_view>& required_text_keys() {
    static const std::vector<std::string_view> keys = {
        "next", "back", "submit", "forget", "optional",
        "error_required", "error_number", "error_range", "error_email", "error_country", "error_choices",
        "handoff_title", "handoff_body", "handoff_booking",
        "nurture_title", "nurture_body",
        "disqualify_title", "disqualify_body"};
    return keys;
}

std::string format_issue(const Issue& issue) {
    std::string out;
    if (issue.line > 0) out += std::to_string(issue.line) + ":" + std::to_string(issue.column) + ": ";
    if (!issue.path.empty()) out += printable(issue.path) + ": ";
    if (issue.severity == Severity::warning) out += "warning: ";
    out += printable(issue.message, 500);
    out += " [" + issue.code + "]";
    return out;
}

std::string printable(std::string_view text, std::size_t limit) {
    static const char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(std::min(text.size(), limit) + 3);
    auto escape = [&](unsigned char c) {
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 15];
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (out.size() >= limit) {
            out += "...";
            break;
        }
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x80) {
            escape(c);
        } else {
            std::size_t n = detail::utf8_sequence_length(text, i);
            // C1 controls (U+0080..U+009F, such as the 8-bit CSI) act on some terminals too.
            if (n == 0 || (n == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0)) {
                escape(c);
                continue;
            }
            out.append(text.data() + i, n);
            i += n - 1;
        }
    }
    return out;
}

void move_under(std::string_view root, std::vector<Issue>& from, std::vector<Issue>& to) {
    for (Issue& issue : from) {
        std::string path(root);
        if (!issue.path.empty()) path.append(issue.path, 1, std::string::npos);  // after the "$"
        issue.path = std::move(path);
        to.push_back(std::move(issue));
    }
}

bool has_errors(const std::vector<Issue>& issues) {
    return std::any_of(issues.begin(), issues.end(), [](const Issue& i) { return i.severity == Severity::error; });
}

}  // namespace ripen
