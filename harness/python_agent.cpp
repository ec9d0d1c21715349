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
// Without PMB_AGENT_RESULTS_FD the library does nothing. Later audit events cost the hook one
// flag test (python3.11 builds each event's argument tuple once any hook exists).
#include <Python.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "allocators/registry.h"
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

void write_results(const nlohmann::json& results) {
    const std::string text = results.dump() + "\n";
    for (std::size_t done = 0; done < text.size();) {
        const ssize_t n = write(g_agent->results_fd, text.data() + done, text.size() - done);
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    close(g_agent->results_fd);
    g_agent->results_fd = -1;
}

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

__attribute__((constructor)) void start_agent() {
    const std::string fd = environment("PMB_AGENT_RESULTS_FD");
    if (fd.empty()) return;
    g_agent = new Agent;  // lives as long as the process
    g_agent->results_fd = std::atoi(fd.c_str());
    try {
        const AllocatorSpec spec = parse_allocator_spec(environment("PMB_AGENT_ALLOCATOR"));
        const AllocatorEntry* entry = find_allocator(spec.name);
        if (entry == nullptr) throw std::invalid_argument("unknown allocator '" + spec.text + "'");
        g_agent->allocator = entry->make(spec.options);
        const std::string collector = environment("PMB_AGENT_COLLECTOR");
        const auto colon = collector.find(':');
        g_agent->policy = python::parse_gc_policy(collector.substr(0, colon),
                                                  colon == std::string::npos ? "" : collector.substr(colon + 1));
        const bool count = environment("PMB_AGENT_COUNT") == "1";
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
