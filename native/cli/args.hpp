// Command-line arguments: "--name value", "--name=value", flags, positional arguments and --help
// anywhere, checked against the options a command takes. Typed getters turn a bad value into the
// usage message the command gives. Our own: Debian's CLI11 throws, even for --help, and the tools
// module that runs this layer in Node is built without exceptions.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ripen::cli {

class Args {
public:
    // Parses `argv` (the words after the command's name). False with `error` ("unknown option
    // --x", "option --model needs a value") when an option is not one of `with_value` or `flags`.
    static bool parse(const std::vector<std::string>& argv, std::initializer_list<const char*> with_value,
                      std::initializer_list<const char*> flags, Args& out, std::string& error);

    std::vector<std::string> positional;
    bool help = false;

    bool has(std::string_view name) const { return values_.count(std::string(name)) > 0; }
    bool flag(std::string_view name) const { return flags_.count(std::string(name)) > 0; }
    // The value of an option, or nullptr when it was not given.
    const std::string* value(std::string_view name) const;
    std::string value_or(std::string_view name, std::string fallback) const;

    // Typed values. Each returns nullopt when the option was not given; when it was given and is
    // not acceptable it records `message` in error() (the first one only) and returns nullopt.
    // A whole number from lo to hi.
    std::optional<long long> integer(std::string_view name, long long lo, long long hi, std::string_view message);
    // A whole number from 0 to 2^64 - 1.
    std::optional<unsigned long long> unsigned_integer(std::string_view name, std::string_view message);
    // A finite decimal number, at least lo (or above it, when `above`) and at most hi.
    std::optional<double> number(std::string_view name, double lo, double hi, bool above, std::string_view message);
    // A share: "35%" or 0.35, between 0 (excluded) and 1. Numbers above 1 without a "%" are
    // refused: "20" could mean 20 % or be a slip for 0.2.
    std::optional<double> share(std::string_view name, std::string_view message);
    // One of `choices` ("text json"); the default when the option was not given.
    std::string choice(std::string_view name, std::initializer_list<const char*> choices, const char* fallback);

    // At most `count` positional arguments ("expected at most one input FILE"), or exactly.
    void at_most_positional(std::size_t count, std::string_view message);
    void no_positional();

    const std::string& error() const { return error_; }
    bool ok() const { return error_.empty(); }
    void set_error(std::string message);

private:
    std::map<std::string, std::string> values_;
    std::set<std::string> flags_;
    std::string error_;
};

}  // namespace ripen::cli
