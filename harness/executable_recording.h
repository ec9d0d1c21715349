// `record` in /usr/bin/python3.11 itself: the program runs in a child python3.11 with the agent
// preloaded in its recording mode (harness/agent_recording.h), which writes the trace; this
// process waits and reads the agent's summary (workloads/trace/trace_recorder.h says what a trace
// holds, and the embedded alternative).
#pragma once

#include "workloads/trace/trace_recorder.h"

namespace pmb {

// Throws std::invalid_argument (one line) when the program cannot be found, the trace cannot be
// written or the build has no agent; std::runtime_error when the program ended without the
// recording's end (os._exit, a crash: the trace is incomplete) or a write failed.
trace::RecordResult record_in_executable(const trace::RecordOptions& options);

}  // namespace pmb
