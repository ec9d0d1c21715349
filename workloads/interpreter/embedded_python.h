// The system's CPython 3.11, embedded in this process, running a program as `python3.11` would.
//
// A program is named as on python3.11's command line: {"script.py", args..} or
// {"-m", "module", args..}. start_interpreter() pre-initializes the interpreter with the Python
// configuration (so PYTHON* environment variables count, as for python3.11), runs a caller's hook
// before the interpreter's first object allocation (where PyMem_SetAllocator belongs: after
// pre-initialization, as PYTHONMALLOC is applied), then initializes it from the command line
// `python3.11 <program>` exactly as python3.11 parses it: sys.argv, sys.executable and the
// standard library are the system interpreter's.
//
// run_program() then does what python3.11's main does for a script (Modules/main.c,
// Python/pythonrun.c in 3.11): sys.path[0] = the script's real directory, __main__'s __file__,
// __cached__ and __loader__ (a SourceFileLoader), the file compiled and run in __main__'s
// namespace; for -m, sys.path[0] = the current directory and runpy._run_module_as_main. Like the
// interpreter's finalization it then joins non-daemon threads (threading._shutdown) and runs the
// atexit callbacks, so the program's end is where python3.11's would be; the interpreter itself is
// not finalized (the caller decides).
//
// Invariants: one interpreter per process, started at most once; every function here is called
// with the GIL held by the calling (main) thread, which start_interpreter leaves holding it.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace pmb::python {

using ProgramCommand = std::vector<std::string>;

// Throws std::invalid_argument (one line) when the command names no program or a missing script.
void check_program(const ProgramCommand& program);

// Pre-initializes, calls `before_first_allocation`, initializes. Throws std::invalid_argument when
// the interpreter cannot start.
void start_interpreter(const ProgramCommand& program, const std::function<void()>& before_first_allocation);

struct ProgramOutcome {
    int exit_status = 0;    // 0, sys.exit's code, or 1 after an uncaught exception
    std::string exception;  // the uncaught exception's type name ("" when none; SystemExit is not one)
    std::string message;    // its last traceback line, "ValueError: bad value" (printed to stderr as well)
};

ProgramOutcome run_program(const ProgramCommand& program);

// Flushes sys.stdout and sys.stderr (the program's buffered output), ignoring errors.
void flush_standard_streams();

}  // namespace pmb::python
