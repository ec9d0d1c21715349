// Runs one RunSpec inside the current process and measures it: the body of a worker process.
#pragma once

#include <nlohmann/json.hpp>

#include "harness/run_spec.h"
#include "workloads/workload.h"

namespace pmb {

// Resolves the names in `spec` (throws std::invalid_argument with a one-line message when one is
// unknown or malformed), runs the workload and returns the worker's measurements as JSON.
nlohmann::json execute_run(const RunSpec& spec);

// Checks that every name and parameter in `spec` resolves (and, with `check_params`, that the
// workload's own check of its parameters passes), without running anything.
void validate_run_spec(const RunSpec& spec, bool check_params = true);

// Whether `collector` (a spec, "gen:threshold0=100") applies to `workload` (a real program takes
// only CPython's own collector); the check throws std::invalid_argument with one line naming the
// accepted ones.
bool collector_applies(const WorkloadEntry& workload, const std::string& collector);
void check_collector_applies(const WorkloadEntry& workload, const std::string& collector);

}  // namespace pmb
