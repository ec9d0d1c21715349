// Object storage under a collector that keeps CPython's PyGC_Head in front of GC-capable objects
// (gen, incremental, marksweep): allocation with the header, tracking on a GC list, release.
//
// Invariants: a GC-capable object's block starts with its GCHead, zeroed (untracked) when the
// object is made; an atomic object's block is the object itself; a released object is on no list.
#pragma once

#include <cstddef>

#include "objects/collector.h"
#include "collectors/gc_list.h"
#include "objects/heap.h"
#include "objects/object.h"
#include "objects/runtime.h"

namespace pmb {

// A fresh object with refcnt 1 and its type set, untracked.
inline Object* new_object(Heap& heap, const TypeInfo* type, std::size_t size) {
    Object* obj;
    if (type->gc_capable) {
        auto* gc = static_cast<GCHead*>(heap.allocate(sizeof(GCHead) + size));
        gc->next_ = 0;
        gc->prev_ = 0;
        obj = gc->object();
    } else {
        obj = static_cast<Object*>(heap.allocate(size));
    }
    obj->refcnt = 1;
    obj->type = type;
    return obj;
}

// The storage of a dead object goes back (off its list first, if tracked); `size` is its body size.
inline void free_object(Heap& heap, Object* obj, std::size_t size) {
    if (!obj->type->gc_capable) {
        heap.release(obj, size);
        return;
    }
    GCHead* gc = GCHead::of(obj);
    if (gc->tracked()) gc_list_remove(gc);
    heap.release(gc, sizeof(GCHead) + size);
}

inline void track_on(GCHead* list, Object* obj) {
    GCHead* gc = GCHead::of(obj);
    if (!gc->tracked()) gc_list_append(gc, list);
}

// Off its list; an untracked object carries no flag.
inline void untrack_object(Object* obj) {
    GCHead* gc = GCHead::of(obj);
    if (gc->tracked()) {
        gc_list_remove(gc);
        gc->prev_ = 0;
    }
}

inline bool object_is_tracked(const Object* obj) { return obj->type->gc_capable && GCHead::of(obj)->tracked(); }

// The end of a run (gc.collect() at exit): the free lists are emptied, and `full_collection` runs.
// What it still reclaims was garbage not found yet (uncollected_at_end_objects), not a leak; what
// survives it, with `live_objects` counting, is unreclaimable (leaked_objects, leaked_bytes).
template <typename FullCollection>
void account_final_collection(CollectorReport& report, Runtime* rt, const Heap& heap,
                              const std::uint64_t& live_objects, FullCollection&& full_collection) {
    if (rt != nullptr) rt->clear_free_lists();
    report.gc["uncollected_at_end_objects"] = live_objects;
    full_collection();
    report.leaked_objects = live_objects;
    report.leaked_bytes = heap.live_bytes();
}

}  // namespace pmb
