// Recording a real Python program's allocations: `pymembench record --out TRACE -- script.py ..`.
//
// The program runs in this process, in the system's CPython 3.11 (libpython3.11, embedded, with
// the standard library of the interpreter this build was configured with), as `python3.11
// script.py ..` would run it: sys.argv is the program's command, sys.path[0] its directory, and
// `-m module ..` runs a module as `python -m` does. Before the interpreter starts, the allocators
// of the object domain (PyObject_Malloc and friends) and the mem domain (PyMem_Malloc and
// friends), both CPython's pymalloc in 3.11, are wrapped with PyMem_SetAllocator: each call goes
// to the original and then, when it succeeded, becomes an event in the trace (trace_format.h),
// tagged with its domain, with the time since recording began (the TSC, as the op clock reads
// it, read every 16th event: the events between share the last reading, so times have a
// resolution of about a microsecond). Blocks are known by address -> slot in a map indexed by
// the address (address_slots.h), held outside the domains recorded.
//
// The raw domain (PyMem_RawMalloc: the C library's malloc in 3.11, callable without the GIL, and
// where pymalloc itself sends requests above 512 bytes) is not recorded: hooking it would record
// those large blocks twice and need a lock the program does not take.
//
// What is recorded: the interpreter's start-up (its first events, counted in the footer), then the
// program, until it returns, raises or calls sys.exit; not the interpreter's finalization. The
// object and mem domains are only ever called with the GIL held, so the hooks need no lock.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace pmb::trace {

struct RecordOptions {
    std::string out;                        // the trace file
    std::vector<std::string> program;       // script.py and its arguments, or -m module and its
    std::vector<std::string> command_line;  // pymembench's own, kept in the trace's metadata
};

struct RecordResult {
    int exit_status = 0;  // the program's: 0, sys.exit's code, or 1 after an uncaught exception
    std::uint64_t events = 0;
    std::uint64_t duration_ns = 0;
    std::uint64_t peak_live_bytes = 0;
};

// Runs the program and writes the trace; throws std::invalid_argument (one line) when the program
// cannot be found or the trace cannot be written. Call at most once per process.
RecordResult record_python_program(const RecordOptions& options);

}  // namespace pmb::trace
