#include "harness/interpreter_run.h"

#include <Python.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <cstdio>
#include <new>
#include <stdexcept>

#include "harness/build_info.h"
#include "harness/clock.h"
#include "harness/program_measurement.h"
#include "workloads/interpreter/allocator_domains.h"
#include "workloads/interpreter/embedded_python.h"
#include "workloads/interpreter/program_command.h"

#ifndef PMB_PYTHON_AGENT
#define PMB_PYTHON_AGENT ""  // sanitizer builds have none
#endif

namespace pmb {
namespace {

constexpr const char* kPythonAgent = PMB_PYTHON_AGENT;

// The program's output goes where the worker's diagnostics go; the results keep standard output.
class ProgramOutputRedirect {
public:
    ProgramOutputRedirect() {
        std::fflush(stdout);
        results_fd_ = dup(STDOUT_FILENO);
        if (results_fd_ < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
            throw std::runtime_error("cannot redirect the program's standard output");
    }
    ~ProgramOutputRedirect() {
        std::fflush(stdout);
        dup2(results_fd_, STDOUT_FILENO);
        close(results_fd_);
    }
    ProgramOutputRedirect(const ProgramOutputRedirect&) = delete;
    ProgramOutputRedirect& operator=(const ProgramOutputRedirect&) = delete;

private:
    int results_fd_ = -1;
};

// The program in this process's embedded libpython3.11.
nlohmann::json run_embedded(const python::ProgramCommand& program, const Params& params, const Allocator& allocator,
                            const python::GcPolicy& policy, bool count) {

    ProgramOutputRedirect redirect;
    ProgramMeasurement measurement(allocator, count);
    python::start_interpreter(program, [&] { python::install_allocator_domains(allocator, count); });
    measurement.program_starts(policy);
    const python::ProgramOutcome outcome = python::run_program(program);
    if (outcome.exception == "MemoryError") throw std::bad_alloc();
    if (!outcome.exception.empty()) throw std::runtime_error("the program raised " + outcome.message);
    if (outcome.exit_status != 0)
        throw std::runtime_error("the program exited with status " + std::to_string(outcome.exit_status));
    nlohmann::json out = measurement.program_ended(program);
    out["params"] = params.to_json();
    // The interpreter is finalized as python3.11 finalizes it, so the worker's life is the plain
    // interpreter's: start-up, the program, finalization (its time apart, not part of wall_s).
    const std::uint64_t t_finalize = now_ns();
    if (Py_FinalizeEx() != 0) throw std::runtime_error("the interpreter's finalization failed (flushing its output)");
    out["finalize_s"] = static_cast<double>(now_ns() - t_finalize) * 1e-9;
    return out;
}

void set_environment(const char* name, const std::string& value) { setenv(name, value.c_str(), 1); }

// The program in /usr/bin/python3.11 itself, a child of this worker, with the agent preloaded
// (harness/python_agent.cpp); its results come back through a pipe, its status through waitpid.
nlohmann::json run_in_executable(const python::ProgramCommand& program, const std::string& allocator_spec,
                                 const std::string& collector_spec, bool count) {
    if (std::string(kPythonAgent).empty())
        throw std::invalid_argument("this build (with sanitizers) cannot preload its agent into " +
                                    std::string(kPythonExecutable) + " (use --param interpreter=embedded)");
    int results[2];
    if (pipe2(results, O_CLOEXEC) != 0) throw std::runtime_error("cannot create the results pipe");
    std::vector<std::string> argv = {kPythonExecutable};
    argv.insert(argv.end(), program.begin(), program.end());
    std::vector<char*> c_argv;
    for (std::string& a : argv) c_argv.push_back(a.data());
    c_argv.push_back(nullptr);
    std::fflush(nullptr);
    const pid_t parent = getpid();
    const pid_t child = fork();
    if (child < 0) throw std::runtime_error("cannot start " + std::string(kPythonExecutable));
    if (child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        dup2(STDERR_FILENO, STDOUT_FILENO);  // the program's output is not the results
        const int fd = dup(results[1]);     // without close-on-exec: the agent writes to it
        set_environment("PMB_AGENT_RESULTS_FD", std::to_string(fd));
        set_environment("PMB_AGENT_ALLOCATOR", allocator_spec);
        set_environment("PMB_AGENT_COLLECTOR", collector_spec);
        set_environment("PMB_AGENT_COUNT", count ? "1" : "0");
        const char* preload = std::getenv("LD_PRELOAD");  // the run's malloc library, if any
        set_environment("LD_PRELOAD", std::string(kPythonAgent) + (preload != nullptr ? std::string(":") + preload : ""));
        unsetenv("PYTHONMALLOC");  // the agent chooses the mem and object domains' allocator
        execv(c_argv[0], c_argv.data());
        std::fprintf(stderr, "pymembench worker: cannot run %s: %s\n", c_argv[0], std::strerror(errno));
        _exit(127);
    }
    close(results[1]);
    std::string text;
    char buf[65536];
    for (ssize_t n; (n = read(results[0], buf, sizeof buf)) != 0;) {
        if (n > 0) text.append(buf, static_cast<std::size_t>(n));
        else if (errno != EINTR) break;
    }
    close(results[0]);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFSIGNALED(status)) {  // the interpreter crashed: so does this worker, as a run does
        std::fflush(nullptr);
        signal(WTERMSIG(status), SIG_DFL);
        raise(WTERMSIG(status));
    }
    const int exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    nlohmann::json out = nlohmann::json::parse(text, nullptr, false);
    if (out.is_discarded() || !out.is_object()) {
        if (exit_status == 127) throw std::runtime_error("cannot run " + std::string(kPythonExecutable));
        throw std::runtime_error("the program exited with status " + std::to_string(exit_status) + " before its end");
    }
    if (out.contains("agent_error")) throw std::runtime_error(out["agent_error"].get<std::string>());
    if (out.contains("os_exit"))
        throw std::runtime_error("the program called os._exit(" + out["os_exit"].dump() + ") before its end");
    if (out.value("exception", "") == "MemoryError") throw std::bad_alloc();
    if (out.contains("exception")) throw std::runtime_error("the program raised " + out["message"].get<std::string>());
    if (exit_status != 0) throw std::runtime_error("the program exited with status " + std::to_string(exit_status));
    out["counters"]["program"] = program;
    return out;
}

}  // namespace

nlohmann::json execute_interpreter_run(const std::string& allocator_spec, const Params& params,
                                       const Allocator& allocator, const std::string& collector,
                                       const std::string& collector_options) {
    const python::ProgramCommand program = python::program_command(params);
    const python::GcPolicy policy = python::parse_gc_policy(collector, collector_options);
    const bool count = params.get("count_allocations") != 0;
    const std::string& interpreter = params.text("interpreter");
    nlohmann::json out;
    if (interpreter == "embedded") {
        out = run_embedded(program, params, allocator, policy, count);
    } else {
        out = run_in_executable(program, allocator_spec,
                                collector + (collector_options.empty() ? "" : ":" + collector_options), count);
        out["params"] = params.to_json();
    }
    out["interpreter"] = interpreter == "embedded" ? "embedded libpython3.11" : kPythonExecutable;
    return out;
}

}  // namespace pmb
