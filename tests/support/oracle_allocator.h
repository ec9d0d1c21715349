// A test allocator over malloc for the collector oracles: it knows which blocks are live and gives
// every block a serial number, so a test can tell "this object is still allocated" from "its
// address was freed and handed out again to something else". Blocks still live when it is
// destroyed (cyclic garbage under pure reference counting) are freed then, so leak checkers stay
// quiet about what a test leaked on purpose.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <unordered_map>

#include "allocators/allocator.h"

namespace pmb {

class OracleAllocator {
public:
    OracleAllocator() = default;
    OracleAllocator(const OracleAllocator&) = delete;
    OracleAllocator& operator=(const OracleAllocator&) = delete;
    ~OracleAllocator() {
        for (auto& [p, block] : blocks_) std::free(const_cast<void*>(p));
    }

    AllocatorOps ops() { return {this, &malloc_, nullptr, &realloc_, &free_}; }

    std::size_t live_blocks() const { return blocks_.size(); }
    std::uint64_t allocations() const { return next_serial_ - 1; }
    bool is_live(const void* p) const { return blocks_.contains(p); }
    // The serial number of the live block at p, or 0 if none is live there. Serials start at 1.
    std::uint64_t serial_of(const void* p) const {
        auto it = blocks_.find(p);
        return it == blocks_.end() ? 0 : it->second.serial;
    }
    std::size_t size_of(const void* p) const {
        auto it = blocks_.find(p);
        return it == blocks_.end() ? 0 : it->second.size;
    }

private:
    struct Block {
        std::size_t size;
        std::uint64_t serial;
    };
    static OracleAllocator& self(void* ctx) { return *static_cast<OracleAllocator*>(ctx); }
    static void* malloc_(void* ctx, std::size_t n) {
        void* p = std::malloc(n ? n : 1);
        if (p == nullptr) return nullptr;
        OracleAllocator& a = self(ctx);
        a.blocks_[p] = {n, a.next_serial_++};
        return p;
    }
    static void* realloc_(void* ctx, void* old, std::size_t n) {
        OracleAllocator& a = self(ctx);
        if (old != nullptr) a.blocks_.erase(old);
        void* p = std::realloc(old, n ? n : 1);
        if (p == nullptr) return nullptr;
        a.blocks_[p] = {n, a.next_serial_++};
        return p;
    }
    static void free_(void* ctx, void* p) {
        if (p == nullptr) return;
        self(ctx).blocks_.erase(p);
        std::free(p);
    }

    std::unordered_map<const void*, Block> blocks_;
    std::uint64_t next_serial_ = 1;
};

}  // namespace pmb
