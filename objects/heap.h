// Heap: the single door through which the object model reaches its allocator, and the ledger of
// what passes through it.
//
// Every byte the object model uses (object bodies, GC headers, list item arrays, dict tables) is
// requested here, so `live_bytes` is exactly what a CPython process would have asked of its
// object allocator for the same program, and `peak_live_bytes` is its high-water mark.
//
// Invariants:
//   live_bytes == sum of sizes passed to allocate/reallocate for blocks not yet released;
//   live_blocks == blocks handed out and not yet released (allocate and calloc make one, as does
//   realloc of nullptr; release of a block, and realloc to size 0 that returns nullptr, end one);
//   the caller passes the block's current size to release/reallocate (the object model and a
//   trace replay always know it), so no allocator-specific size query is needed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>

#include "allocators/allocator.h"

namespace pmb {

class Heap {
public:
    explicit Heap(const AllocatorOps& ops) : ops_(ops) {}

    void* allocate(std::size_t size) {
        void* p = ops_.malloc(ops_.ctx, size);
        if (p == nullptr) throw std::bad_alloc();
        ++allocations_;
        ++live_blocks_;
        grow(size);
        return p;
    }

    // calloc: nelem * elsize zeroed bytes (the caller checked the product).
    void* allocate_zeroed(std::size_t nelem, std::size_t elsize) {
        void* p = ops_.calloc(ops_.ctx, nelem, elsize);
        if (p == nullptr) throw std::bad_alloc();
        ++allocations_;
        ++live_blocks_;
        grow(nelem * elsize);
        return p;
    }

    // As C's realloc: `ptr` may be nullptr (a new block); a new size of 0 may free the block and
    // return nullptr (glibc's realloc does; pymalloc's returns a block).
    void* reallocate(void* ptr, std::size_t old_size, std::size_t new_size) {
        void* p = ops_.realloc(ops_.ctx, ptr, new_size);
        if (p == nullptr && new_size != 0) throw std::bad_alloc();
        ++reallocations_;
        live_blocks_ += (ptr == nullptr) - (p == nullptr);
        live_bytes_ -= old_size;
        grow(new_size);
        return p;
    }

    void release(void* ptr, std::size_t size) {
        ops_.free(ops_.ctx, ptr);
        ++releases_;
        live_blocks_ -= ptr != nullptr;
        live_bytes_ -= size;
    }

    // The same requests from one inner loop (a trace replay's op), with the ledger kept in the
    // Batch (registers, in practice) and written back by commit(): the same counts and peak as the
    // calls above, without loads and stores of the Heap around every allocator call. The Heap
    // must not be used directly between a Batch's construction and its commit().
    class Batch {
    public:
        explicit Batch(Heap& heap)
            : heap_(heap), ops_(heap.ops_), live_bytes_(heap.live_bytes_), peak_(heap.peak_live_bytes_),
              live_blocks_(heap.live_blocks_) {}
        void* allocate(std::size_t size) {
            void* p = ops_.malloc(ops_.ctx, size);
            if (p == nullptr) throw std::bad_alloc();
            ++allocations_;
            ++live_blocks_;
            grow(size);
            return p;
        }
        void* allocate_zeroed(std::size_t nelem, std::size_t elsize) {
            void* p = ops_.calloc(ops_.ctx, nelem, elsize);
            if (p == nullptr) throw std::bad_alloc();
            ++allocations_;
            ++live_blocks_;
            grow(nelem * elsize);
            return p;
        }
        void* reallocate(void* ptr, std::size_t old_size, std::size_t new_size) {
            void* p = ops_.realloc(ops_.ctx, ptr, new_size);
            if (p == nullptr && new_size != 0) throw std::bad_alloc();
            ++reallocations_;
            live_blocks_ += (ptr == nullptr) - (p == nullptr);
            live_bytes_ -= old_size;
            grow(new_size);
            return p;
        }
        void release(void* ptr, std::size_t size) {
            ops_.free(ops_.ctx, ptr);
            ++releases_;
            live_blocks_ -= ptr != nullptr;
            live_bytes_ -= size;
        }
        void commit() {
            heap_.live_bytes_ = live_bytes_;
            heap_.peak_live_bytes_ = peak_;
            heap_.live_blocks_ = live_blocks_;
            heap_.allocations_ += allocations_;
            heap_.reallocations_ += reallocations_;
            heap_.releases_ += releases_;
            allocations_ = reallocations_ = releases_ = 0;
        }

    private:
        void grow(std::size_t size) {
            live_bytes_ += size;
            if (live_bytes_ > peak_) peak_ = live_bytes_;
        }
        Heap& heap_;
        const AllocatorOps ops_;
        std::size_t live_bytes_, peak_;
        std::uint64_t live_blocks_;
        std::uint64_t allocations_ = 0, reallocations_ = 0, releases_ = 0;
    };

    std::size_t live_bytes() const { return live_bytes_; }
    std::size_t peak_live_bytes() const { return peak_live_bytes_; }
    std::uint64_t allocations() const { return allocations_; }
    std::uint64_t reallocations() const { return reallocations_; }
    std::uint64_t releases() const { return releases_; }
    std::uint64_t live_blocks() const { return live_blocks_; }

private:
    void grow(std::size_t size) {
        live_bytes_ += size;
        if (live_bytes_ > peak_live_bytes_) peak_live_bytes_ = live_bytes_;
    }

    AllocatorOps ops_;
    std::size_t live_bytes_ = 0;
    std::size_t peak_live_bytes_ = 0;
    std::uint64_t allocations_ = 0;
    std::uint64_t reallocations_ = 0;
    std::uint64_t releases_ = 0;
    std::uint64_t live_blocks_ = 0;
};

}  // namespace pmb
