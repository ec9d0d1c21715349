// raw_blocks.cpp: the raw block table (see raw_blocks.h for design and invariants).
#include "allocators/pool/raw_blocks.h"

#include <cstdlib>

namespace pmb::pool {

namespace {
constexpr std::size_t kInitialSlots = 64;  // first table: 1 KiB
constexpr std::uint64_t kFibonacciMultiplier = 0x9E3779B97F4A7C15ull;  // 2^64 / golden ratio
}  // namespace

RawBlockTable::~RawBlockTable() { std::free(slots_); }

std::size_t RawBlockTable::home(std::uintptr_t key) const noexcept {
    // Fibonacci hashing of the address without its always-zero alignment bits.
    return static_cast<std::size_t>(((key >> 4) * kFibonacciMultiplier) >> (64 - capacity_bits_));
}

RawBlockTable::Slot* RawBlockTable::find(std::uintptr_t key) noexcept {
    if (capacity_ == 0) return nullptr;
    const std::size_t mask = capacity_ - 1;
    for (std::size_t i = home(key);; i = (i + 1) & mask) {
        if (slots_[i].key == key) return &slots_[i];
        if (slots_[i].key == 0) return nullptr;
    }
}

void RawBlockTable::place(std::uintptr_t key, std::size_t size) noexcept {
    const std::size_t mask = capacity_ - 1;
    std::size_t i = home(key);
    while (slots_[i].key != 0) i = (i + 1) & mask;
    slots_[i] = Slot{key, size};
}

bool RawBlockTable::grow() {
    const std::size_t capacity = capacity_ ? capacity_ * 2 : kInitialSlots;
    auto* slots = static_cast<Slot*>(std::calloc(capacity, sizeof(Slot)));
    if (slots == nullptr) return false;
    Slot* old = slots_;
    const std::size_t old_capacity = capacity_;
    slots_ = slots;
    capacity_ = capacity;
    capacity_bits_ = 0;
    while ((std::size_t{1} << capacity_bits_) < capacity) ++capacity_bits_;
    for (std::size_t i = 0; i < old_capacity; ++i) {
        if (old[i].key != 0) place(old[i].key, old[i].size);
    }
    std::free(old);
    return true;
}

bool RawBlockTable::insert(std::uintptr_t block, std::size_t requested) {
    if (2 * (count_ + 1) > capacity_ && !grow()) return false;
    place(block, requested);
    ++count_;
    bytes_ += requested;
    return true;
}

void RawBlockTable::remove_slot(Slot* slot) noexcept {
    // Backward-shift deletion: pull later members of the probe run into the hole when the hole lies
    // between their home slot and where they sit.
    const std::size_t mask = capacity_ - 1;
    std::size_t hole = static_cast<std::size_t>(slot - slots_);
    for (std::size_t i = (hole + 1) & mask; slots_[i].key != 0; i = (i + 1) & mask) {
        const std::size_t want = home(slots_[i].key);
        if (((i - want) & mask) >= ((i - hole) & mask)) {
            slots_[hole] = slots_[i];
            hole = i;
        }
    }
    slots_[hole] = Slot{0, 0};
}

bool RawBlockTable::erase(std::uintptr_t block) {
    Slot* slot = find(block);
    if (slot == nullptr) return false;
    --count_;
    bytes_ -= slot->size;
    remove_slot(slot);
    return true;
}

bool RawBlockTable::move(std::uintptr_t from, std::uintptr_t to, std::size_t requested) {
    Slot* slot = find(from);
    if (slot != nullptr && from == to) {
        bytes_ += requested - slot->size;
        slot->size = requested;
        return true;
    }
    if (slot != nullptr) {
        --count_;
        bytes_ -= slot->size;
        remove_slot(slot);
    }
    return insert(to, requested);
}

}  // namespace pmb::pool
