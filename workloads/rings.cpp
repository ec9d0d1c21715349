// rings: rings of small `__slots__` instances that become cyclic garbage (pyperformance's
// gc_collect shape, run continuously).
//
// Models a Python program whose objects refer back to each other (parent/child links, doubly
// linked structures, callbacks holding their owner) and are dropped as a whole: reference
// counting alone can never free them; a cycle collector must find them. Each op builds one ring
// of `ring_size` nodes of a one-slot class
//     class Node: __slots__ = ('next',)
// links the last node back to the first, and drops it, except that every `keep_every`-th ring is
// kept in a FIFO list of at most `kept` rings (long-lived data the collector must traverse over
// and over; the oldest kept ring is released as cyclic garbage when the list is full).
#include "objects/instance.h"
#include "objects/list.h"
#include "workloads/registry.h"

namespace pmb {
namespace {

class Rings final : public Workload {
public:
    explicit Rings(const Params& p)
        : rings_(static_cast<std::uint64_t>(p.get("rings"))),
          ring_size_(static_cast<std::size_t>(std::max<std::int64_t>(p.get("ring_size"), 1))),
          keep_every_(static_cast<std::uint64_t>(p.get("keep_every"))),
          kept_cap_(static_cast<std::size_t>(p.get("kept"))) {}

    void setup(Runtime& rt) override { kept_ = list_new(rt); }
    std::uint64_t ops() const override { return rings_; }

    void step(Runtime& rt, std::uint64_t i) override {
        Object* head = instance_new(rt, 1);  // owned here
        Object* node = head;                  // borrowed: the ring owns it
        for (std::size_t k = 1; k < ring_size_; ++k) {
            Object* next = instance_new(rt, 1);
            instance_set(rt, node, 0, next);  // node.next = next
            rt.decref(next);
            node = next;
        }
        instance_set(rt, node, 0, head);  // close the ring
        if (keep_every_ != 0 && i % keep_every_ == 0 && kept_cap_ != 0) {
            list_append(rt, kept_, head);
            if (list_size(kept_) > kept_cap_) list_del_prefix(rt, kept_, 1);
        }
        rt.decref(head);
        ++built_;
    }

    void teardown(Runtime& rt) override {
        kept_at_end_ = list_size(kept_);
        rt.decref(kept_);
        kept_ = nullptr;
    }
    nlohmann::json counters() const override {
        return {{"rings_built", built_}, {"nodes_built", built_ * ring_size_}, {"rings_kept_at_end", kept_at_end_}};
    }

private:
    std::uint64_t rings_;
    std::size_t ring_size_;
    std::uint64_t keep_every_;
    std::size_t kept_cap_;
    Object* kept_ = nullptr;
    std::uint64_t built_ = 0;
    std::size_t kept_at_end_ = 0;
};

}  // namespace

WorkloadEntry rings_workload() {
    return {"rings",
            "rings of __slots__ instances that become cyclic garbage; some kept a while (gc_collect)",
            {{"rings", 300000, "rings built (one op each)"},
             {"ring_size", 21, "instances per ring"},
             {"keep_every", 10, "every n-th ring is kept (0 = none)"},
             {"kept", 1000, "kept rings at most (FIFO)"}},
            {{"rings", "5000"}, {"kept", "200"}},
            [](const Params& p, std::uint64_t) { return std::make_unique<Rings>(p); }};
}

}  // namespace pmb
