// The trash census: garbage awaiting collection, counted exactly without collecting it.
//
// Trash is what the program can no longer reach but the collector has not freed yet: garbage
// cycles a cycle collector has not found, and (under a tracer) everything whose count reached zero
// since the last sweep. It is what made CPython 3.14 revert its incremental collector: pauses
// were short, but unreachable memory piled up. A census counts it at one instant:
//   1. gc_refs = refcount - references from tracked objects, over every tracked object of every
//      list the collector keeps (the cycle detector's update_refs and subtract_refs, over the
//      whole heap at once);
//   2. objects left with gc_refs > 0 are referenced from outside the heap (the workload's roots):
//      they and everything they reach are alive; every other tracked object is trash;
//   3. the objects that die with the trash: an untracked object (a str, an int, a tuple untracked
//      by a collection) is trash when every one of its references comes from trash, found by
//      following references out of the trash as deallocation would, without deallocating (counts
//      are lowered while the census runs and restored before it returns); `dead` adds objects
//      already known dead (a tracer's zero-count objects).
// Bytes are what freeing the trash would give back: each object's body, its collector header
// (`header_bytes`) and the blocks it owns (TypeInfo::owned_bytes).
//
// Nothing is freed, moved or reordered: the census borrows the prev words of the GC heads for
// gc_refs, as a collection does, and relinks every list afterwards, so afterwards every list and
// count is exactly as before (kPrevOldSpace bits included). Its scratch memory is mmap'ed and
// unmapped, never asked of the allocator under test. It must not run inside a collection.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "collectors/gc_list.h"
#include "objects/collector.h"

namespace pmb {

TrashCount count_trash(const std::vector<GCHead*>& lists, const std::vector<Object*>& dead,
                       const std::function<std::size_t(const TypeInfo*)>& header_bytes);

}  // namespace pmb
