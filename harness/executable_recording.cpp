#include "harness/executable_recording.h"

#include <cstring>
#include <stdexcept>

#include "measure/build_info.h"
#include "harness/python_child.h"
#include "workloads/interpreter/embedded_python.h"

namespace pmb {

trace::RecordResult record_in_executable(const trace::RecordOptions& options) {
    python::check_program(options.program);
    PythonChildOptions child_options;
    child_options.output_to_stderr = false;  // the program's output is the command's
    child_options.environment = {{"PMB_AGENT_TRACE", options.out},
                                 {"PMB_AGENT_TRACE_META", trace::recording_metadata(options, kPythonExecutable).dump()}};
    const PythonChildOutcome child = run_python_child(options.program, child_options);
    const nlohmann::json reported = nlohmann::json::parse(child.reported, nullptr, false);
    if (child.signal != 0)
        throw std::runtime_error(std::string(kPythonExecutable) + " was killed by signal " + std::to_string(child.signal) +
                                 " (" + strsignal(child.signal) + "): the trace " + options.out + " is incomplete");
    if (reported.is_discarded() || !reported.is_object())
        throw std::runtime_error("the program ended (exit status " + std::to_string(child.exit_status) +
                                 ") without the recording's end, as os._exit does: the trace " + options.out +
                                 " is incomplete");
    if (reported.contains("agent_error")) {
        const std::string error = reported["agent_error"].get<std::string>();
        if (error.rfind("cannot write", 0) == 0) throw std::invalid_argument(error);
        throw std::runtime_error(error);
    }
    trace::RecordResult result;
    result.exit_status = child.exit_status;
    result.events = reported.value("events", std::uint64_t{0});
    result.duration_ns = reported.value("duration_ns", std::uint64_t{0});
    result.peak_live_bytes = reported.value("peak_live_bytes", std::uint64_t{0});
    return result;
}

}  // namespace pmb
