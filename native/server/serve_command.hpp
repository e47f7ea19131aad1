// `ripen serve` and its subcommands (token, report, export): native only, so outside the
// command layer that also runs in WebAssembly.
#pragma once

#include <string>
#include <vector>

namespace ripen::server {

int serve_command(const std::vector<std::string>& words);

}  // namespace ripen::server
