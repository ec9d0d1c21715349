#include "objects/tuple.h"

#include <cstring>

namespace pmb {
namespace {

// The empty tuple is static but GC-capable: a cycle collector may look at the 16 bytes in front
// of any GC-capable object, so the singleton carries a zeroed header there (untracked, not being
// collected), as CPython's static objects do.
struct alignas(16) EmptyTupleStorage {
    std::uintptr_t gc_header[2];
    Tuple tuple;
};
EmptyTupleStorage g_empty = {{0, 0}, {{kImmortalRefcnt, &kTupleType}, 0, {nullptr}}};
Tuple& g_empty_tuple = g_empty.tuple;

std::size_t tuple_size_of(const Object* self) { return tuple_body_size(tuple_size(self)); }

void tuple_traverse(Object* self, VisitProc visit, void* arg) {
    Object** items = tuple_items(self);
    for (std::size_t i = 0, n = tuple_size(self); i < n; ++i)
        if (items[i] != nullptr) visit(items[i], arg);
}

void tuple_clear(Object* self, Runtime& rt) {
    Object** items = tuple_items(self);
    for (std::size_t i = 0, n = tuple_size(self); i < n; ++i) {
        Object* item = items[i];
        items[i] = nullptr;
        rt.xdecref(item);
    }
}

void tuple_dealloc(Object* self, Runtime& rt) {
    rt.collector().untrack(self);
    std::size_t n = tuple_size(self);
    Object** items = tuple_items(self);
    for (std::size_t i = 0; i < n; ++i) rt.xdecref(items[i]);
    if (n <= kTupleMaxSaveSize) {
        FreeList& list = rt.free_lists().tuples[n];
        if (list.count < kTupleFreeListCapacity) {
            list.push(self);
            return;
        }
    }
    rt.collector().release(self, tuple_body_size(n));
}

// _PyTuple_MaybeUntrack: every item set, and none that is or may become tracked.
bool tuple_holds_no_trackable(const Object* self, const Collector& gc) {
    Object* const* items = reinterpret_cast<const Tuple*>(self)->items;
    for (std::size_t i = 0, n = tuple_size(self); i < n; ++i)
        if (items[i] == nullptr || may_be_tracked(items[i], gc)) return false;
    return true;
}

ObjectArray tuple_referents(Object* self) { return {tuple_items(self), tuple_size(self)}; }

}  // namespace

const TypeInfo kTupleType = {"tuple",       true, tuple_size_of, tuple_traverse, tuple_clear, tuple_dealloc,
                             UntrackWhen::kEveryCollection, tuple_holds_no_trackable, tuple_referents};

bool may_be_tracked(const Object* o, const Collector& gc) {
    return o->type->gc_capable && (o->type != &kTupleType || gc.is_tracked(o));
}

Object* tuple_new(Runtime& rt, std::size_t n) {
    if (n == 0) {
        Runtime::incref(&g_empty_tuple.ob);
        return &g_empty_tuple.ob;
    }
    Object* t = nullptr;
    if (n <= kTupleMaxSaveSize) t = rt.free_lists().tuples[n].pop();
    if (t != nullptr) {
        t->refcnt = 1;
    } else {
        t = rt.collector().allocate(&kTupleType, tuple_body_size(n));
        reinterpret_cast<Tuple*>(t)->size = static_cast<std::intptr_t>(n);
    }
    std::memset(tuple_items(t), 0, 8 * n);
    rt.collector().track(t);
    return t;
}

}  // namespace pmb
