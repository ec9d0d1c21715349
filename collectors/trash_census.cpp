#include "collectors/trash_census.h"

#include <absl/container/flat_hash_map.h>

#include "collectors/cycle_detection.h"

namespace pmb {
namespace {

bool census_tracked(Object* op) { return has_gc_head(op) && GCHead::of(op)->tracked(); }

}  // namespace

TrashCount count_trash(const std::vector<GCHead*>& lists, const std::vector<Object*>& dead,
                       const std::function<std::size_t(const TypeInfo*)>& header_bytes) {
    // 1. update_refs and subtract_refs over every list at once.
    for (GCHead* list : lists)
        for (GCHead* gc = list->next(); gc != list; gc = gc->next()) gc->reset_refs(gc->object()->refcnt);
    for (GCHead* list : lists)
        for (GCHead* gc = list->next(); gc != list; gc = gc->next())
            for_each_referent(gc->object(), [](Object* r) {
                if (!has_gc_head(r)) return;
                GCHead* rg = GCHead::of(r);
                if (rg->collecting()) rg->decref();
            });
    // 2. Everything reachable from an object referenced from outside loses its collecting flag.
    std::vector<GCHead*> stack;
    auto reach = [&stack](GCHead* gc) {
        gc->clear_collecting();
        stack.push_back(gc);
    };
    for (GCHead* list : lists)
        for (GCHead* gc = list->next(); gc != list; gc = gc->next())
            if (gc->collecting() && gc->refs() > 0) reach(gc);
    while (!stack.empty()) {
        GCHead* gc = stack.back();
        stack.pop_back();
        for_each_referent(gc->object(), [&reach](Object* r) {
            if (has_gc_head(r) && GCHead::of(r)->collecting()) reach(GCHead::of(r));
        });
    }
    // 3. Count what is left flagged, and what dies with it, then relink every list.
    TrashCount trash;
    std::vector<Object*> dying;
    auto count = [&](Object* op) {
        ++trash.objects;
        trash.bytes += op->type->size_of(op) + header_bytes(op->type) +
                       (op->type->owned_bytes != nullptr ? op->type->owned_bytes(op) : 0);
        if (op->type->traverse != nullptr) dying.push_back(op);
    };
    for (GCHead* list : lists)
        for (GCHead* gc = list->next(); gc != list; gc = gc->next())
            if (gc->collecting()) count(gc->object());
    for (Object* op : dead)
        if (!census_tracked(op)) count(op);  // tracked ones were counted with their list
    absl::flat_hash_map<Object*, std::intptr_t> refs_from_trash;
    while (!dying.empty()) {
        Object* op = dying.back();
        dying.pop_back();
        for_each_referent(op, [&](Object* r) {
            if (census_tracked(r)) return;  // trash itself (counted), or alive
            if (++refs_from_trash[r] == r->refcnt) count(r);
        });
    }
    for (GCHead* list : lists) {
        GCHead* prev = list;
        for (GCHead* gc = list->next(); gc != list; prev = gc, gc = gc->next()) {
            gc->set_prev(prev);
            gc->clear_collecting();
        }
    }
    return trash;
}

}  // namespace pmb
