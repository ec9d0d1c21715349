#include "collectors/trash_census.h"

#include <sys/mman.h>

#include <new>
#include <vector>

#include "collectors/cycle_detection.h"

namespace pmb {
namespace {

// The census's scratch memory comes from mmap and goes back with munmap, never from the allocator
// under test: a census must neither change that allocator's state nor leave memory behind.
template <typename T>
struct MappedAllocator {
    using value_type = T;
    MappedAllocator() = default;
    template <typename U>
    MappedAllocator(const MappedAllocator<U>&) {}
    T* allocate(std::size_t n) {
        void* p = mmap(nullptr, n * sizeof(T), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) throw std::bad_alloc();
        return static_cast<T*>(p);
    }
    void deallocate(T* p, std::size_t n) { munmap(p, n * sizeof(T)); }
    bool operator==(const MappedAllocator&) const { return true; }
    bool operator!=(const MappedAllocator&) const { return false; }
};
template <typename T>
using MappedVector = std::vector<T, MappedAllocator<T>>;

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
    MappedVector<GCHead*> stack;
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
    // 3. Count what is left flagged, and what dies with it. An untracked object dies when every
    // reference to it comes from dying objects: each such reference takes one off its count
    // (the program is stopped; `borrowed` records every decrement, undone below), and a count
    // that reaches zero is a death, as deallocating the trash would cause.
    TrashCount trash;
    MappedVector<Object*> dying, borrowed;
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
    while (!dying.empty()) {
        Object* op = dying.back();
        dying.pop_back();
        for_each_referent(op, [&](Object* r) {
            if (census_tracked(r)) return;  // trash itself (counted), or alive
            borrowed.push_back(r);
            if (--r->refcnt == 0) count(r);
        });
    }
    for (Object* r : borrowed) ++r->refcnt;
    // The lists are doubly linked again and carry no collecting flag.
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
