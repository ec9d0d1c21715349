// pool_test_support.h: helpers shared by the pool allocator tests: a thin handle over the
// AllocatorOps, byte patterns to detect overlap and corruption, and an arena source that records
// (and can misplace) the arenas an allocator maps.
#pragma once

#include <sys/mman.h>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "allocators/pool/pool_allocator.h"

namespace pmb::pool_test {

// An allocator plus short names for its entry points.
struct Heap {
    std::unique_ptr<Allocator> allocator;
    AllocatorOps ops;

    explicit Heap(const PoolConfig& config = PoolConfig{})
        : allocator(make_pool_allocator(config)), ops(allocator->ops()) {}

    void* malloc(std::size_t n) const { return ops.malloc(ops.ctx, n); }
    void* calloc(std::size_t k, std::size_t n) const { return ops.calloc(ops.ctx, k, n); }
    void* realloc(void* p, std::size_t n) const { return ops.realloc(ops.ctx, p, n); }
    void free(void* p) const { ops.free(ops.ctx, p); }
    bool owns(const void* p) const { return pool_owns(*allocator, p); }
    nlohmann::json stats() const { return allocator->stats(); }
    std::string invariants() const { return pool_check_invariants(*allocator); }
};

inline std::uintptr_t addr(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

// A byte pattern that depends on the block's identity, so swapped or overlapping blocks show.
inline void fill_pattern(void* p, std::size_t n, std::uint32_t seed) {
    auto* b = static_cast<unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<unsigned char>(seed * 131 + i * 7 + 1);
}

inline bool check_pattern(const void* p, std::size_t n, std::uint32_t seed) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (std::size_t i = 0; i < n; ++i) {
        if (b[i] != static_cast<unsigned char>(seed * 131 + i * 7 + 1)) return false;
    }
    return true;
}

// Arena source for tests: carves arenas out of one big reserved mapping, at chosen offsets, and
// records what the allocator took and gave back. Placement: arena k starts at
//   ideal_base + offset + k * (arena_size + gap)
// where ideal_base is aligned to arena_size (so offset = 0, gap = 0 gives ideal arenas, and
// offset = arena_size - 4096 makes each arena straddle an ideal boundary).
class RecordingArenaSource {
public:
    RecordingArenaSource(std::size_t arena_size, std::size_t offset, std::size_t gap,
                         std::size_t max_arenas)
        : arena_size_(arena_size), offset_(offset), gap_(gap), max_arenas_(max_arenas) {
        reserved_ = (max_arenas + 2) * (arena_size + gap) + 2 * arena_size;
        void* p = ::mmap(nullptr, reserved_, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p == MAP_FAILED) throw std::bad_alloc();
        region_ = static_cast<char*>(p);
        ideal_base_ = (addr(region_) + arena_size - 1) & ~(arena_size - 1);
    }
    ~RecordingArenaSource() { ::munmap(region_, reserved_); }
    RecordingArenaSource(const RecordingArenaSource&) = delete;
    RecordingArenaSource& operator=(const RecordingArenaSource&) = delete;

    PoolArenaSource source() { return PoolArenaSource{this, &alloc_thunk, &free_thunk}; }

    std::size_t maps() const { return maps_; }
    std::size_t unmaps() const { return unmaps_; }
    const std::vector<std::uintptr_t>& live() const { return live_; }
    std::uintptr_t slot_address(std::size_t k) const {
        return ideal_base_ + offset_ + k * (arena_size_ + gap_);
    }
    // The index of the live arena holding p, or -1.
    int arena_of(const void* p) const {
        for (std::size_t k = 0; k < max_arenas_; ++k) {
            if (in_use_.size() > k && in_use_[k] && addr(p) - slot_address(k) < arena_size_) {
                return static_cast<int>(k);
            }
        }
        return -1;
    }

private:
    static void* alloc_thunk(void* ctx, std::size_t size) {
        auto* self = static_cast<RecordingArenaSource*>(ctx);
        EXPECT_EQ(size, self->arena_size_);
        self->in_use_.resize(self->max_arenas_, false);
        for (std::size_t k = 0; k < self->max_arenas_; ++k) {
            if (!self->in_use_[k]) {  // lowest free slot, so placement is predictable
                self->in_use_[k] = true;
                ++self->maps_;
                const std::uintptr_t a = self->slot_address(k);
                self->live_.push_back(a);
                return reinterpret_cast<void*>(a);
            }
        }
        return nullptr;  // out of slots: the allocator must cope (falls back to malloc)
    }
    static void free_thunk(void* ctx, void* p, std::size_t size) {
        auto* self = static_cast<RecordingArenaSource*>(ctx);
        EXPECT_EQ(size, self->arena_size_);
        for (std::size_t k = 0; k < self->max_arenas_; ++k) {
            if (self->in_use_[k] && self->slot_address(k) == addr(p)) {
                self->in_use_[k] = false;
                ++self->unmaps_;
                // Give the pages back and make them fresh, as munmap + mmap would.
                ::madvise(p, size, MADV_DONTNEED);
                std::erase(self->live_, addr(p));
                return;
            }
        }
        ADD_FAILURE() << "freed an arena this source never handed out";
    }

    std::size_t arena_size_, offset_, gap_, max_arenas_;
    std::size_t reserved_ = 0;
    char* region_ = nullptr;
    std::uintptr_t ideal_base_ = 0;
    std::vector<bool> in_use_;
    std::vector<std::uintptr_t> live_;
    std::size_t maps_ = 0, unmaps_ = 0;
};

}  // namespace pmb::pool_test
