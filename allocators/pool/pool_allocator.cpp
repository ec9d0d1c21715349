// pool_allocator.cpp: `pool` as an Allocator backend: the AllocatorOps entry points (plain static
// functions that cast ctx to the PoolHeap and call its inline paths: one indirect call per
// request, as CPython's PyObject_Malloc -> _PyObject.malloc), identity, stats and introspection.
#include "allocators/pool/pool_allocator.h"

#include <new>
#include <stdexcept>
#include <string>

#include "allocators/pool/pool_heap.h"

namespace pmb {

namespace {

using pool::PoolHeap;

void* pool_malloc(void* ctx, std::size_t size) { return static_cast<PoolHeap*>(ctx)->malloc(size); }

void* pool_calloc(void* ctx, std::size_t nelem, std::size_t elsize) {
    return static_cast<PoolHeap*>(ctx)->calloc(nelem, elsize);
}

void* pool_realloc(void* ctx, void* ptr, std::size_t new_size) {
    return static_cast<PoolHeap*>(ctx)->realloc(ptr, new_size);
}

void pool_free(void* ctx, void* ptr) { static_cast<PoolHeap*>(ctx)->free(ptr); }

class PoolAllocator final : public Allocator {
public:
    explicit PoolAllocator(const PoolConfig& config)
        : heap_(config), ops_{&heap_, pool_malloc, pool_calloc, pool_realloc, pool_free} {
        if (!heap_.ready()) throw std::bad_alloc();
    }

    const std::string& name() const override { return name_; }
    const AllocatorOps& ops() const override { return ops_; }
    bool keeps_zero_byte_blocks() const override { return true; }  // PyMem_Raw*'s 0 -> 1, as 3.11

    AllocatorIdentity identity() const override {
        const PoolConfig& c = heap_.config();
        std::string version = "pool_size=" + std::to_string(c.pool_size) +
                              " arena_size=" + std::to_string(c.arena_size);
        if (c.alignment != PoolConfig{}.alignment) {
            version += " alignment=" + std::to_string(c.alignment);
        }
        if (c.small_threshold != PoolConfig{}.small_threshold) {
            version += " threshold=" + std::to_string(c.small_threshold);
        }
        return {"pymembench pool (CPython 3.11 obmalloc model)", version};
    }

    nlohmann::json stats() const override { return heap_.stats(); }

    const PoolHeap& heap() const { return heap_; }

private:
    PoolHeap heap_;
    AllocatorOps ops_;
    std::string name_ = "pool";
};

const PoolAllocator& as_pool(const Allocator& allocator) {
    const auto* pool = dynamic_cast<const PoolAllocator*>(&allocator);
    if (pool == nullptr) {
        throw std::invalid_argument("allocator '" + allocator.name() +
                                    "' is not a pool allocator (make_pool_allocator)");
    }
    return *pool;
}

}  // namespace

std::unique_ptr<Allocator> make_pool_allocator(const PoolConfig& config) {
    validate_pool_config(config);
    return std::make_unique<PoolAllocator>(config);
}

bool pool_owns(const Allocator& allocator, const void* p) { return as_pool(allocator).heap().owns(p); }

std::string pool_check_invariants(const Allocator& allocator) {
    return as_pool(allocator).heap().check_invariants();
}

}  // namespace pmb
