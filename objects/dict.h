// dict: CPython 3.11's compact dict, modelled for memory and GC behaviour.
//
// Body = 48 bytes (refcnt, type, ma_used, ma_version_tag, ma_keys, ma_values), 64 with the GC
// header. An empty dict shares a static empty keys table and allocates nothing more. The first
// insertion allocates a keys table of 8 slots; a table holds USABLE_FRACTION(n) = 2n/3 entries and
// is replaced, when full, by one of 2^bit_length((3 * used | 8) - 1) slots (GROWTH_RATE). A keys
// table is one block:
//   32-byte header + index array (n bytes of 1, 2, 4 or 8 bytes each as n grows past 2^7, 2^15,
//   2^31) + usable entries of 16 bytes (all keys exact str: "unicode" table) or 24 (any key).
// Inserting a non-str key into a unicode table converts it (a resize). Deletion never shrinks;
// clear() returns to the empty table. Up to 80 dict bodies and 80 8-slot unicode tables are
// recycled through free lists.
// Tracking: created untracked; tracked as soon as a key or value that may be tracked is stored;
// untracked again by full collections when it holds none (UntrackWhen::kFullCollection).
// Keys are str or int objects; lookups compare by value.
#pragma once

#include <cstddef>
#include <cstdint>

#include "objects/object.h"
#include "objects/runtime.h"

namespace pmb {

extern const TypeInfo kDictType;

Object* dict_new(Runtime& rt);
// d[key] = value (both gain a reference held by the dict).
void dict_set(Runtime& rt, Object* d, Object* key, Object* value);
// d.get(key): a borrowed reference, or nullptr.
Object* dict_get(Object* d, const Object* key);
// del d[key]; returns false when absent.
bool dict_del(Runtime& rt, Object* d, const Object* key);
void dict_clear(Runtime& rt, Object* d);
std::size_t dict_size(const Object* d);
// Bytes of the current keys table (0 for the shared empty table), as sys.getsizeof counts them.
std::size_t dict_keys_bytes(const Object* d);
// Calls fn(key, value, arg) for each entry in insertion order (borrowed references).
void dict_for_each(Object* d, void (*fn)(Object* key, Object* value, void* arg), void* arg);

// Hash of a key object (str by content, int by value), stable across runs.
std::uint64_t object_hash(const Object* key);
bool object_equal(const Object* a, const Object* b);

}  // namespace pmb
