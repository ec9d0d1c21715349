// size_class.h: request size <-> size class index, and blocks per pool.
//
// Design: classes are spaced one alignment apart, so the class of a request is one shift and a
// class's block size one shift back (CPython 3.11's `(nbytes - 1) >> ALIGNMENT_SHIFT` and
// INDEX2SIZE). The shift is a run-time value because alignment is configurable (16, or 8).
//
// Invariants, for 1 <= n <= threshold and a = 1 << shift:
//   class_of(n) = (n - 1) >> shift;   block_size(c) = (c + 1) << shift;
//   n <= block_size(class_of(n)) < n + a;   block_size(c) % a == 0;
//   blocks_per_pool(c) = (pool_size - pool_overhead) / block_size(c)   (CPython's NUMBLOCKS);
//   quantization(c) = (pool_size - pool_overhead) % block_size(c)   (bytes lost at a pool's end).
// With 3.11 defaults (16 KiB pools, 48-byte header): 1021 blocks of 16 bytes, 31 of 512.
// Requests of 0 bytes have no class: 3.11's pymalloc_alloc returns NULL for them and
// PyObject_Malloc(0) is served by the raw allocator as malloc(1); the unsigned wrap of 0 - 1 sends
// them down that path with the same single comparison that catches large requests.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pmb::pool {

// True when a request of n bytes is served from pools: 1 <= n <= threshold, tested as one
// unsigned comparison because n - 1 wraps to SIZE_MAX for n == 0.
inline bool is_small_request(std::size_t n, std::size_t threshold) noexcept {
    return n - 1 < threshold;
}

inline std::uint32_t class_of(std::size_t n, unsigned shift) noexcept {
    return static_cast<std::uint32_t>((n - 1) >> shift);
}

inline std::uint32_t block_size(std::uint32_t size_class, unsigned shift) noexcept {
    return (size_class + 1) << shift;
}

inline std::uint32_t blocks_per_pool(std::size_t pool_size, std::size_t pool_overhead,
                                     std::uint32_t block_bytes) noexcept {
    return static_cast<std::uint32_t>((pool_size - pool_overhead) / block_bytes);
}

inline std::uint32_t quantization_bytes(std::size_t pool_size, std::size_t pool_overhead,
                                        std::uint32_t block_bytes) noexcept {
    return static_cast<std::uint32_t>((pool_size - pool_overhead) % block_bytes);
}

}  // namespace pmb::pool
