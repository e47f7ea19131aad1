// Argument parsing and typed option values (see args.hpp).
#include "cli/args.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "cli/session.hpp"

namespace ripen::cli {

bool Args::parse(const std::vector<std::string>& argv, std::initializer_list<const char*> with_value,
                 std::initializer_list<const char*> flags, Args& out, std::string& error) {
    auto listed = [](std::initializer_list<const char*> names, const std::string& name) {
        for (const char* n : names)
            if (name == n) return true;
        return false;
    };
    for (std::size_t i = 0; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (a == "--help" || a == "-h") {
            out.help = true;
            continue;
        }
        if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
            std::string name = a.substr(2), value;
            bool inline_value = false;
            if (auto eq = name.find('='); eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
                inline_value = true;
            }
            if (listed(flags, name) && !inline_value) {
                out.flags_.insert(name);
                continue;
            }
            if (!listed(with_value, name)) {
                error = "unknown option --" + safe(name);
                return false;
            }
            if (!inline_value) {
                if (i + 1 >= argv.size()) {
                    error = "option --" + name + " needs a value";
                    return false;
                }
                value = argv[++i];
            }
            out.values_[name] = value;
            continue;
        }
        out.positional.push_back(a);
    }
    return true;
}

const std::string* Args::value(std::string_view name) const {
    auto it = values_.find(std::string(name));
    return it == values_.end() ? nullptr : &it->second;
}

std::string Args::value_or(std::string_view name, std::string fallback) const {
    const std::string* v = value(name);
    return v ? *v : fallback;
}

void Args::set_error(std::string message) {
    if (error_.empty()) error_ = std::move(message);
}

std::optional<long long> Args::integer(std::string_view name, long long lo, long long hi, std::string_view message) {
    const std::string* text = value(name);
    if (!text) return std::nullopt;
    char* end = nullptr;
    errno = 0;
    long long n = std::strtoll(text->c_str(), &end, 10);
    if (text->empty() || *end != '\0' || errno != 0 || n < lo || n > hi || (*text)[0] == '+' || (*text)[0] == ' ') {
        set_error(std::string(message));
        return std::nullopt;
    }
    return n;
}

std::optional<unsigned long long> Args::unsigned_integer(std::string_view name, std::string_view message) {
    const std::string* text = value(name);
    if (!text) return std::nullopt;
    char* end = nullptr;
    errno = 0;
    unsigned long long n = std::strtoull(text->c_str(), &end, 10);
    if (text->empty() || (*text)[0] < '0' || (*text)[0] > '9' || *end != '\0' || errno != 0) {
        set_error(std::string(message));
        return std::nullopt;
    }
    return n;
}

std::optional<double> Args::number(std::string_view name, double lo, double hi, bool above, std::string_view message) {
    const std::string* text = value(name);
    if (!text) return std::nullopt;
    char* end = nullptr;
    double x = std::strtod(text->c_str(), &end);
    if (text->empty() || *end != '\0' || !std::isfinite(x) || x < lo || (above && x == lo) || x > hi) {
        set_error(std::string(message));
        return std::nullopt;
    }
    return x;
}

std::optional<double> Args::share(std::string_view name, std::string_view message) {
    const std::string* text = value(name);
    if (!text) return std::nullopt;
    char* end = nullptr;
    double x = std::strtod(text->c_str(), &end);
    bool percent = end && *end == '%' && end[1] == '\0';
    bool ok = !text->empty() && end && (*end == '\0' || percent) && std::isfinite(x);
    if (ok && percent) x /= 100;
    if (!ok || x <= 0 || x > 1) {
        set_error(std::string(message));
        return std::nullopt;
    }
    return x;
}

std::string Args::choice(std::string_view name, std::initializer_list<const char*> choices, const char* fallback) {
    const std::string* text = value(name);
    if (!text) return fallback;
    std::string list;
    std::size_t i = 0;
    for (const char* c : choices) {
        if (*text == c) return *text;
        list += i == 0 ? "" : (i + 1 == choices.size() ? " or " : ", ");
        list += c;
        ++i;
    }
    set_error("--" + std::string(name) + " must be " + list + ", got \"" + safe(*text) + "\"");
    return fallback;
}

void Args::at_most_positional(std::size_t count, std::string_view message) {
    if (positional.size() > count) set_error(std::string(message));
}

void Args::no_positional() {
    if (!positional.empty()) set_error("unexpected argument \"" + safe(positional[0]) + "\"");
}

}  // namespace ripen::cli
