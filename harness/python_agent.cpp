// The python workload's agent: a shared library the worker preloads into Debian's
// /usr/bin/python3.11, so that a real program is measured in the interpreter its users run
// (linked statically, unlike the libpython3.11 a worker embeds; bench/real_programs.py measures
// the difference). It links no libpython: every Python symbol it calls is the executable's own.
//
// The worker starts python3.11 PROG.py args.. with LD_PRELOAD naming this library (after the
// run's malloc library, if any) and PMB_AGENT_RESULTS_FD (where the results go), PMB_AGENT_ALLOCATOR,
// PMB_AGENT_COLLECTOR and PMB_AGENT_COUNT in the environment. Then:
//   - at load, before main: the backend is made (its identity checked) and installed on the mem
//     and object domains (workloads/interpreter/allocator_domains.h: before the interpreter's
//     first allocation, as PYTHONMALLOC is applied), the measurement starts (the run's setup),
//     and an audit hook is added (PySys_AddAuditHook, allowed before initialization);
//   - at the audit event cpython.run_file or cpython.run_module, which python3.11 raises just
//     before the program's first line: the collector policy, collection timing and the os._exit
//     guard (ProgramMeasurement::program_starts), and a C function registered with atexit, the
//     first registered and so the last to run: after the program's own atexit callbacks and the
//     joining of its threads;
//   - in that function: the results (ProgramMeasurement::program_ended), or the uncaught
//     exception (sys.last_type, set by python3.11's PyErr_Print) when the program raised, are
//     written to the results descriptor as one JSON object. python3.11 then finalizes and exits
//     with its own status, which the worker reads.
// With PMB_AGENT_TRACE it records the program instead (harness/agent_recording.h). Every
// PMB_AGENT_* setting, and the agent itself in LD_PRELOAD, leave the environment at load, so the
// Python processes a program starts run plain. Without PMB_AGENT_RESULTS_FD the library does nothing. Later audit events cost the hook one
// flag test (python3.11 builds each event's argument tuple once any hook exists).
#include <Python.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "allocators/registry.h"
#include "harness/agent_recording.h"
#include "harness/results_pipe.h"
#include "harness/program_measurement.h"
#include "workloads/interpreter/allocator_domains.h"

