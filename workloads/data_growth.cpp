// data_growth: a program whose long-lived data grows with its input, the shape of the reports
// that showed the incremental collector's memory cost (faster-cpython/ideas issue 668: peak memory
// against the old collector 187 vs 139 MB, 244 vs 193 MB and 435 vs 270 MB at data sizes 8, 16
// and 32). The program measured there is not named in what could be read of the thread (mypy2,
// pycparser and docutils are the benchmarks it starts from); this workload models their common
// shape: a parser building trees of plain instances with parent back-pointers (an AST, a
// doctree) and keeping every tree, while each node also leaves a small cycle of scratch garbage.
//
//     class Node:
//         def __init__(self, parent):
//             self.parent = parent; self.children = []
//             if parent is not None: parent.children.append(self)
//     trees = []
//     for unit in range(data_size):              # one unit of input data
//         nodes = [Node(None)]; trees.append(nodes[0])
//         for k in range(1, unit_nodes):         # one op per node
//             nodes.append(Node(nodes[(k - 1) // fanout]))
//             scratch = Node(None); scratch.children.append(scratch)   # cyclic garbage
//         del nodes                              # the tree stays, reachable from trees
// One op is one node: the first of a unit makes its root (and the `nodes` list), every other one
// a child and a scratch cycle. CPython 3.11's allocations: per Node the call's 1-tuple of
// arguments (free list), the instance (56 bytes with the GC header), its values array
// (objects/plain_instance.h) and its children list (a free-list body or 56 bytes) with the item
// array as it grows; the ints above 256 that index `nodes`.
// Eval breaker: each op is one iteration of the inner Python loop, checked after it (the harness).
#include "objects/list.h"
#include "objects/plain_instance.h"
#include "objects/scalars.h"
#include "objects/tuple.h"
#include "workloads/registry.h"

namespace pmb {
namespace {

class DataGrowth final : public Workload {
public:
    explicit DataGrowth(const Params& p)
        : data_size_(static_cast<std::uint64_t>(p.get("data_size"))),
          unit_nodes_(static_cast<std::uint64_t>(std::max<std::int64_t>(p.get("unit_nodes"), 1))),
          fanout_(static_cast<std::uint64_t>(std::max<std::int64_t>(p.get("fanout"), 1))),
          parent_(plain_class_attribute(node_class_, "parent")),
          children_(plain_class_attribute(node_class_, "children")) {}

    void setup(Runtime& rt) override { trees_ = list_new(rt); }
    std::uint64_t ops() const override { return data_size_ * unit_nodes_; }

    void step(Runtime& rt, std::uint64_t i) override {
        const std::uint64_t k = i % unit_nodes_;
        if (k == 0) {
            Object* root = node_new(rt, nullptr);
            Object* items[1] = {root};  // [Node(None)]: the list takes the reference
            nodes_ = list_from_items(rt, items, 1);
            list_append(rt, trees_, root);
        } else {
            Object* kv = int_from(rt, static_cast<std::int64_t>(k));  // the loop variable
            Object* index = int_from(rt, static_cast<std::int64_t>((k - 1) / fanout_));
            Object* child = node_new(rt, list_get(nodes_, (k - 1) / fanout_));
            rt.decref(index);
            list_append(rt, nodes_, child);
            rt.decref(child);
            Object* scratch = node_new(rt, nullptr);
            list_append(rt, plain_instance_get(scratch, children_), scratch);
            rt.decref(scratch);
            rt.decref(kv);
        }
        if (k == unit_nodes_ - 1) {
            rt.decref(nodes_);  // del nodes
            nodes_ = nullptr;
        }
    }

    void teardown(Runtime& rt) override {
        rt.xdecref(nodes_);
        rt.decref(trees_);
    }
    nlohmann::json counters() const override { return {{"nodes_built", nodes_built_}}; }

private:
    Object* node_new(Runtime& rt, Object* parent) {  // Node(parent)
        // Calling a class packs its arguments in a tuple (3.11's _PyObject_MakeTpCall): a 1-tuple
        // from the free list, new only after a full collection has emptied it.
        Object* args = tuple_new(rt, 1);
        Object* arg = parent != nullptr ? parent : none_borrowed();
        Runtime::incref(arg);
        tuple_init_item(args, 0, arg);
        Object* self = plain_instance_new(rt, node_class_);
        plain_instance_set(rt, self, parent_, parent != nullptr ? parent : none_borrowed());
        Object* children = list_new(rt);
        plain_instance_set(rt, self, children_, children);
        rt.decref(children);
        if (parent != nullptr) list_append(rt, plain_instance_get(parent, children_), self);
        rt.decref(args);
        ++nodes_built_;
        return self;
    }
    static Object* none_borrowed() {
        Object* n = none_ref();
        n->refcnt -= 1;  // None is immortal here; a borrowed reference
        return n;
    }

    std::uint64_t data_size_, unit_nodes_, fanout_;
    PlainClass node_class_;
    std::size_t parent_, children_;
    Object *trees_ = nullptr, *nodes_ = nullptr;
    std::uint64_t nodes_built_ = 0;
};

}  // namespace

WorkloadEntry data_growth_workload() {
    return {"data_growth",
            "long-lived trees of plain instances growing with the data size, plus scratch cycles (ideas 668)",
            {{"data_size", 8, "units of input data: the report's sizes were 8, 16 and 32 (published peaks 139, 193, "
                              "270 MB under the old collector)"},
             {"unit_nodes", 10000, "nodes parsed per unit (one op each)"},
             {"fanout", 8, "children per parent in a unit's tree"}},
            {{"data_size", "2"}, {"unit_nodes", "2000"}},
            [](const Params& p, std::uint64_t) { return std::make_unique<DataGrowth>(p); }};
}

}  // namespace pmb
