// What a reader needs to reproduce a results file: the machine, the build, the source and the
// command that made it.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pmb {

nlohmann::json collect_metadata(const std::vector<std::string>& command_line, std::uint64_t seed);
// Current UTC time as ISO 8601.
std::string utc_timestamp();

}  // namespace pmb
