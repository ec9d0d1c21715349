// Instances of a `__slots__` class: CPython 3.11 lays them out as the 16-byte object header
// followed by one 8-byte pointer per slot (no __dict__, no __weakref__), so a 2-slot instance has
// a 32-byte body (48 bytes with the GC header, as sys.getsizeof reports). GC-capable, tracked at
// creation (object.__new__ → PyType_GenericAlloc), never untracked by the collector, and without
// a free list. Empty slots are null (an unset attribute).
#pragma once

#include <cstddef>

#include "objects/object.h"
#include "objects/runtime.h"

namespace pmb {

// One TypeInfo per slot count, like one heap type per class; slot counts 1..kMaxSlots.
inline constexpr std::size_t kMaxSlots = 16;
const TypeInfo* slots_type(std::size_t slots);

inline std::size_t slots_body_size(std::size_t slots) { return 16 + 8 * slots; }

// A new instance with every slot empty.
Object* instance_new(Runtime& rt, std::size_t slots);
std::size_t instance_slot_count(const Object* o);
inline Object* instance_get(Object* o, std::size_t i) { return reinterpret_cast<Object**>(o + 1)[i]; }
// Stores a new reference to `value` (may be null) in slot i, releasing the old one.
void instance_set(Runtime& rt, Object* o, std::size_t i, Object* value);

}  // namespace pmb
