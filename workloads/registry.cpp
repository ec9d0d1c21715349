#include "workloads/registry.h"

namespace pmb {

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
    };
    return entries;
}

const std::vector<WorkloadEntry>& extra_workload_registry() {
    static const std::vector<WorkloadEntry> entries = {trace_replay_workload(), python_program_workload()};
    return entries;
}

const WorkloadEntry* find_workload(const std::string& name) {
    for (const auto* registry : {&workload_registry(), &extra_workload_registry()})
        for (const WorkloadEntry& e : *registry)
            if (e.name == name) return &e;
    static const WorkloadEntry faulty = faulty_workload();
    if (name == faulty.name) return &faulty;
    return nullptr;
}

}  // namespace pmb
