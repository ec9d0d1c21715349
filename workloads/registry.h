// The workloads pymembench knows, by name. Adding a workload = one file defining a function that
// returns its WorkloadEntry, plus one line in registry.cpp. Each entry says whether it is in the
// default matrix, run only when named, or test-only (WorkloadEntry::availability).
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "workloads/workload.h"

namespace pmb {

// Every workload, test-only ones included, in the order `list` shows them. Entries never move, so
// pointers from find_workload stay valid as entries are added.
const std::deque<WorkloadEntry>& workload_registry();
// Adds an entry after the built-in ones (a test's own workload, or an embedder's); throws
// std::invalid_argument when its name is taken.
void add_workload(WorkloadEntry entry);
// The names of the workloads with the given availability.
std::vector<std::string> workload_names(WorkloadAvailability availability);
// The entry for `name` (any availability), or nullptr.
const WorkloadEntry* find_workload(const std::string& name);
// The entry for `name`; throws std::invalid_argument naming every workload a user may run otherwise.
const WorkloadEntry& workload_entry(const std::string& name);

}  // namespace pmb
