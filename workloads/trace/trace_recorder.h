// Recording a real Python program's allocations: `pymembench record --out TRACE -- script.py ..`.
//
// The program runs as `python3.11 script.py ..` would run it (sys.argv is the program's command,
// sys.path[0] its directory, `-m module ..` runs a module as `python -m` does) in one of two
// interpreters, as the python workload's (harness/interpreter_run.h):
//   - executable: Debian's /usr/bin/python3.11 itself, with the agent preloaded, which records
//     inside it (harness/executable_recording.h); the interpreter a program's users run and the
//     one the python workload measures, so a trace's sequence is that run's;
//   - embedded: the libpython3.11 this process embeds (record_embedded below): the only one in
//     sanitizer builds, which have no agent.
// In both, the allocation hooks (recording_hooks.h) wrap the object and mem domains before the
// interpreter's first allocation.
//
// What is recorded: the interpreter's start-up (its first events, counted in the footer), then the
// program, until it returns, raises or calls sys.exit (threads joined, atexit run); not the
// interpreter's finalization. The footer's exit status is the program's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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

// The trace's metadata that the recording process does not add itself (python_version, clock):
// the command, the recorder's command line, the start time, the domains, the interpreter.
nlohmann::json recording_metadata(const RecordOptions& options, const std::string& interpreter);

// Runs the program in the embedded interpreter and writes the trace; throws std::invalid_argument
// (one line) when the program cannot be found or the trace cannot be written, std::runtime_error
// when a write failed on the way. Call at most once per process.
RecordResult record_embedded(const RecordOptions& options);

}  // namespace pmb::trace
