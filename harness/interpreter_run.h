// One run of a workload that is a real program (WorkloadEntry::runs_interpreter: `python`),
// measured like every other run, in one of two interpreters (the workload's `interpreter`):
//   - executable: /usr/bin/python3.11, a child of this worker started with the agent preloaded
//     (harness/python_agent.cpp), which measures inside it and sends the results back through a
//     pipe; the child's exit status and signal are the program's (a crash of python3.11 is
//     re-raised here, so the run is `crashed`); the child dies with the worker (PDEATHSIG);
//   - embedded: the libpython3.11 this worker embeds, measured in this process
//     (harness/program_measurement.h), then finalized as python3.11 finalizes (`finalize_s`).
// The measurement (harness/program_measurement.h) is the same in both: the interpreter's start-up
// is the run's setup (`setup_s`), the program from its first line to its end (threads joined,
// atexit run) its `wall_s`; RSS timeline only, no per-op latency. The program's standard output
// and error go to the worker's standard error (the harness keeps its tail); the results go to the
// worker's standard output.
//
// A program that fails is a failed run: an uncaught MemoryError is out of memory (std::bad_alloc),
// any other exception, a non-zero exit status or os._exit is an error (std::runtime_error naming
// it); an interpreter that cannot start, or a build without the agent asked for the executable,
// is bad input (std::invalid_argument).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "allocators/allocator.h"
#include "workloads/workload.h"

namespace pmb {

nlohmann::json execute_interpreter_run(const std::string& allocator_spec, const Params& params, const Allocator& allocator,
                                       const std::string& collector, const std::string& collector_options);

}  // namespace pmb
