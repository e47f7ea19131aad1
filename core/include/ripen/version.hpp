// The library version, set by the build from the project version in CMakeLists.txt.
#pragma once

#include <string_view>

namespace ripen {

std::string_view version();

}  // namespace ripen
