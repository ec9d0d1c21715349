// arena.h: arenas from the OS and the `usable_arenas` list that decides which arena gives the next
// pool (CPython 3.11's new_arena, the arena half of allocate_from_new_pool and of
// insert_to_freepool).
//
// Design: ArenaObjects live in one array that doubles when every object is in use (3.11 starts with
// 16); unmapped objects form the singly linked `unused` list. Mapped arenas with at least one
// available pool form the doubly linked `usable` list, sorted by free_pools ascending, so the head
// is the most used arena and new pools come from it, letting lightly used arenas drain. Keeping the
// order costs O(1) per change thanks to fingers (3.8+'s nfp2lasta):
//   last_with[k] = the rightmost usable arena with free_pools == k, or null if there is none.
// Invariants:
//   usable is sorted: a.free_pools <= a.next->free_pools; every usable arena has free_pools > 0;
//   an arena with address != 0 is in usable  <=>  free_pools > 0;
//   unused holds exactly the objects with address == 0;
//   currently_mapped == |{a : a.address != 0}|,  reclaimed == times_mapped - currently_mapped.
// Release rule (3.11, bpo-37257): when a freed pool makes every pool of an arena free, the arena is
// unmapped unless it is the last arena of the usable list (a.next == null): that one wholly free
// arena is kept so that a loop allocating and freeing one block does not map and unmap an arena
// each time. A wholly free arena sorts last, so at most the tail of the list is kept this way
// (a misaligned arena has one pool fewer and can sort before an aligned one with one pool in use,
// in which case it is released as 3.11 would).
// One deliberate difference: an arena that leaves the usable list (all pools in use) has its links
// cleared, where 3.11 leaves them stale. 3.11 reads them again only for an arena of one pool, which
// validate_pool_config rules out (arena_size >= 4 * pool_size), so behaviour is unchanged.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "allocators/pool/arena_map.h"
#include "allocators/pool/pool_allocator.h"
#include "allocators/pool/pool_types.h"

namespace pmb::pool {

class ArenaList {
public:
    ArenaList(std::size_t arena_size, std::size_t pool_size, const PoolArenaSource& source,
              ArenaMap& map);
    ~ArenaList();  // unmaps every arena still mapped
    ArenaList(const ArenaList&) = delete;
    ArenaList& operator=(const ArenaList&) = delete;

    // A pool for a size class that has no used pool: from the head of the usable list (mapping a
    // new arena if the list is empty), reusing the arena's most recently emptied pool before carving
    // a new one. A freshly carved pool has size_class == kNoSizeClass. Null if no memory.
    PoolHeader* take_pool();

    // A pool that has just become empty (and is on no used list) returns to its arena, which moves
    // right in the usable list or is unmapped per the release rule above.
    void give_back_pool(PoolHeader* pool);

    // Cold accessors for statistics and validation.
    const ArenaObject* objects() const noexcept { return arenas_; }
    std::uint32_t object_count() const noexcept { return object_count_; }
    const ArenaObject* usable_head() const noexcept { return usable_; }
    const ArenaObject* unused_head() const noexcept { return unused_; }
    const ArenaObject* last_with(std::uint32_t free_pools) const noexcept {
        return last_with_[free_pools];
    }
    std::uint32_t max_pools() const noexcept { return max_pools_; }
    std::size_t currently_mapped() const noexcept { return currently_mapped_; }
    std::size_t times_mapped() const noexcept { return times_mapped_; }
    std::size_t highwater() const noexcept { return highwater_; }

private:
    ArenaObject* map_new_arena();           // 3.11's new_arena
    void release_arena(ArenaObject* arena);  // unmap; the object goes to the unused list
    void unlink_usable(ArenaObject* arena);

    std::size_t arena_size_;
    std::size_t pool_size_;
    std::uint32_t max_pools_;  // arena_size / pool_size: pools of an arena aligned to pool_size
    PoolArenaSource source_;   // where arenas come from (anonymous mmap unless a test says otherwise)
    ArenaMap& map_;            // coverage of mapped arenas, for address_in_range

    ArenaObject* arenas_ = nullptr;      // the arena object array (3.11's arenas), realloc'ed
    std::uint32_t object_count_ = 0;     // its length (3.11's maxarenas)
    ArenaObject* unused_ = nullptr;      // objects with no arena (unused_arena_objects)
    ArenaObject* usable_ = nullptr;      // head: fewest free pools (usable_arenas)
    std::vector<ArenaObject*> last_with_;  // fingers, indexed 0..max_pools (nfp2lasta)

    std::size_t currently_mapped_ = 0;  // narenas_currently_allocated
    std::size_t times_mapped_ = 0;      // ntimes_arena_allocated
    std::size_t highwater_ = 0;         // narenas_highwater
};

}  // namespace pmb::pool
