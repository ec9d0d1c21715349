// pool_types.h: the constants and the two metadata records of the pool allocator (pymalloc model).
//
// Design: memory comes from the OS in arenas (default 1 MiB, anonymous mmap); an arena is carved
// into pools (default 16 KiB, aligned to their size); a pool serves blocks of one size class and
// starts with a PoolHeader. An ArenaObject lives outside the arena, in a growable array owned by
// the allocator, and pools find theirs by index (PoolHeader::arena_index).
//
// Invariants (per pool, per arena):
//   pool address % pool_size == 0;  sizeof(PoolHeader) == 48 (CPython 3.11, 64-bit);
//   pool.count + |pool free list| + virgin blocks == blocks_per_pool(pool.size_class)   (used/full);
//   virgin blocks == (next_offset <= max_next_offset) ? (max_next_offset - next_offset) / size + 1 : 0;
//   arena.free_pools == |arena.free_pool_list| + (arena end - arena.carve_address) / pool_size;
//   arena.total_pools == arena_size / pool_size - (arena.address % pool_size != 0).
//
// CPython 3.11 facts reproduced (Objects/obmalloc.c): struct pool_header (48 bytes: a count padded
// to a pointer, freeblock, nextpool, prevpool, arenaindex, szidx, nextoffset, maxnextoffset) and
// struct arena_object (address, pool_address, nfreepools, ntotalpools, freepools, nextarena,
// prevarena); POOL_OVERHEAD = sizeof(pool_header) rounded up to ALIGNMENT; DUMMY_SIZE_IDX marks a
// freshly carved pool; INITIAL_ARENA_OBJECTS = 16.
// One deliberate difference: the two list links come first in our header (CPython puts them third
// and fourth), so a bare PoolLinks pair can head each used-pool list without CPython's "fudged
// pointer" trick, which C++ does not allow; the header keeps CPython's 48 bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace pmb::pool {

using Block = std::uint8_t;  // memory is handed out as raw bytes

// Largest small request CPython 3.11 serves from pools (SMALL_REQUEST_THRESHOLD); a configuration
// may lower it but not raise it (size class indices must fit the usedpools table below).
inline constexpr std::size_t kMaxSmallThreshold = 512;
// Smallest supported alignment (the 32-bit-era ALIGNMENT); 3.11 on 64-bit uses 16.
inline constexpr std::size_t kMinAlignment = 8;
// Number of size classes when the threshold is 512 and alignment 8: the used-pool table's size.
inline constexpr std::size_t kMaxSizeClasses = kMaxSmallThreshold / kMinAlignment;
// szidx of a pool just carved from an arena: no class yet, so the first use always initialises it.
inline constexpr std::uint32_t kNoSizeClass = 0xffff;
// Arena objects allocated the first time; the array doubles whenever all are in use.
inline constexpr std::uint32_t kInitialArenaObjects = 16;

struct PoolHeader;

// The doubly linked list links of a used pool; also the head of each usedpools[class] list.
struct PoolLinks {
    PoolLinks* next;  // next pool of this size class (or the list head); free pools: next free pool
    PoolLinks* prev;  // previous pool of this size class (or the list head); unused in free pools
};

// The header at the start of every pool (CPython's struct pool_header).
struct PoolHeader {
    PoolLinks links;              // usedpools[] list membership (used state) or free-pool chain
    Block* free_block;            // head of the free list threaded through freed blocks; null if full
    std::uint32_t count;          // blocks currently handed out (CPython's ref.count)
    std::uint32_t count_padding;  // CPython pads ref.count to a pointer with a union
    std::uint32_t arena_index;    // index of this pool's ArenaObject in the allocator's arena array
    std::uint32_t size_class;     // size class index served, or kNoSizeClass if never used
    std::uint32_t next_offset;    // byte offset of the first never-used (virgin) block
    std::uint32_t max_next_offset;  // largest valid next_offset: pool_size - block size
};
static_assert(sizeof(PoolHeader) == 48, "CPython 3.11's pool_header is 48 bytes on 64-bit");
static_assert(offsetof(PoolHeader, links) == 0, "a PoolLinks* must convert to its PoolHeader*");

// PoolLinks is the first member of the standard-layout PoolHeader, so the two are
// pointer-interconvertible: valid for every list element except a usedpools head.
inline PoolHeader* pool_from_links(PoolLinks* links) noexcept {
    return reinterpret_cast<PoolHeader*>(links);
}

// Bookkeeping for one arena (CPython's struct arena_object). While `address` is 0 the object is on
// the unused list; otherwise it describes a mapped arena, and it is on the usable list exactly when
// free_pools > 0.
struct ArenaObject {
    std::uintptr_t address;     // start of the mapping as the OS returned it; 0 = no arena
    Block* carve_address;       // pool-aligned address of the next never-carved pool (pool_address)
    std::uint32_t free_pools;   // pools available: on free_pool_list plus never carved (nfreepools)
    std::uint32_t total_pools;  // pools the arena can hold after alignment (ntotalpools)
    PoolHeader* free_pool_list;  // singly linked (through links.next) list of empty pools (freepools)
    ArenaObject* next;          // usable list: next (more free pools); unused list: next unused
    ArenaObject* prev;          // usable list: previous (fewer free pools); null at the head
};

// A block's first word links it into its pool's free list; memcpy keeps this free of aliasing
// assumptions about what the user stored there (it compiles to one load or store).
inline Block* load_next_free(const Block* block) noexcept {
    Block* next;
    std::memcpy(&next, block, sizeof next);
    return next;
}
inline void store_next_free(Block* block, Block* next) noexcept {
    std::memcpy(block, &next, sizeof next);
}

}  // namespace pmb::pool
