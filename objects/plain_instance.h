// Instances of a plain Python class (no __slots__), as CPython 3.11 lays them out with its
// "managed dict": the instance block is 40 bytes (16-byte object header, __weakref__ slot, and the
// dict/values pointers CPython keeps in a pre-header), 56 with the GC header; the attribute
// values live in a separate array indexed by the class's shared keys.
//
// The values array (3.11's init_inline_values / new_values): every new instance first shrinks
// the class's shared-keys `usable` by one while it is above 1, then gets an array of
//     size = nentries + usable slots, round_up(size + 2, 8) + 8 * size bytes,
// so a class's first instances get big arrays (264 bytes for the very first: usable starts at
// SHARED_KEYS_MAX_SIZE = 30) and later ones small ones (40 bytes with 3 attributes). Adding an
// attribute name the class has not seen moves one key from usable to nentries.
// Instances are GC-capable and tracked at creation; not modelled: materialised __dict__s (more than
// 30 attribute names, vars(obj), obj.__dict__), which no workload here triggers.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "objects/object.h"
#include "objects/runtime.h"

namespace pmb {

extern const TypeInfo kPlainInstanceType;

// A class object's shared keys: its attribute names in first-assignment order.
struct PlainClass {
    std::vector<std::string> names;
    std::int64_t usable = 30;  // SHARED_KEYS_MAX_SIZE
};

// object.__new__ for a plain class: the instance and its values array, tracked.
Object* plain_instance_new(Runtime& rt, PlainClass& cls);
// self.<name> = value (a new reference to value is stored; the old one released). Adding a name
// the class has not seen registers it in the shared keys.
void plain_instance_set(Runtime& rt, Object* self, std::size_t attribute, Object* value);
Object* plain_instance_get(Object* self, std::size_t attribute);
// The index of `name` in the class's shared keys, registering it on first use.
std::size_t plain_class_attribute(PlainClass& cls, const std::string& name);

}  // namespace pmb
