// Opaque atomic objects: interpreter objects a workload creates as a side effect but never looks
// into (a range and its iterator in a for loop, for instance). Only their size and lifetime
// matter: they are allocated and freed exactly where CPython allocates and frees them.
#pragma once

#include <cstddef>

#include "objects/object.h"
#include "objects/runtime.h"

namespace pmb {

extern const TypeInfo kOpaqueType;

// A new non-GC object with a body of `size` bytes (size >= 24).
Object* opaque_new(Runtime& rt, std::size_t size);

// What `for j in range(n)` allocates in CPython 3.11 before its first iteration: the range object
// (48 bytes; 32 more for its length when n > 256), freed once the 48-byte iterator exists. Returns
// the iterator, to be released with rt.decref after the loop.
Object* range_iterator_new(Runtime& rt, std::int64_t n);

}  // namespace pmb
