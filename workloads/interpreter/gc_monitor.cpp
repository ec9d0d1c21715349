#include "workloads/interpreter/gc_monitor.h"

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

#include "measure/clock.h"

namespace pmb::python {
namespace {

// What the gc.callbacks function writes into; one per process (the interpreter is).
struct Timing {
    PauseLog log;
    std::uint64_t started_ns = 0;
    bool active = false;
    PyObject* key_generation = nullptr;
    PyObject* key_collected = nullptr;
};
Timing g_timing;

PyObject* on_collection(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
    if (!g_timing.active || nargs != 2) Py_RETURN_NONE;
    if (PyUnicode_CompareWithASCIIString(args[0], "start") == 0) {
        g_timing.started_ns = now_ns();
        Py_RETURN_NONE;
    }
    const std::uint64_t end = now_ns();
    PyObject* generation = PyDict_GetItem(args[1], g_timing.key_generation);  // borrowed
    PyObject* collected = PyDict_GetItem(args[1], g_timing.key_collected);
    const long g = generation != nullptr ? PyLong_AsLong(generation) : 0;
    const long n = collected != nullptr ? PyLong_AsLong(collected) : 0;
    g_timing.log.record(g_timing.started_ns, end - g_timing.started_ns, g < 0 || g > 2 ? 2 : static_cast<int>(g),
                        n > 0 ? static_cast<std::uint64_t>(n) : 0);
    Py_RETURN_NONE;
}

PyMethodDef g_callback_def = {"pymembench_gc_timer", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(on_collection)), METH_FASTCALL,
                              nullptr};

// `gc.name(*args)`; throws std::runtime_error with the Python error.
PyObject* call_gc(const char* name, const char* format = nullptr, long a = 0, long b = 0, long c = 0) {
    PyObject* gc = PyImport_ImportModule("gc");
    PyObject* result = gc != nullptr ? (format != nullptr ? PyObject_CallMethod(gc, name, format, a, b, c)
                                                          : PyObject_CallMethod(gc, name, nullptr))
                                     : nullptr;
    Py_XDECREF(gc);
    if (result == nullptr) {
        PyErr_Print();
        throw std::runtime_error(std::string("gc.") + name + "() failed");
    }
    return result;
}

void call_gc_discard(const char* name, const char* format = nullptr, long a = 0, long b = 0, long c = 0) {
    Py_DECREF(call_gc(name, format, a, b, c));
}

pid_t g_worker_pid = 0;
PyObject* g_original_os_exit = nullptr;
void (*g_before_exit)(long) = nullptr;

PyObject* guarded_os_exit(PyObject*, PyObject* status) {
    if (getpid() != g_worker_pid) return PyObject_CallOneArg(g_original_os_exit, status);
    const long code = PyLong_AsLong(status);
    if (g_before_exit != nullptr) g_before_exit(code);
    std::fprintf(stderr, "\npymembench worker: the program called os._exit(%ld) before its end\n", code);
    std::fflush(stderr);
    _exit(1);
}

PyMethodDef g_os_exit_def = {"_exit", guarded_os_exit, METH_O, nullptr};

}  // namespace

GcPolicy parse_gc_policy(const std::string& collector, const std::string& options) {
    GcPolicy policy;
    if (collector == "rc") {
        if (!options.empty())
            throw std::invalid_argument("collector 'rc' takes no options (got '" + options + "')");
        policy.enabled = false;
    } else if (collector == "gen") {
        policy.config = parse_generational_config(options);
        if (policy.config.version != GcVersion::k3_11)
            throw std::invalid_argument(std::string("collector 'gen:version=") + gc_version_name(policy.config.version) +
                                        "' cannot run a real program: the interpreter is CPython 3.11 (accepted: "
                                        "gen with version=3.11 or none, rc)");
    } else {
        throw std::invalid_argument("collector '" + collector +
                                    "' cannot run a real program: CPython 3.11 has only its generational collector "
                                    "(accepted: gen, rc)");
    }
    return policy;
}

