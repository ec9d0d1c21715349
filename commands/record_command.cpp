// `record --out TRACE [--interpreter executable|embedded] [--] script.py [args..]` (or `-m module`):
// a real Python program's allocations, object and mem domains, into a trace file. The arguments
// end with the program's own command line, so the command parses them itself. Exit code: the
// program's own exit status; 2 on bad arguments, when the program cannot be started or the trace
// cannot be written. Replaying is the `trace` workload of `run`.
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "commands/command.h"
#include "measure/build_info.h"
#include "harness/executable_recording.h"
#include "harness/python_child.h"
#include "results/results_file.h"
#include "workloads/trace/trace_recorder.h"

namespace pmb {
namespace {

constexpr const char* kRecordUsage =
    "usage: pymembench record --out TRACE [--interpreter executable|embedded] [--] script.py [args..]   "
    "(or: .. [--] -m module [args..])";

class RecordCommand final : public Command {
public:
    int execute(const Invocation& invocation) override { return record(invocation.arguments, invocation.command_line); }

private:
    static int record(const std::vector<std::string>& args, const std::vector<std::string>& command_line);
};

int RecordCommand::record(const std::vector<std::string>& args, const std::vector<std::string>& command_line) {
    std::string out;
    std::string interpreter = have_python_agent() ? "executable" : "embedded";
    std::size_t i = 0;
    for (; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--help" || a == "-h") {
            std::printf("%s\nRuns the program in the system's Python 3.11 and records every allocation of its object "
                        "and mem domains (malloc, calloc, realloc, free) into TRACE.\n"
                        "--interpreter executable: %s itself, with the agent preloaded (the default where the build "
                        "has it); embedded: the libpython3.11 pymembench embeds (sanitizer builds). This build: %s.\n",
                        kRecordUsage, kPythonExecutable, interpreter.c_str());
            return 0;
        }
        if ((a == "--out" || a == "-o") && i + 1 < args.size()) {
            out = args[++i];
        } else if (a.rfind("--out=", 0) == 0) {
            out = a.substr(6);
        } else if ((a == "--interpreter" && i + 1 < args.size()) || a.rfind("--interpreter=", 0) == 0) {
            interpreter = a == "--interpreter" ? args[++i] : a.substr(14);
            if (interpreter != "executable" && interpreter != "embedded") {
                std::fprintf(stderr, "pymembench record: unknown interpreter '%s' (accepted: executable, embedded)\n",
                             interpreter.c_str());
                return 2;
            }
        } else if (a == "--") {
            ++i;
            break;
        } else if (!a.empty() && a[0] == '-' && a != "-m") {
            std::fprintf(stderr, "pymembench record: unknown option '%s' (%s)\n", a.c_str(), kRecordUsage);
            return 2;
        } else {
            break;
        }
    }
    if (out.empty() || i >= args.size()) {
        std::fprintf(stderr, "pymembench record: %s\n", out.empty() ? "--out TRACE is required" : "no program given");
        std::fprintf(stderr, "%s\n", kRecordUsage);
        return 2;
    }
    const std::vector<std::string> program(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
    try {
        check_writable(out);
        const trace::RecordOptions options{out, program, command_line};
        const trace::RecordResult r =
            interpreter == "executable" ? record_in_executable(options) : trace::record_embedded(options);
        std::fprintf(stderr,
                     "pymembench record: %llu events in %.2f s (peak live %.2f MiB), program exit status %d, "
                     "written to %s\n",
                     static_cast<unsigned long long>(r.events), static_cast<double>(r.duration_ns) * 1e-9,
                     static_cast<double>(r.peak_live_bytes) / (1 << 20), r.exit_status, out.c_str());
        // An embedded interpreter has been finalized, and finalization leaves memory Python never
        // frees; exit straight away (as workers do), so a sanitizer build does not report it as ours.
        std::fflush(stdout);
        std::fflush(stderr);
        std::_Exit(r.exit_status);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pymembench record: %s\n", e.what());
        return 2;
    }
}

}  // namespace

CommandEntry record_command() {
    return {"record", "record a Python program's allocations into a trace (record --out TRACE -- script.py; see "
            "record --help)", false, true, []() -> std::unique_ptr<Command> { return std::make_unique<RecordCommand>(); }};
}

}  // namespace pmb
