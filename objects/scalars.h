// Atomic (non-GC) objects: None, int and float, with CPython 3.11's sizes and caches.
//   None: a singleton, never allocated.
//   int: 30-bit digits; one-digit ints (below 2**30) are allocated as 32 bytes (3.11's
//        _PyLong_FromMedium takes sizeof(PyLongObject), though sys.getsizeof says 28), longer ones
//        as 24 + 4 * digits: 32 below 2**60, 36 above;
//        -5..256 are preallocated singletons (CPython's small-int cache) and allocate nothing.
//   float: 24 bytes; up to 100 dead floats are recycled through a free list.
#pragma once

#include <cstdint>

#include "objects/object.h"
#include "objects/runtime.h"

namespace pmb {

extern const TypeInfo kNoneType;
extern const TypeInfo kIntType;
extern const TypeInfo kFloatType;

// A new reference to None.
Object* none_ref();
bool is_none(const Object* o);

inline constexpr std::int64_t kSmallIntMin = -5;   // _PY_NSMALLNEGINTS
inline constexpr std::int64_t kSmallIntMax = 256;  // _PY_NSMALLPOSINTS - 1

Object* int_from(Runtime& rt, std::int64_t value);
std::int64_t int_value(const Object* o);
std::size_t int_body_size(std::int64_t value);

Object* float_from(Runtime& rt, double value);
double float_value(const Object* o);

}  // namespace pmb
