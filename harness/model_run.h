// One run of a modelled workload (not a real program) inside this process, in named phases:
//   set_up     the workload builds its initial state (timed apart: setup_s);
//   run_ops    the op loop, in the run's latency mode: every op timed (record), none (off), or
//              blocks with and without timing alternating (alternate: what timing costs);
//   finish     the end of the ops (live bytes, the allocator's own view), teardown, the process's
//              peak RSS, the collector's report;
//   results    the run's JSON: throughput, latency, memory, the collector's figures and MMU.
// The memory timeline samples at every phase boundary and, during the ops, at its own interval.
//
// Invariants: nothing of the results is built while the run is being timed; the peak RSS is read
// before the results are built; pause start times in the results are relative to the start of
// setup, the origin of the memory timeline.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "allocators/allocator.h"
#include "collectors/registry.h"
#include "harness/run_spec.h"
#include "workloads/workload.h"

namespace pmb {

nlohmann::json execute_model_run(const RunSpec& spec, const WorkloadEntry& workload, const Params& params,
                                 Allocator& allocator, const CollectorEntry& collector,
                                 const std::string& collector_options);

}  // namespace pmb
