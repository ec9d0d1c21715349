#include "harness/agent_recording.h"

#include <Python.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <memory>

#include <nlohmann/json.hpp>

#include "measure/op_clock.h"
#include "harness/results_pipe.h"
#include "workloads/trace/recording_hooks.h"
#include "workloads/trace/trace_writer.h"

namespace pmb {
namespace {

struct AgentRecording {
    int results_fd = -1;
    pid_t pid = 0;
    OpClock clock;
    std::unique_ptr<trace::TraceWriter> writer;
    trace::TraceWriter::Ending ending;
    bool program_started = false;
    bool stopped = false;
};
AgentRecording* g_recording = nullptr;  // lives as long as the process

void report(const nlohmann::json& results) { send_results(g_recording->results_fd, results); }

void stop() {
    if (g_recording->stopped) return;
    g_recording->stopped = true;
    trace::stop_recording(g_recording->ending);
}

PyObject* at_program_end(PyObject*, PyObject*) {
    stop();
    Py_RETURN_NONE;
}

PyMethodDef g_at_end_def = {"pymembench_recording_end", at_program_end, METH_NOARGS, nullptr};

int on_audit_event(const char* event, PyObject*, void*) {
    if (g_recording->program_started) return 0;
    if (std::strcmp(event, "cpython.run_file") != 0 && std::strcmp(event, "cpython.run_module") != 0) return 0;
    g_recording->program_started = true;
    g_recording->ending.program_start_event = g_recording->writer->events();
    PyObject* atexit = PyImport_ImportModule("atexit");
    PyObject* at_end = PyCFunction_New(&g_at_end_def, nullptr);
    PyObject* r = atexit != nullptr && at_end != nullptr ? PyObject_CallMethod(atexit, "register", "O", at_end) : nullptr;
    if (r == nullptr) PyErr_Print();  // the recording then stops at exit, finalization included
    Py_XDECREF(r);
    Py_XDECREF(at_end);
    Py_XDECREF(atexit);
    return 0;
}

void at_process_exit(int status, void*) {
    if (getpid() != g_recording->pid || g_recording->results_fd < 0) return;  // a forked child's exit
    stop();
    g_recording->ending.exit_status = status;
    nlohmann::json results;
    try {
        trace::TraceWriter& writer = *g_recording->writer;
        results = {{"events", writer.events()},
                   {"duration_ns", g_recording->ending.duration_ns},
                   {"peak_live_bytes", writer.peak_live_bytes()}};
        writer.finish(g_recording->ending);
    } catch (const std::exception& e) {
        results = {{"agent_error", e.what()}};
    }
    report(results);
}

}  // namespace

void start_agent_recording(int results_fd, const std::string& trace_path, const std::string& metadata_json) {
    g_recording = new AgentRecording;
    g_recording->results_fd = results_fd;
    g_recording->pid = getpid();
    try {
        nlohmann::json meta = nlohmann::json::parse(metadata_json);
        meta["python_version"] = Py_GetVersion();
        meta["clock"] = g_recording->clock.name();
        g_recording->writer = std::make_unique<trace::TraceWriter>(trace_path, meta);
        if (PySys_AddAuditHook(on_audit_event, nullptr) != 0) throw std::runtime_error("cannot add the audit hook");
        if (on_exit(at_process_exit, nullptr) != 0) throw std::runtime_error("cannot register the recording's end");
        trace::start_recording(*g_recording->writer, g_recording->clock);
    } catch (const std::exception& e) {
        report({{"agent_error", e.what()}});
        _exit(2);
    }
}

}  // namespace pmb
