// arena.cpp: mapping arenas and keeping the usable list sorted with fingers (see arena.h for the
// design, invariants and the 3.11 release rule).
#include "allocators/pool/arena.h"

#include <sys/mman.h>

#include <cassert>
#include <cstdlib>

namespace pmb::pool {

namespace {

// The default arena source, as 3.11's _PyObject_ArenaMmap/_PyObject_ArenaMunmap.
void* mmap_arena(void*, std::size_t size) {
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? nullptr : p;
}

void munmap_arena(void*, void* p, std::size_t size) { ::munmap(p, size); }

}  // namespace

ArenaList::ArenaList(std::size_t arena_size, std::size_t pool_size, const PoolArenaSource& source,
                     ArenaMap& map)
    : arena_size_(arena_size),
      pool_size_(pool_size),
      max_pools_(static_cast<std::uint32_t>(arena_size / pool_size)),
      source_(source),
      map_(map),
      last_with_(max_pools_ + 1, nullptr) {
    if (source_.alloc == nullptr || source_.free == nullptr) {
        source_ = PoolArenaSource{nullptr, mmap_arena, munmap_arena};
    }
}

ArenaList::~ArenaList() {
    for (std::uint32_t i = 0; i < object_count_; ++i) {
        if (arenas_[i].address != 0) {
            source_.free(source_.ctx, reinterpret_cast<void*>(arenas_[i].address), arena_size_);
        }
    }
    std::free(arenas_);
}

ArenaObject* ArenaList::map_new_arena() {
    if (unused_ == nullptr) {
        // Grow the object array. Only called with the usable list empty and every object mapped,
        // so no pointer into the old array survives (the fingers are all null too).
        assert(usable_ == nullptr);
        const std::uint32_t count = object_count_ ? object_count_ * 2 : kInitialArenaObjects;
        if (count <= object_count_) return nullptr;  // overflow
        auto* grown = static_cast<ArenaObject*>(std::realloc(arenas_, count * sizeof(ArenaObject)));
        if (grown == nullptr) return nullptr;
        arenas_ = grown;
        for (std::uint32_t i = object_count_; i < count; ++i) {
            arenas_[i] = ArenaObject{};
            arenas_[i].next = i + 1 < count ? &arenas_[i + 1] : nullptr;
        }
        unused_ = &arenas_[object_count_];
        object_count_ = count;
    }

    ArenaObject* arena = unused_;
    void* address = source_.alloc(source_.ctx, arena_size_);
    if (address != nullptr && !map_.mark(reinterpret_cast<std::uintptr_t>(address), true)) {
        source_.free(source_.ctx, address, arena_size_);
        address = nullptr;
    }
    if (address == nullptr) return nullptr;  // the object stays at the head of the unused list
    unused_ = arena->next;

    arena->address = reinterpret_cast<std::uintptr_t>(address);
    ++currently_mapped_;
    ++times_mapped_;
    if (currently_mapped_ > highwater_) highwater_ = currently_mapped_;

    // An arena that does not start on a pool boundary loses the partial pools at both ends: one
    // pool's worth of bytes in total.
    arena->free_pool_list = nullptr;
    arena->carve_address = static_cast<Block*>(address);
    arena->free_pools = max_pools_;
    const std::size_t excess = arena->address & (pool_size_ - 1);
    if (excess != 0) {
        --arena->free_pools;
        arena->carve_address += pool_size_ - excess;
    }
    arena->total_pools = arena->free_pools;
    arena->next = arena->prev = nullptr;
    return arena;
}

PoolHeader* ArenaList::take_pool() {
    if (usable_ == nullptr) {
        ArenaObject* fresh = map_new_arena();
        if (fresh == nullptr) return nullptr;
        usable_ = fresh;
        assert(last_with_[fresh->free_pools] == nullptr);
        last_with_[fresh->free_pools] = fresh;
    }
    ArenaObject* arena = usable_;
    const std::uint32_t had = arena->free_pools;
    assert(had > 0 && arena->address != 0);

    // The head has the fewest free pools, so with one pool fewer it stays first; only the fingers
    // for its old and new counts change.
    if (last_with_[had] == arena) last_with_[had] = nullptr;
    if (had > 1) {
        assert(last_with_[had - 1] == nullptr);
        last_with_[had - 1] = arena;
    }

    PoolHeader* pool = arena->free_pool_list;
    if (pool != nullptr) {
        arena->free_pool_list = pool->links.next ? pool_from_links(pool->links.next) : nullptr;
    } else {
        pool = reinterpret_cast<PoolHeader*>(arena->carve_address);
        assert(arena->carve_address + pool_size_ <=
               reinterpret_cast<Block*>(arena->address) + arena_size_);
        pool->arena_index = static_cast<std::uint32_t>(arena - arenas_);
        pool->size_class = kNoSizeClass;
        arena->carve_address += pool_size_;
    }
    if (--arena->free_pools == 0) {  // wholly allocated: leaves the usable list
        assert(arena->free_pool_list == nullptr);
        usable_ = arena->next;
        if (usable_ != nullptr) usable_->prev = nullptr;
        arena->next = arena->prev = nullptr;
    }
    return pool;
}

void ArenaList::unlink_usable(ArenaObject* arena) {
    if (arena->prev != nullptr) {
        arena->prev->next = arena->next;
    } else {
        assert(usable_ == arena);
        usable_ = arena->next;
    }
    if (arena->next != nullptr) arena->next->prev = arena->prev;
}

void ArenaList::release_arena(ArenaObject* arena) {
    map_.mark(arena->address, false);
    source_.free(source_.ctx, reinterpret_cast<void*>(arena->address), arena_size_);
    arena->address = 0;
    arena->next = unused_;
    arena->prev = nullptr;
    unused_ = arena;
    --currently_mapped_;
}

void ArenaList::give_back_pool(PoolHeader* pool) {
    ArenaObject* arena = &arenas_[pool->arena_index];
    pool->links.next = arena->free_pool_list ? &arena->free_pool_list->links : nullptr;
    arena->free_pool_list = pool;

    std::uint32_t free_pools = arena->free_pools;
    // If this arena was the rightmost with its old count, the finger moves to its left neighbour
    // when that one has the same count, else there is no arena with that count any more.
    ArenaObject* old_last = last_with_[free_pools];
    assert((free_pools == 0 && old_last == nullptr) ||
           (free_pools > 0 && old_last != nullptr && old_last->free_pools == free_pools));
    if (old_last == arena) {
        ArenaObject* left = arena->prev;
        last_with_[free_pools] = (left != nullptr && left->free_pools == free_pools) ? left : nullptr;
    }
    arena->free_pools = ++free_pools;

    // Wholly free and not the last usable arena: give it back to the OS (the release rule).
    if (free_pools == arena->total_pools && arena->next != nullptr) {
        unlink_usable(arena);
        release_arena(arena);
        return;
    }
    // It had no free pool, so it was on no list: it becomes the new head (count 1 is the minimum).
    if (free_pools == 1) {
        arena->prev = nullptr;
        arena->next = usable_;
        if (usable_ != nullptr) usable_->prev = arena;
        usable_ = arena;
        if (last_with_[1] == nullptr) last_with_[1] = arena;
        return;
    }
    if (last_with_[free_pools] == nullptr) last_with_[free_pools] = arena;
    // Was the rightmost with its old count: everything to its right already has at least the new
    // count, so the list is still sorted.
    if (arena == old_last) return;
    // Otherwise move it to just after the rightmost arena of its old count.
    assert(arena->next != nullptr);
    unlink_usable(arena);
    arena->prev = old_last;
    arena->next = old_last->next;
    if (arena->next != nullptr) arena->next->prev = arena;
    old_last->next = arena;
    assert(arena->next == nullptr || free_pools <= arena->next->free_pools);
    assert(arena->prev == nullptr || free_pools > arena->prev->free_pools);
}

}  // namespace pmb::pool
