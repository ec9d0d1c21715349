// pool_stats.cpp: the statistics walk, modelled on CPython 3.11's sys._debugmallocstats()
// (pymalloc_print_stats). Cold: it visits every carved pool of every mapped arena, because full
// pools are on no list; the per-request paths keep no counters beyond the pool headers and the raw
// block table.
//
// For the pools in use (count > 0) of class c with block size s, summed over classes:
//   allocated (bytes in allocated blocks) = count * s;  available = (blocks_per_pool - count) * s;
//   pool_header_bytes = pools * POOL_OVERHEAD;  quantization = pools * ((pool_size - overhead) % s);
// and per arena: free_pool_bytes = free_pools * pool_size (empty and never-carved pools);
//   arena_alignment_bytes = pool_size for each arena not aligned to pool_size.
// Identity (asserted by 3.11 and by the tests):
//   arenas.current * arena_size == allocated + available + free_pool_bytes + pool_header_bytes
//                                  + quantization_bytes + arena_alignment_bytes.
// Top-level totals add the raw (C library) blocks at their requested sizes:
//   held_bytes = arenas.current * arena_size + raw.live_bytes;
//   allocated_bytes = small allocated + raw.live_bytes.
#include <vector>

#include "allocators/pool/pool_heap.h"

namespace pmb::pool {

nlohmann::json PoolHeap::stats() const {
    std::vector<std::size_t> pools(class_count_, 0), used(class_count_, 0), avail(class_count_, 0);
    std::size_t mapped = 0;
    std::size_t free_pools = 0;
    std::size_t misaligned = 0;
    const std::size_t arena_size = config_.arena_size;

    const ArenaObject* objects = arenas_.objects();
    for (std::uint32_t i = 0; i < arenas_.object_count(); ++i) {
        const ArenaObject& arena = objects[i];
        if (arena.address == 0) continue;
        ++mapped;
        free_pools += arena.free_pools;
        std::uintptr_t base = arena.address;
        if ((base & (pool_size_ - 1)) != 0) {
            ++misaligned;
            base = (base | (pool_size_ - 1)) + 1;
        }
        const auto end = reinterpret_cast<std::uintptr_t>(arena.carve_address);
        for (; base < end; base += pool_size_) {
            const auto* pool = reinterpret_cast<const PoolHeader*>(base);
            if (pool->count == 0) continue;  // empty: on the arena's free pool list
            const std::uint32_t c = pool->size_class;
            const std::uint32_t blocks =
                blocks_per_pool(pool_size_, pool_overhead_, block_size(c, align_shift_));
            ++pools[c];
            used[c] += pool->count;
            avail[c] += blocks - pool->count;
        }
    }

    nlohmann::json classes = nlohmann::json::array();
    std::size_t small_allocated = 0;
    std::size_t small_available = 0;
    std::size_t small_blocks = 0;
    std::size_t header_bytes = 0;
    std::size_t quantization = 0;
    for (std::uint32_t c = 0; c < class_count_; ++c) {
        if (pools[c] == 0) continue;
        const std::uint32_t size = block_size(c, align_shift_);
        classes.push_back({{"class", c},
                           {"size", size},
                           {"pools", pools[c]},
                           {"blocks_in_use", used[c]},
                           {"blocks_free", avail[c]}});
        small_allocated += used[c] * size;
        small_available += avail[c] * size;
        small_blocks += used[c];
        header_bytes += pools[c] * pool_overhead_;
        quantization += pools[c] * quantization_bytes(pool_size_, pool_overhead_, size);
    }

    const std::size_t arena_bytes = mapped * arena_size;
    const std::size_t map_bytes = map_.root_bytes() + map_.middle_nodes() * map_.middle_node_bytes() +
                                  map_.leaf_nodes() * map_.leaf_node_bytes();
    nlohmann::json out;
    out["held_bytes"] = arena_bytes + raw_.live_bytes();
    out["allocated_bytes"] = small_allocated + raw_.live_bytes();
    out["small"] = {{"blocks_in_use", small_blocks},
                    {"allocated_bytes", small_allocated},
                    {"available_bytes", small_available}};
    out["pool_header_bytes"] = header_bytes;
    out["quantization_bytes"] = quantization;
    out["arena_alignment_bytes"] = misaligned * pool_size_;
    out["free_pool_bytes"] = free_pools * pool_size_;
    out["free_pools"] = free_pools;
    out["arenas"] = {{"allocated_total", arenas_.times_mapped()},
                     {"reclaimed", arenas_.times_mapped() - mapped},
                     {"highwater", arenas_.highwater()},
                     {"current", mapped},
                     {"bytes", arena_bytes}};
    out["raw"] = {{"live_blocks", raw_.live_blocks()}, {"live_bytes", raw_.live_bytes()}};
    out["arena_map"] = {{"middle_nodes", map_.middle_nodes()},
                        {"leaf_nodes", map_.leaf_nodes()},
                        {"bytes", map_bytes}};
    out["metadata_bytes"] = map_bytes + arenas_.object_count() * sizeof(ArenaObject) +
                            (arenas_.max_pools() + 1) * sizeof(void*) + raw_.table_bytes();
    out["size_classes"] = std::move(classes);
    out["config"] = {{"alignment", config_.alignment},
                     {"small_threshold", config_.small_threshold},
                     {"pool_size", config_.pool_size},
                     {"arena_size", config_.arena_size}};
    return out;
}

}  // namespace pmb::pool
