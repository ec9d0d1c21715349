// The slow decorator: its spec, that it passes every block, identity and statistic of its base
// through, and that it survives the allocator torture test over two different bases.
#include <gtest/gtest.h>

#include <chrono>

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
                            "cost=4:pool", "pct=90:pool", "pct=-1:pool", "pct=5%:pool", "pct=:pool"}) {
        EXPECT_THROW(parse_slow_spec(bad), std::invalid_argument) << bad;
    }
    s = parse_slow_spec("pct=5:jemalloc");
    EXPECT_DOUBLE_EQ(s.percent, 5.0);
    EXPECT_DOUBLE_EQ(s.ns, 0.0);
    EXPECT_TRUE(s.by_percent);
    EXPECT_EQ(s.base, "jemalloc");
    EXPECT_FALSE(parse_slow_spec("ns=3:pool").by_percent);
    try {
        parse_slow_spec("pct=95:pool");
        FAIL();
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("slow:pct=P:BASE"), std::string::npos) << e.what();
    }
}

// pct=P's bookkeeping, not its speed: the time it spun is the stretch 1 / (1 - P/100) - 1 of the
// time it did not, whatever the machine's speed, up to the few calls after its last check.
TEST(SlowAllocator, PercentStretchesTheTimeBetweenChecks) {
    const auto started = std::chrono::steady_clock::now();
    auto slow = make_slow_allocator({0, 20, true, "pool"}, make_pool_allocator());
    const AllocatorOps& ops = slow->ops();
    volatile std::uint64_t work = 0;
    for (int i = 0; i < 64 * 2000; ++i) {
        void* p = ops.malloc(ops.ctx, 32 + static_cast<std::size_t>(i % 200));
        for (int k = 0; k < 200; ++k) work = work + static_cast<std::uint64_t>(k);  // time between calls
        ops.free(ops.ctx, p);
    }
    const double elapsed =
        std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - started).count();
    const nlohmann::json stats = slow->stats();
    const double stretched = stats["slow_stretched_ns"].get<double>();
    EXPECT_DOUBLE_EQ(stats["slow_percent"].get<double>(), 20.0);
    EXPECT_EQ(stats["slow_spins_per_call"], 0);
    const double stretch = stretched / (elapsed - stretched);  // 0.25 for 20 %
    EXPECT_GT(stretch, 0.25 * 0.8) << stats.dump();
    EXPECT_LT(stretch, 0.25 * 1.05) << stats.dump();
    EXPECT_NE(slow->identity().version.find("slow 20.0 % throughput"), std::string::npos) << slow->identity().version;
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
    auto slow = make_slow_allocator({50, 0, false, "pool"}, make_pool_allocator());
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
    EXPECT_EQ(make_slow_allocator({0, 0, false, "pool"}, make_pool_allocator())->stats()["slow_spins_per_call"], 0);
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
