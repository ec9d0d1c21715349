#include "collectors/cycle_detection.h"

#include "objects/runtime.h"

namespace pmb {
namespace {

// subtract_refs' visitor: a reference from inside the collected set does not keep anything alive.
inline void visit_decref(Object* op) {
    if (!has_gc_head(op)) return;
    GCHead* gc = GCHead::of(op);
    if (gc->collecting()) gc->decref();
}

// move_unreachable's visitor: everything an object known to be reachable refers to is reachable.
inline void visit_reachable(Object* op, GCHead* reachable) {
    if (!has_gc_head(op)) return;
    GCHead* gc = GCHead::of(op);
    // Objects outside the region, and those already scanned, have no collecting flag.
    if (!gc->collecting()) return;
    if (gc->next_ & GCHead::kNextUnreachable) {
        // Tentatively unreachable after all: unlink by hand (the list functions do not expect the
        // unreachable flag) and put it back at the end of the list being scanned.
        GCHead* prev = gc->prev();
        GCHead* next = gc->next();
        prev->next_ = gc->next_;  // keeps the unreachable flag
        next->set_prev(prev);
        gc_list_append(gc, reachable);
        gc->set_refs(1);
    } else if (gc->refs() == 0) {
        // Not scanned yet (ahead of the scan): it will be scanned as reachable.
        gc->set_refs(1);
    }
}

// move_unreachable (3.11): one pass over `young`; objects with gc_refs == 0 move tentatively to
// `unreachable`, and come back if a reachable object scanned later refers to them.
void move_unreachable(GCHead* young, GCHead* unreachable) {
    GCHead* prev = young;
    GCHead* gc = young->next();
    while (gc != young) {
        if (gc->refs() != 0) {
            for_each_referent(gc->object(), [young](Object* r) { visit_reachable(r, young); });
            gc->set_prev(prev);  // relink: the list is doubly linked again up to here
            gc->clear_collecting();
            prev = gc;
        } else {
            prev->next_ = gc->next_;
            GCHead* last = unreachable->prev();
            last->next_ = GCHead::kNextUnreachable | reinterpret_cast<std::uintptr_t>(gc);
            gc->set_prev(last);
            gc->next_ = GCHead::kNextUnreachable | reinterpret_cast<std::uintptr_t>(unreachable);
            unreachable->prev_ = reinterpret_cast<std::uintptr_t>(gc);
        }
        gc = prev->next();
    }
    young->prev_ = reinterpret_cast<std::uintptr_t>(prev);
    unreachable->next_ &= ~GCHead::kNextUnreachable;
}

}  // namespace

void deduce_unreachable(GCHead* base, GCHead* unreachable) {
    // update_refs
    for (GCHead* gc = base->next(); gc != base; gc = gc->next()) gc->reset_refs(gc->object()->refcnt);
    // subtract_refs
    for (GCHead* gc = base->next(); gc != base; gc = gc->next())
        for_each_referent(gc->object(), [](Object* r) { visit_decref(r); });
    gc_list_init(unreachable);
    move_unreachable(base, unreachable);
    // clear_unreachable_mask: the list becomes an ordinary list again.
    for (GCHead* gc = unreachable->next(); gc != unreachable; gc = gc->next()) gc->next_ &= ~GCHead::kNextUnreachable;
}

void delete_garbage(GCHead* collectable, GCHead* survivors, Runtime* rt) {
    while (!gc_list_is_empty(collectable)) {
        GCHead* gc = collectable->next();
        Object* op = gc->object();
        gc->clear_collecting();
        if (op->type->clear != nullptr) {
            Runtime::incref(op);
            op->type->clear(op, *rt);
            rt->decref(op);
        }
        if (collectable->next() == gc) {
            // Still alive: it may die later.
            gc->clear_collecting();
            gc_list_move(gc, survivors);
        }
    }
}

}  // namespace pmb
