#include "harness/single_run.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "allocators/registry.h"
#include "collectors/registry.h"
#include "harness/interpreter_run.h"
#include "harness/model_run.h"
#include "collectors/generational_collector.h"
#include "objects/heap.h"
#include "workloads/registry.h"

namespace pmb {
namespace {

std::pair<std::string, std::string> split_spec(const std::string& text) {
    auto colon = text.find(':');
    if (colon == std::string::npos) return {text, ""};
    return {text.substr(0, colon), text.substr(colon + 1)};
}

}  // namespace

void validate_run_spec(const RunSpec& spec, bool check_params) {
    const AllocatorSpec aspec = parse_allocator_spec(spec.allocator);
    allocator_entry(aspec.name).check(aspec.options);
    const auto [cname, coptions] = split_spec(spec.collector);
    // Creating a collector allocates nothing, so building one over an unused Heap checks options.
    Heap unused({nullptr, nullptr, nullptr, nullptr, nullptr});
    collector_entry(cname).make(unused, coptions);
    const WorkloadEntry& w = workload_entry(spec.workload);
    check_collector_applies(w, cname);
    const Params params = Params::resolve(w.name, w.params, spec.params);
    if (check_params && w.check) w.check(params);
}

void check_collector_applies(const WorkloadEntry& workload, const std::string& collector) {
    const std::string name = split_spec(collector).first;
    if (collector_applies(workload, name)) return;
    std::string accepted;
    for (const std::string& c : workload.collectors) accepted += (accepted.empty() ? "" : ", ") + c;
    throw std::invalid_argument("collector '" + name + "' does not apply to workload '" + workload.name +
                                "': a real program runs under CPython 3.11's own collector (accepted: " + accepted +
                                ")");
}

bool collector_applies(const WorkloadEntry& workload, const std::string& collector) {
    const auto [name, options] = split_spec(collector);
    if (workload.runs_interpreter && name == "gen") {
        try {  // a later CPython's preset does not apply: the interpreter here is 3.11
            if (parse_generational_config(options).version != GcVersion::k3_11) return false;
        } catch (const std::invalid_argument&) {  // malformed options: the run reports them
        }
    }
    return workload.collectors.empty() ||
           std::find(workload.collectors.begin(), workload.collectors.end(), name) != workload.collectors.end();
}

nlohmann::json execute_run(const RunSpec& spec) {
    const AllocatorSpec aspec = parse_allocator_spec(spec.allocator);
    const AllocatorEntry& aentry = allocator_entry(aspec.name);
    const auto [cname, coptions] = split_spec(spec.collector);
    const CollectorEntry& centry = collector_entry(cname);
    const WorkloadEntry& wentry = workload_entry(spec.workload);
    const Params params = Params::resolve(wentry.name, wentry.params, spec.params);

    std::unique_ptr<Allocator> allocator = aentry.make(aspec.options);
    if (wentry.runs_interpreter) {
        check_collector_applies(wentry, cname);
        if (wentry.check) wentry.check(params);
        return execute_interpreter_run(spec.allocator, params, *allocator, cname, coptions);
    }
    return execute_model_run(spec, wentry, params, *allocator, centry, coptions);
}

}  // namespace pmb