GcMonitor::GcMonitor(const GcPolicy& policy) : policy_(policy) {
    if (policy_.enabled) {
        const auto& t = policy_.config.thresholds;
        call_gc_discard("set_threshold", "lll", static_cast<long>(t[0]), static_cast<long>(t[1]),
                        static_cast<long>(t[2]));
    } else {
        call_gc_discard("disable");
    }
    g_timing.key_generation = PyUnicode_InternFromString("generation");
    g_timing.key_collected = PyUnicode_InternFromString("collected");
    PyObject* callbacks = PyObject_GetAttrString(PyImport_AddModule("gc"), "callbacks");
    PyObject* timer = PyCFunction_New(&g_callback_def, nullptr);
    if (callbacks == nullptr || timer == nullptr || PyList_Append(callbacks, timer) != 0) {
        PyErr_Print();
        throw std::runtime_error("cannot install the collection timer in gc.callbacks");
    }
    Py_DECREF(timer);
    Py_DECREF(callbacks);
    g_timing.active = true;
    if (policy_.enabled && policy_.config.freeze_after_setup) call_gc_discard("freeze");
    PyObject* frozen = call_gc("get_freeze_count");
    frozen_ = PyLong_AsUnsignedLongLong(frozen);
    Py_DECREF(frozen);
}

void GcMonitor::finish() {
    g_timing.active = false;
    PyObject* stats = call_gc("get_stats");
    for (Py_ssize_t g = 0; g < PyList_Size(stats); ++g) {
        PyObject* d = PyList_GetItem(stats, g);
        nlohmann::json entry = nlohmann::json::object();
        for (const char* key : {"collections", "collected", "uncollectable"})
            if (PyObject* v = PyDict_GetItemString(d, key)) entry[key] = PyLong_AsLongLong(v);
        interpreter_stats_.push_back(entry);
    }
    Py_DECREF(stats);
    if (policy_.enabled) return;
    // What reference counting left: the cyclic garbage one collection finds, kept for counting.
    PyObject* globals = PyDict_New();
    PyObject* result = globals != nullptr
                           ? PyRun_String("import gc, sys\n"
                                          "gc.set_debug(gc.DEBUG_SAVEALL)\n"
                                          "leaked_objects = gc.collect()\n"
                                          "leaked_bytes = sum(sys.getsizeof(o) for o in gc.garbage)\n",
                                          Py_file_input, globals, globals)
                           : nullptr;
    if (result == nullptr) {
        PyErr_Print();
        Py_XDECREF(globals);
        throw std::runtime_error("cannot count the cyclic garbage left under rc");
    }
    Py_DECREF(result);
    leaked_objects_ = PyLong_AsUnsignedLongLong(PyDict_GetItemString(globals, "leaked_objects"));
    leaked_bytes_ = PyLong_AsUnsignedLongLong(PyDict_GetItemString(globals, "leaked_bytes"));
    Py_DECREF(globals);
}

const PauseLog& GcMonitor::pauses() const { return g_timing.log; }

nlohmann::json GcMonitor::stats_json() const {
    nlohmann::json gc = g_timing.log.stats_json();
    gc["enabled"] = policy_.enabled;
    if (policy_.enabled) gc["thresholds"] = policy_.config.thresholds;
    gc["interpreter_stats"] = interpreter_stats_;
    gc["frozen_objects"] = frozen_;
    return gc;
}

void guard_os_exit(void (*before_exit)(long status)) {
    g_worker_pid = getpid();
    g_before_exit = before_exit;
    PyObject* os = PyImport_ImportModule("os");
    g_original_os_exit = os != nullptr ? PyObject_GetAttrString(os, "_exit") : nullptr;
    PyObject* guarded = PyCFunction_New(&g_os_exit_def, nullptr);
    if (g_original_os_exit == nullptr || guarded == nullptr || PyObject_SetAttrString(os, "_exit", guarded) != 0) {
        PyErr_Print();
        throw std::runtime_error("cannot guard os._exit");
    }
    Py_DECREF(guarded);
    Py_DECREF(os);
}

}  // namespace pmb::python
