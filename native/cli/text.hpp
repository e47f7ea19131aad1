// Texts of the ripen command line: the usage and each command's help, usage errors, located
// issues. Part of the command layer, so the native and the Node CLI print the same bytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ripen/issue.hpp"

namespace ripen::cli {

// The help of a command ("validate", "score", ...), or the general usage for "" or an
// unknown command.
std::string_view help(std::string_view command);

// The help of report, tune and fit (built from shared option lists).
std::string data_help(std::string_view command);

// "ripen COMMAND: MESSAGE\nTry 'ripen COMMAND --help'.\n"
std::string usage_error(std::string_view command, std::string_view message);

// "FILE:LINE:COLUMN: path: message [code]", or "FILE: path: ..." when the position is unknown.
std::string located(std::string_view file, const Issue& issue);

// "FILE:LINE:COLUMN: message [code]\n" for a row that could not be scored.
std::string row_error(std::string_view file, const Issue& error);

// printf into a string, for the commands' tables.
// "1 row", "2 rows": a count with its noun (plural by adding "s").
std::string counted(std::uint64_t n, std::string_view noun);
std::string printf_string(const char* format, ...) __attribute__((format(printf, 1, 2)));

// "ripen COMMAND: the model "PATH" is invalid:" and every issue, one per line.
std::string invalid_model(std::string_view command, std::string_view path, const std::vector<Issue>& issues);

// What `ripen validate FILE` prints for a model file's contents, and its exit status.
std::string validate_report(std::string_view path, std::string_view text, int& exit_code);

// The closing lines of `ripen score` on standard error: errors left unprinted, failed rows.
// Empty when there is nothing to say.
std::string score_footer(std::string_view command, std::uint64_t reported, std::uint64_t printed, std::uint64_t failed,
                         std::uint64_t rows);

}  // namespace ripen::cli
