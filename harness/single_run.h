// Runs one RunSpec inside the current process and measures it: the body of a worker process.
#pragma once

#include <nlohmann/json.hpp>

#include "harness/run_spec.h"

namespace pmb {

// Resolves the names in `spec` (throws std::invalid_argument with a one-line message when one is
// unknown or malformed), runs the workload and returns the worker's measurements as JSON.
nlohmann::json execute_run(const RunSpec& spec);

// Checks that every name and parameter in `spec` resolves (and, with `check_params`, that the
// workload's own check of its parameters passes), without running anything.
void validate_run_spec(const RunSpec& spec, bool check_params = true);

}  // namespace pmb
