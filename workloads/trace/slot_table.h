// SlotTable: the live blocks of a trace, by slot, and the one rule that names new blocks (see
// trace_format.h): a new block takes the most recently freed slot, or the next unused one.
//
// The writer and the reader each keep one, so slots never need to be written for new blocks and
// both sides agree on every name. It also keeps the running and peak totals the footer records.
//
// Each slot is one 8-byte word: the user's pointer (a replay keeps the block's address there) in
// the low 48 bits, the block's size in the high 16 (sizes of 65535 and more are kept in a side
// map). So a free event costs one cache miss in a table as large as a bare replay's table of
// addresses, not two; liveness is a bitmap small enough to stay in cache.
//
// Invariants: a slot is live iff its bit in live_ is set; free_ holds exactly the slots below
// words_.size() that are not live, most recently freed last; big_sizes_ holds exactly the live
// slots whose size does not fit in 16 bits; live_blocks == number of live slots; live_bytes ==
// sum of their sizes; peaks are the high-water marks of both.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace pmb::trace {

class SlotTable {
public:
    // Callers check capacity: slots are u32 and kNoSlot is reserved.
    bool full() const { return free_.empty() && words_.size() >= UINT32_MAX - 1; }

    std::uint32_t open(std::uint64_t size) {
        std::uint32_t slot;
        if (!free_.empty()) {
            slot = free_.back();
            free_.pop_back();
        } else {
            slot = static_cast<std::uint32_t>(words_.size());
            words_.push_back(0);
            if (slot % 64 == 0) live_.push_back(0);
        }
        live_[slot / 64] |= std::uint64_t{1} << (slot % 64);
        words_[slot] = 0;
        set_size(slot, size, false);
        ++live_blocks_;
        if (live_blocks_ > peak_live_blocks_) peak_live_blocks_ = live_blocks_;
        grow(size);
        return slot;
    }
    bool is_live(std::uint32_t slot) const {
        return slot < words_.size() && (live_[slot / 64] >> (slot % 64) & 1) != 0;
    }
    // Preconditions (callers check with is_live): the slot is live.
    std::uint64_t size_of(std::uint32_t slot) const {
        const std::uint64_t small = words_[slot] >> kPointerBits;
        return small != kBigSize ? small : big_sizes_.at(slot);
    }
    void resize(std::uint32_t slot, std::uint64_t new_size) {
        const std::uint64_t old_size = size_of(slot);
        live_bytes_ -= old_size;
        set_size(slot, new_size, old_size >= kBigSize);
        grow(new_size);
    }
    void close(std::uint32_t slot) {
        const std::uint64_t size = size_of(slot);
        live_bytes_ -= size;
        if (size >= kBigSize) big_sizes_.erase(slot);
        live_[slot / 64] &= ~(std::uint64_t{1} << (slot % 64));
        free_.push_back(slot);
        --live_blocks_;
    }

    // The user's pointer of a slot (nullptr until set).
    void* user(std::uint32_t slot) const { return reinterpret_cast<void*>(words_[slot] & kPointerMask); }
    void set_user(std::uint32_t slot, void* p) {
        const auto bits = reinterpret_cast<std::uintptr_t>(p);
        if ((bits & ~kPointerMask) != 0) throw std::runtime_error("an address beyond 48 bits");
        words_[slot] = (words_[slot] & ~kPointerMask) | bits;
    }

    std::uint64_t slots_used() const { return words_.size(); }
    std::uint64_t live_blocks() const { return live_blocks_; }
    std::uint64_t live_bytes() const { return live_bytes_; }
    std::uint64_t peak_live_blocks() const { return peak_live_blocks_; }
    std::uint64_t peak_live_bytes() const { return peak_live_bytes_; }
    // Bytes this table itself holds (a replay's bookkeeping, part of its resident set).
    std::uint64_t bookkeeping_bytes() const {
        return words_.capacity() * sizeof(std::uint64_t) + live_.capacity() * sizeof(std::uint64_t) +
               free_.capacity() * sizeof(std::uint32_t) + big_sizes_.size() * 32;
    }

private:
    static constexpr int kPointerBits = 48;
    static constexpr std::uint64_t kPointerMask = (std::uint64_t{1} << kPointerBits) - 1;
    static constexpr std::uint64_t kBigSize = 0xffff;  // the 16-bit field's escape value

    void set_size(std::uint32_t slot, std::uint64_t size, bool was_big) {
        const std::uint64_t small = size < kBigSize ? size : kBigSize;
        if (size >= kBigSize) big_sizes_[slot] = size;
        else if (was_big) big_sizes_.erase(slot);
        words_[slot] = (words_[slot] & kPointerMask) | small << kPointerBits;
    }
    void grow(std::uint64_t size) {
        live_bytes_ += size;
        if (live_bytes_ > peak_live_bytes_) peak_live_bytes_ = live_bytes_;
    }

    std::vector<std::uint64_t> words_;
    std::vector<std::uint64_t> live_;  // one bit per slot
    std::vector<std::uint32_t> free_;
    std::unordered_map<std::uint32_t, std::uint64_t> big_sizes_;
    std::uint64_t live_blocks_ = 0, live_bytes_ = 0;
    std::uint64_t peak_live_blocks_ = 0, peak_live_bytes_ = 0;
};

}  // namespace pmb::trace
