// Runtime: reference counting, deallocation and the object-specific free lists; the part of a
// Python interpreter's memory management that sits between the program and its collector.
//
// Reference counts follow CPython: incref/decref are inline, and an object whose count reaches
// zero is deallocated at once by its type, which releases its referents (recursively) and then
// either parks its storage on a free list or hands it to the collector.
//
// The trashcan (CPython's Py_TRASHCAN_BEGIN): deallocation nests at most kTrashcanDepth deep; an
// object whose count reaches zero deeper than that is put on a deferred list (linked through its
// now-unused refcnt field, so deferring never allocates) and deallocated once the stack unwinds
// to the outermost dealloc. A chain of a million objects is freed in constant stack.
//
// Invariants:
//   dealloc_depth_ == number of type->dealloc frames on the stack;
//   deferred_ != nullptr only while dealloc_depth_ > 0;
//   defer_zero_ only under a collector that does not free at count zero, and never inside one of
//   its sweeps;
//   every object on a free list has refcnt 0, is untracked, and is still counted in the Heap;
//   gc_scheduled_ is set only between a collector's schedule_gc() and the next eval_breaker().
//
// The eval breaker (CPython 3.12+, ceval's check of eval_breaker): a collector that schedules its
// collections (schedule_gc) has them run at the next check. The interpreter checks at backward
// jumps and calls, so in the model the checks are where Python code would make them: after every
// step of a workload (Workload::run_steps), at the end of setup, and inside a step wherever its
// Python twin loops in Python code (the workload calls eval_breaker()). Bulk work that CPython does
// in one C call (pickle.loads, list(range(n))) makes no check, so no scheduled collection runs
// inside it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "objects/collector.h"
#include "objects/heap.h"
#include "objects/object.h"

namespace pmb {

// CPython 3.11's free-list capacities (Include/internal/pycore_*.h).
// Tuples of lengths 1..20 are recycled (PyTuple_NFREELISTS = 20 in 3.11, checked with
// sys._debugmallocstats(), which lists "free 20-sized PyTupleObjects").
inline constexpr std::size_t kTupleMaxSaveSize = 20;
inline constexpr std::size_t kTupleFreeListCapacity = 2000;  // PyTuple_MAXFREELIST
inline constexpr std::size_t kListFreeListCapacity = 80;     // PyList_MAXFREELIST
inline constexpr std::size_t kDictFreeListCapacity = 80;     // PyDict_MAXFREELIST
inline constexpr std::size_t kFloatFreeListCapacity = 100;   // PyFloat_MAXFREELIST
inline constexpr std::size_t kDictKeysFreeListCapacity = 80;  // 8-slot str-keyed tables (PyDict_MAXFREELIST)
inline constexpr std::size_t kDictMinKeysBytes = 120;          // 32 header + 8 indices + 5 entries x 16
inline constexpr int kTrashcanDepth = 50;                    // _PyTrash_UNWIND_LEVEL

// A bounded LIFO of dead objects of one type and size, reused before asking the collector.
struct FreeList {
    Object* head = nullptr;  // linked through refcnt, like the trashcan
    std::size_t count = 0;

    Object* pop() {
        Object* obj = head;
        if (obj != nullptr) {
            head = reinterpret_cast<Object*>(obj->refcnt);
            --count;
        }
        return obj;
    }
    void push(Object* obj) {
        obj->refcnt = reinterpret_cast<std::intptr_t>(head);
        head = obj;
        ++count;
    }
};

// Dead dict keys tables of the smallest str-keyed kind, linked through their first word.
struct KeysFreeList {
    void* head = nullptr;
    std::size_t count = 0;
    void* pop() {
        void* block = head;
        if (block != nullptr) {
            head = *static_cast<void**>(block);
            --count;
        }
        return block;
    }
    void push(void* block) {
        *static_cast<void**>(block) = head;
        head = block;
        ++count;
    }
};

struct FreeLists {
    std::array<FreeList, kTupleMaxSaveSize + 1> tuples;  // index = length; [0] unused
    FreeList lists;
    FreeList dicts;
    FreeList floats;
    KeysFreeList dict_keys;
};

class Runtime {
public:
    Runtime(Heap& heap, Collector& collector);
    ~Runtime();
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;

    Heap& heap() { return heap_; }
    Collector& collector() { return collector_; }
    FreeLists& free_lists() { return free_lists_; }

    static void incref(Object* obj) { ++obj->refcnt; }
    void decref(Object* obj) {
        if (--obj->refcnt == 0) dealloc(obj);
    }
    void xdecref(Object* obj) {
        if (obj != nullptr) decref(obj);
    }

    // Deallocates a dead object through its type, under the trashcan; under a collector that does
    // not free at count zero (a tracer), hands it to the collector instead, unless the collector
    // is sweeping (set_deferring(false)).
    void dealloc(Object* obj);
    void set_deferring(bool defer) { defer_zero_ = defer; }

    // Returns every free-listed object to the collector (CPython does this at full collections and
    // at shutdown).
    void clear_free_lists();

    // _Py_ScheduleGC: the collector asks for a collection at the next eval-breaker check.
    void schedule_gc() { gc_scheduled_ = true; }
    bool gc_scheduled() const { return gc_scheduled_; }
    // The eval-breaker check: runs a scheduled collection (one flag test when none is).
    void eval_breaker() {
        if (gc_scheduled_) run_scheduled_gc();
    }

private:
    void drain_deferred();
    void run_scheduled_gc();

    Heap& heap_;
    Collector& collector_;
    FreeLists free_lists_;
    int dealloc_depth_ = 0;
    Object* deferred_ = nullptr;
    bool defer_zero_ = false;  // !collector_.frees_at_zero(), outside the collector's sweeps
    bool gc_scheduled_ = false;
};

}  // namespace pmb
