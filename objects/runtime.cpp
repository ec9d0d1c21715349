#include "objects/runtime.h"

namespace pmb {

Runtime::Runtime(Heap& heap, Collector& collector)
    : heap_(heap), collector_(collector), defer_zero_(!collector.frees_at_zero()) {
    collector_.attach(*this);
}

Runtime::~Runtime() { clear_free_lists(); }

void Runtime::dealloc(Object* obj) {
    if (defer_zero_) {
        collector_.defer(obj);
        return;
    }
    if (dealloc_depth_ >= kTrashcanDepth) {
        obj->refcnt = reinterpret_cast<std::intptr_t>(deferred_);
        deferred_ = obj;
        return;
    }
    ++dealloc_depth_;
    obj->type->dealloc(obj, *this);
    --dealloc_depth_;
    if (dealloc_depth_ == 0 && deferred_ != nullptr) drain_deferred();
}

void Runtime::drain_deferred() {
    // Runs at depth 1 so that objects dying inside these deallocs defer again past the limit
    // instead of recursing; the loop ends when no deallocation left anything behind.
    ++dealloc_depth_;
    while (deferred_ != nullptr) {
        Object* obj = deferred_;
        deferred_ = reinterpret_cast<Object*>(obj->refcnt);
        obj->refcnt = 0;
        obj->type->dealloc(obj, *this);
    }
    --dealloc_depth_;
}

void Runtime::run_scheduled_gc() {
    gc_scheduled_ = false;  // first: the collection may schedule the next one
    collector_.run_scheduled();
}

void Runtime::clear_free_lists() {
    auto drain = [this](FreeList& list) {
        while (Object* obj = list.pop()) collector_.release(obj, obj->type->size_of(obj));
    };
    for (FreeList& list : free_lists_.tuples) drain(list);
    drain(free_lists_.lists);
    drain(free_lists_.dicts);
    drain(free_lists_.floats);
    while (void* keys = free_lists_.dict_keys.pop()) heap_.release(keys, kDictMinKeysBytes);
}

}  // namespace pmb
