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
#include "workloads/trace/address_slots.h"
#include "workloads/trace/trace_writer.h"

namespace pmb::trace {
namespace {

// The recorder's state, shared by both domains' hooks.
struct Recorder {
    TraceWriter* writer = nullptr;
    const OpClock* clock = nullptr;
    std::uint64_t start_ticks = 0;
    bool recording = false;
    std::uint64_t unknown_blocks = 0;
    // Live block -> its slot. One map for both domains: one allocator (pymalloc) serves both, so a
    // pointer names one block whichever domain made it. Addresses that are not 16-byte aligned
    // (none, from pymalloc or glibc) go to the hash map.
    AddressSlots slots;
    absl::flat_hash_map<const void*, std::uint32_t> unaligned;

    // The time of an event, read from the clock every kClockEvery events (a TSC read costs about
    // as much as the rest of an event's recording); the events between share the last reading.
    static constexpr std::uint32_t kClockEvery = 16;
    std::uint32_t until_clock = 1;
    std::uint64_t last_ns = 0;
    std::uint64_t now_ns() {
        if (--until_clock == 0) {
            until_clock = kClockEvery;
            last_ns = clock->to_ns(clock->ticks() - start_ticks);
        }
        return last_ns;
    }
    std::uint64_t exact_now_ns() const { return clock->to_ns(clock->ticks() - start_ticks); }
    void remember(const void* p, std::uint32_t slot) {
        if (!slots.set(p, slot)) unaligned[p] = slot;
    }
    // The block's slot, forgotten now; kNoSlot for a block made before recording began.
    std::uint32_t forget(const void* p) {
        const std::uint32_t slot = slots.take(p);
        if (slot != AddressSlots::kNone || unaligned.empty()) return slot == AddressSlots::kNone ? kNoSlot : slot;
        auto it = unaligned.find(p);
        if (it == unaligned.end()) return kNoSlot;
        const std::uint32_t s = it->second;
        unaligned.erase(it);
        return s;
    }
};

// One domain's hooks: the allocator they wrap and the domain their events are tagged with.
struct DomainHook {
    Recorder* recorder;
    Domain domain;
    PyMemAllocatorEx original;
};

void* hook_malloc(void* ctx, std::size_t size) {
    auto* h = static_cast<DomainHook*>(ctx);
    Recorder* r = h->recorder;
    void* p = h->original.malloc(h->original.ctx, size);
    if (p != nullptr && r->recording) r->remember(p, r->writer->malloc(h->domain, r->now_ns(), size));
    return p;
}

void* hook_calloc(void* ctx, std::size_t nelem, std::size_t elsize) {
    auto* h = static_cast<DomainHook*>(ctx);
    Recorder* r = h->recorder;
    void* p = h->original.calloc(h->original.ctx, nelem, elsize);
    if (p != nullptr && r->recording) r->remember(p, r->writer->calloc(h->domain, r->now_ns(), nelem, elsize));
    return p;
}

void* hook_realloc(void* ctx, void* ptr, std::size_t size) {
    auto* h = static_cast<DomainHook*>(ctx);
    Recorder* r = h->recorder;
    void* p = h->original.realloc(h->original.ctx, ptr, size);
    if (!r->recording || (p == nullptr && size != 0)) return p;  // a failed realloc changes nothing
    std::uint32_t slot = kNoSlot;
    if (ptr != nullptr) {
        slot = r->forget(ptr);
        if (slot == kNoSlot) ++r->unknown_blocks;  // made before recording began: written as a new block
    }
    slot = r->writer->realloc(h->domain, r->now_ns(), slot, size);
    if (p != nullptr) r->remember(p, slot);
    return p;
}

void hook_free(void* ctx, void* ptr) {
    auto* h = static_cast<DomainHook*>(ctx);
    Recorder* r = h->recorder;
    if (r->recording) {
        if (ptr == nullptr) {
            r->writer->free(h->domain, r->now_ns(), kNoSlot);
        } else if (const std::uint32_t slot = r->forget(ptr); slot != kNoSlot) {
            r->writer->free(h->domain, r->now_ns(), slot);
        } else {
            ++r->unknown_blocks;
        }
    }
    h->original.free(h->original.ctx, ptr);
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
                           {"domains", {"object", "mem"}},
                           {"clock", clock.name()},
                           {"python_executable", kPythonExecutable}};
    TraceWriter writer(options.out, meta);

    // The hooks outlive this call: the interpreter frees through them.
    static Recorder recorder;
    static DomainHook object_hook{&recorder, Domain::object, {}}, mem_hook{&recorder, Domain::mem, {}};
    recorder.writer = &writer;
    recorder.clock = &clock;
    python::start_interpreter(program, [&] {
        for (auto [domain, hook] : {std::pair{PYMEM_DOMAIN_OBJ, &object_hook}, {PYMEM_DOMAIN_MEM, &mem_hook}}) {
            PyMem_GetAllocator(domain, &hook->original);
            PyMemAllocatorEx hooks{hook, hook_malloc, hook_calloc, hook_realloc, hook_free};
            PyMem_SetAllocator(domain, &hooks);
        }
        recorder.start_ticks = clock.ticks();
        recorder.recording = true;
    });

    TraceWriter::Ending ending;
    ending.program_start_event = writer.events();
    ending.exit_status = python::run_program(program).exit_status;
    python::flush_standard_streams();  // what the program printed comes before the caller's summary
    recorder.recording = false;
    ending.duration_ns = recorder.exact_now_ns();
    ending.unknown_blocks = recorder.unknown_blocks;
    RecordResult result;
    result.exit_status = static_cast<int>(ending.exit_status);
    result.events = writer.events();
    result.duration_ns = ending.duration_ns;
    result.peak_live_bytes = writer.slots().peak_live_bytes();
    writer.finish(ending);
    recorder.writer = nullptr;
    Py_FinalizeEx();
    return result;
}

}  // namespace pmb::trace
