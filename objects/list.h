// list: CPython 3.11's PyListObject. Body = 40 bytes (refcnt, type, ob_size, ob_item, allocated),
// GC-capable and tracked at creation; the item array (8 bytes per slot of capacity) is a separate
// block, grown and shrunk with realloc by list_resize's over-allocation rule:
//   new capacity = (n + (n >> 3) + 6) & ~3   (0, 4, 8, 16, 24, 32, 40, 52, 64, 76, ...)
// Up to 80 dead list bodies are recycled through a free list (their item arrays are freed).
#pragma once

#include <cstddef>

#include "objects/object.h"
#include "objects/runtime.h"

namespace pmb {

struct List {
    Object ob;
    std::intptr_t size;       // ob_size: items in use
    Object** items;           // ob_item: separate block of `allocated` slots, or null
    std::intptr_t allocated;  // capacity of `items`
};
static_assert(sizeof(List) == 40, "PyListObject is 40 bytes on 64-bit CPython 3.11");

extern const TypeInfo kListType;

Object* list_new(Runtime& rt);
// A list literal [a, b, ...] (BUILD_LIST / PyList_New(n)): an item array of exactly `n` slots,
// filled from `items`, whose references the list takes over.
Object* list_from_items(Runtime& rt, Object* const* items, std::size_t n);
// Appends a new reference to `item` (the caller keeps its own).
void list_append(Runtime& rt, Object* list, Object* item);
// Removes and returns the last item (the caller receives the list's reference).
Object* list_pop(Runtime& rt, Object* list);
// Replaces item i, releasing the old one; `item` gains a reference.
void list_set(Runtime& rt, Object* list, std::size_t i, Object* item);
// Deletes items [0, count), shifting the rest down (del l[:count]).
void list_del_prefix(Runtime& rt, Object* list, std::size_t count);

inline std::size_t list_size(const Object* l) {
    return static_cast<std::size_t>(reinterpret_cast<const List*>(l)->size);
}
inline Object* list_get(const Object* l, std::size_t i) {
    return reinterpret_cast<const List*>(l)->items[i];
}
// list_resize's capacity for `new_size` items when growing from `old_size`.
std::size_t list_capacity_for(std::size_t old_size, std::size_t new_size);

}  // namespace pmb
