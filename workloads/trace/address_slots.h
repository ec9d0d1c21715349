// AddressSlots: the recorder's map from a live block's address to its slot and requested size,
// cheap enough to ask on every allocation of a running program.
//
// A hash map of a few hundred thousand live blocks misses the cache on nearly every lookup: its
// entries are scattered by the hash, while the blocks an allocator hands out close in time lie
// close in memory. This map is indexed by the address itself, as a page table is: a flat
// top level of one pointer per MiB of the 48-bit address space (2 GiB of address space reserved
// with MAP_NORESERVE, of which only the pages naming memory in use are ever touched), and one leaf
// per MiB in use: a 64-bit entry (slot + 1, 0 for none; the size above it) for each 16-byte
// granule, since blocks of every allocator the recorder wraps are 16-byte aligned. So a lookup is
// two loads, the entries of neighbouring blocks share cache lines as the blocks do, and a free
// learns the block's size from the same cache line as its slot (the writer then needs no table by
// slot). Leaves are never freed (half the address range the program's heap spans, while
// recording).
//
// Invariants: entry(p) holds slot + 1 and the size exactly for the addresses set and not yet
// taken; an address that is not 16-byte aligned or beyond 48 bits, or a size of 4 GiB or more, is
// never stored (set() returns false and the caller falls back to a hash map).
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

namespace pmb::trace {

class AddressSlots {
public:
    static constexpr std::uint32_t kNone = UINT32_MAX;
    struct Entry {
        std::uint32_t slot = kNone;  // kNone: no block known at that address
        std::uint64_t size = 0;
    };

    AddressSlots() {
        void* top = mmap(nullptr, kTopBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (top == MAP_FAILED) throw std::bad_alloc();
        top_ = static_cast<std::uint64_t**>(top);
    }
    ~AddressSlots() {
        for (std::size_t i : used_leaves_) munmap(top_[i], kLeafBytes);
        munmap(top_, kTopBytes);
    }
    AddressSlots(const AddressSlots&) = delete;
    AddressSlots& operator=(const AddressSlots&) = delete;

    // Remembers `slot` and `size` for the block at `p`; false when they cannot be stored here.
    bool set(const void* p, std::uint32_t slot, std::uint64_t size) {
        const auto a = reinterpret_cast<std::uintptr_t>(p);
        if ((a & 15) != 0 || (a >> kAddressBits) != 0 || (size >> 32) != 0) return false;
        std::uint64_t*& leaf = top_[a >> kLeafShift];
        if (leaf == nullptr) leaf = new_leaf(a >> kLeafShift);
        leaf[(a & kLeafMask) >> 4] = size << 32 | (std::uint64_t{slot} + 1);
        return true;
    }
    // What was remembered for `p`, forgotten now; slot kNone when nothing was.
    Entry take(const void* p) {
        const auto a = reinterpret_cast<std::uintptr_t>(p);
        if ((a & 15) != 0 || (a >> kAddressBits) != 0) return {};
        std::uint64_t* leaf = top_[a >> kLeafShift];
        if (leaf == nullptr) return {};
        std::uint64_t& e = leaf[(a & kLeafMask) >> 4];
        const Entry entry{static_cast<std::uint32_t>(e) - 1, e >> 32};  // slot kNone when e == 0
        e = 0;
        return entry;
    }

private:
    static constexpr int kAddressBits = 48;
    static constexpr int kLeafShift = 20;  // a leaf per MiB
    static constexpr std::uintptr_t kLeafMask = (std::uintptr_t{1} << kLeafShift) - 1;
    static constexpr std::size_t kTopBytes = (std::size_t{1} << (kAddressBits - kLeafShift)) * sizeof(void*);
    static constexpr std::size_t kLeafBytes = (std::size_t{1} << (kLeafShift - 4)) * sizeof(std::uint64_t);

    std::uint64_t* new_leaf(std::size_t index) {
        void* leaf = mmap(nullptr, kLeafBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (leaf == MAP_FAILED) throw std::bad_alloc();
        used_leaves_.push_back(index);
        return static_cast<std::uint64_t*>(leaf);
    }

    std::uint64_t** top_ = nullptr;
    std::vector<std::size_t> used_leaves_;
};

}  // namespace pmb::trace
