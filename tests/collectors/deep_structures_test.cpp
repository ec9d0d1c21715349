// Deep structures under every collector: a million-element chain and a depth-20 binary tree free
// completely when dropped (without overflowing the stack: the trashcan must bound the recursion),
// and under `gen` a million-element cycle is reclaimed by one full collection, which neither
// recurses nor goes unreported.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "objects/instance.h"
#include "tests/support/oracle_world.h"

namespace pmb {
namespace {

constexpr std::size_t kChain = 1'000'000;
constexpr int kTreeDepth = 20;  // levels: 2**20 - 1 nodes

std::uint64_t sum_of(const nlohmann::json& per_generation) {
    std::uint64_t total = 0;
    for (const auto& v : per_generation) total += v.get<std::uint64_t>();
    return total;
}

// head -> n1 -> n2 -> ... -> tail, as 1-slot instances; returns the head (the only root).
// Freeing the head recursively would nest kChain deallocations.
Object* build_chain(Runtime& rt, std::size_t length, Object** tail_out = nullptr) {
    Object* tail = instance_new(rt, 1);
    Object* head = tail;
    for (std::size_t i = 1; i < length; ++i) {
        Object* n = instance_new(rt, 1);
        instance_set(rt, n, 0, head);
        rt.decref(head);  // n holds it now
        head = n;
    }
    if (tail_out != nullptr) *tail_out = tail;
    return head;
}

struct DeepSpec {
    const char* label;
    const char* name;
    const char* options;
};

void PrintTo(const DeepSpec& spec, std::ostream* os) { *os << spec.name << ":" << spec.options; }

class DeepStructures : public ::testing::TestWithParam<DeepSpec> {
protected:
    OracleWorld w{GetParam().name, GetParam().options};
};

TEST_P(DeepStructures, MillionElementChainFreesWithoutStackOverflow) {
    Object* head = build_chain(*w.rt, kChain);
    ASSERT_EQ(w.alloc.live_blocks(), kChain);
    EXPECT_EQ(head->refcnt, 1);
    w.rt->decref(head);  // would overflow the stack without the trashcan
    EXPECT_EQ(w.alloc.live_blocks(), 0u) << "the chain was not freed completely";
    const CollectorReport report = w.collector->finish();
    EXPECT_EQ(report.leaked_objects, 0u);
    EXPECT_EQ(report.leaked_bytes, 0u);
    // Reference counting freed it all: nothing is reported as collected by a cycle collector.
    EXPECT_EQ(sum_of(report.gc["collected"]), 0u);
}

TEST_P(DeepStructures, DeepBinaryTreeFrees) {
    // Built bottom-up: each level's nodes hold two nodes of the level below.
    std::vector<Object*> level;
    for (std::size_t i = 0; i < (std::size_t{1} << (kTreeDepth - 1)); ++i) level.push_back(instance_new(*w.rt, 2));
    for (int d = kTreeDepth - 2; d >= 0; --d) {
        std::vector<Object*> up;
        up.reserve(level.size() / 2);
        for (std::size_t i = 0; i < level.size(); i += 2) {
            Object* n = instance_new(*w.rt, 2);
            instance_set(*w.rt, n, 0, level[i]);
            instance_set(*w.rt, n, 1, level[i + 1]);
            w.rt->decref(level[i]);
            w.rt->decref(level[i + 1]);
            up.push_back(n);
        }
        level.swap(up);
    }
    ASSERT_EQ(level.size(), 1u);
    const std::size_t nodes = (std::size_t{1} << kTreeDepth) - 1;
    ASSERT_EQ(w.alloc.live_blocks(), nodes);
    w.rt->decref(level[0]);
    EXPECT_EQ(w.alloc.live_blocks(), 0u) << "the tree was not freed completely";
    EXPECT_EQ(w.collector->finish().leaked_objects, 0u);
}

INSTANTIATE_TEST_SUITE_P(Collectors, DeepStructures,
                         ::testing::Values(DeepSpec{"rc", "rc", ""}, DeepSpec{"gen", "gen", ""}),
                         [](const ::testing::TestParamInfo<DeepSpec>& info) { return std::string(info.param.label); });

TEST(DeepStructuresGen, MillionElementCycleIsReclaimedByOneFullCollection) {
    OracleWorld w("gen", "");
    Object* tail = nullptr;
    Object* head = build_chain(*w.rt, kChain, &tail);
    instance_set(*w.rt, tail, 0, head);  // close the ring: the last node points to the first
    EXPECT_EQ(head->refcnt, 2);
    w.rt->decref(head);
    ASSERT_EQ(w.alloc.live_blocks(), kChain) << "reference counting alone must not free a cycle";
    w.collector->collect();  // must not recurse a million deep either
    EXPECT_EQ(w.alloc.live_blocks(), 0u) << "one full collection must reclaim the whole cycle";
    const CollectorReport report = w.collector->finish();
    EXPECT_EQ(report.leaked_objects, 0u);
    EXPECT_EQ(report.gc["collected"][2].get<std::uint64_t>(), kChain);
    EXPECT_EQ(sum_of(report.gc["collected"]), kChain) << report.gc["collected"].dump();
    EXPECT_GE(report.gc["collections"][2].get<std::uint64_t>(), 1u);
}

TEST(DeepStructuresRc, MillionElementCycleLeaksUnderPureRefcounting) {
    OracleWorld w("rc", "");
    Object* tail = nullptr;
    Object* head = build_chain(*w.rt, kChain, &tail);
    instance_set(*w.rt, tail, 0, head);
    w.rt->decref(head);
    w.collector->collect();  // a no-op
    EXPECT_EQ(w.alloc.live_blocks(), kChain);
    const CollectorReport report = w.collector->finish();
    EXPECT_EQ(report.leaked_objects, kChain);
    EXPECT_EQ(report.leaked_bytes, kChain * slots_body_size(1));
}

}  // namespace
}  // namespace pmb
