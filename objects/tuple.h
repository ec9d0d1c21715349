// tuple: CPython 3.11's PyTupleObject. Body = 24 + 8n bytes (refcnt, type, ob_size, items);
// GC-capable, tracked at creation. Lengths 1..20 are recycled through per-length free lists of up
// to 2000 entries; the empty tuple is a singleton and never allocated.
#pragma once

#include <cstddef>

#include "objects/object.h"
#include "objects/runtime.h"

namespace pmb {

struct Tuple {
    Object ob;
    std::intptr_t size;  // ob_size
    Object* items[1];    // ob_item: `size` entries follow the header (null until set)
};

extern const TypeInfo kTupleType;

inline std::size_t tuple_body_size(std::size_t n) { return 24 + 8 * n; }

// _PyObject_GC_MAY_BE_TRACKED: GC-capable, and if a tuple, currently tracked (a dict counts even
// while untracked, since it may be tracked later).
bool may_be_tracked(const Object* o, const Collector& gc);

// A new tuple of `n` null items, tracked; its items are set with tuple_init_item.
Object* tuple_new(Runtime& rt, std::size_t n);

inline Object** tuple_items(Object* t) { return reinterpret_cast<Tuple*>(t)->items; }
inline std::size_t tuple_size(const Object* t) {
    return static_cast<std::size_t>(reinterpret_cast<const Tuple*>(t)->size);
}
// Stores `item` (a reference the caller gives away) into an empty slot of a new tuple.
inline void tuple_init_item(Object* t, std::size_t i, Object* item) { tuple_items(t)[i] = item; }

}  // namespace pmb
