// Runs a child process with a time limit and an address-space limit, capturing its standard
// output and error (of standard error only the last MiB), and returns the kernel's accounting of it (wait4's rusage).
//
// The child is started with fork + execve from a small parent, so its resources belong to it
// alone; a child that outlives its time limit is killed with SIGKILL and reported as timed out.
// A child never outlives its parent: it receives SIGKILL when the parent dies (PR_SET_PDEATHSIG),
// and it is killed when the caller's `stop` flag becomes true (checked ten times a second).
#pragma once

#include <sys/resource.h>

#include <atomic>
#include <string>
#include <vector>

namespace pmb {

struct ProcessLimits {
    double timeout_s = 0;             // 0 = none
    std::size_t memory_bytes = 0;     // RLIMIT_AS; 0 = none
};

struct ProcessOutcome {
    bool started = false;
    bool timed_out = false;
    bool stopped = false;  // killed because `stop` became true
    int exit_code = -1;   // valid when the child exited normally
    int term_signal = 0;  // signal that ended it, or 0
    double wall_s = 0;
    std::string out;
    std::string err;
    rusage usage{};
};

// `argv[0]` is the executable's path; `extra_env` entries ("K=V") are added to the environment
// (replacing a variable of the same name).
ProcessOutcome run_process(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
                           const ProcessLimits& limits, const std::atomic<bool>* stop = nullptr);

}  // namespace pmb
