// Errors are data: every problem found in a model, an answer, a JSON text, a CSV record or an
// input row is an Issue with a stable code, a readable message and the place it refers to. It is
// the one error type of the core.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ripen {

enum class Severity : std::uint8_t { error, warning };

struct Issue {
    std::string code;     // stable, e.g. "ref.unknown_criterion"; see docs/errors.md
    std::string message;  // one sentence, no trailing period
    std::string path;     // JSON path such as $.questions[2].options[0], or "" when not JSON
    std::uint64_t line = 0;    // 1-based line in the source text (a JSON file, a CSV row), 0 when unknown
    std::uint32_t column = 0;  // 1-based byte column, 0 when unknown
    Severity severity = Severity::error;
};

// "path: message [code]", prefixed by "line:column: " when the position is known. The path and
// message come out printable(), the message cut at 500 bytes.
std::string format_issue(const Issue& issue);

// `text` safe to show on a terminal or in a log: control bytes (NUL, ESC, ...), DEL, the C1
// controls and bytes that are not UTF-8 are written as \xNN (a tab as \t), so input can neither
// move the cursor, retitle the terminal, nor cut a message short; past `limit` bytes it is cut
// and ends in "...".
std::string printable(std::string_view text, std::size_t limit = 200);

bool has_errors(const std::vector<Issue>& issues);

// Appends `from` to `to` with their paths put under `root`: "$.size" under "$.answers" becomes
// "$.answers.size"; an issue without a path (a JSON syntax error) gets `root` itself.
void move_under(std::string_view root, std::vector<Issue>& from, std::vector<Issue>& to);

// A value or the issues that prevented it. Warnings may accompany a value.
template <class T>
struct Result {
    std::optional<T> value;
    std::vector<Issue> issues;

    bool ok() const { return value.has_value(); }
    const T& operator*() const { return *value; }
    const T* operator->() const { return &*value; }
};

// A failed Result<T> with the issues of a failed Result<U>, such as a JSON text's syntax error.
template <class T, class U>
Result<T> failed_with(Result<U>&& other) {
    Result<T> result;
    result.issues = std::move(other.issues);
    return result;
}

}  // namespace ripen
