// SlotTable: the live blocks of a trace, by slot, and the one rule that names new blocks (see
// trace_format.h): a new block takes the most recently freed slot, or the next unused one.
//
// The writer and the reader each keep one, so slots never need to be written for new blocks and
// both sides agree on every name. It also keeps the running and peak totals the footer records.
//
// Each slot also holds one word for its user, next to the size so that the two share a cache
// line: a replay keeps the block's address there, and a free event costs one miss, not two.
//
// Invariants: a slot is live iff entries_[slot].size_plus_one != 0; free_ holds exactly the slots
// below entries_.size() that are not live, most recently freed last; live_blocks == number of live
// slots; live_bytes == sum of their sizes; peaks are the high-water marks of both.
#pragma once

#include <cstdint>
#include <vector>

namespace pmb::trace {

class SlotTable {
public:
    // Callers check capacity: slots are u32 and kNoSlot is reserved.
    bool full() const { return free_.empty() && entries_.size() >= UINT32_MAX - 1; }

    std::uint32_t open(std::uint64_t size) {
        std::uint32_t slot;
        if (!free_.empty()) {
            slot = free_.back();
            free_.pop_back();
            entries_[slot].size_plus_one = size + 1;
        } else {
            slot = static_cast<std::uint32_t>(entries_.size());
            entries_.push_back({size + 1, nullptr});
        }
        ++live_blocks_;
        if (live_blocks_ > peak_live_blocks_) peak_live_blocks_ = live_blocks_;
        grow(size);
        return slot;
    }
    bool is_live(std::uint32_t slot) const { return slot < entries_.size() && entries_[slot].size_plus_one != 0; }
    // Preconditions (callers check with is_live, or slot < slots_used() for user): the slot is live.
    std::uint64_t size_of(std::uint32_t slot) const { return entries_[slot].size_plus_one - 1; }
    // The user's word of a slot; the reference stays valid until the next open() of a new slot.
    void*& user(std::uint32_t slot) { return entries_[slot].user; }
    void resize(std::uint32_t slot, std::uint64_t new_size) {
        live_bytes_ -= size_of(slot);
        entries_[slot].size_plus_one = new_size + 1;
        grow(new_size);
    }
    void close(std::uint32_t slot) {
        live_bytes_ -= size_of(slot);
        entries_[slot].size_plus_one = 0;
        free_.push_back(slot);
        --live_blocks_;
    }

    std::uint64_t slots_used() const { return entries_.size(); }
    std::uint64_t live_blocks() const { return live_blocks_; }
    std::uint64_t live_bytes() const { return live_bytes_; }
    std::uint64_t peak_live_blocks() const { return peak_live_blocks_; }
    std::uint64_t peak_live_bytes() const { return peak_live_bytes_; }
    // Bytes this table itself holds (a replay's bookkeeping, part of its resident set).
    std::uint64_t bookkeeping_bytes() const {
        return entries_.capacity() * sizeof(Entry) + free_.capacity() * sizeof(std::uint32_t);
    }

private:
    void grow(std::uint64_t size) {
        live_bytes_ += size;
        if (live_bytes_ > peak_live_bytes_) peak_live_bytes_ = live_bytes_;
    }

    struct Entry {
        std::uint64_t size_plus_one;  // 0: not live
        void* user;
    };
    std::vector<Entry> entries_;
    std::vector<std::uint32_t> free_;
    std::uint64_t live_blocks_ = 0, live_bytes_ = 0;
    std::uint64_t peak_live_blocks_ = 0, peak_live_bytes_ = 0;
};

}  // namespace pmb::trace
