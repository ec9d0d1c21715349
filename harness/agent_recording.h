// The agent's recording mode: `pymembench record` (harness/executable_recording.h) starts
// python3.11 with the agent preloaded and PMB_AGENT_TRACE naming the trace, and the agent records
// the program inside it:
//   - at load, before main: the trace is created (PMB_AGENT_TRACE_META is its metadata, to which
//     the python version and clock are added) and the allocation hooks installed
//     (workloads/trace/recording_hooks.h), before the interpreter's first allocation;
//   - at the audit event cpython.run_file or cpython.run_module (the program's first line): the
//     program's first event is marked, and a function registered with atexit, the first registered
//     and so the last to run, stops the recording there (finalization is not recorded);
//   - at exit (glibc's on_exit, which is given the exit status): the footer is written with
//     python3.11's exit status, and {"events", "duration_ns", "peak_live_bytes"} or
//     {"agent_error"} is written to the results descriptor.
// A program that leaves through os._exit or a crash reports nothing, and its trace stays without
// a footer (readers refuse it). A child the program forks records nothing.
#pragma once

#include <string>

namespace pmb {

// Called from the agent's load-time constructor; writes {"agent_error"} and exits (status 2) when
// the trace cannot be created.
void start_agent_recording(int results_fd, const std::string& trace_path, const std::string& metadata_json);

}  // namespace pmb
