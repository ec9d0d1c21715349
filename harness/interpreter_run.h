// One run of a workload that is a real program in the embedded interpreter (WorkloadEntry::
// runs_interpreter: `python`), measured in this worker process like every other run.
//
// Phases: the interpreter's start-up (pre-initialization, the allocator domains installed,
// initialization) is the run's setup (`setup_s`); the program, from its first line to its end
// (threads joined, atexit callbacks run), is its `wall_s`. Throughout, a sampler thread reads the
// resident set into the memory timeline (no GIL; the interpreter's live bytes are not observable
// without tracing every block, so the timeline's live_bytes is null and peak_live_bytes absent).
// No per-op latency is recorded (latency_recorded is false; a program has no ops the harness can
// time). The program's standard output and error go to the worker's standard error (the harness
// keeps its tail); the results go to the worker's standard output.
//
// A program that fails is a failed run: an uncaught MemoryError is out of memory (std::bad_alloc),
// any other exception, a non-zero exit status or os._exit is an error (std::runtime_error naming
// it). A program that succeeded is followed by the interpreter's finalization, as in python3.11
// (`finalize_s`, not part of wall_s), so the worker's process lives what a plain run lives.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "allocators/allocator.h"
#include "workloads/workload.h"

namespace pmb {

nlohmann::json execute_interpreter_run(const std::string& allocator_spec, const Params& params, const Allocator& allocator,
                                       const std::string& collector, const std::string& collector_options);

}  // namespace pmb
