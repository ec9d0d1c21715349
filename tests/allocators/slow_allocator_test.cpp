// The slow decorator: its spec, that it passes every block, identity and statistic of its base
// through, and that it survives the allocator torture test over two different bases.
#include <gtest/gtest.h>

#include "allocators/pool/pool_allocator.h"
#include "allocators/registry.h"
#include "allocators/slow_allocator.h"
#include "harness/allocator_stress.h"

namespace pmb {
namespace {

TEST(SlowAllocator, ParsesCostAndBase) {
    SlowSpec s = parse_slow_spec("ns=40:pool");
    EXPECT_DOUBLE_EQ(s.ns, 40.0);
    EXPECT_EQ(s.base, "pool");
    s = parse_slow_spec("ns=2.5:pool:pool_size=4K:arena_size=256K");
    EXPECT_DOUBLE_EQ(s.ns, 2.5);
    EXPECT_EQ(s.base, "pool:pool_size=4K:arena_size=256K");
    for (const char* bad : {"", "pool", "ns=40", "ns=40:", "ns=-1:pool", "ns=x:pool", "ns=4e7:pool", "ns=3:slow:ns=1:pool",
                            "cost=4:pool"}) {
        EXPECT_THROW(parse_slow_spec(bad), std::invalid_argument) << bad;
    }
}

TEST(SlowAllocator, RegistryChecksTheBaseToo) {
    const AllocatorEntry* slow = find_allocator("slow");
    ASSERT_NE(slow, nullptr);
    EXPECT_NO_THROW(slow->check("ns=10:pool:pool_size=4K"));
    EXPECT_THROW(slow->check("ns=10:nosuch"), std::invalid_argument);
    EXPECT_THROW(slow->check("ns=10:pool:pool_size=3K"), std::invalid_argument);
    EXPECT_EQ(slow->preload("ns=10:pool"), "");
    EXPECT_EQ(slow->preload("ns=10:jemalloc"), find_allocator("jemalloc")->preload(""));
}

TEST(SlowAllocator, PassesTheBaseThrough) {
    auto slow = make_slow_allocator(50, make_pool_allocator());
    const AllocatorOps& ops = slow->ops();
    void* small = ops.malloc(ops.ctx, 48);
    void* zeroed = ops.calloc(ops.ctx, 4, 8);
    ASSERT_NE(small, nullptr);
    ASSERT_NE(zeroed, nullptr);
    for (int i = 0; i < 32; ++i) EXPECT_EQ(static_cast<unsigned char*>(zeroed)[i], 0);
    // The pool's own statistics see the blocks: they went to the base.
    const nlohmann::json stats = slow->stats();
    EXPECT_GT(stats["slow_spins_per_call"].get<std::uint64_t>(), 0u);
    EXPECT_DOUBLE_EQ(stats["slow_ns_per_call"].get<double>(), 50.0);
    EXPECT_EQ(stats["allocated_bytes"], make_pool_allocator()->stats()["allocated_bytes"].get<std::uint64_t>() + 48 + 32)
        << stats.dump();
    small = ops.realloc(ops.ctx, small, 400);
    ops.free(ops.ctx, small);
    ops.free(ops.ctx, zeroed);
    EXPECT_EQ(slow->identity().library, make_pool_allocator()->identity().library);
    EXPECT_NE(slow->identity().version.find("slow 50"), std::string::npos) << slow->identity().version;
    EXPECT_EQ(make_slow_allocator(0, make_pool_allocator())->stats()["slow_spins_per_call"], 0);
}

TEST(SlowAllocator, SurvivesTheStressTestOverTwoBases) {
    StressOptions options;
    options.ops = 50000;
    for (const char* base : {"pool", "system"}) {
        const AllocatorEntry* slow = find_allocator("slow");
        auto allocator = slow->make(std::string("ns=1:") + base);
        EXPECT_EQ(stress_allocator(allocator->ops(), options), "") << base;
    }
}

}  // namespace
}  // namespace pmb
