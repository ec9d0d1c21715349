// Every registered workload, at its quick scale: the same seed gives the same ops and the same
// allocations; under every cycle collector and the tracer (frozen after setup or not) the program
// computes the same results and nothing is left once the roots are dropped; under `rc` only the
// workloads that make cycles leak, and the leak is reported.
#include <gtest/gtest.h>

#include "collectors/registry.h"
#include "tests/support/oracle_allocator.h"
#include "workloads/registry.h"

namespace pmb {
namespace {

struct Outcome {
    std::uint64_t ops = 0, allocations = 0, leaked_objects = 0, blocks_left = 0;
    nlohmann::json counters;
};

Outcome run(const WorkloadEntry& w, const std::string& collector, std::uint64_t seed, const std::string& options = "") {
    OracleAllocator alloc;
    Heap heap(alloc.ops());
    auto gc = find_collector(collector)->make(heap, options);
    Outcome out;
    {
        Runtime rt(heap, *gc);
        auto workload = w.make(Params::resolve(w.name, w.params, w.quick), seed);
        workload->setup(rt);
        gc->setup_finished();
        out.ops = workload->ops();
        for (std::uint64_t i = 0; i < out.ops; ++i) workload->step(rt, i);
        workload->teardown(rt);
        out.counters = workload->counters();
        out.leaked_objects = gc->finish().leaked_objects;
        out.allocations = heap.allocations();
    }
    out.blocks_left = alloc.live_blocks();
    return out;
}

class EveryWorkload : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryWorkload, DeterministicForASeedAndLeakFreeUnderEveryCollector) {
    const WorkloadEntry* w = find_workload(GetParam());
    ASSERT_NE(w, nullptr);
    const Outcome a = run(*w, "gen", 7), b = run(*w, "gen", 7);
    EXPECT_GT(a.ops, 0u);
    EXPECT_GT(a.allocations, 0u);
    EXPECT_EQ(a.ops, b.ops);
    EXPECT_EQ(a.allocations, b.allocations);
    EXPECT_EQ(a.counters, b.counters);
    EXPECT_EQ(a.leaked_objects, 0u) << "gen must reclaim every cycle";
    EXPECT_EQ(a.blocks_left, 0u);
    for (const auto& [collector, options] : std::vector<std::pair<std::string, std::string>>{
             {"gen", "freeze_after_setup=1"},
             {"incremental", ""},
             {"incremental", "threshold0=50:max_increment=30"},
             {"incremental", "freeze_after_setup=1"},
             {"marksweep", ""},
             {"marksweep", "growth=1.1:min_heap=65536"},
             {"marksweep", "freeze_after_setup=1"}}) {
        SCOPED_TRACE(collector + ":" + options);
        const Outcome o = run(*w, collector, 7, options);
        EXPECT_EQ(o.ops, a.ops);
        EXPECT_EQ(o.counters, a.counters) << "the program's results cannot depend on the collector";
        EXPECT_EQ(o.leaked_objects, 0u);
        EXPECT_EQ(o.blocks_left, 0u);
    }
    const Outcome rc = run(*w, "rc", 7);
    const bool makes_cycles = GetParam() == "rings" || GetParam() == "records" || GetParam() == "objects" ||
                             GetParam() == "gc_collect" || GetParam() == "data_growth";
    if (makes_cycles) {
        EXPECT_GT(rc.leaked_objects, 0u) << "rc cannot free cycles and must report them";
    } else {
        EXPECT_EQ(rc.leaked_objects, 0u);
    }
}

INSTANTIATE_TEST_SUITE_P(Registry, EveryWorkload,
                         ::testing::ValuesIn(workload_names(WorkloadAvailability::default_matrix)));

}  // namespace
}  // namespace pmb