namespace pmb {
namespace {

struct Agent {
    int results_fd = -1;
    std::unique_ptr<Allocator> allocator;
    std::unique_ptr<ProgramMeasurement> measurement;
    python::GcPolicy policy;
    bool started = false;
};
Agent* g_agent = nullptr;

void write_results(const nlohmann::json& results) { send_results(g_agent->results_fd, results); }

std::string text_of(PyObject* object) {
    PyObject* text = object != nullptr ? PyObject_Str(object) : nullptr;
    const char* utf8 = text != nullptr ? PyUnicode_AsUTF8(text) : nullptr;
    std::string out = utf8 != nullptr ? utf8 : "";
    Py_XDECREF(text);
    PyErr_Clear();
    return out;
}

std::vector<std::string> sys_argv() {
    std::vector<std::string> argv;
    PyObject* list = PySys_GetObject("argv");  // borrowed
    for (Py_ssize_t i = 0; list != nullptr && i < PyList_Size(list); ++i) argv.push_back(text_of(PyList_GetItem(list, i)));
    return argv;
}

PyObject* at_program_end(PyObject*, PyObject*) {
    if (g_agent->results_fd < 0) Py_RETURN_NONE;
    nlohmann::json results;
    try {
        PyObject* last_type = PySys_GetObject("last_type");  // borrowed; set when the program raised
        if (last_type != nullptr && last_type != Py_None && PyType_Check(last_type)) {
            const std::string name = reinterpret_cast<PyTypeObject*>(last_type)->tp_name;
            const std::string value = text_of(PySys_GetObject("last_value"));
            results = {{"exception", name}, {"message", value.empty() ? name : name + ": " + value}};
        } else {
            results = g_agent->measurement->program_ended(sys_argv());
        }
    } catch (const std::exception& e) {
        results = {{"agent_error", e.what()}};
    }
    write_results(results);
    Py_RETURN_NONE;
}

void before_os_exit(long status) {
    if (g_agent->results_fd >= 0) write_results({{"os_exit", status}});
}

PyMethodDef g_at_end_def = {"pymembench_program_end", at_program_end, METH_NOARGS, nullptr};

int on_audit_event(const char* event, PyObject*, void*) {
    if (g_agent->started) return 0;
    if (std::strcmp(event, "cpython.run_file") != 0 && std::strcmp(event, "cpython.run_module") != 0) return 0;
    g_agent->started = true;
    try {
        PyObject* atexit = PyImport_ImportModule("atexit");
        PyObject* at_end = PyCFunction_New(&g_at_end_def, nullptr);
        PyObject* r = atexit != nullptr && at_end != nullptr ? PyObject_CallMethod(atexit, "register", "O", at_end)
                                                             : nullptr;
        Py_XDECREF(r);
        Py_XDECREF(at_end);
        Py_XDECREF(atexit);
        if (r == nullptr) {
            PyErr_Print();
            throw std::runtime_error("cannot register the program's end with atexit");
        }
        g_agent->measurement->program_starts(g_agent->policy, before_os_exit);
    } catch (const std::exception& e) {
        write_results({{"agent_error", e.what()}});
    }
    return 0;
}

std::string environment(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr ? value : "";
}

// The agent's settings leave the environment once read, so a Python process the program starts
// (subprocess, multiprocessing's spawn) runs plain.
void forget_settings() {
    for (const char* name : {"PMB_AGENT_RESULTS_FD", "PMB_AGENT_ALLOCATOR", "PMB_AGENT_COLLECTOR", "PMB_AGENT_COUNT",
                             "PMB_AGENT_TRACE", "PMB_AGENT_TRACE_META"})
        unsetenv(name);
    std::string preload = environment("LD_PRELOAD"), kept;
    for (std::size_t start = 0; start <= preload.size();) {
        std::size_t end = preload.find(':', start);
        if (end == std::string::npos) end = preload.size();
        const std::string entry = preload.substr(start, end - start);
        if (!entry.empty() && entry.find("pymembench_python_agent") == std::string::npos)
            kept += (kept.empty() ? "" : ":") + entry;
        start = end + 1;
    }
    if (kept.empty()) unsetenv("LD_PRELOAD");
    else setenv("LD_PRELOAD", kept.c_str(), 1);
}

__attribute__((constructor)) void start_agent() {
    const std::string fd = environment("PMB_AGENT_RESULTS_FD");
    if (fd.empty()) return;
    const int results_fd = std::atoi(fd.c_str());
    fcntl(results_fd, F_SETFD, FD_CLOEXEC);
    const std::string trace = environment("PMB_AGENT_TRACE"), trace_meta = environment("PMB_AGENT_TRACE_META");
    const std::string allocator = environment("PMB_AGENT_ALLOCATOR"), collector = environment("PMB_AGENT_COLLECTOR");
    const bool count = environment("PMB_AGENT_COUNT") == "1";
    forget_settings();
    if (!trace.empty()) {  // `record` (harness/agent_recording.h)
        start_agent_recording(results_fd, trace, trace_meta);
        return;
    }
    g_agent = new Agent;  // lives as long as the process
    g_agent->results_fd = results_fd;
    try {
        const AllocatorSpec spec = parse_allocator_spec(allocator);
        const AllocatorEntry* entry = find_allocator(spec.name);
        if (entry == nullptr) throw std::invalid_argument("unknown allocator '" + spec.text + "'");
        g_agent->allocator = entry->make(spec.options);
        const auto colon = collector.find(':');
        g_agent->policy = python::parse_gc_policy(collector.substr(0, colon),
                                                  colon == std::string::npos ? "" : collector.substr(colon + 1));
        python::install_allocator_domains(*g_agent->allocator, count);
        g_agent->measurement = std::make_unique<ProgramMeasurement>(*g_agent->allocator, count);
        if (PySys_AddAuditHook(on_audit_event, nullptr) != 0) throw std::runtime_error("cannot add the audit hook");
    } catch (const std::exception& e) {
        write_results({{"agent_error", e.what()}});
        _exit(1);
    }
}

}  // namespace
}  // namespace pmb
