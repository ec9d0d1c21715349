#include "workloads/trace/trace_recorder.h"

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "measure/build_info.h"
#include "measure/metadata.h"
#include "measure/op_clock.h"
#include "workloads/interpreter/embedded_python.h"
#include "workloads/interpreter/gc_monitor.h"
#include "workloads/trace/recording_hooks.h"
#include "workloads/trace/trace_writer.h"

namespace pmb::trace {

nlohmann::json recording_metadata(const RecordOptions& options, const std::string& interpreter) {
    return {{"command", options.program},
            {"recorder", options.command_line},
            {"start_time", utc_timestamp()},
            {"domains", {"object", "mem"}},
            {"interpreter", interpreter},
            {"python_executable", kPythonExecutable}};
}

RecordResult record_embedded(const RecordOptions& options) {
    python::check_program(options.program);
    const OpClock clock;
    nlohmann::json meta = recording_metadata(options, "embedded libpython3.11");
    meta["python_version"] = Py_GetVersion();
    meta["clock"] = clock.name();
    TraceWriter writer(options.out, meta);

    python::start_interpreter(options.program, [&] { start_recording(writer, clock); });
    TraceWriter::Ending ending;
    ending.program_start_event = writer.events();
    python::guard_os_exit();  // os._exit would end this process with a truncated trace and no word
    ending.exit_status = python::run_program(options.program).exit_status;
    python::flush_standard_streams();  // what the program printed comes before the caller's summary
    stop_recording(ending);
    RecordResult result;
    result.exit_status = static_cast<int>(ending.exit_status);
    result.events = writer.events();
    result.duration_ns = ending.duration_ns;
    result.peak_live_bytes = writer.peak_live_bytes();
    writer.finish(ending);
    Py_FinalizeEx();
    return result;
}

}  // namespace pmb::trace
