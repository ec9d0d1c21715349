// Randomized tests of the pool allocator: statistics that add up against a shadow model, and a
// long random malloc/calloc/realloc/free run with content checks and invariant walks.
#include <random>
#include <vector>

#include "tests/allocators/pool_test_support.h"

namespace pmb::pool_test {
namespace {

struct Live {
    void* p;
    std::size_t n;         // requested bytes (the valid content)
    std::uint32_t seed;
    std::size_t block = 0;  // size class bytes if the block is in a pool, 0 if raw (C library)
};

// Where 3.11 puts a fresh request: a pool block of the rounded size, or raw (0 bytes, large).
std::size_t fresh_block(std::size_t n, const PoolConfig& config) {
    if (n == 0 || n > config.small_threshold) return 0;
    return (n + config.alignment - 1) / config.alignment * config.alignment;
}

// The block a realloc leaves: a raw block stays raw; a pool block stays put unless growing or
// shrinking by at least a quarter, else it moves as a fresh request would.
std::size_t realloc_block(std::size_t block, std::size_t n, const PoolConfig& config, bool* moved) {
    *moved = block == 0 ? false : !(n <= block && 4 * n > 3 * block);
    if (block == 0 || !*moved) return block;
    return fresh_block(n, config);
}

// Request sizes like a Python heap's, with some large ones and zero-byte ones.
std::size_t python_like_size(std::mt19937_64& rng) {
    const unsigned r = rng() % 100;
    if (r < 35) return 32;
    if (r < 50) return 48;
    if (r < 62) return 64;
    if (r < 72) return 24 + rng() % 57;
    if (r < 85) return 80 + rng() % 177;
    if (r < 95) return 257 + rng() % 256;
    if (r < 99) return 513 + rng() % 4000;
    return 0;
}

void check_stats_against(const Heap& heap, const std::vector<Live>& live, const PoolConfig& config) {
    const std::size_t align = config.alignment;
    std::vector<std::size_t> per_class(config.small_threshold / align + 1, 0);
    std::size_t small_bytes = 0, raw_bytes = 0, raw_blocks = 0;
    for (const Live& b : live) {
        if (b.block != 0) {
            ++per_class[b.block / align];
            small_bytes += b.block;
        } else {
            raw_bytes += b.n;
            ++raw_blocks;
        }
    }
    const nlohmann::json s = heap.stats();
    std::size_t seen_in_use = 0;
    for (const auto& c : s["size_classes"]) {
        const std::size_t size = c["size"];
        const std::size_t per_pool = (config.pool_size - 48) / size;
        EXPECT_EQ(c["blocks_in_use"].get<std::size_t>(), per_class[size / align]) << "size " << size;
        EXPECT_EQ(c["blocks_in_use"].get<std::size_t>() + c["blocks_free"].get<std::size_t>(),
                  c["pools"].get<std::size_t>() * per_pool)
            << "size " << size;
        seen_in_use += c["blocks_in_use"].get<std::size_t>();
    }
    std::size_t expected_in_use = 0;
    for (std::size_t k : per_class) expected_in_use += k;
    EXPECT_EQ(seen_in_use, expected_in_use);  // no class missing from the report
    EXPECT_EQ(s["raw"]["live_blocks"], raw_blocks);
    EXPECT_EQ(s["raw"]["live_bytes"], raw_bytes);
    EXPECT_EQ(s["allocated_bytes"], small_bytes + raw_bytes);
    const std::size_t arena_bytes = s["arenas"]["current"].get<std::size_t>() * config.arena_size;
    EXPECT_EQ(s["held_bytes"], arena_bytes + raw_bytes);
    // 3.11's _debugmallocstats identity: every arena byte is accounted for exactly once.
    EXPECT_EQ(arena_bytes, s["small"]["allocated_bytes"].get<std::size_t>() +
                               s["small"]["available_bytes"].get<std::size_t>() +
                               s["free_pool_bytes"].get<std::size_t>() +
                               s["pool_header_bytes"].get<std::size_t>() +
                               s["quantization_bytes"].get<std::size_t>() +
                               s["arena_alignment_bytes"].get<std::size_t>());
    EXPECT_EQ(s["arenas"]["allocated_total"].get<std::size_t>() -
                  s["arenas"]["reclaimed"].get<std::size_t>(),
              s["arenas"]["current"].get<std::size_t>());
    EXPECT_GE(s["arenas"]["highwater"], s["arenas"]["current"]);
}

TEST(PoolStress, PerClassStatisticsAddUpAfterARandomSequence) {
    for (const char* options : {"", "pool_size=4K:arena_size=256K", "alignment=8:threshold=256"}) {
        SCOPED_TRACE(options);
        const PoolConfig config = parse_pool_config(options);
        Heap heap(config);
        std::mt19937_64 rng(11);
        std::vector<Live> live;
        for (int step = 0; step < 200000; ++step) {
            if (live.empty() || rng() % 100 < 60) {
                const std::size_t n = python_like_size(rng);
                live.push_back({heap.malloc(n), n, 0, fresh_block(n, config)});
            } else {
                const std::size_t i = rng() % live.size();
                heap.free(live[i].p);
                live[i] = live.back();
                live.pop_back();
            }
            if (step % 50000 == 49999) check_stats_against(heap, live, config);
        }
        ASSERT_EQ(heap.invariants(), "");
        for (const Live& b : live) heap.free(b.p);
        live.clear();
        check_stats_against(heap, live, config);
        EXPECT_EQ(heap.stats()["arenas"]["current"], 1);  // the one kept wholly free arena
        EXPECT_EQ(heap.invariants(), "");
    }
}

TEST(PoolStress, AMillionRandomOperationsKeepEveryBlockIntact) {
    Heap heap;
    std::mt19937_64 rng(2024);
    std::vector<Live> live;
    std::uint32_t next_seed = 1;
    constexpr int kOperations = 1000000;
    constexpr std::size_t kTargetLive = 100000;
    for (int op = 0; op < kOperations; ++op) {
        const unsigned r = rng() % 100;
        const bool grow_set = live.size() < kTargetLive;
        if (live.empty() || r < (grow_set ? 55u : 40u)) {
            const std::size_t n = python_like_size(rng);
            void* p = (r % 10 == 0) ? heap.calloc(1, n) : heap.malloc(n);
            ASSERT_NE(p, nullptr);
            if (r % 10 == 0) {
                for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(static_cast<unsigned char*>(p)[i], 0);
            }
            fill_pattern(p, n, next_seed);
            live.push_back({p, n, next_seed++, fresh_block(n, PoolConfig{})});
            ASSERT_EQ(heap.owns(p), live.back().block != 0);
        } else if (r < 70) {
            Live& b = live[rng() % live.size()];
            const std::size_t n = rng() % 4 == 0 ? python_like_size(rng) : b.n + rng() % 64 - rng() % 64;
            const std::size_t new_n = n > 100000 ? 0 : n;  // keep wrapped values sane
            void* q = heap.realloc(b.p, new_n);
            ASSERT_NE(q, nullptr);
            ASSERT_TRUE(check_pattern(q, std::min(b.n, new_n), b.seed)) << "op " << op;
            bool moved = false;
            const std::size_t block = realloc_block(b.block, new_n, PoolConfig{}, &moved);
            if (b.block != 0) {
                ASSERT_EQ(q != b.p, moved) << "op " << op << ": " << b.n << " -> " << new_n;
            }
            ASSERT_EQ(heap.owns(q), block != 0) << "op " << op;
            fill_pattern(q, new_n, next_seed);
            b = {q, new_n, next_seed++, block};
        } else {
            const std::size_t i = rng() % live.size();
            ASSERT_TRUE(check_pattern(live[i].p, live[i].n, live[i].seed)) << "op " << op;
            heap.free(live[i].p);
            live[i] = live.back();
            live.pop_back();
        }
        if (op % 250000 == 249999) {
            ASSERT_EQ(heap.invariants(), "") << "op " << op;
            check_stats_against(heap, live, PoolConfig{});
        }
    }
    for (const Live& b : live) {
        ASSERT_TRUE(check_pattern(b.p, b.n, b.seed));
        heap.free(b.p);
    }
    EXPECT_EQ(heap.invariants(), "");
    EXPECT_EQ(heap.stats()["allocated_bytes"], 0);
}

}  // namespace
}  // namespace pmb::pool_test
