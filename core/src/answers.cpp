// Reading answers and context, from JSON or from text cells, with located errors.
#include <algorithm>
#include <cstring>

#include "compiled.hpp"
#include "model_data.hpp"
#include "ripen/decision.hpp"
#include "answers_internal.hpp"
#include "evaluator.hpp"
#include "message.hpp"
#include "text_match.hpp"

namespace ripen {

namespace {

using detail::trim;

constexpr int kDefaultMaxLength = 1000;

bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    // ASCII runs, eight bytes at a time.
    while (i + 8 <= s.size()) {
        std::uint64_t word;
        std::memcpy(&word, s.data() + i, 8);
        if (word & 0x8080808080808080ull) break;
        i += 8;
    }
    while (i < s.size()) {
        unsigned char b = static_cast<unsigned char>(s[i]);
        if (b < 0x80) { ++i; continue; }
        std::size_t n;
        std::uint32_t cp;
        if (b >= 0xC2 && b <= 0xDF) { n = 2; cp = b & 0x1F; }
        else if (b >= 0xE0 && b <= 0xEF) { n = 3; cp = b & 0x0F; }
        else if (b >= 0xF0 && b <= 0xF4) { n = 4; cp = b & 0x07; }
        else return false;
        if (i + n > s.size()) return false;
        for (std::size_t k = 1; k < n; ++k) {
            unsigned char c = static_cast<unsigned char>(s[i + k]);
            if ((c & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (c & 0x3F);
        }
        if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n;
    }
    return true;
}

std::string options_list(const Question& q) {
    std::string out;
    for (std::size_t i = 0; i < q.options.size(); ++i) {
        if (i) out += ", ";
        out += q.options[i].value;
    }
    return out;
}

// Fills `error`; the message is `pattern` with its holes filled (message.hpp). Values a visitor
// typed are shown as "{clip}": cut at 60 bytes.
bool fail(Issue& error, const char* code, std::string_view pattern, std::initializer_list<detail::Piece> pieces = {}) {
    error.code = code;
    error.message = detail::format(pattern, pieces);
    error.severity = Severity::error;
    return false;
}

bool unknown_option(Issue& error, std::string_view value, const Question& q) {
    return fail(error, "answer.unknown_option", "\"{clip}\" is not an option of \"{clip}\" (expected one of: {})",
                {value, q.id, options_list(q)});
}

int band_of(const Question& q, Decimal value) {
    int band = -1;
    for (std::size_t b = 0; b < q.bands.size(); ++b) {
        if (!q.bands[b].from || *q.bands[b].from <= value) band = static_cast<int>(b);
        else break;
    }
    return band;
}

bool set_number(const Question& q, Decimal value, std::string_view shown, Answer& out, Issue& error) {
    if (q.min && value < *q.min)
        return fail(error, "answer.out_of_range", "{} is below the minimum {} of \"{clip}\"", {shown, to_string(*q.min), q.id});
    if (q.max && value > *q.max)
        return fail(error, "answer.out_of_range", "{} is above the maximum {} of \"{clip}\"", {shown, to_string(*q.max), q.id});
    // "step": 1 makes a count of people a whole number; from min, or from 0.
    if (q.step && (value.units - (q.min ? q.min->units : 0)) % q.step->units != 0)
        return fail(error, "answer.step", "{} is not a valid answer to \"{clip}\": answers go in steps of {}", {shown, q.id, to_string(*q.step)});
    out.state = Answer::State::given;
    out.number = value;
    out.band = band_of(q, value);
    return true;
}

bool select_option(const Model& model, int question, std::string_view value, Answer& out, Issue& error) {
    const Question& q = model.spec().questions[static_cast<std::size_t>(question)];
    int o = detail::compiled(model).option_index[static_cast<std::size_t>(question)].find(value);
    if (o < 0) {
        if (value.empty()) return fail(error, "answer.unknown_option", "empty choice in the answer to \"{clip}\"", {q.id});
        return unknown_option(error, value, q);
    }
    std::uint64_t bit = std::uint64_t{1} << o;
    if (out.selected & bit) return fail(error, "answer.duplicate_option", "\"{clip}\" is chosen twice in the answer to \"{clip}\"", {value, q.id});
    out.selected |= bit;
    return true;
}

bool check_selection_count(const Question& q, const Answer& out, Issue& error) {
    int n = __builtin_popcountll(out.selected);
    if (q.min_select && n < q.min_select)
        return fail(error, "answer.selection_count", "\"{clip}\" needs at least {} choices, got {}", {q.id, q.min_select, n});
    if (q.max_select && n > q.max_select)
        return fail(error, "answer.selection_count", "\"{clip}\" allows at most {} choices, got {}", {q.id, q.max_select, n});
    return true;
}

bool set_text_like(const Model& model, int question, std::string_view text, Answer& out, Issue& error) {
    const Question& q = model.spec().questions[static_cast<std::size_t>(question)];
    switch (q.type) {
        case QuestionType::email: {
            std::size_t limit = q.max_length ? static_cast<std::size_t>(q.max_length) : 254;
            std::string_view domain = text.size() <= limit ? detail::email_domain(text) : std::string_view();
            if (domain.empty() || !valid_utf8(text)) return fail(error, "answer.invalid_email", "\"{clip}\" is not a valid e-mail address", {text});
            out.text.assign(text);
            detail::lowercase_into(domain, out.folded);
            break;
        }
        case QuestionType::country: {
            char code[2] = {0, 0};
            if (text.size() == 2) {
                code[0] = static_cast<char>(text[0] >= 'a' && text[0] <= 'z' ? text[0] - 32 : text[0]);
                code[1] = static_cast<char>(text[1] >= 'a' && text[1] <= 'z' ? text[1] - 32 : text[1]);
            }
            std::string_view normalised(code, 2);
            if (text.size() != 2 || !detail::is_country_code(normalised))
                return fail(error, "answer.invalid_country", "\"{clip}\" is not an ISO 3166-1 alpha-2 country code", {text});
            out.text.assign(normalised);
            detail::lowercase_into(normalised, out.folded);
            int o = detail::compiled(model).option_index[static_cast<std::size_t>(question)].find(normalised);
            out.option = o >= 0 ? o : detail::compiled(model).country_other[static_cast<std::size_t>(question)];
            break;
        }
        default: {
            if (!valid_utf8(text)) return fail(error, "answer.encoding", "the answer to \"{clip}\" is not valid UTF-8", {q.id});
            std::size_t limit = q.max_length ? static_cast<std::size_t>(q.max_length) : kDefaultMaxLength;
            if (text.size() > limit)
                return fail(error, "answer.too_long", "the answer to \"{clip}\" is {} bytes long; the limit is {}", {q.id, text.size(), limit});
            out.text.assign(text);
            detail::lowercase_into(text, out.folded);
        }
    }
    out.state = Answer::State::given;
    return true;
}

void reset(Answer& a) {
    a.state = Answer::State::open;
    a.option = -1;
    a.selected = 0;
    a.number = Decimal{};
    a.band = -1;
    a.text.clear();
    a.folded.clear();
}

}  // namespace

Answers empty_answers(const Model& model) {
    Answers answers;
    answers.values.resize(model.spec().questions.size());
    return answers;
}

bool set_answer_text(const Model& model, int question, std::string_view text, Answer& out, Issue& error) {
    reset(out);
    const Question& q = model.spec().questions[static_cast<std::size_t>(question)];
    std::string_view value = trim(text);
    if (value.empty()) return true;
    switch (q.type) {
        case QuestionType::single: {
            int o = detail::compiled(model).option_index[static_cast<std::size_t>(question)].find(value);
            if (o < 0) return unknown_option(error, value, q);
            out.state = Answer::State::given;
            out.option = o;
            return true;
        }
        case QuestionType::multiple: {
            std::size_t start = 0;
            while (true) {
                std::size_t semi = value.find(';', start);
                std::string_view part = trim(value.substr(start, semi == std::string_view::npos ? std::string_view::npos : semi - start));
                if (!select_option(model, question, part, out, error)) {
                    out.selected = 0;
                    return false;
                }
                if (semi == std::string_view::npos) break;
                start = semi + 1;
            }
            if (!check_selection_count(q, out, error)) return false;
            out.state = Answer::State::given;
            return true;
        }
        case QuestionType::number: {
            auto number = parse_decimal(value);
            if (!number) return fail(error, "answer.not_a_number", "\"{clip}\" is not a number (the answer to \"{clip}\")", {value, q.id});
            return set_number(q, *number, value, out, error);
        }
        default:
            return set_text_like(model, question, value, out, error);
    }
}

bool set_answer_json(const Model& model, int q, const json::Value& value, Answer& out, Issue& error) {
    reset(out);
    const Question& question = model.spec().questions[static_cast<std::size_t>(q)];
    if (value.is_null()) {
        // Declining a required question would let a submission skip its knock-outs.
        if (question.required)
            return fail(error, "answer.required", "\"{clip}\" is required and cannot be declined (null); leave it out while it is not answered", {question.id});
        out.state = Answer::State::declined;
        return true;
    }
    auto type_error = [&](const char* expected) {
        return fail(error, "answer.type", "expected {} for \"{clip}\", got {}", {expected, question.id, json::describe(value.kind)});
    };
    switch (question.type) {
        case QuestionType::single: {
            if (!value.is_string()) return type_error("a string (one of its options)");
            if (value.text.empty()) return true;
            // JSON values are taken as written: no trimming, unlike CSV cells.
            int o = detail::compiled(model).option_index[static_cast<std::size_t>(q)].find(value.text);
            if (o < 0)
                return unknown_option(error, value.text, question);
            out.state = Answer::State::given;
            out.option = o;
            return true;
        }
        case QuestionType::multiple:
            if (!value.is_array()) return type_error("an array of option values");
            for (const auto& item : value.items) {
                if (!item.is_string())
                    return fail(error, "answer.type", "expected option values (strings) for \"{clip}\", got {}", {question.id, json::describe(item.kind)});
                if (!select_option(model, q, item.text, out, error)) {
                    out.selected = 0;
                    return false;
                }
            }
            if (!check_selection_count(question, out, error)) {
                out.selected = 0;
                return false;
            }
            // No choice at all is the question declined.
            if (out.selected == 0 && question.required)
                return fail(error, "answer.required", "\"{clip}\" is required and needs at least one choice", {question.id});
            out.state = out.selected == 0 ? Answer::State::declined : Answer::State::given;
            return true;
        case QuestionType::number:
            if (value.is_number()) {
                auto number = parse_decimal(value.text);
                if (!number) return fail(error, "answer.out_of_range", "{} is out of range for \"{clip}\"", {value.text, question.id});
                return set_number(question, *number, value.text, out, error);
            }
            if (value.is_string()) return set_answer_text(model, q, value.text, out, error);
            return type_error("a number");
        default:
            if (!value.is_string()) return type_error("a string");
            return set_answer_text(model, q, value.text, out, error);
    }
}

Result<Answers> parse_answers(const Model& model, const json::Value& object) {
    Result<Answers> result;
    if (!object.is_object()) {
        Issue issue;
        issue.code = "answer.type";
        issue.message = "answers must be an object keyed by question id, got " + std::string(json::describe(object.kind));
        issue.path = "$";
        issue.line = object.line;
        issue.column = object.column;
        result.issues.push_back(std::move(issue));
        return result;
    }
    Answers answers = empty_answers(model);
    for (const auto& [key, value] : object.members) {
        Issue error;
        error.path = "$." + key;
        error.line = value.line;
        error.column = value.column;
        int q = model.question_index(key);
        bool ok = q >= 0 ? set_answer_json(model, q, value, answers.values[static_cast<std::size_t>(q)], error)
                         : fail(error, "answer.unknown_question", "unknown question \"{clip}\"", {key});
        if (!ok) result.issues.push_back(std::move(error));
    }
    if (result.issues.empty()) result.value = std::move(answers);
    return result;
}

Result<Answers> parse_answers(const Model& model, std::string_view json_text) {
    auto document = json::parse(json_text);
    if (!document.ok()) return failed_with<Answers>(std::move(document));
    return parse_answers(model, *document);
}

const std::string* Context::find(std::string_view key) const {
    for (const auto& [k, v] : values)
        if (k == key) return &v;
    return nullptr;
}

Result<Context> parse_context(const json::Value& object) {
    Result<Context> result;
    auto add = [&](const json::Value& at, std::string path, std::string message) {
        Issue issue;
        issue.code = "context.type";
        issue.message = std::move(message);
        issue.path = std::move(path);
        issue.line = at.line;
        issue.column = at.column;
        result.issues.push_back(std::move(issue));
    };
    if (!object.is_object()) {
        add(object, "$", "context must be an object, got " + std::string(json::describe(object.kind)));
        return result;
    }
    Context context;
    for (const auto& [key, value] : object.members) {
        if (key == "complete") {
            if (!value.is_bool()) add(value, "$.complete", "\"complete\" must be true or false");
            else context.complete = value.boolean;
            continue;
        }
        if (value.is_null()) continue;
        if (value.is_string() || value.is_number()) context.values.emplace_back(key, value.text);
        else if (value.is_bool()) context.values.emplace_back(key, value.boolean ? "true" : "false");
        else add(value, "$." + key, "context values must be strings or numbers, got " + std::string(json::describe(value.kind)));
    }
    if (result.issues.empty()) result.value = std::move(context);
    return result;
}

Result<Context> parse_context(std::string_view json_text) {
    auto document = json::parse(json_text);
    if (!document.ok()) return failed_with<Context>(std::move(document));
    return parse_context(*document);
}

// ---- time ------------------------------------------------------------------------------------

namespace {
// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y += m <= 2;
}

bool digits(std::string_view s, std::size_t at, std::size_t n, int& out) {
    if (at + n > s.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}
}  // namespace

std::optional<std::int64_t> parse_time(std::string_view s) {
    s = trim(s);
    if (!s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos && s.size() <= 12) {
        std::int64_t n = 0;
        for (char c : s) n = n * 10 + (c - '0');
        return n;
    }
    int year, month, day, hour, minute, second;
    if (s.size() < 20 || !digits(s, 0, 4, year) || s[4] != '-' || !digits(s, 5, 2, month) || s[7] != '-' ||
        !digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits(s, 11, 2, hour) ||
        s[13] != ':' || !digits(s, 14, 2, minute) || s[16] != ':' || !digits(s, 17, 2, second))
        return std::nullopt;
    static const int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1 || day > month_days[month - 1] || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    std::size_t i = 19;
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    }
    int offset = 0;
    if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
        ++i;
    } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        int oh, om;
        if (!digits(s, i + 1, 2, oh) || i + 3 >= s.size() || s[i + 3] != ':' || !digits(s, i + 4, 2, om) || oh > 23 || om > 59)
            return std::nullopt;
        offset = (oh * 60 + om) * 60 * (s[i] == '-' ? -1 : 1);
        i += 6;
    } else {
        return std::nullopt;
    }
    if (i != s.size()) return std::nullopt;
    std::int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
    return days * 86400 + hour * 3600 + minute * 60 + second - offset;
}

std::string format_time(std::int64_t t) {
    std::int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    std::int64_t rest = t - days * 86400;
    std::int64_t y;
    unsigned m, d;
    civil_from_days(days, y, m, d);
    char buffer[32];
    auto put = [&](std::size_t at, std::int64_t v, int width) {
        for (int k = width - 1; k >= 0; --k) {
            buffer[at + static_cast<std::size_t>(k)] = static_cast<char>('0' + v % 10);
            v /= 10;
        }
    };
    put(0, y, 4);
    buffer[4] = '-';
    put(5, m, 2);
    buffer[7] = '-';
    put(8, d, 2);
    buffer[10] = 'T';
    put(11, rest / 3600, 2);
    buffer[13] = ':';
    put(14, rest / 60 % 60, 2);
    buffer[16] = ':';
    put(17, rest % 60, 2);
    buffer[19] = 'Z';
    return std::string(buffer, 20);
}

}  // namespace ripen
