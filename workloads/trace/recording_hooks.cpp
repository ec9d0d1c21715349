#include "workloads/trace/recording_hooks.h"

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pthread.h>

#include <absl/container/flat_hash_map.h>

#include "workloads/trace/address_slots.h"

namespace pmb::trace {
namespace {

// The recorder's state, shared by both domains' hooks.
struct Recorder {
    TraceWriter* writer = nullptr;
    const OpClock* clock = nullptr;
    std::uint64_t start_ticks = 0;
    bool recording = false;
    std::uint64_t unknown_blocks = 0;
    // Live block -> its slot and size. One map for both domains: one allocator (pymalloc) serves
    // both, so a pointer names one block whichever domain made it. Addresses that are not 16-byte
    // aligned (none, from pymalloc or glibc) and sizes of 4 GiB or more go to the hash map.
    AddressSlots slots;
    absl::flat_hash_map<const void*, AddressSlots::Entry> others;

    static constexpr std::uint32_t kClockEvery = 16;
    std::uint32_t until_clock = 1;
    std::uint64_t last_ns = 0;
    std::uint64_t now_ns() {
        if (--until_clock == 0) {
            until_clock = kClockEvery;
            last_ns = clock->to_ns(clock->elapsed(start_ticks, clock->ticks()));
        }
        return last_ns;
    }
    void remember(const void* p, std::uint32_t slot, std::uint64_t size) {
        if (!slots.set(p, slot, size)) others[p] = {slot, size};
    }
    // The block's slot and size, forgotten now; slot kNoSlot for a block made before recording began.
    AddressSlots::Entry forget(const void* p) {
        const AddressSlots::Entry e = slots.take(p);
        if (e.slot != AddressSlots::kNone || others.empty()) return e;
        auto it = others.find(p);
        if (it == others.end()) return {};
        const AddressSlots::Entry found = it->second;
        others.erase(it);
        return found;
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
    if (p != nullptr && r->recording) r->remember(p, r->writer->malloc(h->domain, r->now_ns(), size), size);
    return p;
}

void* hook_calloc(void* ctx, std::size_t nelem, std::size_t elsize) {
    auto* h = static_cast<DomainHook*>(ctx);
    Recorder* r = h->recorder;
    void* p = h->original.calloc(h->original.ctx, nelem, elsize);
    if (p != nullptr && r->recording)
        r->remember(p, r->writer->calloc(h->domain, r->now_ns(), nelem, elsize), nelem * elsize);
    return p;
}

void* hook_realloc(void* ctx, void* ptr, std::size_t size) {
    auto* h = static_cast<DomainHook*>(ctx);
    Recorder* r = h->recorder;
    void* p = h->original.realloc(h->original.ctx, ptr, size);
    if (!r->recording || (p == nullptr && size != 0)) return p;  // a failed realloc changes nothing
    AddressSlots::Entry old;
    if (ptr != nullptr) {
        old = r->forget(ptr);
        if (old.slot == kNoSlot) ++r->unknown_blocks;  // made before recording began: written as a new block
    }
    const std::uint32_t slot = r->writer->realloc(h->domain, r->now_ns(), old.slot, old.size, size);
    if (p != nullptr) r->remember(p, slot, size);
    return p;
}

void hook_free(void* ctx, void* ptr) {
    auto* h = static_cast<DomainHook*>(ctx);
    Recorder* r = h->recorder;
    if (r->recording) {
        if (ptr == nullptr) {
            r->writer->free(h->domain, r->now_ns(), kNoSlot, 0);
        } else if (const AddressSlots::Entry e = r->forget(ptr); e.slot != kNoSlot) {
            r->writer->free(h->domain, r->now_ns(), e.slot, e.size);
        } else {
            ++r->unknown_blocks;
        }
    }
    h->original.free(h->original.ctx, ptr);
}

// Made by start_recording and never destroyed: the interpreter frees through the hooks until exit.
Recorder* g_recorder = nullptr;
DomainHook g_object_hook{nullptr, Domain::object, {}};
DomainHook g_mem_hook{nullptr, Domain::mem, {}};

// A child forked by the program (os.fork, multiprocessing) keeps running the hooks; its copy of
// the recording stops without writing, so the parent's trace stays whole.
void stop_in_forked_child() {
    g_recorder->recording = false;
    if (g_recorder->writer != nullptr) g_recorder->writer->abandon();
}

}  // namespace

void start_recording(TraceWriter& writer, const OpClock& clock) {
    g_recorder = new Recorder;
    g_recorder->writer = &writer;
    g_recorder->clock = &clock;
    for (auto [domain, hook] : {std::pair{PYMEM_DOMAIN_OBJ, &g_object_hook}, {PYMEM_DOMAIN_MEM, &g_mem_hook}}) {
        hook->recorder = g_recorder;
        PyMem_GetAllocator(domain, &hook->original);
        PyMemAllocatorEx hooks{hook, hook_malloc, hook_calloc, hook_realloc, hook_free};
        PyMem_SetAllocator(domain, &hooks);
    }
    pthread_atfork(nullptr, nullptr, stop_in_forked_child);
    g_recorder->start_ticks = clock.ticks();
    g_recorder->recording = true;
}

void stop_recording(TraceWriter::Ending& ending) {
    g_recorder->recording = false;
    ending.duration_ns = g_recorder->clock->to_ns(g_recorder->clock->elapsed(g_recorder->start_ticks, g_recorder->clock->ticks()));
    ending.unknown_blocks = g_recorder->unknown_blocks;
    g_recorder->writer = nullptr;
}

}  // namespace pmb::trace
