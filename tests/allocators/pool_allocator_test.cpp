// Tests of the pool allocator's block-level behaviour: alignment, uniqueness, reuse order, pool
// lifecycle, raw forwarding, realloc and calloc semantics of CPython 3.11's pymalloc.
#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <stdexcept>
#include <vector>

#include "tests/allocators/pool_test_support.h"

namespace pmb::pool_test {
namespace {

constexpr std::size_t kHeader = 48;  // pool header bytes, 3.11 on 64-bit

std::uintptr_t pool_base(const void* p, std::size_t pool_size = 16384) {
    return addr(p) & ~(pool_size - 1);
}

TEST(PoolAllocator, NameAndIdentity) {
    Heap heap;
    EXPECT_EQ(heap.allocator->name(), "pool");
    const AllocatorIdentity id = heap.allocator->identity();
    EXPECT_EQ(id.library, "pymembench pool (CPython 3.11 obmalloc model)");
    EXPECT_EQ(id.version, "pool_size=16384 arena_size=1048576");
    Heap old(parse_pool_config("pool_size=4K:arena_size=256K"));
    EXPECT_EQ(old.allocator->identity().version, "pool_size=4096 arena_size=262144");
}

TEST(PoolAllocator, EveryRequestSizeIsAligned) {
    for (std::size_t alignment : {16, 8}) {
        PoolConfig config;
        config.alignment = alignment;
        Heap heap(config);
        std::vector<void*> blocks;
        for (std::size_t n = 0; n <= 600; ++n) {
            void* p = heap.malloc(n);
            ASSERT_NE(p, nullptr);
            EXPECT_EQ(addr(p) % alignment, 0u) << "size " << n;
            if (alignment == 16) {  // the interface's promise holds for every size
                EXPECT_EQ(addr(p) % 16, 0u) << "size " << n;
            }
            EXPECT_EQ(heap.owns(p), n >= 1 && n <= 512) << "size " << n;
            blocks.push_back(p);
        }
        for (void* p : blocks) heap.free(p);
        EXPECT_EQ(heap.invariants(), "");
    }
}

TEST(PoolAllocator, ZeroBytesIsAUniqueRawBlockAs311) {
    Heap heap;
    void* a = heap.malloc(0);
    void* b = heap.malloc(0);
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    EXPECT_NE(a, b);
    // 3.11's pymalloc_alloc refuses 0 bytes; PyObject_Malloc(0) is PyMem_RawMalloc(0) = malloc(1).
    EXPECT_FALSE(heap.owns(a));
    EXPECT_EQ(heap.stats()["raw"]["live_blocks"], 2);
    heap.free(a);
    heap.free(b);
    EXPECT_EQ(heap.stats()["raw"]["live_blocks"], 0);
    void* c = heap.calloc(0, 8);
    ASSERT_NE(c, nullptr);
    EXPECT_FALSE(heap.owns(c));
    heap.free(c);
}

TEST(PoolAllocator, LiveBlocksNeverOverlapAndKeepTheirContents) {
    Heap heap;
    std::mt19937_64 rng(1);
    struct Live {
        void* p;
        std::size_t n;
        std::uint32_t seed;
    };
    std::vector<Live> live;
    std::uint32_t next_seed = 0;
    for (int step = 0; step < 60000; ++step) {
        if (live.empty() || rng() % 100 < 55) {
            const std::size_t n = rng() % 700;
            void* p = heap.malloc(n);
            ASSERT_NE(p, nullptr);
            fill_pattern(p, n, next_seed);
            live.push_back({p, n, next_seed++});
        } else {
            const std::size_t i = rng() % live.size();
            ASSERT_TRUE(check_pattern(live[i].p, live[i].n, live[i].seed)) << "block " << i;
            heap.free(live[i].p);
            live[i] = live.back();
            live.pop_back();
        }
    }
    std::sort(live.begin(), live.end(), [](const Live& a, const Live& b) { return a.p < b.p; });
    for (std::size_t i = 0; i + 1 < live.size(); ++i) {
        EXPECT_LE(addr(live[i].p) + std::max<std::size_t>(live[i].n, 1), addr(live[i + 1].p));
    }
    for (const Live& b : live) {
        EXPECT_TRUE(check_pattern(b.p, b.n, b.seed));
        heap.free(b.p);
    }
    EXPECT_EQ(heap.invariants(), "");
}

TEST(PoolAllocator, FreshPoolBumpsThenFreedBlocksAreReusedLifo) {
    Heap heap;
    void* a = heap.malloc(32);
    void* b = heap.malloc(32);
    void* c = heap.malloc(32);
    // A fresh pool: the first block follows the 48-byte header, later ones are carved in order.
    EXPECT_EQ(addr(a), pool_base(a) + kHeader);
    EXPECT_EQ(addr(b), addr(a) + 32);
    EXPECT_EQ(addr(c), addr(b) + 32);
    heap.free(a);
    heap.free(c);
    EXPECT_EQ(heap.malloc(30), c);  // last freed, first reused
    EXPECT_EQ(heap.malloc(17), a);
    EXPECT_EQ(addr(heap.malloc(32)), addr(c) + 32);  // free list empty again: next virgin block
    EXPECT_EQ(heap.invariants(), "");
}

TEST(PoolAllocator, FreeingIntoAFullPoolPutsItAtTheFrontOfItsClass) {
    Heap heap;
    const std::size_t per_pool = (16384 - kHeader) / 512;  // 31
    std::vector<void*> first, second;
    for (std::size_t i = 0; i < per_pool; ++i) first.push_back(heap.malloc(512));
    for (std::size_t i = 0; i < per_pool; ++i) second.push_back(heap.malloc(512));
    void* third = heap.malloc(512);  // a third pool, now the only used pool of the class
    EXPECT_EQ(pool_base(first.front()), pool_base(first.back()));
    EXPECT_NE(pool_base(first.front()), pool_base(second.front()));
    EXPECT_NE(pool_base(third), pool_base(second.front()));
    heap.free(first[7]);  // the first pool was full: it goes in front of the third
    EXPECT_EQ(heap.malloc(512), first[7]);
    heap.free(second[3]);
    heap.free(first[9]);
    // Both went to the front in turn: the first pool is at the head now.
    EXPECT_EQ(heap.malloc(500), first[9]);
    EXPECT_EQ(heap.malloc(500), second[3]);
    EXPECT_EQ(heap.invariants(), "");
}

TEST(PoolAllocator, AnEmptiedPoolIsTheNextPoolHandedOut) {
    Heap heap;
    const std::size_t per_pool = (16384 - kHeader) / 512;
    std::vector<void*> p1, p2;
    for (std::size_t i = 0; i < per_pool; ++i) p1.push_back(heap.malloc(512));
    for (std::size_t i = 0; i < per_pool; ++i) p2.push_back(heap.malloc(512));
    void* keep = heap.malloc(512);  // a third pool keeps the arena from being wholly free
    for (void* p : p1) heap.free(p);
    for (void* p : p2) heap.free(p);
    // p2's pool emptied last, so it heads the arena's free pool list: a new class gets it,
    // re-initialised for 16-byte blocks.
    void* small = heap.malloc(16);
    EXPECT_EQ(pool_base(small), pool_base(p2[0]));
    EXPECT_EQ(addr(small), pool_base(p2[0]) + kHeader);
    void* small2 = heap.malloc(8);
    EXPECT_EQ(addr(small2), addr(small) + 16);
    // The pool after that is p1's, which kept its 512-byte free list: the last freed block first.
    std::vector<void*> again;
    for (std::size_t i = 0; i < per_pool - 1; ++i) again.push_back(heap.malloc(512));  // fill 3rd
    void* reused = heap.malloc(512);
    EXPECT_EQ(pool_base(reused), pool_base(p1[0]));
    EXPECT_EQ(reused, p1.back());
    for (void* p : again) heap.free(p);
    heap.free(reused);
    heap.free(keep);
    heap.free(small);
    heap.free(small2);
    EXPECT_EQ(heap.invariants(), "");
}

TEST(PoolAllocator, LargeRequestsGoToTheCLibraryAndAreCounted) {
    Heap heap;
    void* small = heap.malloc(512);
    EXPECT_TRUE(heap.owns(small));
    EXPECT_EQ(heap.stats()["raw"]["live_blocks"], 0);
    void* big = heap.malloc(513);
    void* bigger = heap.calloc(100, 100);
    ASSERT_NE(big, nullptr);
    ASSERT_NE(bigger, nullptr);
    EXPECT_FALSE(heap.owns(big));
    EXPECT_FALSE(heap.owns(bigger));
    EXPECT_EQ(static_cast<unsigned char*>(bigger)[9999], 0);
    nlohmann::json s = heap.stats();
    EXPECT_EQ(s["raw"]["live_blocks"], 2);
    EXPECT_EQ(s["raw"]["live_bytes"], 513 + 10000);
    EXPECT_EQ(s["allocated_bytes"], 512 + 513 + 10000);
    EXPECT_EQ(s["held_bytes"], 1048576 + 513 + 10000);
    heap.free(big);
    s = heap.stats();
    EXPECT_EQ(s["raw"]["live_blocks"], 1);
    EXPECT_EQ(s["raw"]["live_bytes"], 10000);
    heap.free(bigger);
    heap.free(small);
    EXPECT_EQ(heap.stats()["raw"]["live_bytes"], 0);

    PoolConfig low;
    low.small_threshold = 256;
    Heap heap256(low);
    void* p = heap256.malloc(257);
    EXPECT_FALSE(heap256.owns(p));
    void* q = heap256.malloc(256);
    EXPECT_TRUE(heap256.owns(q));
    heap256.free(p);
    heap256.free(q);
}

TEST(PoolAllocator, ManyRawBlocksAreTrackedExactly) {
    Heap heap;
    std::mt19937_64 rng(5);
    std::map<void*, std::size_t> live;
    std::size_t bytes = 0;
    for (int i = 0; i < 20000; ++i) {
        if (live.empty() || rng() % 3 != 0) {
            const std::size_t n = 513 + rng() % 3000;
            void* p = heap.malloc(n);
            live[p] = n;
            bytes += n;
        } else {
            auto it = live.begin();
            std::advance(it, rng() % live.size());
            if (rng() % 2) {
                const std::size_t n = 513 + rng() % 5000;
                void* q = heap.realloc(it->first, n);
                bytes += n - it->second;
                live.erase(it);
                live[q] = n;
            } else {
                bytes -= it->second;
                heap.free(it->first);
                live.erase(it);
            }
        }
    }
    nlohmann::json s = heap.stats();
    EXPECT_EQ(s["raw"]["live_blocks"], live.size());
    EXPECT_EQ(s["raw"]["live_bytes"], bytes);
    for (auto& [p, n] : live) heap.free(p);
    EXPECT_EQ(heap.stats()["raw"]["live_blocks"], 0);
    EXPECT_EQ(heap.stats()["raw"]["live_bytes"], 0);
}

TEST(PoolAllocator, ReallocShrinksInPlaceUnlessItSavesAQuarter) {
    Heap heap;
    void* p = heap.malloc(100);  // a 112-byte block
    fill_pattern(p, 100, 9);
    EXPECT_EQ(heap.realloc(p, 112), p);  // same class
    EXPECT_EQ(heap.realloc(p, 85), p);   // 4*85 = 340 > 3*112 = 336: stays
    void* q = heap.realloc(p, 84);       // 336 > 336 is false: moves to the 96-byte class
    EXPECT_NE(q, p);
    EXPECT_TRUE(check_pattern(q, 84, 9));
    EXPECT_EQ(heap.malloc(112), p);  // the old block was freed (and is reused first)
    heap.free(p);

    // 3.11 keeps a 16-byte block for 13..16 bytes and moves it for 12 or fewer (4*12 = 48).
    void* s = heap.malloc(16);
    EXPECT_EQ(heap.realloc(s, 13), s);
    void* t = heap.realloc(s, 12);
    EXPECT_NE(t, s);
    EXPECT_TRUE(heap.owns(t));
    heap.free(t);
    heap.free(q);
    EXPECT_EQ(heap.invariants(), "");
}

TEST(PoolAllocator, ReallocGrowsByMovingAndCrossesToRawAndBack) {
    Heap heap;
    void* p = heap.malloc(40);
    fill_pattern(p, 40, 3);
    void* grown = heap.realloc(p, 200);
    EXPECT_NE(grown, p);
    EXPECT_TRUE(heap.owns(grown));
    EXPECT_TRUE(check_pattern(grown, 40, 3));
    fill_pattern(grown, 200, 4);

    void* raw = heap.realloc(grown, 5000);  // pool -> raw
    EXPECT_FALSE(heap.owns(raw));
    EXPECT_TRUE(check_pattern(raw, 200, 4));
    EXPECT_EQ(heap.stats()["raw"]["live_blocks"], 1);
    EXPECT_EQ(heap.stats()["raw"]["live_bytes"], 5000);
    EXPECT_EQ(heap.stats()["small"]["blocks_in_use"], 0);

    // raw -> small size: 3.11 leaves a C-library block with the C library (realloc).
    void* shrunk = heap.realloc(raw, 60);
    EXPECT_FALSE(heap.owns(shrunk));
    EXPECT_TRUE(check_pattern(shrunk, 60, 4));
    EXPECT_EQ(heap.stats()["raw"]["live_bytes"], 60);
    heap.free(shrunk);
    EXPECT_EQ(heap.stats()["raw"]["live_blocks"], 0);

    // A raw block returns to a pool only through malloc + copy, as a user of realloc never sees.
    void* r = heap.realloc(nullptr, 48);  // realloc(NULL, n) is malloc(n)
    EXPECT_TRUE(heap.owns(r));
    void* zero = heap.realloc(r, 0);  // 3.11: moves to PyObject_Malloc(0), i.e. malloc(1)
    ASSERT_NE(zero, nullptr);
    EXPECT_FALSE(heap.owns(zero));
    heap.free(zero);
    heap.free(nullptr);  // no effect
    EXPECT_EQ(heap.stats()["raw"]["live_blocks"], 0);
    EXPECT_EQ(heap.invariants(), "");
}

TEST(PoolAllocator, CallocZeroesRecycledBlocksAndRejectsOverflow) {
    Heap heap;
    void* p = heap.malloc(64);
    std::memset(p, 0xAB, 64);
    heap.free(p);
    auto* z = static_cast<unsigned char*>(heap.calloc(4, 16));
    ASSERT_EQ(static_cast<void*>(z), p);  // same block, reused
    for (int i = 0; i < 64; ++i) ASSERT_EQ(z[i], 0) << i;
    EXPECT_EQ(heap.calloc(SIZE_MAX / 2, 3), nullptr);
    heap.free(z);
}

TEST(PoolAllocator, InstancesAreIndependent) {
    Heap a, b;
    std::vector<void*> pa, pb;
    for (int i = 0; i < 5000; ++i) {
        pa.push_back(a.malloc(16 + i % 400));
        pb.push_back(b.malloc(16 + i % 400));
    }
    for (void* p : pa) {
        EXPECT_TRUE(a.owns(p));
        EXPECT_FALSE(b.owns(p));
    }
    for (void* p : pb) EXPECT_FALSE(a.owns(p));
    EXPECT_EQ(a.stats()["small"]["blocks_in_use"], 5000);
    for (void* p : pa) a.free(p);
    EXPECT_EQ(a.stats()["small"]["blocks_in_use"], 0);
    EXPECT_EQ(b.stats()["small"]["blocks_in_use"], 5000);
    for (void* p : pb) b.free(p);
    EXPECT_EQ(a.invariants(), "");
    EXPECT_EQ(b.invariants(), "");
}

TEST(PoolAllocator, IntrospectionRejectsOtherAllocators) {
    struct Other final : Allocator {
        std::string n = "other";
        AllocatorOps o{};
        const std::string& name() const override { return n; }
        const AllocatorOps& ops() const override { return o; }
        AllocatorIdentity identity() const override { return {}; }
        nlohmann::json stats() const override { return {}; }
    } other;
    EXPECT_THROW(pool_owns(other, nullptr), std::invalid_argument);
    EXPECT_THROW(pool_check_invariants(other), std::invalid_argument);
}

}  // namespace
}  // namespace pmb::pool_test
