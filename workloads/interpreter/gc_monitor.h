// The embedded interpreter's own cycle collector, observed and steered: what the `gen` and `rc`
// collectors mean when the workload is a real program (CPython 3.11's Modules/gcmodule.c).
//
//   - gen: gc.set_threshold(threshold0, threshold1, threshold2) (CPython's (700, 10, 10) unless
//     set); freeze_after_setup=1 calls gc.freeze() just before the program's first line, so
//     everything start-up made (site, encodings, the modules imported before the program) sits in
//     the permanent generation;
//   - rc: gc.disable() before the program; at its end one gc.collect() with gc.DEBUG_SAVEALL finds
//     the cyclic garbage reference counting left, reported as leaked (objects, and bytes as
//     sys.getsizeof counts them).
// Every collection during the program is timed through gc.callbacks (a C function: "start"
// and "stop" phases, the generation and the objects collected), into a PauseLog, so pauses,
// their histogram and MMU are those of every other collector. gc.get_stats() at the program's end
// (the interpreter's totals since start-up, as the program itself would read them) is reported
// beside the counts of the collections timed.
//
// Invariant: with the GIL held, in the main thread, after start_interpreter and before
// run_program; one monitor per process.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "collectors/generational_collector.h"
#include "collectors/pause_log.h"

namespace pmb::python {

struct GcPolicy {
    bool enabled = true;  // false: rc (gc.disable())
    GenerationalConfig config;
};

// Parses the collector spec's name and options for a real program: "gen[:options]" or "rc";
// throws std::invalid_argument naming what is accepted. The interpreter is 3.11, so a version
// preset of gen other than 3.11 is refused: it would label 3.11 with a later release's name.
GcPolicy parse_gc_policy(const std::string& collector, const std::string& options);

class GcMonitor {
public:
    // Applies the policy and starts timing collections.
    explicit GcMonitor(const GcPolicy& policy);
    // At the program's end: stops timing; under rc, finds the cyclic garbage left.
    void finish();

    const PauseLog& pauses() const;
    std::uint64_t leaked_objects() const { return leaked_objects_; }
    std::uint64_t leaked_bytes() const { return leaked_bytes_; }
    // The run's "gc": the PauseLog's statistics plus thresholds, "enabled", "interpreter_stats"
    // (gc.get_stats() at the program's end) and "frozen_objects".
    nlohmann::json stats_json() const;

private:
    GcPolicy policy_;
    nlohmann::json interpreter_stats_ = nlohmann::json::array();
    std::uint64_t frozen_ = 0, leaked_objects_ = 0, leaked_bytes_ = 0;
};

// Replaces os._exit so that a program calling it leaves a last line saying so on stderr before the
// process exits (status 1), after `before_exit(status)` if given; a forked child's os._exit is the
// original.
void guard_os_exit(void (*before_exit)(long status) = nullptr);

}  // namespace pmb::python
