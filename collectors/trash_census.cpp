#include "collectors/trash_census.h"

#include <sys/mman.h>

#include <cstring>
#include <new>

#include "collectors/cycle_detection.h"

namespace pmb {
namespace {

// The census's scratch stacks: a few thousand entries in place (most censuses need no more), then
// memory from mmap, given back with munmap; never memory of the allocator under test, so that a
// census neither changes that allocator's state nor leaves memory behind.
template <typename T>
class ScratchStack {
public:
    ScratchStack() = default;
    ScratchStack(const ScratchStack&) = delete;
    ScratchStack& operator=(const ScratchStack&) = delete;
    ~ScratchStack() {
        if (data_ != inline_) munmap(data_, capacity_ * sizeof(T));
    }
    bool empty() const { return size_ == 0; }
    void push_back(T v) {
        if (size_ == capacity_) grow();
        data_[size_++] = v;
    }
    T pop_back() { return data_[--size_]; }
    const T* begin() const { return data_; }
    const T* end() const { return data_ + size_; }

private:
    static constexpr std::size_t kInline = 2048;
    void grow() {
        const std::size_t capacity = capacity_ * 4;
        void* p = mmap(nullptr, capacity * sizeof(T), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) throw std::bad_alloc();
        std::memcpy(p, data_, size_ * sizeof(T));
        if (data_ != inline_) munmap(data_, capacity_ * sizeof(T));
        data_ = static_cast<T*>(p);
        capacity_ = capacity;
    }
    T inline_[kInline];
    T* data_ = inline_;
    std::size_t size_ = 0, capacity_ = kInline;
};

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
    ScratchStack<GCHead*> stack;
    auto reach = [&stack](GCHead* gc) {
        gc->clear_collecting();
        stack.push_back(gc);
    };
    for (GCHead* list : lists)
        for (GCHead* gc = list->next(); gc != list; gc = gc->next())
            if (gc->collecting() && gc->refs() > 0) reach(gc);
    while (!stack.empty()) {
        GCHead* gc = stack.pop_back();
        for_each_referent(gc->object(), [&reach](Object* r) {
            if (has_gc_head(r) && GCHead::of(r)->collecting()) reach(GCHead::of(r));
        });
    }
    // 3. Count what is left flagged, and what dies with it. An untracked object dies when every
    // reference to it comes from dying objects: each such reference takes one off its count
    // (the program is stopped; `borrowed` records every decrement, undone below), and a count
    // that reaches zero is a death, as deallocating the trash would cause.
    TrashCount trash;
    ScratchStack<Object*> dying, borrowed;
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
        Object* op = dying.pop_back();
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
