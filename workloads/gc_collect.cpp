// gc_collect: pyperformance's bm_gc_collect, loop for loop (the benchmark behind CPython issue
// 129210: 20.8 s on main with the incremental collector against 3.3 s on 3.13).
//
// pyperformance/data-files/benchmarks/bm_gc_collect/run_benchmark.py, CYCLES = 100, LINKS = 20:
//     class Node:                                  # a plain class: managed dict, two attributes
//         def __init__(self): self.next = None; self.prev = None
//         def link_next(self, next): self.next = next; self.next.prev = self
//     def create_cycle(node, n_links):             # n_links + 1 nodes, doubly linked, closed
//         current = node
//         for i in range(n_links):
//             next_node = Node(); current.link_next(next_node); current = next_node
//         current.link_next(node)
//     def create_gc_cycles(n_cycles, n_links):
//         cycles = []
//         for _ in range(n_cycles):
//             node = Node(); cycles.append(node); create_cycle(node, n_links)
//         return cycles
//     for _ in range(loops):                       # one op = one of pyperf's loops
//         gc.collect()
//         all_cycles = create_gc_cycles(cycles, links)
//         del all_cycles                           # 2100 nodes of cyclic garbage
//         collected = gc.collect()                 # the timed call
//         assert collected is None or collected >= cycles * (links + 1)
// Unlike `rings` (a continuous stream of rings the automatic collections find), this one ends
// each loop with an explicit full collection (Collector::collect), as the benchmark does. CPython
// 3.11's allocations: per Node the instance (56 bytes with the GC header) and its values array
// (sized by the class's shared keys, objects/plain_instance.h); each loop's range and iterator;
// the cycles list's item array as it grows; `collected` (an int above 256).
// Eval breaker: checked at each iteration of the two Python for loops (create_cycle's and
// create_gc_cycles'); gc.collect() itself is one C call.
#include "objects/list.h"
#include "objects/opaque.h"
#include "objects/plain_instance.h"
#include "objects/scalars.h"
#include "workloads/registry.h"

namespace pmb {
namespace {

class GcCollect final : public Workload {
public:
    explicit GcCollect(const Params& p)
        : loops_(static_cast<std::uint64_t>(p.get("loops"))),
          cycles_(p.get("cycles")),
          links_(p.get("links")),
          next_(plain_class_attribute(node_class_, "next")),
          prev_(plain_class_attribute(node_class_, "prev")) {}

    void setup(Runtime&) override {}
    std::uint64_t ops() const override { return loops_; }

    void step(Runtime& rt, std::uint64_t) override {
        rt.collector().collect();
        Object* all_cycles = create_gc_cycles(rt);
        rt.decref(all_cycles);
        rt.collector().collect();
        Object* collected = int_from(rt, cycles_ * (links_ + 1));  // gc.collect()'s result
        rt.decref(int_from(rt, cycles_ * (links_ + 1)));            // cycles * (links + 1)
        rt.decref(collected);
    }

    void teardown(Runtime&) override {}
    nlohmann::json counters() const override { return {{"nodes_built", nodes_}}; }

private:
    Object* node_new(Runtime& rt) {  // Node()
        Object* self = plain_instance_new(rt, node_class_);
        plain_instance_set(rt, self, next_, none_borrowed());
        plain_instance_set(rt, self, prev_, none_borrowed());
        ++nodes_;
        return self;
    }
    void link_next(Runtime& rt, Object* self, Object* next) {
        plain_instance_set(rt, self, next_, next);
        plain_instance_set(rt, next, prev_, self);
    }
    void create_cycle(Runtime& rt, Object* node) {
        if (links_ == 0) return;
        Object* current = node;  // borrowed: the cycle owns each node
        Object* it = range_iterator_new(rt, links_);
        for (std::int64_t i = 0; i < links_; ++i) {
            Object* next_node = node_new(rt);
            link_next(rt, current, next_node);
            rt.decref(next_node);  // `current = next_node`: now held by current.next
            current = next_node;
            rt.eval_breaker();
        }
        rt.decref(it);
        link_next(rt, current, node);
    }
    Object* create_gc_cycles(Runtime& rt) {
        Object* cycles = list_new(rt);
        Object* it = range_iterator_new(rt, cycles_);
        for (std::int64_t c = 0; c < cycles_; ++c) {
            Object* node = node_new(rt);
            list_append(rt, cycles, node);
            create_cycle(rt, node);
            rt.decref(node);
            rt.eval_breaker();
        }
        rt.decref(it);
        return cycles;
    }
    static Object* none_borrowed() {
        Object* n = none_ref();
        n->refcnt -= 1;  // None is immortal here; a borrowed reference
        return n;
    }

    std::uint64_t loops_;
    std::int64_t cycles_, links_;
    PlainClass node_class_;
    std::size_t next_, prev_;
    std::uint64_t nodes_ = 0;
};

}  // namespace

WorkloadEntry gc_collect_workload() {
    return {"gc_collect",
            "pyperformance's gc_collect: 100 cycles of 21 linked Nodes dropped, then gc.collect() (CPython 129210)",
            {{"loops", 200, "pyperf loops (one op each): build the cycles, drop them, gc.collect()"},
             {"cycles", 100, "cycles per loop (the benchmark's CYCLES)"},
             {"links", 20, "links per cycle, so links + 1 nodes each (the benchmark's LINKS)"}},
            {{"loops", "20"}},
            [](const Params& p, std::uint64_t) { return std::make_unique<GcCollect>(p); }};
}

}  // namespace pmb
