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
WorkloadEntry trace_replay_workload();
WorkloadEntry python_program_workload();
WorkloadEntry faulty_workload();

const std::vector<WorkloadEntry>& workload_registry() {
    static const std::vector<WorkloadEntry> entries = {
        trees_workload(),
        rings_workload(),
        records_workload(),
        growth_workload(),
        lru_workload(),
        temporaries_workload(),
        objects_workload(),
        strings_workload(),
        trace_replay_workload(),
        python_program_workload(),
        faulty_workload(),
    };
    return entries;
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
