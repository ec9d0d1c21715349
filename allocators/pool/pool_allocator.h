// pool_allocator.h: the public face of `pool`, pymembench's model of CPython 3.11's pymalloc
// (Objects/obmalloc.c, 64-bit build) as an Allocator backend.
//
// Design: every PoolAllocator owns all of its state (no globals), so instances live side by side;
// like pymalloc under the GIL it takes no locks and must be used from one thread at a time.
// Requests of 1..small_threshold bytes are served from pools of one size class inside mmap'ed
// arenas; everything else (0 bytes, as in 3.11, and larger requests) goes to the C library
// (malloc/calloc/realloc/free) and is counted in stats()["raw"].
// Defaults are 3.11's: alignment 16, threshold 512 (32 classes), 16 KiB pools, 1 MiB arenas; the
// 3.8-era geometry is "pool_size=4K:arena_size=256K".
// Accepted configurations (validate_pool_config):
//   alignment in {16, 8} (8 breaks allocator.h's 16-byte promise: for geometry studies only);
//   small_threshold % alignment == 0 and alignment <= small_threshold <= 512;
//   pool_size a power of two with at least two blocks of the largest class:
//     (pool_size - 48) / small_threshold >= 2 (a 3.11 invariant: a used pool is neither empty
//     nor full), and pool_size <= arena_size / 4 (a misaligned arena keeps >= 3 pools);
//   arena_size a power of two, 4 KiB <= arena_size <= 1 GiB (tails are int32 in the radix tree).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "allocators/allocator.h"

namespace pmb {

// Where arenas come from, like CPython's PyObjectArenaAllocator (PyObject_SetArenaAllocator).
// Both null (the default) means anonymous mmap/munmap. Tests use it to force misaligned arenas.
struct PoolArenaSource {
    void* ctx = nullptr;                                      // passed back to both functions
    void* (*alloc)(void* ctx, std::size_t size) = nullptr;    // arena_size bytes, or null
    void (*free)(void* ctx, void* ptr, std::size_t size) = nullptr;  // releases one arena
};

struct PoolConfig {
    std::size_t alignment = 16;            // block alignment and size-class spacing (ALIGNMENT)
    std::size_t small_threshold = 512;     // largest request served from pools
    std::size_t pool_size = 16 * 1024;     // bytes per pool (POOL_SIZE)
    std::size_t arena_size = 1024 * 1024;  // bytes per arena (ARENA_SIZE)
    PoolArenaSource arena_source{};        // default: anonymous mmap
};

// Parses "key=value" options separated by ':' (e.g. "pool_size=4K:arena_size=256K"); values are
// decimal with an optional K or M suffix (x1024, x1024^2); keys: alignment, threshold, pool_size,
// arena_size. An empty string gives the defaults. The result is validated.
// Throws std::invalid_argument with a one-line message naming the bad key or value and what is
// accepted.
PoolConfig parse_pool_config(std::string_view options);

// Throws std::invalid_argument (one line) unless the configuration is accepted (see above).
void validate_pool_config(const PoolConfig& config);

// A new, independent pool allocator. Validates the configuration (throws std::invalid_argument);
// throws std::bad_alloc if its own metadata cannot be allocated.
std::unique_ptr<Allocator> make_pool_allocator(const PoolConfig& config = PoolConfig{});

// Cold introspection for tests and tools; `allocator` must come from make_pool_allocator
// (std::invalid_argument otherwise).
// Whether p lies in one of the allocator's arenas (3.11's address_in_range), without touching *p.
bool pool_owns(const Allocator& allocator, const void* p);
// Walks every list and pool and checks the invariants stated in the pool/*.h headers; returns ""
// when they hold, else a description of the first violation found.
std::string pool_check_invariants(const Allocator& allocator);

}  // namespace pmb
