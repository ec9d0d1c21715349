// The python workload's parameters as python3.11's command line: script= or module=, then args=
// split into words at spaces, where '...' and "..." quote (no other shell syntax).
#pragma once

#include <string>
#include <vector>

#include "workloads/interpreter/embedded_python.h"
#include "workloads/workload.h"

namespace pmb::python {

// Throws std::invalid_argument unless exactly one of script and module is given and args parses.
ProgramCommand program_command(const Params& params);
// "a 'b c' d" -> {"a", "b c", "d"}; throws std::invalid_argument on an unclosed quote.
std::vector<std::string> split_arguments(const std::string& text);

}  // namespace pmb::python
