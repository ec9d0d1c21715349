// pool_validate.cpp: the invariant checker behind pmb::pool_check_invariants. It walks every arena,
// pool, block free list and list head and checks the equations stated in pool_types.h, arena.h,
// arena_map.h and pool_heap.h. Cold and O(arenas^2 + blocks); compiled in every build so that tests
// run it in release builds too. Walks are bounded so that a corrupted list reports instead of
// looping.
#include <sstream>
#include <vector>

#include "allocators/pool/pool_heap.h"

namespace pmb::pool {

namespace {

struct Problem {
    std::ostringstream text;
    bool found = false;
    template <typename T>
    Problem& operator<<(const T& v) {
        found = true;
        text << v;
        return *this;
    }
};

}  // namespace

std::string PoolHeap::check_invariants() const {
    Problem bad;
    const ArenaObject* objects = arenas_.objects();
    const std::uint32_t object_count = arenas_.object_count();
    const std::size_t arena_size = config_.arena_size;
    std::vector<std::size_t> expected_used(class_count_, 0);
    std::size_t mapped = 0;
    std::size_t with_free_pools = 0;

    for (std::uint32_t i = 0; i < object_count && !bad.found; ++i) {
        const ArenaObject& arena = objects[i];
        if (arena.address == 0) continue;
        ++mapped;
        if (arena.free_pools > 0) ++with_free_pools;
        const bool aligned = (arena.address & (pool_size_ - 1)) == 0;
        const std::uintptr_t first = aligned ? arena.address : (arena.address | (pool_size_ - 1)) + 1;
        const std::uint32_t total = arenas_.max_pools() - (aligned ? 0 : 1);
        const auto carve = reinterpret_cast<std::uintptr_t>(arena.carve_address);
        if (arena.total_pools != total) {
            bad << "arena " << i << ": total_pools " << arena.total_pools << " != " << total;
            break;
        }
        if (carve < first || carve > first + total * pool_size_ || (carve - first) % pool_size_) {
            bad << "arena " << i << ": carve address outside the arena's pools";
            break;
        }
        const std::size_t carved = (carve - first) / pool_size_;
        std::size_t free_listed = 0;
        for (const PoolHeader* p = arena.free_pool_list; p != nullptr && !bad.found;
             p = p->links.next ? pool_from_links(p->links.next) : nullptr) {
            const auto a = reinterpret_cast<std::uintptr_t>(p);
            if (++free_listed > carved || a < first || a >= carve || p->count != 0) {
                bad << "arena " << i << ": bad free pool list (pool " << p << ")";
            }
        }
        if (bad.found) break;
        if (arena.free_pools != free_listed + (total - carved)) {
            bad << "arena " << i << ": free_pools " << arena.free_pools << " != " << free_listed
                << " listed + " << (total - carved) << " never carved";
            break;
        }
        std::size_t empty = 0;
        for (std::uintptr_t a = first; a < carve && !bad.found; a += pool_size_) {
            const auto* pool = reinterpret_cast<const PoolHeader*>(a);
            if (pool->arena_index != i) bad << "pool " << pool << ": arena_index " << pool->arena_index;
            if (pool->count == 0) {
                ++empty;
                continue;
            }
            const std::uint32_t c = pool->size_class;
            if (c >= class_count_) {
                bad << "pool " << pool << ": size class " << c;
                break;
            }
            const std::uint32_t size = block_size(c, align_shift_);
            const std::uint32_t blocks = blocks_per_pool(pool_size_, pool_overhead_, size);
            std::size_t listed = 0;
            for (const Block* b = pool->free_block; b != nullptr; b = load_next_free(b)) {
                const auto offset = static_cast<std::size_t>(b - reinterpret_cast<const Block*>(pool));
                if (++listed > blocks || offset < pool_overhead_ || offset >= pool->next_offset ||
                    (offset - pool_overhead_) % size != 0) {
                    bad << "pool " << pool << ": bad block free list";
                    break;
                }
            }
            if (bad.found) break;
            const std::size_t virgin = pool->next_offset <= pool->max_next_offset
                                           ? (pool->max_next_offset - pool->next_offset) / size + 1
                                           : 0;
            if (pool->count + listed + virgin != blocks) {
                bad << "pool " << pool << ": count " << pool->count << " + free " << listed
                    << " + virgin " << virgin << " != " << blocks << " blocks";
            } else if (pool->count < blocks) {
                if (pool->free_block == nullptr) bad << "pool " << pool << ": used but no free block";
                ++expected_used[c];
            } else if (pool->free_block != nullptr) {
                bad << "pool " << pool << ": full but has a free block";
            }
        }
        if (!bad.found && empty != free_listed) {
            bad << "arena " << i << ": " << empty << " empty pools but " << free_listed << " listed";
        }
        // Coverage of the arena map: both ends in, neighbours out unless another arena holds them.
        const std::uintptr_t last = arena.address + arena_size - 1;
        if (!bad.found && (!owns(reinterpret_cast<void*>(arena.address)) ||
                           !owns(reinterpret_cast<void*>(last)))) {
            bad << "arena " << i << ": not covered by the arena map";
        }
        for (const std::uintptr_t outside : {arena.address - 1, last + 1}) {
            bool held = false;
            for (std::uint32_t j = 0; j < object_count; ++j) {
                const std::uintptr_t b = objects[j].address;
                held |= b != 0 && outside - b < arena_size;
            }
            if (!bad.found && !held && owns(reinterpret_cast<void*>(outside))) {
                bad << "arena " << i << ": arena map covers a byte outside it";
            }
        }
    }
    if (bad.found) return bad.text.str();

    if (mapped != arenas_.currently_mapped()) {
        bad << "currently_mapped " << arenas_.currently_mapped() << " != " << mapped;
        return bad.text.str();
    }
    std::size_t unused = 0;
    for (const ArenaObject* a = arenas_.unused_head(); a != nullptr; a = a->next) {
        if (++unused > object_count - mapped || a->address != 0) {
            bad << "unused arena object list broken";
            return bad.text.str();
        }
    }
    if (unused != object_count - mapped) {
        bad << "unused list holds " << unused << " objects, expected " << object_count - mapped;
        return bad.text.str();
    }

    // The usable list: sorted, consistent links, exactly the mapped arenas with free pools.
    std::size_t listed = 0;
    const ArenaObject* prev = nullptr;
    for (const ArenaObject* a = arenas_.usable_head(); a != nullptr; prev = a, a = a->next) {
        if (++listed > with_free_pools || a->prev != prev || a->address == 0 || a->free_pools == 0 ||
            (prev != nullptr && prev->free_pools > a->free_pools)) {
            bad << "usable arena list broken or unsorted at arena " << (a - objects);
            return bad.text.str();
        }
        const bool rightmost = a->next == nullptr || a->next->free_pools != a->free_pools;
        if (rightmost != (arenas_.last_with(a->free_pools) == a)) {
            bad << "finger for " << a->free_pools << " free pools is wrong";
            return bad.text.str();
        }
    }
    if (listed != with_free_pools) {
        bad << "usable list holds " << listed << " arenas, " << with_free_pools << " have free pools";
        return bad.text.str();
    }
    for (std::uint32_t k = 0; k <= arenas_.max_pools(); ++k) {
        const ArenaObject* f = arenas_.last_with(k);
        if (f != nullptr && (f->free_pools != k || f->address == 0)) {
            bad << "finger for " << k << " free pools points at an arena with " << f->free_pools;
            return bad.text.str();
        }
    }

    // The used-pool lists: each pool used, of its class, with consistent links.
    for (std::uint32_t c = 0; c < kMaxSizeClasses; ++c) {
        const PoolLinks* head = &used_[c];
        std::size_t count = 0;
        for (const PoolLinks* l = head->next; l != head; l = l->next) {
            const PoolHeader* pool = pool_from_links(const_cast<PoolLinks*>(l));
            if (c >= class_count_ || ++count > expected_used[c] || l->next->prev != l ||
                pool->size_class != c || pool->count == 0 || pool->free_block == nullptr) {
                bad << "used pool list of class " << c << " broken at pool " << pool;
                return bad.text.str();
            }
        }
        if (c < class_count_ && count != expected_used[c]) {
            bad << "class " << c << ": " << count << " pools listed, " << expected_used[c] << " used";
            return bad.text.str();
        }
    }
    return {};
}

}  // namespace pmb::pool
