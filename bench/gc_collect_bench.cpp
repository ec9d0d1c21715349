// Full-collection cost of the `gen` collector on the same heap shapes as bench/gc_collect_bench.py
// builds in CPython 3.11 (scripts/bench-gc.sh runs both side by side and prints the ratios):
//   traverse N   N tracked 2-item lists, list i = [list i-1, list r(i)] with r(i) a seeded random
//                earlier index, all alive (held by one list); a full collection finds nothing to
//                free: time per tracked object. (Lists, not tuples: a chain of tuples of tuples
//                is untracked by the first collection, in CPython as here.)
//   garbage N    N/2 two-list cycles (a = []; b = [a]; a.append(b)) dropped, then one full
//                collection frees them: time per freed object.
// Memory comes from the `pool` backend (the pymalloc model), as CPython's comes from obmalloc.
// Prints one JSON object per measurement: {"shape", "objects", "seconds": [per repetition]}.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "allocators/pool/pool_allocator.h"
#include "collectors/generational_collector.h"
#include "measure/clock.h"
#include "objects/list.h"
#include "objects/scalars.h"
#include "objects/tuple.h"
#include "workloads/rng.h"

namespace {

using namespace pmb;

struct Machine {
    std::unique_ptr<Allocator> allocator = make_pool_allocator(PoolConfig{});
    Heap heap{allocator->ops()};
    std::unique_ptr<Collector> collector = make_generational_collector(heap, GenerationalConfig{{0, 10, 10}});
    Runtime rt{heap, *collector};  // threshold0 = 0: automatic collection off (gc.disable())
};

std::vector<double> traverse(std::size_t n, int reps) {
    Machine m;
    Rng rng(12345);
    Object* all = list_new(m.rt);
    Object* prev = none_ref();
    for (std::size_t i = 0; i < n; ++i) {
        Object* other = i == 0 ? none_ref() : list_get(all, rng.below(i));
        if (i != 0) Runtime::incref(other);
        Object* items[2] = {prev, other};
        Object* t = list_from_items(m.rt, items, 2);
        list_append(m.rt, all, t);
        prev = t;  // the list's reference moves into the next list
    }
    m.collector->collect();  // settle: everything is in the oldest generation, as in CPython
    std::vector<double> seconds;
    for (int r = 0; r < reps; ++r) {
        const std::uint64_t t0 = now_ns();
        m.collector->collect();
        seconds.push_back(static_cast<double>(now_ns() - t0) * 1e-9);
    }
    m.rt.decref(prev);
    m.rt.decref(all);
    m.collector->finish();
    return seconds;
}

std::vector<double> garbage(std::size_t n, int reps) {
    Machine m;
    std::vector<double> seconds;
    for (int r = 0; r < reps; ++r) {
        for (std::size_t i = 0; i < n / 2; ++i) {
            Object* a = list_new(m.rt);  // a = []
            Runtime::incref(a);
            Object* b = list_from_items(m.rt, &a, 1);  // b = [a]
            list_append(m.rt, a, b);      // a.append(b)
            m.rt.decref(a);
            m.rt.decref(b);
        }
        const std::uint64_t t0 = now_ns();
        m.collector->collect();
        seconds.push_back(static_cast<double>(now_ns() - t0) * 1e-9);
    }
    m.collector->finish();
    return seconds;
}

void print(const char* shape, std::size_t n, const std::vector<double>& s) {
    std::printf("{\"impl\": \"pymembench gen\", \"shape\": \"%s\", \"objects\": %zu, \"seconds\": [", shape, n);
    for (std::size_t i = 0; i < s.size(); ++i) std::printf("%s%.9f", i ? ", " : "", s[i]);
    std::printf("]}\n");
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: pmb_gc_collect_bench traverse|garbage OBJECTS REPS\n");
        return 2;
    }
    const std::string shape = argv[1];
    const std::size_t n = std::strtoull(argv[2], nullptr, 10);
    const int reps = std::atoi(argv[3]);
    if (shape == "traverse")
        print("traverse", n, traverse(n, reps));
    else if (shape == "garbage")
        print("garbage", n, garbage(n, reps));
    else {
        std::fprintf(stderr, "pmb_gc_collect_bench: unknown shape '%s' (accepted: traverse, garbage)\n", shape.c_str());
        return 2;
    }
    return 0;
}
