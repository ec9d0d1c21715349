// Tests of the pool allocator's arena layer: which arena gives new pools, when arenas go back to
// the OS (3.11's rule), misaligned arenas and the radix tree, other geometries, teardown.
#include <algorithm>
#include <map>
#include <random>
#include <vector>

#include "tests/allocators/pool_test_support.h"

namespace pmb::pool_test {
namespace {

constexpr std::size_t kArena = 1 << 20;
constexpr std::size_t kPool = 16 << 10;
constexpr std::size_t kBlocksOf512 = (kPool - 48) / 512;  // 31
constexpr std::size_t kBlocksOf16 = (kPool - 48) / 16;    // 1021

PoolConfig with_source(RecordingArenaSource& source) {
    PoolConfig config;
    config.arena_source = source.source();
    return config;
}

// Blocks grouped by the arena (source slot) that holds them.
std::map<int, std::vector<void*>> by_arena(const RecordingArenaSource& source,
                                           const std::vector<void*>& blocks) {
    std::map<int, std::vector<void*>> groups;
    for (void* p : blocks) groups[source.arena_of(p)].push_back(p);
    return groups;
}

TEST(PoolArenas, WhollyFreeArenaIsReleasedUnlessItIsTheLastUsable) {
    RecordingArenaSource source(kArena, 0, kArena, 8);  // ideal arenas: 64 pools each
    Heap heap(with_source(source));
    std::vector<void*> blocks;
    for (std::size_t i = 0; i < 3 * 64 * kBlocksOf512; ++i) blocks.push_back(heap.malloc(512));
    ASSERT_EQ(source.maps(), 3u);
    auto groups = by_arena(source, blocks);
    ASSERT_EQ(groups.size(), 3u);
    ASSERT_EQ(groups[0].size(), 64 * kBlocksOf512);

    // Arena 2 empties first. It is then the only usable arena, hence the last: kept.
    for (void* p : groups[2]) heap.free(p);
    EXPECT_EQ(source.unmaps(), 0u);
    EXPECT_EQ(heap.stats()["arenas"]["current"], 3);
    EXPECT_EQ(heap.invariants(), "");
    // Arena 1 empties next; it sorts before the wholly free arena 2, so it is released.
    for (void* p : groups[1]) heap.free(p);
    EXPECT_EQ(source.unmaps(), 1u);
    EXPECT_EQ(source.arena_of(groups[2][0]), 2);
    EXPECT_EQ(heap.invariants(), "");
    for (void* p : groups[0]) heap.free(p);
    EXPECT_EQ(source.unmaps(), 2u);
    const nlohmann::json s = heap.stats();
    EXPECT_EQ(s["arenas"]["allocated_total"], 3);
    EXPECT_EQ(s["arenas"]["reclaimed"], 2);
    EXPECT_EQ(s["arenas"]["highwater"], 3);
    EXPECT_EQ(s["arenas"]["current"], 1);
    EXPECT_EQ(s["free_pool_bytes"], kArena);
    EXPECT_EQ(s["held_bytes"], kArena);
    ASSERT_EQ(source.live().size(), 1u);
    EXPECT_EQ(source.live()[0], source.slot_address(2));

    // The kept arena absorbs a malloc/free loop: no map/unmap thrash (bpo-37257).
    for (int i = 0; i < 1000; ++i) heap.free(heap.malloc(32));
    EXPECT_EQ(source.maps(), 3u);
    EXPECT_EQ(source.unmaps(), 2u);
    EXPECT_EQ(heap.invariants(), "");
}

TEST(PoolArenas, FirstEmptiedArenaIsKeptWhenFreedInMappingOrder) {
    RecordingArenaSource source(kArena, 0, 0, 8);  // adjacent ideal arenas
    Heap heap(with_source(source));
    std::vector<void*> blocks;
    for (std::size_t i = 0; i < 3 * 64 * kBlocksOf512; ++i) blocks.push_back(heap.malloc(512));
    auto groups = by_arena(source, blocks);
    for (int a : {0, 1, 2}) {
        for (void* p : groups[a]) heap.free(p);
        EXPECT_EQ(heap.invariants(), "");
    }
    EXPECT_EQ(source.unmaps(), 2u);
    ASSERT_EQ(source.live().size(), 1u);
    EXPECT_EQ(source.live()[0], source.slot_address(0));
}

TEST(PoolArenas, NewPoolsComeFromTheMostUsedArena) {
    for (bool first_is_fuller : {false, true}) {
        RecordingArenaSource source(kArena, 0, kArena, 8);
        Heap heap(with_source(source));
        std::vector<void*> blocks;
        for (std::size_t i = 0; i < 2 * 64 * kBlocksOf512; ++i) blocks.push_back(heap.malloc(512));
        auto groups = by_arena(source, blocks);
        ASSERT_EQ(groups.size(), 2u);
        // Empty 63 pools of one arena and 32 of the other.
        const int emptier = first_is_fuller ? 1 : 0;
        const int fuller = 1 - emptier;
        for (std::size_t i = kBlocksOf512; i < groups[emptier].size(); ++i) heap.free(groups[emptier][i]);
        for (std::size_t i = 32 * kBlocksOf512; i < groups[fuller].size(); ++i) heap.free(groups[fuller][i]);
        ASSERT_EQ(heap.invariants(), "");

        // 32 new pools of 16-byte blocks: all from the fuller arena, then the other.
        std::vector<void*> small;
        for (std::size_t pool = 0; pool < 33; ++pool) {
            for (std::size_t i = 0; i < kBlocksOf16; ++i) small.push_back(heap.malloc(16));
            const int from = source.arena_of(small[pool * kBlocksOf16]);
            EXPECT_EQ(from, pool < 32 ? fuller : emptier) << "pool " << pool;
        }
        EXPECT_EQ(heap.invariants(), "");
        for (void* p : small) heap.free(p);
        for (std::size_t i = 0; i < kBlocksOf512; ++i) heap.free(groups[emptier][i]);
        for (std::size_t i = 0; i < 32 * kBlocksOf512; ++i) heap.free(groups[fuller][i]);
        EXPECT_EQ(heap.invariants(), "");
        EXPECT_EQ(heap.stats()["arenas"]["current"], 1);
    }
}

TEST(PoolArenas, UsableListStaysSortedThroughRandomPoolTraffic) {
    // Whole pools of 512-byte blocks come and go in random order across several arenas, so arena
    // free-pool counts tie and cross often: every new pool must come from an arena with the fewest
    // free pools, and the list and its fingers must stay valid after every step.
    constexpr std::size_t kSlots = 16;
    RecordingArenaSource source(kArena, 0, kArena, kSlots);
    Heap heap(with_source(source));
    std::vector<std::vector<void*>> pools;  // live pools, each full (31 blocks)
    std::vector<int> used(kSlots, 0);       // pools in use per source slot
    auto new_pool = [&] {
        std::vector<void*> blocks;
        for (std::size_t i = 0; i < kBlocksOf512; ++i) blocks.push_back(heap.malloc(512));
        const int a = source.arena_of(blocks[0]);
        for (void* p : blocks) EXPECT_EQ(source.arena_of(p), a);
        pools.push_back(std::move(blocks));
        return a;
    };
    for (int i = 0; i < 6 * 64; ++i) ++used[new_pool()];
    ASSERT_EQ(source.maps(), 6u);
    std::mt19937_64 rng(77);
    for (int step = 0; step < 2000; ++step) {
        const unsigned free_percent = step < 1200 ? 65 : 35;  // drain arenas, then grow again
        if (!pools.empty() && rng() % 100 < free_percent) {
            const std::size_t k = rng() % pools.size();
            const int a = source.arena_of(pools[k][0]);
            for (void* p : pools[k]) heap.free(p);
            pools[k] = std::move(pools.back());
            pools.pop_back();
            --used[a];
        } else {
            // The arena that must serve: the most used one that still has a free pool, else a
            // new arena.
            int most = -1;
            for (std::uintptr_t base : source.live()) {
                const int a = source.arena_of(reinterpret_cast<void*>(base));
                if (used[a] < 64 && (most < 0 || used[a] > used[most])) most = a;
            }
            const int a = new_pool();
            if (most >= 0) {
                EXPECT_EQ(used[a], used[most]) << "step " << step << ": pool from arena " << a
                                               << " with " << used[a] << " pools in use, arena "
                                               << most << " has " << used[most];
            } else {
                EXPECT_EQ(used[a], 0) << "step " << step;
            }
            ++used[a];
        }
        ASSERT_EQ(heap.invariants(), "") << "step " << step;
    }
    const nlohmann::json s = heap.stats();
    EXPECT_GT(s["arenas"]["reclaimed"].get<int>(), 0);
    for (auto& blocks : pools) {
        for (void* p : blocks) heap.free(p);
    }
    EXPECT_EQ(heap.invariants(), "");
    EXPECT_EQ(heap.stats()["arenas"]["current"], 1);
}

TEST(PoolArenas, MisalignedArenasLoseOnePoolAndTheRadixTreeCoversThemExactly) {
    // Each arena starts 4 KiB below an ideal (1 MiB aligned) address: not pool aligned, and
    // straddling two ideal slots (3.11's tail_hi/tail_lo case). Arenas are adjacent.
    RecordingArenaSource source(kArena, kArena - 4096, 0, 4);
    Heap heap(with_source(source));
    std::vector<void*> blocks;
    for (std::size_t i = 0; i < 2 * 63 * kBlocksOf512; ++i) blocks.push_back(heap.malloc(512));
    ASSERT_EQ(source.maps(), 2u);
    auto groups = by_arena(source, blocks);
    EXPECT_EQ(groups[0].size(), 63 * kBlocksOf512);
    EXPECT_EQ(groups[1].size(), 63 * kBlocksOf512);
    nlohmann::json s = heap.stats();
    EXPECT_EQ(s["arena_alignment_bytes"], 2 * kPool);
    EXPECT_EQ(s["free_pool_bytes"], 0);

    const std::uintptr_t a0 = source.slot_address(0), a1 = source.slot_address(1);
    ASSERT_EQ(a1, a0 + kArena);
    auto in = [&](std::uintptr_t a) { return heap.owns(reinterpret_cast<void*>(a)); };
    EXPECT_FALSE(in(a0 - 1));
    EXPECT_TRUE(in(a0));
    EXPECT_TRUE(in(a0 + 4095));  // last byte before the ideal boundary
    EXPECT_TRUE(in(a0 + 4096));  // first byte after it
    EXPECT_TRUE(in(a1 - 1));
    EXPECT_TRUE(in(a1));
    EXPECT_TRUE(in(a1 + kArena - 1));
    EXPECT_FALSE(in(a1 + kArena));
    EXPECT_EQ(heap.invariants(), "");

    // Empty arena 1 (kept: last usable), then arena 0 (released): the ideal slot they share must
    // keep arena 1's head and lose arena 0's tail.
    for (void* p : groups[1]) heap.free(p);
    for (void* p : groups[0]) heap.free(p);
    ASSERT_EQ(source.unmaps(), 1u);
    EXPECT_FALSE(in(a0));
    EXPECT_FALSE(in(a0 + 4096));
    EXPECT_FALSE(in(a1 - 1));
    EXPECT_TRUE(in(a1));
    EXPECT_TRUE(in(a1 + kArena - 1));
    EXPECT_EQ(heap.invariants(), "");
    // A block of the kept arena still frees as a pool block, not as a C-library one.
    void* p = heap.malloc(64);
    EXPECT_EQ(source.arena_of(p), 1);
    heap.free(p);
    EXPECT_EQ(heap.stats()["raw"]["live_blocks"], 0);
}

TEST(PoolArenas, IdealArenasAreCoveredWholly) {
    RecordingArenaSource source(kArena, 0, kArena, 4);
    Heap heap(with_source(source));
    void* p = heap.malloc(16);
    const std::uintptr_t a0 = source.slot_address(0);
    EXPECT_EQ(addr(p), a0 + 48);
    auto in = [&](std::uintptr_t a) { return heap.owns(reinterpret_cast<void*>(a)); };
    EXPECT_TRUE(in(a0));
    EXPECT_TRUE(in(a0 + kArena - 1));
    EXPECT_FALSE(in(a0 - 1));
    EXPECT_FALSE(in(a0 + kArena));
    EXPECT_EQ(heap.stats()["arena_alignment_bytes"], 0);
    EXPECT_EQ(heap.stats()["free_pool_bytes"], 63 * kPool);
    heap.free(p);
}

TEST(PoolArenas, WhenNoArenaCanBeMappedRequestsFallBackToTheCLibrary) {
    RecordingArenaSource source(kArena, 0, kArena, 1);
    Heap heap(with_source(source));
    std::vector<void*> blocks;
    for (std::size_t i = 0; i < 64 * kBlocksOf512 + 10; ++i) blocks.push_back(heap.malloc(512));
    EXPECT_EQ(source.maps(), 1u);
    EXPECT_EQ(heap.stats()["raw"]["live_blocks"], 10);
    EXPECT_FALSE(heap.owns(blocks.back()));
    EXPECT_EQ(heap.invariants(), "");
    for (void* p : blocks) heap.free(p);
    EXPECT_EQ(heap.stats()["raw"]["live_blocks"], 0);
}

TEST(PoolArenas, DestroyingTheAllocatorReturnsEveryArena) {
    RecordingArenaSource source(kArena, kArena - 4096, 0, 8);
    {
        Heap heap(with_source(source));
        for (std::size_t i = 0; i < 3 * 63 * kBlocksOf512; ++i) heap.malloc(512);  // never freed
        EXPECT_EQ(source.maps(), 3u);
    }
    EXPECT_EQ(source.unmaps(), 3u);
    EXPECT_TRUE(source.live().empty());
}

TEST(PoolArenas, Python38GeometryWorks) {
    Heap heap(parse_pool_config("pool_size=4K:arena_size=256K"));
    void* first = heap.malloc(16);
    EXPECT_EQ(addr(first) % 4096, 48u);  // pools are 4 KiB: the header is at the page start
    std::mt19937_64 rng(38);
    std::vector<void*> blocks{first};
    for (int i = 0; i < 100000; ++i) blocks.push_back(heap.malloc(1 + rng() % 512));
    const nlohmann::json s = heap.stats();
    EXPECT_EQ(s["config"]["pool_size"], 4096);
    EXPECT_EQ(s["config"]["arena_size"], 262144);
    EXPECT_EQ(s["arena_alignment_bytes"], 0);  // mmap returns page-aligned arenas
    EXPECT_GT(s["arenas"]["current"].get<int>(), 16);  // the arena object array had to grow
    for (const auto& c : s["size_classes"]) {
        const std::size_t size = c["size"];
        const std::size_t per_pool = (4096 - 48) / size;
        EXPECT_EQ(c["blocks_in_use"].get<std::size_t>() + c["blocks_free"].get<std::size_t>(),
                  c["pools"].get<std::size_t>() * per_pool);
        if (size == 16) {
            EXPECT_EQ(per_pool, 253u);
        }
    }
    EXPECT_EQ(heap.invariants(), "");
    std::shuffle(blocks.begin(), blocks.end(), rng);
    for (void* p : blocks) heap.free(p);
    EXPECT_EQ(heap.stats()["arenas"]["current"], 1);
    EXPECT_EQ(heap.invariants(), "");
}

}  // namespace
}  // namespace pmb::pool_test
