// python3.11 itself (Debian's /usr/bin/python3.11, statically linked) running a program as a child
// of this process, with the agent (harness/python_agent.cpp) preloaded: the python workload
// measures a program this way (harness/interpreter_run.h) and `record` records one
// (harness/executable_recording.h). The agent is told what to do through the environment; what
// it reports comes back through a pipe (the descriptor it finds in PMB_AGENT_RESULTS_FD).
//
// Invariants: the child dies with this process (PDEATHSIG); the run's malloc library, if
// LD_PRELOAD names one, stays preloaded after the agent; PYTHONMALLOC is unset (the agent decides
// the domains' allocators); the child's standard error is this process's.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "workloads/interpreter/program_command.h"

namespace pmb {

struct PythonChildOutcome {
    std::string reported;  // everything the agent wrote to the results pipe
    int exit_status = 0;   // python3.11's, when it exited
    int signal = 0;        // the signal that killed it, or 0
};

struct PythonChildOptions {
    std::vector<std::pair<std::string, std::string>> environment;  // for the agent, beside PMB_AGENT_RESULTS_FD
    bool output_to_stderr = true;  // the program's standard output goes to this process's standard error
};

// Whether this build has the agent (sanitizer builds have none: an uninstrumented python3.11
// cannot load an instrumented library first).
bool have_python_agent();

// Runs the program to its end; throws std::invalid_argument when the build has no agent and
// std::runtime_error when python3.11 cannot be started.
PythonChildOutcome run_python_child(const python::ProgramCommand& program, const PythonChildOptions& options);

}  // namespace pmb
