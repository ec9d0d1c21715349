// gc_collect, pickle_opt and data_growth (the programs behind the reports that made CPython
// 3.14.5 revert its incremental collector): their shapes as the programs have them. The model
// against the real interpreter is validate_test's; these pin what the programs themselves fix.
#include <gtest/gtest.h>

#include "collectors/registry.h"
#include "tests/support/oracle_allocator.h"
#include "workloads/registry.h"

namespace pmb {
namespace {

struct Outcome {
    nlohmann::json counters, gc;
    std::uint64_t leaked_objects = 0, blocks_left = 0;
};

Outcome run(const std::string& name, const std::map<std::string, std::string>& overrides,
            const std::string& collector = "gen") {
    const WorkloadEntry* w = find_workload(name);
    EXPECT_NE(w, nullptr);
    OracleAllocator alloc;
    Heap heap(alloc.ops());
    auto gc = find_collector(collector)->make(heap, "");
    Outcome out;
    {
        Runtime rt(heap, *gc);
        auto workload = w->make(Params::resolve(name, w->params, overrides), 0);
        workload->setup(rt);
        rt.eval_breaker();
        gc->setup_finished();
        workload->run_steps(rt, 0, workload->ops());
        workload->teardown(rt);
        out.counters = workload->counters();
        CollectorReport report = gc->finish();
        out.gc = report.gc;
        out.leaked_objects = report.leaked_objects;
    }
    out.blocks_left = alloc.live_blocks();
    return out;
}

TEST(GcCollect, EveryLoopEndsWithAFullCollectionOfItsCycles) {
    // Two gc.collect() per loop; the second finds the 100 cycles of 21 nodes (CPython 3.11's
    // figures for 20 loops: collections [40, 0, 40], collected [0, 0, 42000]).
    const Outcome o = run("gc_collect", {{"loops", "20"}});
    EXPECT_EQ(o.counters["nodes_built"], 20u * 100u * 21u);
    EXPECT_EQ(o.gc["collections"][2], 40);
    EXPECT_EQ(o.gc["collected"][2], 42000);
    EXPECT_EQ(o.leaked_objects, 0u);
    EXPECT_EQ(o.blocks_left, 0u);
}

TEST(PickleOpt, PickleAndOptimizedOutputHaveCPythonsSizes) {
    // len(pickle.dumps(x, protocol=4)), len(list(pickletools.genops(p))) and
    // len(pickletools.optimize(p)) under CPython 3.11, x = {i: f"ii{i:>07}" for i in range(n)}:
    // 1000 items fit one frame and end on an empty batch, 2500 reach BININT2 keys, 70000 span
    // 17 frames and reach BININT keys.
    for (const auto& [n, bytes, opcodes, optimized] :
         std::vector<std::tuple<const char*, int, int, int>>{
             {"1000", 14762, 3009, 13761}, {"2500", 37264, 7511, 34763}, {"70000", 1058972, 210163, 988962}}) {
        SCOPED_TRACE(n);
        const Outcome o = run("pickle_opt", {{"n", n}, {"loops", "1"}});
        EXPECT_EQ(o.counters["pickle_bytes"], bytes);
        EXPECT_EQ(o.counters["opcodes"], opcodes);
        EXPECT_EQ(o.counters["output_bytes"], optimized);
        EXPECT_EQ(o.gc["collected"][0], 0) << "optimize makes no cycles";
        EXPECT_EQ(o.blocks_left, 0u);
    }
}

TEST(DataGrowth, LongLivedDataGrowsWithTheDataSize) {
    // Twice the data: twice the nodes, and more survivors promoted to the oldest generation.
    const Outcome small = run("data_growth", {{"data_size", "2"}, {"unit_nodes", "2000"}});
    const Outcome large = run("data_growth", {{"data_size", "4"}, {"unit_nodes", "2000"}});
    EXPECT_EQ(small.counters["nodes_built"], 2u * (1 + 2u * 1999));
    EXPECT_EQ(large.counters["nodes_built"], 4u * (1 + 2u * 1999));
    EXPECT_GT(large.gc["collected"][0].get<std::uint64_t>(), small.gc["collected"][0].get<std::uint64_t>());
    EXPECT_EQ(large.leaked_objects, 0u);
    const Outcome rc = run("data_growth", {{"data_size", "1"}, {"unit_nodes", "100"}}, "rc");
    EXPECT_GT(rc.leaked_objects, 0u) << "every tree and scratch node is in a cycle";
}

}  // namespace
}  // namespace pmb
