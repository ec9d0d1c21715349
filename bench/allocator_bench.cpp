// Allocator microbenchmarks (Google Benchmark), one backend per process:
//   pair            malloc + free of one block;
//   lifo_1000       1000 mallocs, then the 1000 frees in reverse order (per block);
//   random_replace  free a random block of a 1 M-block live set and allocate its replacement;
//   call_path/*     the same malloc + free pair through the backend's AllocatorOps table and
//                   through the library entry points directly: the harness's call-path cost.
// Sizes follow a Python-like mix (40 % 32 B, 20 % 48 B, 15 % 64 B, 10 % 24-80 B, 10 % 80-256 B,
// 5 % 272-512 B) drawn by xorshift, and every block gets a one-byte write, as in the anchor
// figures of the project's reference notes.
//
// Usage: pmb_allocator_bench --allocator=SPEC [--iterations=N] [Google Benchmark flags].
// --iterations fixes every benchmark's iteration count (for instruction-counting tools such as
// cachegrind, where time-based calibration would make the two sides do different work). A backend that needs its
// library preloaded re-executes this program with LD_PRELOAD set, exactly as the harness does.
// Each benchmark's `peak_rss_bytes` counter is the process's VmHWM when it ends, so run one
// benchmark per process (scripts/bench-micro.sh does) for a per-benchmark peak RSS.
#include <Python.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "allocators/registry.h"
#include "bench/preload_self.h"
#include "measure/memory_timeline.h"

namespace {

using namespace pmb;

std::unique_ptr<Allocator> g_allocator;
AllocatorOps g_ops;

struct XorShift {
    std::uint64_t s = 0x9E3779B97F4A7C15ull;
    std::uint64_t next() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    }
};

std::size_t python_like_size(XorShift& rng) {
    const std::uint64_t r = rng.next();
    const unsigned pct = static_cast<unsigned>(r % 100);
    const std::uint64_t extra = r >> 32;
    if (pct < 40) return 32;
    if (pct < 60) return 48;
    if (pct < 75) return 64;
    if (pct < 85) return 24 + 8 * (extra % 8);                   // 24..80
    if (pct < 95) return 80 + 16 * (extra % 12);                 // 80..256
    return 272 + 16 * (extra % 16);                              // 272..512
}

void report(benchmark::State& state, std::int64_t blocks_per_iteration) {
    state.SetItemsProcessed(state.iterations() * blocks_per_iteration);
    state.counters["peak_rss_bytes"] = static_cast<double>(pmb::process_peak_rss_bytes());
}

void BM_pair(benchmark::State& state) {
    XorShift rng;
    for (auto _ : state) {
        char* p = static_cast<char*>(g_ops.malloc(g_ops.ctx, python_like_size(rng)));
        p[0] = 1;
        benchmark::DoNotOptimize(p);
        g_ops.free(g_ops.ctx, p);
    }
    report(state, 1);
}

void BM_lifo_1000(benchmark::State& state) {
    XorShift rng;
    std::vector<char*> blocks(1000);
    for (auto _ : state) {
        for (auto& b : blocks) {
            b = static_cast<char*>(g_ops.malloc(g_ops.ctx, python_like_size(rng)));
            b[0] = 1;
        }
        for (std::size_t i = blocks.size(); i-- > 0;) g_ops.free(g_ops.ctx, blocks[i]);
    }
    report(state, 1000);
}

void BM_random_replace(benchmark::State& state) {
    constexpr std::size_t kLive = 1 << 20;
    XorShift rng;
    std::vector<char*> live(kLive);
    for (auto& b : live) {
        b = static_cast<char*>(g_ops.malloc(g_ops.ctx, python_like_size(rng)));
        b[0] = 1;
    }
    for (auto _ : state) {
        char*& slot = live[rng.next() & (kLive - 1)];
        g_ops.free(g_ops.ctx, slot);
        slot = static_cast<char*>(g_ops.malloc(g_ops.ctx, python_like_size(rng)));
        slot[0] = 1;
    }
    report(state, 1);
    for (char* b : live) g_ops.free(g_ops.ctx, b);
}

// The call-path pair: fixed 32-byte blocks so that only the route to the allocator differs.
// The table is read through a volatile pointer so the compiler cannot resolve the call statically,
// as it cannot in the harness, where the backend is chosen at run time.
AllocatorOps* volatile g_ops_ptr = &g_ops;

void BM_call_path_table(benchmark::State& state) {
    const AllocatorOps* ops = g_ops_ptr;
    for (auto _ : state) {
        void* p = ops->malloc(ops->ctx, 32);
        benchmark::DoNotOptimize(p);
        ops->free(ops->ctx, p);
    }
    report(state, 1);
}

void BM_call_path_direct(benchmark::State& state) {
    const bool cpython = g_allocator->name() == "cpython";
    for (auto _ : state) {
        if (cpython) {
            void* p = PyObject_Malloc(32);
            benchmark::DoNotOptimize(p);
            PyObject_Free(p);
        } else {
            void* p = std::malloc(32);
            benchmark::DoNotOptimize(p);
            std::free(p);
        }
    }
    report(state, 1);
}

}  // namespace

int main(int argc, char** argv) {
    std::string spec_text = "system";
    std::int64_t iterations = 0;
    std::vector<char*> args;
    for (int i = 0; i < argc; ++i) {
        if (std::strncmp(argv[i], "--allocator=", 12) == 0)
            spec_text = argv[i] + 12;
        else if (std::strncmp(argv[i], "--iterations=", 13) == 0)
            iterations = std::atoll(argv[i] + 13);
        else
            args.push_back(argv[i]);
    }
    const AllocatorSpec spec = parse_allocator_spec(spec_text);
    const AllocatorEntry* entry = find_allocator(spec.name);
    if (entry == nullptr) {
        std::fprintf(stderr, "pmb_allocator_bench: unknown allocator '%s'\n", spec_text.c_str());
        return 2;
    }
    ensure_preloaded(*entry, spec, argv);
    try {
        g_allocator = entry->make(spec.options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pmb_allocator_bench: %s\n", e.what());
        return 2;
    }
    g_ops = g_allocator->ops();
    benchmark::AddCustomContext("allocator", spec_text);
    benchmark::AddCustomContext("allocator_lib", g_allocator->identity().library);
    benchmark::AddCustomContext("allocator_version", g_allocator->identity().version);
    for (auto* b : {benchmark::RegisterBenchmark("pair", BM_pair),
                    benchmark::RegisterBenchmark("lifo_1000", BM_lifo_1000),
                    benchmark::RegisterBenchmark("random_replace", BM_random_replace),
                    benchmark::RegisterBenchmark("call_path/table", BM_call_path_table),
                    benchmark::RegisterBenchmark("call_path/direct", BM_call_path_direct)})
        if (iterations > 0) b->Iterations(iterations);
    int n = static_cast<int>(args.size());
    benchmark::Initialize(&n, args.data());
    if (benchmark::ReportUnrecognizedArguments(n, args.data())) return 2;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
