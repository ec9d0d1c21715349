// arena_map.h: the radix tree that answers "did this allocator hand out address p?" (CPython 3.11's
// address_in_range with WITH_PYMALLOC_RADIX_TREE) without reading the memory at p.
//
// Design: a 64-bit address is split, from the top, into a root index, a middle index, a leaf index
// and the offset inside an "ideal" arena (an arena_size-aligned slot of the address space):
//   interior_bits = (64 - arena_bits + 2) / 3;   root and middle indices have interior_bits each;
//   leaf_bits = 64 - arena_bits - 2 * interior_bits.
// With 1 MiB arenas this is 15/15/14/20 as in 3.11 (IGNORE_BITS = 0 on 64-bit, so no address bit is
// assumed unused): a 256 KiB root, 256 KiB middle nodes and 128 KiB leaves of {tail_hi, tail_lo}.
// The root is allocated with the allocator (calloc: untouched pages cost nothing); middle nodes and
// leaves are calloc'ed on first use and, as in 3.11, kept until the allocator is destroyed.
//
// Coverage of an arena at base b (tail t = b % arena_size) in the leaf entries of ideal slots:
//   t == 0: slot(b).tail_hi = -1                              (the whole slot is ours);
//   t != 0: slot(b).tail_hi = t and slot(b + arena_size).tail_lo = t
//           (ours: [t, arena_size) of slot(b) and [0, t) of the next slot).
// Query, with t = p % arena_size and the entry of p's slot:
//   contains(p) = t < tail_lo  ||  (tail_hi != 0 && t >= tail_hi).
// Invariant: contains(p) is true exactly for p inside a currently mapped arena (arenas never overlap,
// so one slot holds at most the tail of one arena and the head of another).
#pragma once

#include <cstddef>
#include <cstdint>

namespace pmb::pool {

class ArenaMap {
public:
    // arena_bits = log2(arena_size), at most 30 so that tails fit an int32_t as in 3.11.
    explicit ArenaMap(unsigned arena_bits);
    ~ArenaMap();
    ArenaMap(const ArenaMap&) = delete;
    ArenaMap& operator=(const ArenaMap&) = delete;

    // Whether the root could be allocated; a map that is not ready must not be used.
    bool ready() const noexcept { return root_ != nullptr; }

    // Record (used = true) or erase the coverage of the arena starting at base. Returns false only
    // when marking needed a node that could not be allocated (then nothing is marked).
    bool mark(std::uintptr_t base, bool used);

    // The hot query of every free and realloc: three dependent loads, no access to p's memory.
    bool contains(const void* p) const noexcept {
        const auto a = reinterpret_cast<std::uintptr_t>(p);
        Leaf** middle = root_[a >> root_shift_];
        if (middle == nullptr) return false;
        const Leaf* leaf = middle[(a >> middle_shift_) & middle_mask_];
        if (leaf == nullptr) return false;
        const Leaf entry = leaf[(a >> arena_bits_) & leaf_mask_];
        const auto tail = static_cast<std::int32_t>(a & arena_mask_);
        return tail < entry.tail_lo || (entry.tail_hi != 0 && tail >= entry.tail_hi);
    }

    std::size_t middle_nodes() const noexcept { return middle_nodes_; }
    std::size_t leaf_nodes() const noexcept { return leaf_nodes_; }
    std::size_t root_bytes() const noexcept { return root_length_ * sizeof(void*); }
    std::size_t middle_node_bytes() const noexcept { return middle_length_ * sizeof(void*); }
    std::size_t leaf_node_bytes() const noexcept { return leaf_length_ * sizeof(Leaf); }

private:
    // One ideal-arena slot (3.11's arena_coverage_t).
    struct Leaf {
        std::int32_t tail_hi;  // -1: slot wholly ours; t > 0: [t, arena_size) ours; 0: none
        std::int32_t tail_lo;  // t > 0: [0, t) ours (an arena that began in the previous slot)
    };

    // The leaf array covering address a, created on demand when create is true.
    Leaf* leaf_for(std::uintptr_t a, bool create);

    unsigned arena_bits_;          // log2(arena_size): offset bits inside an ideal arena
    unsigned root_shift_;          // 64 - interior_bits: the root index is a >> root_shift_
    unsigned middle_shift_;        // arena_bits + leaf_bits
    std::uintptr_t middle_mask_;   // middle_length - 1
    std::uintptr_t leaf_mask_;     // leaf_length - 1
    std::uintptr_t arena_mask_;    // arena_size - 1
    std::size_t root_length_;      // 2^interior_bits entries
    std::size_t middle_length_;    // 2^interior_bits entries
    std::size_t leaf_length_;      // 2^leaf_bits entries
    Leaf*** root_;                 // root_[i] = middle node (array of leaf arrays) or null
    std::size_t middle_nodes_ = 0;  // middle nodes allocated (3.11's arena_map_mid_count)
    std::size_t leaf_nodes_ = 0;    // leaves allocated (3.11's arena_map_bot_count)
};

}  // namespace pmb::pool
