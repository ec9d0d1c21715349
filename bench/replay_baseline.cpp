// The least a replay can cost: a trace's allocator calls made straight from a packed in-memory
// array (8 bytes an event, decoded before the clock starts), a pointer table and nothing else:
// no decoding, no checks, no Heap accounting, no op clock. bench/replay_overhead.py compares it
// with the `trace` workload run by the harness; the difference per event is the harness's
// overhead beyond the allocator call.
//
//   pmb_replay_baseline TRACE ALLOCATOR     prints {"events": N, "wall_s": S, "ns_per_event": X}
//
// free(NULL) events are skipped, as the trace workload skips them.
#include <Python.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include "allocators/registry.h"
#include "bench/preload_self.h"
#include "workloads/trace/trace_reader.h"

namespace {

using namespace pmb;
using namespace pmb::trace;

// [size: 32][slot: 30][kind: 2]
std::uint64_t pack(const Event& e) {
    return e.size << 32 | std::uint64_t{e.slot} << 2 | static_cast<std::uint64_t>(e.kind);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: pmb_replay_baseline TRACE ALLOCATOR\n");
        return 2;
    }
    try {
        const AllocatorSpec spec = parse_allocator_spec(argv[2]);
        const AllocatorEntry* entry = find_allocator(spec.name);
        if (entry == nullptr) throw std::invalid_argument(std::string("unknown allocator ") + argv[2]);
        ensure_preloaded(*entry, spec, argv);
        std::vector<std::uint64_t> events;
        std::uint64_t slots = 0;
        {
            TraceReader reader(argv[1]);
            Event e;
            while (reader.next(e)) {
                if (e.kind == EventKind::free && e.slot == kNoSlot) continue;
                if (e.size >= (std::uint64_t{1} << 32) || e.slot >= (1u << 30))
                    throw std::invalid_argument("the trace has a request or slot too large to pack");
                events.push_back(pack(e));
            }
            slots = reader.footer()[kPeakLiveBlocks];
        }
        auto allocator = entry->make(spec.options);
        const AllocatorOps ops = allocator->ops();
        std::vector<void*> ptrs(slots, nullptr);
        const auto t0 = std::chrono::steady_clock::now();
        for (const std::uint64_t ev : events) {
            const auto slot = static_cast<std::uint32_t>(ev >> 2 & ((1u << 30) - 1));
            const std::size_t size = ev >> 32;
            switch (static_cast<EventKind>(ev & 3)) {
            case EventKind::malloc: ptrs[slot] = ops.malloc(ops.ctx, size); break;
            case EventKind::calloc: ptrs[slot] = ops.calloc(ops.ctx, 1, size); break;
            case EventKind::realloc: ptrs[slot] = ops.realloc(ops.ctx, ptrs[slot], size); break;
            case EventKind::free:
                ops.free(ops.ctx, ptrs[slot]);
                ptrs[slot] = nullptr;
                break;
            }
        }
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("{\"events\": %zu, \"wall_s\": %.9f, \"ns_per_event\": %.4f}\n", events.size(), wall,
                    1e9 * wall / static_cast<double>(events.size()));
        std::fflush(stdout);
        std::_Exit(0);  // what the trace left live dies with the process, as in a worker
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pmb_replay_baseline: %s\n", e.what());
        return 2;
    }
}
