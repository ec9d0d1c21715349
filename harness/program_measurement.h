// What a run of a real program measures, inside the process the program runs in: the embedded
// interpreter of a worker (harness/interpreter_run.h) or python3.11 itself with the agent
// preloaded (harness/python_agent.cpp).
//
// Life: constructed before the interpreter starts (the run's setup begins: a timer's signal
// samples the resident set from then on, see RssSampler); program_starts() once the interpreter is initialized and just
// before the program's first line (the collector policy applied, collections timed, os._exit
// guarded); program_ended() once the program has ended (threads joined, atexit run), which
// stops the clocks and returns the run's JSON: wall_s (the program), setup_s (the start-up),
// ops, gc (pauses, MMU over the program, gc.get_stats()), leaked objects under rc, peak RSS
// (VmHWM), the RSS timeline (live_bytes null: not observable without tracing every block), the
// allocator's identity and statistics, per-domain calls when counted.
//
// Invariant: all three calls come from the main thread holding the GIL (the constructor before
// the interpreter exists); one measurement per process.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "allocators/allocator.h"
#include "workloads/interpreter/gc_monitor.h"

namespace pmb {

class ProgramMeasurement {
public:
    ProgramMeasurement(const Allocator& allocator, bool count_allocations);
    ~ProgramMeasurement();
    // `on_os_exit` runs when the program calls os._exit (python::guard_os_exit).
    void program_starts(const python::GcPolicy& policy, void (*on_os_exit)(long status) = nullptr);
    nlohmann::json program_ended(const std::vector<std::string>& program);

private:
    class RssSampler;
    const Allocator& allocator_;
    bool count_;
    std::unique_ptr<RssSampler> sampler_;
    std::unique_ptr<python::GcMonitor> monitor_;
    std::uint64_t t_setup_ = 0, t_start_ = 0, allocs_before_ = 0;
};

}  // namespace pmb
