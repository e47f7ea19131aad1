// The commands of the ripen command line, one file each under commands/. Each parses its words
// into an options struct (usage errors come back as exit status 2) and then runs on a Session.
#pragma once

#include <string>
#include <vector>

#include "cli/session.hpp"

namespace ripen::cli {

using Words = std::vector<std::string>;

int validate_command(Session& s, const Words& words);
int score_command(Session& s, const Words& words);
int summary_command(Session& s, const Words& words);
int explain_command(Session& s, const Words& words);
int decide_command(Session& s, const Words& words);
int sample_command(Session& s, const Words& words);
int report_command(Session& s, const Words& words);
int tune_command(Session& s, const Words& words);
int fit_command(Session& s, const Words& words);
int map_command(Session& s, const Words& words);
int publish_command(Session& s, const Words& words);

}  // namespace ripen::cli
