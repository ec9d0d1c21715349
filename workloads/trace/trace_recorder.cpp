#include "workloads/trace/trace_recorder.h"

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <memory>
#include <stdexcept>

#include <absl/container/flat_hash_map.h>

#include "harness/build_info.h"
#include "harness/metadata.h"
#include "harness/op_clock.h"
#include "workloads/interpreter/embedded_python.h"
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

}  // namespace

RecordResult record_python_program(const RecordOptions& options) {
    const std::vector<std::string>& program = options.program;
    python::check_program(program);

    const OpClock clock;
    nlohmann::json meta = {{"python_version", Py_GetVersion()},
                           {"command", program},
                           {"recorder", options.command_line},
                           {"start_time", utc_timestamp()},
                           {"domain", "object"},
                           {"clock", clock.name()},
                           {"python_executable", kPythonExecutable}};
    TraceWriter writer(options.out, meta);

    static Recorder recorder;  // the hooks outlive this call: the interpreter frees through them
    recorder.writer = &writer;
    recorder.clock = &clock;
    recorder.slots.reserve(1 << 16);
    python::start_interpreter(program, [&] {
        PyMem_GetAllocator(PYMEM_DOMAIN_OBJ, &recorder.original);
        PyMemAllocatorEx hooks{&recorder, hook_malloc, hook_calloc, hook_realloc, hook_free};
        PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &hooks);
        recorder.start_ticks = clock.ticks();
        recorder.recording = true;
    });

    TraceWriter::Ending ending;
    ending.program_start_event = writer.events();
    ending.exit_status = python::run_program(program).exit_status;
    python::flush_standard_streams();  // what the program printed comes before the caller's summary
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
