// trees: the binary-trees program (pyperformance / Computer Language Benchmarks Game shape).
//
// Models a Python program that builds many short-lived recursive structures beside one long-lived
// one: every node is a 2-tuple (left, right), leaves are (None, None), as in the classic Python
// solution
//     def make(d): return (make(d - 1), make(d - 1)) if d else (None, None)
// setup() builds the long-lived tree; each op builds one tree, walks it to count its nodes, and
// drops it. Op depths are drawn in [min_depth, max_depth] with weight 2**(max_depth - d), so every
// depth contributes the same number of nodes, as the benchmark's iteration schedule does.
//
// Lifecycle facts that matter: tuples are GC-capable (56 bytes with the GC header, 40 without);
// leaves are one constant tuple; dropping a tree refills the 2-tuple free list (2000 entries) that
// the next tree drains first; the collector untracks no inner node (each holds tracked tuples).
#include <cstdint>
#include <vector>

#include "objects/scalars.h"
#include "objects/tuple.h"
#include "workloads/registry.h"
#include "workloads/rng.h"

namespace pmb {
namespace {

// A leaf is the code constant (None, None): CPython's compiler folds it, so every leaf is the
// same tuple and only inner nodes are allocated. Inner nodes are built children first, then
// their tuple: CPython's evaluation order for (make(d - 1), make(d - 1)), which decides the order
// of objects in the GC lists and so what one collection can untrack.
Object* make_tree(Runtime& rt, Object* leaf, std::int64_t depth) {
    if (depth == 0) {
        Runtime::incref(leaf);
        return leaf;
    }
    Object* left = make_tree(rt, leaf, depth - 1);
    Object* right = make_tree(rt, leaf, depth - 1);
    Object* t = tuple_new(rt, 2);
    tuple_init_item(t, 0, left);
    tuple_init_item(t, 1, right);
    return t;
}

std::uint64_t count_nodes(Object* t) {
    Object* left = tuple_items(t)[0];
    if (is_none(left)) return 1;
    return 1 + count_nodes(left) + count_nodes(tuple_items(t)[1]);
}

class Trees final : public Workload {
public:
    Trees(const Params& p, std::uint64_t seed) {
        const std::int64_t min_depth = p.get("min_depth");
        const std::int64_t max_depth = std::max(p.get("max_depth"), min_depth);
        long_lived_depth_ = p.get("long_lived_depth");
        Rng rng(seed);
        // Weight 2**(max-d) for depth d: draw w in [0, total) and walk the cumulative weights.
        std::uint64_t total = 0;
        for (std::int64_t d = min_depth; d <= max_depth; ++d) total += std::uint64_t{1} << (max_depth - d);
        depths_.resize(static_cast<std::size_t>(p.get("trees")));
        for (auto& depth : depths_) {
            std::uint64_t w = rng.below(total);
            std::int64_t d = min_depth;
            while (w >= (std::uint64_t{1} << (max_depth - d))) {
                w -= std::uint64_t{1} << (max_depth - d);
                ++d;
            }
            depth = static_cast<std::uint8_t>(d);
        }
    }

    void setup(Runtime& rt) override {
        leaf_ = tuple_new(rt, 2);
        tuple_init_item(leaf_, 0, none_ref());
        tuple_init_item(leaf_, 1, none_ref());
        long_lived_ = make_tree(rt, leaf_, long_lived_depth_);
    }
    std::uint64_t ops() const override { return depths_.size(); }
    void step(Runtime& rt, std::uint64_t i) override {
        Object* t = make_tree(rt, leaf_, depths_[i]);
        nodes_checked_ += count_nodes(t);
        rt.decref(t);
    }
    void teardown(Runtime& rt) override {
        long_lived_nodes_ = count_nodes(long_lived_);
        rt.decref(long_lived_);
        rt.decref(leaf_);
        long_lived_ = leaf_ = nullptr;
    }
    nlohmann::json counters() const override {
        return {{"nodes_checked", nodes_checked_}, {"long_lived_nodes", long_lived_nodes_}};
    }

private:
    std::int64_t long_lived_depth_ = 0;
    std::vector<std::uint8_t> depths_;
    Object* long_lived_ = nullptr;
    Object* leaf_ = nullptr;
    std::uint64_t nodes_checked_ = 0;
    std::uint64_t long_lived_nodes_ = 0;
};

}  // namespace

WorkloadEntry trees_workload() {
    return {"trees",
            "binary trees of 2-tuples built and dropped beside one long-lived tree (binary-trees)",
            {{"trees", 300000, "short-lived trees built and dropped (one op each)"},
             {"min_depth", 4, "smallest short-lived tree depth"},
             {"max_depth", 12, "largest short-lived tree depth"},
             {"long_lived_depth", 14, "depth of the tree that lives through the whole run"}},
            {{"trees", "5000"}, {"long_lived_depth", "10"}},
            [](const Params& p, std::uint64_t seed) { return std::make_unique<Trees>(p, seed); }};
}

}  // namespace pmb
