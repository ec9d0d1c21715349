// pool_heap.cpp: the rare transitions of the pool allocator and its raw (C library) side: a class
// with no used pool takes a pool from the arenas, a pool that empties goes back to its arena,
// realloc and calloc (see pool_heap.h for the design and the pool states).
//
// CPython 3.11 facts reproduced:
//   - allocate_from_new_pool: the new pool is linked at the front of usedpools[class]; a pool that
//     last served the same class keeps its free list, otherwise the header is initialised, the
//     first block returned and the free list holds just the second block;
//   - pymalloc_alloc failing (no memory for an arena) falls back to the raw allocator;
//   - _PyObject_Realloc: a pool block stays in place when n <= size and 4 * n > 3 * size (it would
//     shrink by less than 25 %); otherwise malloc + memcpy(min(n, size)) + free, so growing past
//     the threshold moves it to the raw allocator and realloc to 0 bytes moves it to malloc(1); a
//     raw block stays raw whatever the new size (its valid length is unknown, bug 1185883);
//   - _PyObject_Calloc: a pool block is memset to n bytes; raw requests use calloc;
//   - PyMem_RawMalloc/RawCalloc/RawRealloc turn 0 bytes into 1.
#include "allocators/pool/pool_heap.h"

#include <cstdlib>
#include <cstring>

namespace pmb::pool {

namespace {
unsigned log2_of(std::size_t power_of_two) {
    unsigned bits = 0;
    while ((std::size_t{1} << bits) < power_of_two) ++bits;
    return bits;
}
}  // namespace

PoolHeap::PoolHeap(const PoolConfig& config)
    : threshold_(config.small_threshold),
      align_shift_(log2_of(config.alignment)),
      pool_base_mask_(~static_cast<std::uintptr_t>(config.pool_size - 1)),
      map_(log2_of(config.arena_size)),
      pool_size_(config.pool_size),
      pool_overhead_((sizeof(PoolHeader) + config.alignment - 1) & ~(config.alignment - 1)),
      class_count_(static_cast<std::uint32_t>(config.small_threshold / config.alignment)),
      arenas_(config.arena_size, config.pool_size, config.arena_source, map_),
      config_(config) {
    for (PoolLinks& head : used_) head.next = head.prev = &head;
}

void* PoolHeap::allocate_from_new_pool(std::uint32_t size_class, std::size_t n) {
    PoolHeader* pool = arenas_.take_pool();
    if (pool == nullptr) return raw_malloc(n);  // pymalloc's last chance: the raw allocator
    push_front_used(pool, size_class);
    pool->count = 1;
    if (pool->size_class == size_class) {  // same class as last time: the free list is intact
        Block* block = pool->free_block;
        pool->free_block = load_next_free(block);
        return block;
    }
    const std::uint32_t size = block_size(size_class, align_shift_);
    pool->size_class = size_class;
    Block* first = reinterpret_cast<Block*>(pool) + pool_overhead_;
    pool->next_offset = static_cast<std::uint32_t>(pool_overhead_ + 2 * size);
    pool->max_next_offset = static_cast<std::uint32_t>(pool_size_ - size);
    pool->free_block = first + size;
    store_next_free(pool->free_block, nullptr);
    return first;
}

void PoolHeap::pool_became_empty(PoolHeader* pool) {
    unlink_pool(pool);
    arenas_.give_back_pool(pool);
}

void* PoolHeap::calloc(std::size_t nelem, std::size_t elsize) {
    if (elsize != 0 && nelem > SIZE_MAX / elsize) return nullptr;
    const std::size_t n = nelem * elsize;
    if (!is_small_request(n, threshold_)) return raw_calloc(nelem, elsize);
    void* p = malloc(n);
    if (p != nullptr) std::memset(p, 0, n);
    return p;
}

void* PoolHeap::realloc(void* p, std::size_t n) {
    if (p == nullptr) return malloc(n);
    if (!map_.contains(p)) return raw_realloc(p, n);
    std::size_t size = block_size(pool_of(p)->size_class, align_shift_);
    if (n <= size) {
        if (4 * n > 3 * size) return p;  // same block, or a shrink that saves less than 25 %
        size = n;
    }
    void* moved = malloc(n);
    if (moved != nullptr) {
        std::memcpy(moved, p, size);
        free(p);
    }
    return moved;
}

void* PoolHeap::raw_malloc(std::size_t n) {
    void* p = std::malloc(n != 0 ? n : 1);
    if (p != nullptr) raw_.insert(reinterpret_cast<std::uintptr_t>(p), n);
    return p;
}

void* PoolHeap::raw_calloc(std::size_t nelem, std::size_t elsize) {
    const std::size_t requested = nelem * elsize;  // no overflow: checked by calloc()
    if (requested == 0) nelem = elsize = 1;
    void* p = std::calloc(nelem, elsize);
    if (p != nullptr) raw_.insert(reinterpret_cast<std::uintptr_t>(p), requested);
    return p;
}

void* PoolHeap::raw_realloc(void* p, std::size_t n) {
    const auto old_address = reinterpret_cast<std::uintptr_t>(p);
    void* moved = std::realloc(p, n != 0 ? n : 1);
    if (moved != nullptr) raw_.move(old_address, reinterpret_cast<std::uintptr_t>(moved), n);
    return moved;
}

void PoolHeap::raw_free(void* p) {
    raw_.erase(reinterpret_cast<std::uintptr_t>(p));
    std::free(p);
}

}  // namespace pmb::pool
