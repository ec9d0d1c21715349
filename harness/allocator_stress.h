// A randomized torture test for any allocator backend: malloc, calloc, realloc and free in random
// interleavings over a bounded live set, sizes from 0 to several MiB, every block filled with a
// pattern unique to it and checked before it is resized or freed (so overlap, corruption and lost
// contents are caught), alignment checked on every block.
#pragma once

#include <cstdint>
#include <string>

#include "allocators/allocator.h"

namespace pmb {

struct StressOptions {
    std::uint64_t ops = 200000;
    std::uint64_t seed = 1;
    std::size_t max_live = 4096;
    std::size_t alignment = 16;
};

// Returns "" when every check passed, else a one-line description of the first violation.
std::string stress_allocator(const AllocatorOps& ops, const StressOptions& options);

}  // namespace pmb
