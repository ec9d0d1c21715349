#include "objects/list.h"

#include <cstring>

namespace pmb {
namespace {

List* as_list(Object* o) { return reinterpret_cast<List*>(o); }

std::size_t list_size_of(const Object*) { return sizeof(List); }
std::size_t list_owned_bytes(const Object* self) {
    return 8 * static_cast<std::size_t>(reinterpret_cast<const List*>(self)->allocated);
}

void list_traverse(Object* self, VisitProc visit, void* arg) {
    List* l = as_list(self);
    for (std::intptr_t i = 0; i < l->size; ++i)
        if (l->items[i] != nullptr) visit(l->items[i], arg);
}

void free_items(Runtime& rt, List* l) {
    if (l->items != nullptr) rt.heap().release(l->items, 8 * static_cast<std::size_t>(l->allocated));
    l->items = nullptr;
    l->size = 0;
    l->allocated = 0;
}

void list_clear(Object* self, Runtime& rt) {
    List* l = as_list(self);
    Object** items = l->items;
    std::intptr_t n = l->size;
    std::intptr_t cap = l->allocated;
    l->items = nullptr;
    l->size = 0;
    l->allocated = 0;
    for (std::intptr_t i = 0; i < n; ++i) rt.xdecref(items[i]);
    if (items != nullptr) rt.heap().release(items, 8 * static_cast<std::size_t>(cap));
}

void list_dealloc(Object* self, Runtime& rt) {
    rt.collector().untrack(self);
    List* l = as_list(self);
    for (std::intptr_t i = l->size - 1; i >= 0; --i) rt.xdecref(l->items[i]);
    free_items(rt, l);
    FreeList& fl = rt.free_lists().lists;
    if (fl.count < kListFreeListCapacity) {
        fl.push(self);
        return;
    }
    rt.collector().release(self, sizeof(List));
}

// CPython 3.11 list_resize: keeps the array when it is big enough and at least half used.
void list_resize(Runtime& rt, List* l, std::size_t new_size) {
    std::size_t allocated = static_cast<std::size_t>(l->allocated);
    if (allocated >= new_size && new_size >= (allocated >> 1)) {
        l->size = static_cast<std::intptr_t>(new_size);
        return;
    }
    std::size_t new_allocated = list_capacity_for(static_cast<std::size_t>(l->size), new_size);
    if (new_allocated == 0) {
        free_items(rt, l);
        return;
    }
    if (l->items == nullptr)
        l->items = static_cast<Object**>(rt.heap().allocate(8 * new_allocated));
    else
        l->items = static_cast<Object**>(rt.heap().reallocate(l->items, 8 * allocated, 8 * new_allocated));
    l->allocated = static_cast<std::intptr_t>(new_allocated);
    l->size = static_cast<std::intptr_t>(new_size);
}

ObjectArray list_referents(Object* self) {
    List* l = as_list(self);
    return {l->items, static_cast<std::size_t>(l->size)};
}

}  // namespace

const TypeInfo kListType = {"list",          true,    list_size_of, list_traverse, list_clear, list_dealloc,
                            UntrackWhen::kNever, nullptr, list_referents, nullptr, list_owned_bytes};

std::size_t list_capacity_for(std::size_t old_size, std::size_t new_size) {
    if (new_size == 0) return 0;
    std::size_t cap = (new_size + (new_size >> 3) + 6) & ~std::size_t{3};
    // A large jump (e.g. extend) gets exactly what it needs, rounded up to 4.
    if (new_size - old_size > cap - new_size) cap = (new_size + 3) & ~std::size_t{3};
    return cap;
}

Object* list_new(Runtime& rt) {
    Object* o = rt.free_lists().lists.pop();
    if (o != nullptr)
        o->refcnt = 1;
    else
        o = rt.collector().allocate(&kListType, sizeof(List));
    List* l = as_list(o);
    l->size = 0;
    l->items = nullptr;
    l->allocated = 0;
    rt.collector().track(o);
    return o;
}

Object* list_from_items(Runtime& rt, Object* const* items, std::size_t n) {
    Object* o = list_new(rt);
    if (n == 0) return o;
    List* l = as_list(o);
    l->items = static_cast<Object**>(rt.heap().allocate(8 * n));
    std::memcpy(l->items, items, 8 * n);
    l->size = l->allocated = static_cast<std::intptr_t>(n);
    return o;
}

void list_append(Runtime& rt, Object* list, Object* item) {
    List* l = as_list(list);
    std::size_t n = static_cast<std::size_t>(l->size);
    Runtime::incref(item);
    if (static_cast<std::intptr_t>(n) < l->allocated) {
        l->items[n] = item;
        l->size = static_cast<std::intptr_t>(n + 1);
        return;
    }
    list_resize(rt, l, n + 1);
    l->items[n] = item;
}

Object* list_pop(Runtime& rt, Object* list) {
    List* l = as_list(list);
    std::size_t n = static_cast<std::size_t>(l->size);
    Object* item = l->items[n - 1];
    list_resize(rt, l, n - 1);
    return item;
}

void list_set(Runtime& rt, Object* list, std::size_t i, Object* item) {
    List* l = as_list(list);
    Runtime::incref(item);
    Object* old = l->items[i];
    l->items[i] = item;
    rt.xdecref(old);
}

void list_del_prefix(Runtime& rt, Object* list, std::size_t count) {
    List* l = as_list(list);
    std::size_t n = static_cast<std::size_t>(l->size);
    if (count > n) count = n;
    // Like list_ass_slice: detach the doomed items into a recycle buffer (8 slots on the stack,
    // else a heap block, as CPython does), shrink, then release them.
    Object* on_stack[8];
    std::size_t recycle_bytes = sizeof(Object*) * count;
    Object** doomed = count <= 8 ? on_stack : static_cast<Object**>(rt.heap().allocate(recycle_bytes));
    std::memcpy(doomed, l->items, recycle_bytes);
    std::memmove(l->items, l->items + count, sizeof(Object*) * (n - count));
    list_resize(rt, l, n - count);
    for (std::size_t i = 0; i < count; ++i) rt.decref(doomed[i]);
    if (doomed != on_stack) rt.heap().release(doomed, recycle_bytes);
}

}  // namespace pmb
