#include "workloads/interpreter/embedded_python.h"

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "measure/build_info.h"

namespace pmb::python {
namespace {

void check_status(const PyStatus& status, const char* what) {
    if (PyStatus_Exception(status))
        throw std::invalid_argument(std::string("cannot start Python (") + what + "): " +
                                    (status.err_msg ? status.err_msg : "unknown error"));
}

// The exit status of a SystemExit being handled, as Python's own main computes it.
int system_exit_status(PyObject* value) {
    PyObject* code = value != nullptr ? PyObject_GetAttrString(value, "code") : nullptr;
    int status = 0;
    if (code == nullptr) {
        PyErr_Clear();
    } else if (code == Py_None) {
        status = 0;
    } else if (PyLong_Check(code)) {
        status = static_cast<int>(PyLong_AsLong(code));
    } else {
        PyObject_Print(code, stderr, Py_PRINT_RAW);
        std::fputc('\n', stderr);
        status = 1;
    }
    Py_XDECREF(code);
    return status;
}

// The pending exception becomes the outcome; the traceback goes to stderr as python3.11 prints it.
ProgramOutcome outcome_of_exception() {
    ProgramOutcome outcome;
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    if (type != nullptr && PyErr_GivenExceptionMatches(type, PyExc_SystemExit)) {
        outcome.exit_status = system_exit_status(value);
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(traceback);
        return outcome;
    }
    outcome.exit_status = 1;
    outcome.exception = type != nullptr ? reinterpret_cast<PyTypeObject*>(type)->tp_name : "unknown exception";
    outcome.message = outcome.exception;
    if (PyObject* text = value != nullptr ? PyObject_Str(value) : nullptr) {
        if (const char* utf8 = PyUnicode_AsUTF8(text); utf8 != nullptr && *utf8 != '\0')
            outcome.message += std::string(": ") + utf8;
        Py_DECREF(text);
    }
    PyErr_Clear();
    PyErr_Restore(type, value, traceback);
    PyErr_Print();
    return outcome;
}

// Calls `module.function()` if the program imported the module; errors are printed, not raised.
void call_if_imported(const char* module, const char* function) {
    PyObject* name = PyUnicode_FromString(module);
    PyObject* m = name != nullptr ? PyImport_GetModule(name) : nullptr;
    Py_XDECREF(name);
    if (m == nullptr) {
        PyErr_Clear();
        return;
    }
    PyObject* result = PyObject_CallMethod(m, function, nullptr);
    if (result == nullptr) PyErr_Print();
    Py_XDECREF(result);
    Py_DECREF(m);
}

void insert_sys_path0(const std::string& directory) {
    PyObject* path = PySys_GetObject("path");
    PyObject* entry = PyUnicode_DecodeFSDefault(directory.c_str());
    if (path != nullptr && entry != nullptr) PyList_Insert(path, 0, entry);
    Py_XDECREF(entry);
}

// _PyRun_SimpleFileObject of 3.11: __main__'s __file__, __cached__ and __loader__, then the file.
PyObject* run_script(const std::string& script) {
    char real[PATH_MAX];
    if (realpath(script.c_str(), real) != nullptr) insert_sys_path0(std::filesystem::path(real).parent_path().string());
    PyObject* main = PyImport_AddModule("__main__");  // borrowed
    if (main == nullptr) return nullptr;
    PyObject* globals = PyModule_GetDict(main);
    PyObject* filename = PyUnicode_DecodeFSDefault(script.c_str());
    if (filename == nullptr) return nullptr;
    PyDict_SetItemString(globals, "__file__", filename);
    PyDict_SetItemString(globals, "__cached__", Py_None);
    if (PyObject* external = PyImport_ImportModule("_frozen_importlib_external")) {
        if (PyObject* loader = PyObject_CallMethod(external, "SourceFileLoader", "sO", "__main__", filename)) {
            PyDict_SetItemString(globals, "__loader__", loader);
            Py_DECREF(loader);
        }
        Py_DECREF(external);
    }
    Py_DECREF(filename);
    if (PyErr_Occurred()) return nullptr;
    FILE* file = std::fopen(script.c_str(), "rb");
    if (file == nullptr) {
        PyErr_SetFromErrnoWithFilename(PyExc_OSError, script.c_str());
        return nullptr;
    }
    PyCompilerFlags flags{0, PY_MINOR_VERSION};
    PyObject* result = PyRun_FileExFlags(file, script.c_str(), Py_file_input, globals, globals, 1, &flags);
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);  // keep a pending exception across the clean-up
    if (PyDict_DelItemString(globals, "__file__") != 0) PyErr_Clear();
    if (PyDict_DelItemString(globals, "__cached__") != 0) PyErr_Clear();
    PyErr_Restore(type, value, traceback);
    return result;
}

// pymain_run_module of 3.11.
PyObject* run_module(const std::string& module) {
    insert_sys_path0(std::filesystem::current_path().string());
    PyObject* runpy = PyImport_ImportModule("runpy");
    if (runpy == nullptr) return nullptr;
    PyObject* result = PyObject_CallMethod(runpy, "_run_module_as_main", "si", module.c_str(), 1);
    Py_DECREF(runpy);
    return result;
}

}  // namespace

void check_program(const ProgramCommand& program) {
    if (program.empty()) throw std::invalid_argument("no program given: script.py [args] or -m module [args]");
    if (program[0] == "-m") {
        if (program.size() < 2 || program[1].empty()) throw std::invalid_argument("-m needs a module name");
    } else if (!std::filesystem::is_regular_file(program[0])) {
        throw std::invalid_argument("cannot find the Python script '" + program[0] + "'");
    }
}

void start_interpreter(const ProgramCommand& program, const std::function<void()>& before_first_allocation) {
    check_program(program);
    PyPreConfig preconfig;
    PyPreConfig_InitPythonConfig(&preconfig);
    check_status(Py_PreInitialize(&preconfig), "pre-initialization");
    before_first_allocation();

    // python3.11's own command line, parsed by the interpreter itself.
    std::vector<std::string> argv = {kPythonExecutable};
    argv.insert(argv.end(), program.begin(), program.end());
    std::vector<char*> c_argv;
    for (std::string& a : argv) c_argv.push_back(a.data());
    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    config.parse_argv = 1;
    PyStatus status = PyConfig_SetBytesString(&config, &config.program_name, kPythonExecutable);
    if (!PyStatus_Exception(status))
        status = PyConfig_SetBytesArgv(&config, static_cast<Py_ssize_t>(c_argv.size()), c_argv.data());
    if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    check_status(status, "initialization");
}

ProgramOutcome run_program(const ProgramCommand& program) {
    PyObject* result = program[0] == "-m" ? run_module(program[1]) : run_script(program[0]);
    ProgramOutcome outcome;
    if (result != nullptr) {
        Py_DECREF(result);
    } else {
        outcome = outcome_of_exception();
    }
    // What Py_FinalizeEx does first: wait for non-daemon threads, then the atexit callbacks.
    call_if_imported("threading", "_shutdown");
    call_if_imported("atexit", "_run_exitfuncs");
    return outcome;
}

void flush_standard_streams() {
    for (const char* name : {"stdout", "stderr"}) {
        PyObject* stream = PySys_GetObject(name);  // borrowed
        if (stream == nullptr || stream == Py_None) continue;
        PyObject* r = PyObject_CallMethod(stream, "flush", nullptr);
        if (r == nullptr) PyErr_Clear();
        Py_XDECREF(r);
    }
}

}  // namespace pmb::python
