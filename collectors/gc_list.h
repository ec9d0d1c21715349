// GCHead and the intrusive GC lists: CPython 3.11's PyGC_Head (Include/internal/pycore_gc.h),
// 16 bytes in front of every GC-capable object under a cycle collector.
//
//   next_: the next GCHead in a circular list; 0 means the object is untracked. During
//          move_unreachable, bit 0 (kNextUnreachable) marks objects on the tentatively
//          unreachable list.
//   prev_: the previous GCHead, with two flag bits below it (heads are 16-byte aligned):
//          bit 0 kPrevOldSpace: which half of the incremental collector's old generation
//          (pending or visited) the object is in, as 3.14 keeps one in _gc_next; it is kept
//          through a collection's gc_refs. Only the incremental collector sets it. (CPython 3.11
//          has its "finalized" flag here; the model has no finalizers, so nothing needs that.)
//          bit 1 kPrevCollecting (the object is in the generation being collected). While a collection computes
//          gc_refs, the bits above the flags hold gc_refs instead of the pointer and the list is
//          only singly linked; move_unreachable restores the prev pointers.
//
// Invariants outside a collection: every tracked object is on exactly one generation's list;
// for every node n on a list, n->next()->prev() == n; no flag bit is set but kPrevOldSpace.
#pragma once

#include <cstddef>
#include <cstdint>

#include "objects/object.h"

namespace pmb {

struct GCHead {
    static constexpr std::uintptr_t kNextUnreachable = 1;
    static constexpr std::uintptr_t kPrevOldSpace = 1;
    static constexpr std::uintptr_t kPrevCollecting = 2;
    static constexpr std::uintptr_t kPrevFlags = 3;
    static constexpr int kRefsShift = 2;

    std::uintptr_t next_ = 0;
    std::uintptr_t prev_ = 0;

    GCHead* next() const { return reinterpret_cast<GCHead*>(next_ & ~kNextUnreachable); }
    GCHead* prev() const { return reinterpret_cast<GCHead*>(prev_ & ~kPrevFlags); }
    void set_next(GCHead* n) { next_ = reinterpret_cast<std::uintptr_t>(n); }
    void set_prev(GCHead* p) { prev_ = (prev_ & kPrevFlags) | reinterpret_cast<std::uintptr_t>(p); }

    bool tracked() const { return next_ != 0; }
    int old_space() const { return static_cast<int>(prev_ & kPrevOldSpace); }
    void set_old_space(int space) { prev_ = (prev_ & ~kPrevOldSpace) | static_cast<std::uintptr_t>(space); }
    bool collecting() const { return (prev_ & kPrevCollecting) != 0; }
    void clear_collecting() { prev_ &= ~kPrevCollecting; }
    std::intptr_t refs() const { return static_cast<std::intptr_t>(prev_ >> kRefsShift); }
    void set_refs(std::intptr_t refs) {
        prev_ = (prev_ & kPrevFlags) | (static_cast<std::uintptr_t>(refs) << kRefsShift);
    }
    // update_refs: gc_refs = refcount, and mark as being collected.
    void reset_refs(std::intptr_t refs) {
        prev_ = (prev_ & kPrevOldSpace) | kPrevCollecting | (static_cast<std::uintptr_t>(refs) << kRefsShift);
    }
    void decref() { prev_ -= std::uintptr_t{1} << kRefsShift; }

    Object* object() { return reinterpret_cast<Object*>(this + 1); }
    static GCHead* of(const Object* o) { return reinterpret_cast<GCHead*>(const_cast<Object*>(o)) - 1; }
};
static_assert(sizeof(GCHead) == 16, "PyGC_Head is 16 bytes on 64-bit CPython 3.11");

// A list head is a GCHead that is not part of an object.
inline void gc_list_init(GCHead* list) {
    list->prev_ = reinterpret_cast<std::uintptr_t>(list);
    list->next_ = reinterpret_cast<std::uintptr_t>(list);
}
inline bool gc_list_is_empty(const GCHead* list) { return list->next() == list; }

inline void gc_list_append(GCHead* node, GCHead* list) {
    GCHead* last = list->prev();
    last->set_next(node);
    node->set_prev(last);
    node->set_next(list);
    list->prev_ = reinterpret_cast<std::uintptr_t>(node);
}

inline void gc_list_remove(GCHead* node) {
    GCHead* prev = node->prev();
    GCHead* next = node->next();
    prev->set_next(next);
    next->set_prev(prev);
    node->next_ = 0;  // untracked
}

inline void gc_list_move(GCHead* node, GCHead* list) {
    GCHead* from_prev = node->prev();
    GCHead* from_next = node->next();
    from_prev->set_next(from_next);
    from_next->set_prev(from_prev);
    gc_list_append(node, list);
}

// Appends all of `from` to `to`, leaving `from` empty.
inline void gc_list_merge(GCHead* from, GCHead* to) {
    if (gc_list_is_empty(from)) return;
    GCHead* to_tail = to->prev();
    GCHead* from_head = from->next();
    GCHead* from_tail = from->prev();
    to_tail->set_next(from_head);
    from_head->set_prev(to_tail);
    to->prev_ = reinterpret_cast<std::uintptr_t>(from_tail);
    from_tail->set_next(to);
    gc_list_init(from);
}

inline std::size_t gc_list_size(const GCHead* list) {
    std::size_t n = 0;
    for (const GCHead* gc = list->next(); gc != list; gc = gc->next()) ++n;
    return n;
}

}  // namespace pmb
