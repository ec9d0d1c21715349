// The workloads pymembench knows, by name. Adding a workload = one file defining a function that
// returns its WorkloadEntry, plus one line in registry.cpp.
#pragma once

#include <string>
#include <vector>

#include "workloads/workload.h"

namespace pmb {

// The workloads of the default matrix: listed, each with a Python twin.
const std::vector<WorkloadEntry>& workload_registry();
// Listed too, but run only when named, because they need a parameter (a trace file, a script).
const std::vector<WorkloadEntry>& extra_workload_registry();
// Any of those, plus test-only workloads (found by name, never listed).
const WorkloadEntry* find_workload(const std::string& name);

// One function per workload file.
WorkloadEntry trees_workload();
WorkloadEntry rings_workload();
WorkloadEntry records_workload();
WorkloadEntry growth_workload();
WorkloadEntry lru_workload();
WorkloadEntry temporaries_workload();
WorkloadEntry objects_workload();
WorkloadEntry strings_workload();
WorkloadEntry trace_replay_workload();
WorkloadEntry python_program_workload();
WorkloadEntry faulty_workload();  // test-only

}  // namespace pmb
