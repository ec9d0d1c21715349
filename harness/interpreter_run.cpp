#include "harness/interpreter_run.h"

#include <Python.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <new>
#include <stdexcept>

#include "measure/build_info.h"
#include "measure/clock.h"
#include "harness/program_measurement.h"
#include "harness/python_child.h"
#include "workloads/interpreter/allocator_domains.h"
#include "workloads/interpreter/embedded_python.h"
#include "workloads/interpreter/program_command.h"

namespace pmb {
namespace {

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

// The program in /usr/bin/python3.11 itself, a child of this worker, with the agent preloaded
// (harness/python_agent.cpp); its results come back through a pipe, its status through waitpid.
nlohmann::json run_in_executable(const python::ProgramCommand& program, const std::string& allocator_spec,
                                 const std::string& collector_spec, bool count) {
    if (!have_python_agent())
        throw std::invalid_argument("this build (with sanitizers) cannot preload its agent into " +
                                    std::string(kPythonExecutable) + " (use --param interpreter=embedded)");
    const PythonChildOutcome child = run_python_child(
        program, {{{"PMB_AGENT_ALLOCATOR", allocator_spec},
                   {"PMB_AGENT_COLLECTOR", collector_spec},
                   {"PMB_AGENT_COUNT", count ? "1" : "0"}}});
    if (child.signal != 0) {  // the interpreter crashed: so does this worker, as a run does
        std::fflush(nullptr);
        signal(child.signal, SIG_DFL);
        raise(child.signal);
    }
    const int exit_status = child.exit_status;
    const std::string& text = child.reported;
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
