// arena_map.cpp: building and tearing down the arena radix tree (see arena_map.h for the design,
// the coverage equations and the CPython 3.11 facts it reproduces: arena_map_get,
// arena_map_mark_used; nodes come from calloc, as 3.11's come from PyMem_RawCalloc).
#include "allocators/pool/arena_map.h"

#include <cassert>
#include <cstdlib>

namespace pmb::pool {

namespace {
constexpr unsigned kPointerBits = 64;  // IGNORE_BITS = 0: every address bit takes part in the key
static_assert(sizeof(std::uintptr_t) * 8 == kPointerBits, "the pool model is for 64-bit builds");
}  // namespace

ArenaMap::ArenaMap(unsigned arena_bits) : arena_bits_(arena_bits) {
    assert(arena_bits >= 12 && arena_bits <= 30);
    const unsigned interior_bits = (kPointerBits - arena_bits + 2) / 3;
    const unsigned leaf_bits = kPointerBits - arena_bits - 2 * interior_bits;
    root_shift_ = kPointerBits - interior_bits;
    middle_shift_ = arena_bits + leaf_bits;
    root_length_ = std::size_t{1} << interior_bits;
    middle_length_ = std::size_t{1} << interior_bits;
    leaf_length_ = std::size_t{1} << leaf_bits;
    middle_mask_ = middle_length_ - 1;
    leaf_mask_ = leaf_length_ - 1;
    arena_mask_ = (std::uintptr_t{1} << arena_bits) - 1;
    root_ = static_cast<Leaf***>(std::calloc(root_length_, sizeof(Leaf**)));
}

ArenaMap::~ArenaMap() {
    if (root_ == nullptr) return;
    for (std::size_t i = 0; i < root_length_; ++i) {
        Leaf** middle = root_[i];
        if (middle == nullptr) continue;
        for (std::size_t j = 0; j < middle_length_; ++j) std::free(middle[j]);
        std::free(middle);
    }
    std::free(root_);
}

ArenaMap::Leaf* ArenaMap::leaf_for(std::uintptr_t a, bool create) {
    Leaf**& middle = root_[a >> root_shift_];
    if (middle == nullptr) {
        if (!create) return nullptr;
        middle = static_cast<Leaf**>(std::calloc(middle_length_, sizeof(Leaf*)));
        if (middle == nullptr) return nullptr;
        ++middle_nodes_;
    }
    Leaf*& leaf = middle[(a >> middle_shift_) & middle_mask_];
    if (leaf == nullptr) {
        if (!create) return nullptr;
        leaf = static_cast<Leaf*>(std::calloc(leaf_length_, sizeof(Leaf)));
        if (leaf == nullptr) return nullptr;
        ++leaf_nodes_;
    }
    return leaf;
}

bool ArenaMap::mark(std::uintptr_t base, bool used) {
    Leaf* here = leaf_for(base, used);
    if (here == nullptr) {
        assert(used);  // unmarking only visits nodes that marking created
        return false;
    }
    Leaf& slot = here[(base >> arena_bits_) & leaf_mask_];
    const auto tail = static_cast<std::int32_t>(base & arena_mask_);
    if (tail == 0) {  // an ideal (arena-aligned) arena covers exactly one slot
        slot.tail_hi = used ? -1 : 0;
        return true;
    }
    // A misaligned arena ends inside the next slot, which may sit under other interior nodes.
    slot.tail_hi = used ? tail : 0;
    const std::uintptr_t next_base = base + (arena_mask_ + 1);
    assert(next_base > base);  // cannot wrap: only an ideal base could end at 2^64
    Leaf* next = leaf_for(next_base, used);
    if (next == nullptr) {
        assert(used);
        slot.tail_hi = 0;
        return false;
    }
    next[(next_base >> arena_bits_) & leaf_mask_].tail_lo = used ? tail : 0;
    return true;
}

}  // namespace pmb::pool
