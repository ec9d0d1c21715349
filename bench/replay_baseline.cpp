// The least a replay can cost: a trace's allocator calls and touches (workloads/trace/
// memory_touch.h) made straight from its compiled words (workloads/trace/replay_program.h) held
// in memory, read before the clock starts, and a pointer table: no windows, no Heap accounting, no
// op clock, no virtual call. bench/replay_overhead.py compares it with the `trace` workload run by
// the harness; the difference per event is the harness's overhead beyond the allocator call.
//
//   pmb_replay_baseline TRACE ALLOCATOR [TOUCH]     prints {"events": N, "wall_s": S, "ns_per_event": X}
//
// free(NULL) events are skipped, as the trace workload skips them.
#include <Python.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include "allocators/registry.h"
#include "bench/preload_self.h"
#include "workloads/trace/memory_touch.h"
#include "workloads/trace/replay_program.h"

namespace {

// The bare loop, apart so that an instruction count can be limited to it
// (scripts/bench-replay-instructions.sh: valgrind --toggle-collect=*replay_words*).
[[gnu::noinline]] void replay_words(const std::vector<std::uint64_t>& words, const pmb::AllocatorOps ops,
                                    pmb::trace::TouchMode mode, std::vector<void*>& ptrs) {
    using namespace pmb::trace;
    using namespace pmb::trace::replay_word;
    const std::uint64_t* w = words.data();
    const std::uint64_t* const end = w + words.size();
    while (w != end) {
        const std::uint64_t word = *w++;
        const auto slot = static_cast<std::uint32_t>(word >> kSlotShift & kSlotMask);
        const std::size_t size = (word & kLongSizeBit) != 0 ? *w++ : word >> kSizeShift;
        void*& block = ptrs[slot];
        switch (static_cast<EventKind>(word & kKindMask)) {
        case EventKind::malloc:
            block = ops.malloc(ops.ctx, size);
            touch_added(mode, block, 0, size);
            break;
        case EventKind::calloc: {
            const std::uint64_t nelem = w[0], elsize = w[1];
            w += 2;
            block = ops.calloc(ops.ctx, nelem, elsize);
            touch_added(mode, block, 0, nelem * elsize);
            break;
        }
        case EventKind::realloc: {
            const std::size_t old_size = (word & kNullBit) != 0 ? 0 : *w++;
            if ((word & kNullBit) != 0) block = nullptr;
            block = ops.realloc(ops.ctx, block, size);
            touch_added(mode, block, old_size, size);
            break;
        }
        case EventKind::free:
            if ((word & kNullBit) != 0) break;
            touch_before_free(mode, block, size);
            ops.free(ops.ctx, block);
            break;
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    using namespace pmb;
    using namespace pmb::trace;
    using namespace pmb::trace::replay_word;
    if (argc != 3 && argc != 4) {
        std::fprintf(stderr, "usage: pmb_replay_baseline TRACE ALLOCATOR [TOUCH]\n");
        return 2;
    }
    try {
        const AllocatorSpec spec = parse_allocator_spec(argv[2]);
        const AllocatorEntry* entry = find_allocator(spec.name);
        if (entry == nullptr) throw std::invalid_argument(std::string("unknown allocator ") + argv[2]);
        const auto touch = parse_touch_mode(argc == 4 ? argv[3] : "none");
        if (!touch) throw std::invalid_argument(std::string("unknown touch ") + argv[3] + " (accepted: " + kTouchModes + ")");
        ensure_preloaded(*entry, spec, argv);
        std::vector<std::uint64_t> words;
        std::uint64_t events = 0, slots = 0;
        {
            TraceReader reader(argv[1]);
            const ReplayProgram program(reader);
            words.resize(program.words());
            program.read_all(words.data());
            events = program.events();
            slots = program.slots();
        }
        auto allocator = entry->make(spec.options);
        const AllocatorOps ops = allocator->ops();
        const TouchMode mode = *touch;
        std::vector<void*> ptrs(slots, nullptr);
        const auto t0 = std::chrono::steady_clock::now();
        replay_words(words, ops, mode, ptrs);
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::printf("{\"events\": %llu, \"wall_s\": %.9f, \"ns_per_event\": %.4f}\n",
                    static_cast<unsigned long long>(events), wall, 1e9 * wall / static_cast<double>(events));
        std::fflush(stdout);
        std::_Exit(0);  // what the trace left live dies with the process, as in a worker
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pmb_replay_baseline: %s\n", e.what());
        return 2;
    }
}
