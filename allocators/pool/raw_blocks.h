// raw_blocks.h: accounting for requests the pool allocator forwards to the C library (the "raw"
// allocator: above the small threshold, 0-byte requests, and blocks realloc'ed while raw).
//
// Design: CPython 3.11 only counts raw blocks (raw_allocated_blocks). The benchmark also wants the
// bytes they hold, as requested, without a header in front of each block (that would change the
// layout malloc sees): an open-addressing hash table from block address to requested size, linear
// probing, backward-shift deletion, no tombstones, grown by doubling at half load. Its storage comes
// from calloc/free, never from the allocator being measured.
// Blocks are passed as addresses (integers): the table never dereferences them, and a realloc'ed
// block's old address is only a key.
// Invariants: live_blocks() == number of keys;  live_bytes() == sum of recorded sizes;
//   capacity is 0 or a power of two with live_blocks() <= capacity / 2;
//   every key sits in the run of occupied slots that starts at its home slot.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pmb::pool {

class RawBlockTable {
public:
    RawBlockTable() = default;
    ~RawBlockTable();
    RawBlockTable(const RawBlockTable&) = delete;
    RawBlockTable& operator=(const RawBlockTable&) = delete;

    // Records a new raw block. False if the table could not grow: the block then stays unrecorded
    // (and its free finds nothing to erase), so counts stay consistent but exclude it.
    bool insert(std::uintptr_t block, std::size_t requested);
    // Forgets a block; returns whether it was known.
    bool erase(std::uintptr_t block);
    // A realloc'ed block: the record of `from` (if any) goes, `to` is recorded with `requested`
    // (unless the table cannot grow, as for insert).
    bool move(std::uintptr_t from, std::uintptr_t to, std::size_t requested);

    std::size_t live_blocks() const noexcept { return count_; }
    std::size_t live_bytes() const noexcept { return bytes_; }
    std::size_t table_bytes() const noexcept { return capacity_ * sizeof(Slot); }

private:
    struct Slot {
        std::uintptr_t key;  // block address; 0 = empty slot
        std::size_t size;    // requested bytes
    };
    std::size_t home(std::uintptr_t key) const noexcept;
    Slot* find(std::uintptr_t key) noexcept;
    bool grow();
    void place(std::uintptr_t key, std::size_t size) noexcept;  // key absent, room available
    void remove_slot(Slot* slot) noexcept;

    Slot* slots_ = nullptr;
    std::size_t capacity_ = 0;  // slots; 0 or a power of two
    unsigned capacity_bits_ = 0;
    std::size_t count_ = 0;
    std::size_t bytes_ = 0;
};

}  // namespace pmb::pool
