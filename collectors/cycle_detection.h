// The cycle detector's passes, shared by every collector that finds garbage cycles among
// reference-counted objects: CPython's gcmodule.c (3.11; the same passes in 3.14's Python/gc.c).
//
// A region is a GC list of tracked objects. deduce_unreachable() finds the objects of the region
// that nothing outside it keeps alive:
//   update_refs     gc_refs = refcount, and the collecting flag set, for every object in the region;
//   subtract_refs   minus one for every reference from an object in the region to another;
//   move_unreachable objects left with gc_refs > 0 are referenced from outside (roots, older or
//                   younger objects, untracked containers, frozen objects): they and everything
//                   they reach are reachable; the rest move to `unreachable`.
// The answer is safe for any region, large or small: a reference from outside a region is a
// root for it. Only completeness depends on the region: a garbage cycle is found when the whole
// of it is in one region. delete_garbage() then breaks the cycles with tp_clear and lets
// reference counting free the objects.
//
// Invariants: outside these functions no object has the collecting flag or the unreachable bit;
// deduce_unreachable leaves `base` holding the reachable objects (flag cleared) and `unreachable`
// the rest (flag still set, an ordinary list).
#pragma once

#include <cstddef>
#include <type_traits>

#include "collectors/gc_list.h"
#include "objects/object.h"

namespace pmb {

// Every GC-capable object has a GCHead in front of it (static ones too: the empty tuple carries a
// zeroed one, see objects/tuple.cpp); atomic objects have none.
inline bool has_gc_head(const Object* op) { return op->type->gc_capable; }

// Calls visit(referent) for every reference `op` holds: inline over the type's reference array when
// it has one (no call per reference), through tp_traverse otherwise.
template <typename Visit>
inline void for_each_referent(Object* op, Visit&& visit) {
    if (auto referents = op->type->referent_array) {
        const ObjectArray a = referents(op);
        for (std::size_t i = 0; i < a.count; ++i)
            if (Object* r = a.items[i]) visit(r);
        return;
    }
    op->type->traverse(op, [](Object* r, void* arg) { (*static_cast<std::remove_reference_t<Visit>*>(arg))(r); },
                       &visit);
}

// update_refs, subtract_refs and move_unreachable over the region `base`; `unreachable` is
// initialised here.
void deduce_unreachable(GCHead* base, GCHead* unreachable);

// delete_garbage (3.11): tp_clear on each object of `collectable` breaks the cycles and reference
// counting frees the objects; an object that survives its clear (something still refers to it)
// moves to `survivors`. `rt` may be null only when `collectable` is empty (a collector used
// without a Runtime, in tests, never finds garbage).
void delete_garbage(GCHead* collectable, GCHead* survivors, Runtime* rt);

// Untracks the objects of `list` whose type allows it at this kind of collection and that hold
// nothing trackable (`untrack(op)` does it); returns how many stay on the list.
template <typename Untrack>
std::size_t untrack_where_possible(GCHead* list, UntrackWhen when, const Collector& collector, Untrack&& untrack) {
    std::size_t kept = 0;
    GCHead* next = nullptr;
    for (GCHead* gc = list->next(); gc != list; gc = next) {
        next = gc->next();
        Object* op = gc->object();
        if (op->type->untrack_when == when && op->type->holds_no_trackable(op, collector))
            untrack(op);
        else
            ++kept;
    }
    return kept;
}

}  // namespace pmb
