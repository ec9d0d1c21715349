#include "workloads/registry.h"

#include <stdexcept>

namespace pmb {

// One function per workload file.
WorkloadEntry trees_workload();
WorkloadEntry rings_workload();
WorkloadEntry records_workload();
WorkloadEntry growth_workload();
WorkloadEntry lru_workload();
WorkloadEntry temporaries_workload();
WorkloadEntry objects_workload();
WorkloadEntry strings_workload();
WorkloadEntry gc_collect_workload();
WorkloadEntry pickle_opt_workload();
WorkloadEntry data_growth_workload();
WorkloadEntry trace_replay_workload();
WorkloadEntry python_program_workload();
WorkloadEntry faulty_workload();

namespace {

std::deque<WorkloadEntry>& entries() {
    static std::deque<WorkloadEntry> entries = {
        trees_workload(),
        rings_workload(),
        records_workload(),
        growth_workload(),
        lru_workload(),
        temporaries_workload(),
        objects_workload(),
        strings_workload(),
        gc_collect_workload(),
        pickle_opt_workload(),
        data_growth_workload(),
        trace_replay_workload(),
        python_program_workload(),
        faulty_workload(),
    };
    return entries;
}

}  // namespace

const std::deque<WorkloadEntry>& workload_registry() { return entries(); }

void add_workload(WorkloadEntry entry) {
    if (find_workload(entry.name) != nullptr)
        throw std::invalid_argument("a workload named '" + entry.name + "' is already registered");
    entries().push_back(std::move(entry));
}

std::vector<std::string> workload_names(WorkloadAvailability availability) {
    std::vector<std::string> names;
    for (const WorkloadEntry& e : workload_registry())
        if (e.availability == availability) names.push_back(e.name);
    return names;
}

const WorkloadEntry* find_workload(const std::string& name) {
    for (const WorkloadEntry& e : workload_registry())
        if (e.name == name) return &e;
    return nullptr;
}

const WorkloadEntry& workload_entry(const std::string& name) {
    if (const WorkloadEntry* e = find_workload(name)) return *e;
    std::string accepted;
    for (const WorkloadEntry& e : workload_registry())
        if (e.availability != WorkloadAvailability::test_only) accepted += (accepted.empty() ? "" : ", ") + e.name;
    throw std::invalid_argument("unknown workload '" + name + "' (accepted: " + accepted + ")");
}

}  // namespace pmb
