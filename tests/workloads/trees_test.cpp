// trees: deterministic op and allocation counts for a seed, and no leaks under reference counting.
#include <gtest/gtest.h>

#include "collectors/refcount_collector.h"
#include "tests/support/counting_allocator.h"
#include "workloads/registry.h"

namespace pmb {
namespace {

struct Outcome {
    std::uint64_t ops, allocations, nodes;
    std::size_t live_after;
};

Outcome run_trees(std::uint64_t seed, std::map<std::string, std::string> overrides) {
    const WorkloadEntry* entry = find_workload("trees");
    CountingAllocator counting;
    Heap heap(counting.ops());
    auto collector = make_refcount_collector(heap);
    Outcome out{};
    {
        Runtime rt(heap, *collector);
        auto w = entry->make(Params::resolve("trees", entry->params, overrides), seed);
        w->setup(rt);
        for (std::uint64_t i = 0; i < w->ops(); ++i) w->step(rt, i);
        w->teardown(rt);
        out.ops = w->ops();
        out.nodes = w->counters()["nodes_checked"];
        collector->finish();
        out.allocations = heap.allocations();
    }
    out.live_after = counting.live_blocks();
    return out;
}

TEST(Trees, SameSeedSameCounts) {
    const std::map<std::string, std::string> small = {{"trees", "300"}, {"long_lived_depth", "8"}};
    Outcome a = run_trees(42, small), b = run_trees(42, small);
    EXPECT_EQ(a.ops, 300u);
    EXPECT_EQ(a.allocations, b.allocations);
    EXPECT_EQ(a.nodes, b.nodes);
    Outcome c = run_trees(43, small);
    EXPECT_NE(a.nodes, c.nodes) << "the seed should change the depth schedule";
}

TEST(Trees, NodeCountsMatchTheDepthSchedule) {
    // With min_depth == max_depth every tree has 2**(d+1) - 1 nodes.
    Outcome o = run_trees(7, {{"trees", "10"}, {"min_depth", "5"}, {"max_depth", "5"}, {"long_lived_depth", "3"}});
    EXPECT_EQ(o.nodes, 10u * 63u);
    // The constant leaf, 7 inner tuples of the long-lived tree, 31 for the first short-lived tree;
    // the rest come from the 2-tuple free list.
    EXPECT_EQ(o.allocations, 1u + 7u + 31u);
}

TEST(Trees, NothingLeaksUnderReferenceCounting) {
    Outcome o = run_trees(1, {{"trees", "200"}, {"long_lived_depth", "9"}});
    EXPECT_EQ(o.live_after, 0u);
}

}  // namespace
}  // namespace pmb
