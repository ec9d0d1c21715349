// python: a real Python program run by the real interpreter (CPython 3.11), through the run's
// allocator and under CPython's own collector, with the same metrics as every workload.
//
//   run --workload python --param script=PROG.py [--param args='--scale 1']
//   run --workload python --param module=json.tool [--param args='...']
//
// interpreter=executable (the default): the program runs in /usr/bin/python3.11 itself, with
// pymembench's agent preloaded (harness/python_agent.cpp); interpreter=embedded: in the
// libpython3.11 the worker embeds (workloads/interpreter/embedded_python.h), the only way in
// sanitizer builds. Either way the allocator serves the interpreter's mem and object domains
// (workloads/interpreter/allocator_domains.h), and `gen` and `rc` are CPython's collector enabled
// (with its thresholds, or frozen after start-up) and disabled (workloads/interpreter/gc_monitor.h);
// 3.11 has no other, so `incremental` and `marksweep` are refused and a matrix skips them.
// The harness runs it (harness/interpreter_run.h): its setup is the interpreter's start-up, its
// wall time the program's run. A step is one run of the program, unless the program declares
// its own count of operations by leaving an integer PYMEMBENCH_OPS in its __main__ namespace.
#include <stdexcept>
#include <string>

#include "measure/build_info.h"

#include "workloads/interpreter/embedded_python.h"
#include "workloads/interpreter/program_command.h"
#include "workloads/registry.h"

namespace pmb {
namespace {

// Sanitizer builds cannot preload their (instrumented) agent into an uninstrumented python3.11.
#ifdef PMB_SANITIZER_BUILD
constexpr const char* kDefaultInterpreter = "embedded";
#else
constexpr const char* kDefaultInterpreter = "executable";
#endif

}  // namespace

WorkloadEntry python_program_workload() {
    WorkloadEntry e{"python",
                    "a real Python program in the real interpreter (CPython 3.11): script= or module=, args=",
                    {text_param("script", "the Python script to run"),
                     text_param("module", "a module to run as python3.11 -m MODULE (instead of script)"),
                     text_param("args", "the program's arguments, split at spaces ('...' and \"...\" quote)"),
                     text_param("interpreter",
                                "executable: " + std::string(kPythonExecutable) +
                                    " itself, with pymembench's agent preloaded; embedded: the libpython3.11 "
                                    "pymembench embeds (12-22 % slower on the real programs, see docs/methodology.md)",
                                kDefaultInterpreter),
                     {"count_allocations", 0,
                      "1: count the calls of the mem and object domains (one more indirect call each)"}},
                    {},
                    nullptr};
    e.check = [](const Params& p) {
        python::check_program(python::program_command(p));
        const std::string& interpreter = p.text("interpreter");
        if (interpreter != "executable" && interpreter != "embedded")
            throw std::invalid_argument("interpreter '" + interpreter + "' is not one of executable, embedded");
    };
    e.runs_interpreter = true;
    e.availability = WorkloadAvailability::when_named;
    e.collectors = {"gen", "rc"};
    return e;
}

}  // namespace pmb
