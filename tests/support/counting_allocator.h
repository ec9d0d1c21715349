// A test allocator over malloc that counts live blocks and remembers the last request size, so
// tests can see exactly what the object model asked for.
#pragma once

#include <cstdlib>
#include <unordered_map>

#include "allocators/allocator.h"

namespace pmb {

class CountingAllocator {
public:
    AllocatorOps ops() { return {this, &malloc_, nullptr, &realloc_, &free_}; }
    std::size_t live_blocks() const { return sizes_.size(); }
    std::uint64_t allocations() const { return allocations_; }
    std::size_t last_request() const { return last_request_; }
    bool is_live(const void* p) const { return sizes_.contains(p); }

private:
    static CountingAllocator& self(void* ctx) { return *static_cast<CountingAllocator*>(ctx); }
    static void* malloc_(void* ctx, std::size_t n) {
        void* p = std::malloc(n ? n : 1);
        self(ctx).sizes_[p] = n;
        self(ctx).last_request_ = n;
        ++self(ctx).allocations_;
        return p;
    }
    static void* realloc_(void* ctx, void* old, std::size_t n) {
        self(ctx).sizes_.erase(old);
        void* p = std::realloc(old, n ? n : 1);
        self(ctx).sizes_[p] = n;
        self(ctx).last_request_ = n;
        return p;
    }
    static void free_(void* ctx, void* p) {
        if (p == nullptr) return;
        self(ctx).sizes_.erase(p);
        std::free(p);
    }

    std::unordered_map<const void*, std::size_t> sizes_;
    std::uint64_t allocations_ = 0;
    std::size_t last_request_ = 0;
};

}  // namespace pmb
