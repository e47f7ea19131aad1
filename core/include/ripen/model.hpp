// The lead-definition model: what a lead is scored on, how it is routed, and what each segment
// and nurture track promises. Read from JSON (format 1, see docs/model.md) and validated as a
// whole; a Model that exists is valid, immutable and cheap to copy.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ripen/decimal.hpp"
#include "ripen/issue.hpp"
#include "ripen/json_value.hpp"

namespace ripen {

// A visitor-facing string with translations; the first entry is the model's default language.
struct Text {
    std::vector<std::pair<std::string, std::string>> translations;  // language -> text

    // The text in `language`, else in the default language ("" when the text is absent).
    std::string_view in(std::string_view language) const;
    bool empty() const { return translations.empty(); }
};

struct Criterion {
    std::string id;
    Text label;
    int max = 0;     // points on this criterion are clamped to [0, max]
    int weight = 1;  // total = sum of weight * points
};

enum class QuestionType : std::uint8_t { single, multiple, number, email, country, text };
std::string_view to_string(QuestionType type);

// Points are per criterion, in model criterion order, before weighting.
struct Option {
    std::string value;
    Text label;
    std::vector<int> points;
    int frequency = 1;  // how often leads give this answer (relative), for choosing questions
};

// A numeric band covers [from, next band's from); the first band may start at -infinity.
struct Band {
    std::optional<Decimal> from;
    Text label;
    std::vector<int> points;
    int frequency = 1;  // relative share of answers in this band
};

struct Question {
    std::string id;
    QuestionType type = QuestionType::single;
    Text label;
    Text help;
    Text placeholder;
    bool required = false;
    std::vector<Option> options;     // single, multiple; country (ISO codes, "*" = any other)
    std::vector<Band> bands;         // number
    std::optional<Decimal> min;      // number: accepted range
    std::optional<Decimal> max;
    std::optional<Decimal> step;     // number: answers are min (or 0) plus a whole multiple of it
    int min_select = 0;              // multiple: 0 = no lower limit
    int max_select = 0;              // multiple: 0 = no upper limit
    int max_length = 0;              // text, email: 0 = default limit (1000 bytes)
    bool has_show_if = false;
    std::string path;                // JSON path of the question in the model file
};

// A derived fact about the lead (free-mail domain, engaged visitor, ...), optionally worth points.
struct Signal {
    std::string id;
    Text label;
    std::vector<int> points;
};

enum class RuleKind : std::uint8_t { knockout, gate };
std::string_view to_string(RuleKind kind);

// A knock-out disqualifies whatever the score when its condition holds; a gate allows a
// hand-off only when its condition holds (otherwise the lead is nurtured).
struct Rule {
    std::string id;
    RuleKind kind = RuleKind::knockout;
    Text label;    // why the rule exists, shown in explanations
    Text message;  // knock-outs: the polite alternative shown to the visitor
    std::string url;  // knock-outs: where the alternative leads
    Text link;        // knock-outs: the text of the link to url
};

struct Touch {
    int day = 0;          // offset from the hand-off
    std::string channel;  // phone, email, linkedin, video, meeting, sms, mail, event
    std::string role;     // contact role at the account (requester, champion, economic_buyer...)
    std::string purpose;  // what the touch is for, for the sales team
};

struct Segment {
    std::string id;
    Text label;
    bool is_default = false;          // the segment used when no other matches
    std::optional<int> handoff_at;    // overrides the model's threshold
    int sla_hours = 24;               // sales must accept or reject within this time
    std::vector<Touch> cadence;       // follow-up plan after a hand-off
    std::string booking_url;          // overrides the model's booking link
};

struct Content {
    Text title;
    std::string url;
    std::string format;  // guide, webinar, case_study, ...
};

struct Track {
    std::string id;
    std::string stage;  // awareness, consideration or decision
    Text label;
    bool is_default = false;
    std::vector<Content> content;
    int every_days = 14;  // nurture touch interval
};

// What happens to a handed-off lead that sales rejects.
struct RejectionReason {
    std::string id;
    Text label;
    std::string track;          // nurture track the lead is recycled to
    int recycle_after_days = 0; // when marketing re-scores it
};

struct ModelSpec {
    int format = 1;
    std::string id;
    std::string version;
    Text name;
    std::vector<std::string> languages;  // first one is the default
    std::vector<Criterion> criteria;
    std::vector<Question> questions;
    std::vector<Signal> signals;
    std::vector<Rule> rules;
    int handoff_at = 0;
    std::vector<Segment> segments;
    std::vector<Track> tracks;
    std::vector<RejectionReason> rejection;
    std::vector<std::pair<std::string, Text>> texts;  // form strings: "next", "handoff_title", ...
    std::string booking_url;
    // URL parameter -> question: answers the form adds to the booking link (booking_params).
    std::vector<std::pair<std::string, int>> booking_params;
    int questions_per_step = 3;  // how many questions the form asks at once
    // Once the route is settled as nurture, ask on until the nurture track is settled too
    // (progressive.settle_track), so the content fits the visitor's stage.
    bool settle_track = false;
    // Written by ripen publish for visitors' browsers ("audience": "visitor"): no cadences,
    // internal labels or rejection reasons, and private lists hashed. Servers keep the full one.
    bool visitor_model = false;
};

namespace detail {
struct ModelData;    // the shared, immutable state of a Model (core/src/model_data.hpp)
struct ModelAccess;  // how the core's internals reach it
}  // namespace detail

class Model {
public:
    Model() = default;
    Model(const Model& other);
    Model(Model&& other) noexcept;
    Model& operator=(Model other) noexcept;
    ~Model();

    const ModelSpec& spec() const;
    const json::Value& source() const;  // the document the model was read from

    int max_total() const;  // sum of weight * max over criteria
    int threshold_for(int segment) const;
    int criterion_index(std::string_view id) const;  // -1 when absent
    int question_index(std::string_view id) const;
    int segment_index(std::string_view id) const;
    // The context keys the model's conditions read ("utm_medium", "page_views", ...), in the
    // order they first appear: what a lead's context can change about its decision.
    const std::vector<std::string>& context_keys() const;
    int track_index(std::string_view id) const;
    std::string_view text(std::string_view key, std::string_view language) const;

private:
    // Copies share one immutable ModelData, counted here rather than by std::shared_ptr, whose
    // library part brings the RTTI classes into the WebAssembly form module (~600 bytes gzip).
    const detail::ModelData* data_ = nullptr;
    friend struct detail::ModelAccess;
    static Result<Model> load(json::Value document);  // kept as source(); moved in when parsed from text
    friend Result<Model> load_model(std::string_view json_text);
    friend Result<Model> load_model(const json::Value& document);
};

// Reads and validates a model. All problems are reported at once; warnings may accompany a
// valid model. Never throws on bad input.
Result<Model> load_model(std::string_view json_text);
Result<Model> load_model(const json::Value& document);

// Keys every model's "texts" must define: the form's own strings.
const std::vector<std::string_view>& required_text_keys();

}  // namespace ripen
