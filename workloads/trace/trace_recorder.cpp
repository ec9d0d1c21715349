#include "workloads/trace/trace_recorder.h"

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <filesystem>
#include <memory>
#include <stdexcept>

#include <absl/container/flat_hash_map.h>

#include "harness/build_info.h"
#include "harness/metadata.h"
#include "harness/op_clock.h"
#include "workloads/trace/trace_writer.h"

namespace pmb::trace {
namespace {

// The recorder's state, reached from the allocator hooks through their context pointer.
struct Recorder {
    PyMemAllocatorEx original{};
    TraceWriter* writer = nullptr;
    const OpClock* clock = nullptr;
    std::uint64_t start_ticks = 0;
    bool recording = false;
    std::uint64_t unknown_blocks = 0;
    absl::flat_hash_map<const void*, std::uint32_t> slots;  // live block -> its slot

    std::uint64_t now_ns() const { return clock->to_ns(clock->ticks() - start_ticks); }
};

void* hook_malloc(void* ctx, std::size_t size) {
    auto* r = static_cast<Recorder*>(ctx);
    void* p = r->original.malloc(r->original.ctx, size);
    if (p != nullptr && r->recording) r->slots[p] = r->writer->malloc(r->now_ns(), size);
    return p;
}

void* hook_calloc(void* ctx, std::size_t nelem, std::size_t elsize) {
    auto* r = static_cast<Recorder*>(ctx);
    void* p = r->original.calloc(r->original.ctx, nelem, elsize);
    if (p != nullptr && r->recording) r->slots[p] = r->writer->calloc(r->now_ns(), nelem, elsize);
    return p;
}

void* hook_realloc(void* ctx, void* ptr, std::size_t size) {
    auto* r = static_cast<Recorder*>(ctx);
    void* p = r->original.realloc(r->original.ctx, ptr, size);
    if (!r->recording || (p == nullptr && size != 0)) return p;  // a failed realloc changes nothing
    std::uint32_t slot = kNoSlot;
    if (ptr != nullptr) {
        auto it = r->slots.find(ptr);
        if (it != r->slots.end()) {
            slot = it->second;
            r->slots.erase(it);
        } else {
            ++r->unknown_blocks;  // made before recording began: written as a new block
        }
    }
    slot = r->writer->realloc(r->now_ns(), slot, size);
    if (p != nullptr) r->slots[p] = slot;
    return p;
}

void hook_free(void* ctx, void* ptr) {
    auto* r = static_cast<Recorder*>(ctx);
    if (r->recording) {
        if (ptr == nullptr) {
            r->writer->free(r->now_ns(), kNoSlot);
        } else if (auto it = r->slots.find(ptr); it != r->slots.end()) {
            r->writer->free(r->now_ns(), it->second);
            r->slots.erase(it);
        } else {
            ++r->unknown_blocks;
        }
    }
    r->original.free(r->original.ctx, ptr);
}

void check_status(const PyStatus& status, const char* what) {
    if (PyStatus_Exception(status))
        throw std::invalid_argument(std::string("cannot start Python (") + what + "): " +
                                    (status.err_msg ? status.err_msg : "unknown error"));
}

// The exit status of a SystemExit being handled (as Python's own main computes it).
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

// Runs the program's code (interpreter already started): runpy, as `python` itself does.
int run_program(const std::vector<std::string>& program) {
    PyObject* runpy = PyImport_ImportModule("runpy");
    PyObject* result = nullptr;
    if (runpy != nullptr) {
        if (program[0] == "-m") {
            // python -m: sys.path[0] is the current directory; runpy sets sys.argv[0].
            PyObject* path = PySys_GetObject("path");
            PyObject* cwd = PyUnicode_FromString("");
            if (path != nullptr && cwd != nullptr) PyList_Insert(path, 0, cwd);
            Py_XDECREF(cwd);
            result = PyObject_CallMethod(runpy, "_run_module_as_main", "si", program[1].c_str(), 1);
        } else {
            const std::string dir = std::filesystem::absolute(program[0]).parent_path().string();
            PyObject* path = PySys_GetObject("path");
            PyObject* entry = PyUnicode_DecodeFSDefault(dir.c_str());
            if (path != nullptr && entry != nullptr) PyList_Insert(path, 0, entry);
            Py_XDECREF(entry);
            PyObject* run_path = PyObject_GetAttrString(runpy, "run_path");
            PyObject* args = Py_BuildValue("(s)", program[0].c_str());
            PyObject* kwargs = Py_BuildValue("{s:s}", "run_name", "__main__");
            if (run_path != nullptr && args != nullptr && kwargs != nullptr) result = PyObject_Call(run_path, args, kwargs);
            Py_XDECREF(run_path);
            Py_XDECREF(args);
            Py_XDECREF(kwargs);
        }
        Py_DECREF(runpy);
    }
    if (result != nullptr) {
        Py_DECREF(result);
        return 0;
    }
    if (PyErr_ExceptionMatches(PyExc_SystemExit)) {
        PyObject *type, *value, *traceback;
        PyErr_Fetch(&type, &value, &traceback);
        PyErr_NormalizeException(&type, &value, &traceback);
        const int status = system_exit_status(value);
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(traceback);
        return status;
    }
    PyErr_Print();
    return 1;
}

}  // namespace

RecordResult record_python_program(const RecordOptions& options) {
    const std::vector<std::string>& program = options.program;
    if (program.empty()) throw std::invalid_argument("record needs a program: -- script.py [args] or -- -m module [args]");
    if (program[0] == "-m") {
        if (program.size() < 2) throw std::invalid_argument("record -- -m needs a module name");
    } else if (!std::filesystem::is_regular_file(program[0])) {
        throw std::invalid_argument("cannot find the Python script '" + program[0] + "'");
    }
    std::vector<std::string> argv(program);
    if (argv[0] == "-m") argv.erase(argv.begin());  // sys.argv[0] becomes the module's path

    const OpClock clock;
    nlohmann::json meta = {{"python_version", Py_GetVersion()},
                           {"command", program},
                           {"recorder", options.command_line},
                           {"start_time", utc_timestamp()},
                           {"domain", "object"},
                           {"clock", clock.name()},
                           {"python_executable", kPythonExecutable}};
    TraceWriter writer(options.out, meta);

    PyPreConfig preconfig;
    PyPreConfig_InitPythonConfig(&preconfig);
    check_status(Py_PreInitialize(&preconfig), "pre-initialization");

    static Recorder recorder;  // the hooks outlive this call: the interpreter frees through them
    recorder.writer = &writer;
    recorder.clock = &clock;
    recorder.slots.reserve(1 << 16);
    PyMem_GetAllocator(PYMEM_DOMAIN_OBJ, &recorder.original);
    PyMemAllocatorEx hooks{&recorder, hook_malloc, hook_calloc, hook_realloc, hook_free};
    PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &hooks);
    recorder.start_ticks = clock.ticks();
    recorder.recording = true;

    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    config.parse_argv = 0;
    PyStatus status = PyConfig_SetBytesString(&config, &config.program_name, kPythonExecutable);
    std::vector<char*> c_argv;
    for (std::string& a : argv) c_argv.push_back(a.data());
    if (!PyStatus_Exception(status))
        status = PyConfig_SetBytesArgv(&config, static_cast<Py_ssize_t>(c_argv.size()), c_argv.data());
    if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    check_status(status, "initialization");

    TraceWriter::Ending ending;
    ending.program_start_event = writer.events();
    ending.exit_status = run_program(program);
    // Flush what the program printed before the summary the caller prints.
    PyRun_SimpleString("import sys\nfor s in (sys.stdout, sys.stderr):\n    s is not None and s.flush()\n");
    recorder.recording = false;
    ending.duration_ns = recorder.now_ns();
    ending.unknown_blocks = recorder.unknown_blocks;
    RecordResult result;
    result.exit_status = static_cast<int>(ending.exit_status);
    result.events = writer.events();
    result.duration_ns = ending.duration_ns;
    result.peak_live_bytes = writer.slots().peak_live_bytes();
    writer.finish(ending);
    recorder.writer = nullptr;
    recorder.slots = {};
    Py_FinalizeEx();
    return result;
}

}  // namespace pmb::trace
