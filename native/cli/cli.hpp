// The ripen command line as a library: the same commands, options, texts and exit statuses in
// the native CLI (native/ripen) and the Node CLI (web/bin/ripen.mjs on the tools module), each
// giving it its own Io.
//
//   ripen::cli::PosixIo io;                       // or any other Io
//   int status = ripen::cli::run(io, {"score", "--model", "m.json", "leads.csv"});
#pragma once

#include <string>
#include <vector>

#include "cli/io.hpp"

namespace ripen::cli {

// Runs one command line (the words after the program's name) and returns its exit status.
int run(Io& io, const std::vector<std::string>& words);

}  // namespace ripen::cli
