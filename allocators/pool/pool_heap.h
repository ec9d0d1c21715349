// pool_heap.h: the state of one pool allocator and its hot paths (CPython 3.11's pymalloc_alloc,
// pymalloc_free and their callees), inline so that the AllocatorOps entry points compile to a
// handful of instructions; the rare transitions are out of line in pool_heap.cpp.
//
// Design: used_[c] heads a circular doubly linked list of the pools of class c that are neither
// empty nor full (3.11's usedpools). Pool states:
//   used:  0 < count < blocks_per_pool,  on used_[size_class];
//   full:  count == blocks_per_pool,     on no list, free_block == null;
//   empty: count == 0,                   on its arena's free_pool_list.
// malloc(n), 1 <= n <= threshold: take the head block of the free list of the first pool of
// used_[class_of(n)]; when that list runs dry, extend it by one virgin block (bump next_offset)
// or, if there is none, unlink the now full pool. No used pool: take a pool from the arenas.
// free(p): if the arena map says p is not ours, it is raw; else push p on its pool's free list;
// a full pool goes back to the FRONT of its used list (so the next malloc of that class reuses p),
// an emptied pool goes to the front of its arena's free_pool_list (ArenaList::give_back_pool).
// Invariants: a used pool has free_block != null; blocks are handed out LIFO within a pool.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "allocators/pool/arena.h"
#include "allocators/pool/arena_map.h"
#include "allocators/pool/pool_allocator.h"
#include "allocators/pool/pool_types.h"
#include "allocators/pool/raw_blocks.h"
#include "allocators/pool/size_class.h"

#define PMB_POOL_LIKELY(x) __builtin_expect(!!(x), 1)
#define PMB_POOL_UNLIKELY(x) __builtin_expect(!!(x), 0)

namespace pmb::pool {

class PoolHeap {
public:
    explicit PoolHeap(const PoolConfig& config);  // config must have passed validate_pool_config
    PoolHeap(const PoolHeap&) = delete;
    PoolHeap& operator=(const PoolHeap&) = delete;

    bool ready() const noexcept { return map_.ready(); }

    void* malloc(std::size_t n) {
        if (PMB_POOL_LIKELY(is_small_request(n, threshold_))) {
            const std::uint32_t size_class = class_of(n, align_shift_);
            PoolLinks* head = &used_[size_class];
            PoolLinks* first = head->next;
            if (PMB_POOL_LIKELY(first != head)) return take_block(pool_from_links(first), size_class);
            return allocate_from_new_pool(size_class, n);
        }
        return raw_malloc(n);
    }

    void free(void* p) {
        if (PMB_POOL_UNLIKELY(p == nullptr)) return;
        if (PMB_POOL_UNLIKELY(!map_.contains(p))) {
            raw_free(p);
            return;
        }
        PoolHeader* pool = pool_of(p);
        Block* last_free = pool->free_block;
        store_next_free(static_cast<Block*>(p), last_free);
        pool->free_block = static_cast<Block*>(p);
        --pool->count;
        if (PMB_POOL_UNLIKELY(last_free == nullptr)) {  // was full: back to the front of its list
            push_front_used(pool, pool->size_class);
            return;
        }
        if (PMB_POOL_LIKELY(pool->count != 0)) return;
        pool_became_empty(pool);
    }

    void* calloc(std::size_t nelem, std::size_t elsize);
    void* realloc(void* p, std::size_t n);

    bool owns(const void* p) const noexcept { return map_.contains(p); }

    nlohmann::json stats() const;       // pool_stats.cpp
    std::string check_invariants() const;  // pool_validate.cpp
    const PoolConfig& config() const noexcept { return config_; }

private:
    PoolHeader* pool_of(const void* p) const noexcept {
        return reinterpret_cast<PoolHeader*>(reinterpret_cast<std::uintptr_t>(p) & pool_base_mask_);
    }

    // The head block of a used pool's free list (3.11's pymalloc_alloc fast path).
    Block* take_block(PoolHeader* pool, std::uint32_t size_class) {
        ++pool->count;
        Block* block = pool->free_block;
        Block* next = load_next_free(block);
        pool->free_block = next;
        if (PMB_POOL_UNLIKELY(next == nullptr)) extend_or_retire(pool, size_class);
        return block;
    }

    // The free list ran dry (3.11's pymalloc_pool_extend): add the next virgin block, or, when the
    // pool has been carved to its end, it is full and leaves its used list.
    void extend_or_retire(PoolHeader* pool, std::uint32_t size_class) {
        if (PMB_POOL_LIKELY(pool->next_offset <= pool->max_next_offset)) {
            Block* virgin = reinterpret_cast<Block*>(pool) + pool->next_offset;
            pool->next_offset += block_size(size_class, align_shift_);
            store_next_free(virgin, nullptr);
            pool->free_block = virgin;
            return;
        }
        unlink_pool(pool);
    }

    static void unlink_pool(PoolHeader* pool) noexcept {
        PoolLinks* next = pool->links.next;
        PoolLinks* prev = pool->links.prev;
        next->prev = prev;
        prev->next = next;
    }

    void push_front_used(PoolHeader* pool, std::uint32_t size_class) noexcept {
        PoolLinks* head = &used_[size_class];
        PoolLinks* first = head->next;
        pool->links.next = first;
        pool->links.prev = head;
        first->prev = &pool->links;
        head->next = &pool->links;
    }

    // Out of line (pool_heap.cpp): the rare transitions and the raw allocator.
    void* allocate_from_new_pool(std::uint32_t size_class, std::size_t n);
    void pool_became_empty(PoolHeader* pool);
    void* raw_malloc(std::size_t n);
    void* raw_calloc(std::size_t nelem, std::size_t elsize);
    void* raw_realloc(void* p, std::size_t n);
    void raw_free(void* p);

    // Hot fields first: the fast paths read these and used_ only.
    std::size_t threshold_;           // small_threshold: largest request served from pools
    unsigned align_shift_;            // log2(alignment): class spacing
    std::uintptr_t pool_base_mask_;   // ~(pool_size - 1): block address -> its pool header
    ArenaMap map_;                    // address_in_range
    PoolLinks used_[kMaxSizeClasses];  // usedpools: list heads, linked to themselves when empty

    // Cold state.
    std::size_t pool_size_;
    std::size_t pool_overhead_;       // header bytes rounded up to the alignment (POOL_OVERHEAD)
    std::uint32_t class_count_;       // threshold / alignment
    ArenaList arenas_;                // after map_, which it uses (destroyed before it)
    RawBlockTable raw_;               // sizes of live raw blocks
    PoolConfig config_;
};

}  // namespace pmb::pool
