// freethreaded: reference counting plus the cycle collector of CPython's free-threaded build
// (PEP 703; Python/gc_free_threading.c, 3.13t and 3.14t), one mutator thread.
//
// After python/cpython's Python/gc_free_threading.c at commit 0090365 (main in the 3.14 era, with
// the mark-alive pass; not checked line by line against the 3.13.0 and 3.14.0 tags),
// Include/object.h and Include/internal/pycore_object.h:
//
// When it collects
//   - The young count is GC allocations minus GC deallocations. Each thread buffers its own in
//     gc.alloc_count and adds it to the shared young.count when it reaches +512 or -512
//     (record_allocation / record_deallocation, LOCAL_ALLOC_COUNT_THRESHOLD = 512). Only a flush
//     of +512 tests the trigger, so with threshold 2000 the first collection is asked for at the
//     2048th net allocation. A collection resets the shared count only, not the thread's buffer,
//     and before delete_garbage: the GC objects it frees go through record_deallocation, which has
//     no clamp at 0 (gen's count has one), so a collection that frees N objects leaves the count
//     near -N and the next one waits for about N + 2048 allocations.
//   - gc_should_collect: count > threshold (young.threshold = 2000, _PyGC_InitState), threshold
//     != 0, and count > long_lived_total / 4 (ignored when old[0].threshold, gc's threshold1, is
//     0). There is no other generation: the quarter of the survivors is the only brake.
//   - The allocation only schedules (_Py_ScheduleGC -> Runtime::schedule_gc); the collection runs
//     at the next eval-breaker check (_Py_RunGC -> gc_collect_main(tstate, 0, _Py_GC_REASON_HEAP)),
//     which tests gc_should_collect again and does nothing if it no longer holds.
//   - 3.14 adds a memory-based deferral (gh-132917, PR 133399; process size instead of RSS in
//     GH-133464; reverted for 3.15 by PR 149475, gh-148937, because mimalloc does not give pages
//     back promptly). When the count test passes, gc_should_collect_mem_usage still collects only
//     if the deferred count exceeds 40 x threshold or the process memory grew by more than
//     max(last_mem / 10, 128 KiB) since the last collection; otherwise young.count moves into
//     deferred_count and nothing is scheduled. last_mem is taken after every collection and
//     deferred_count reset. Option defer_on_memory=1 models it, with the Heap's live bytes
//     standing in for the process size (the OS's figure, which also holds mimalloc's retained
//     pages, is not known to a collector here: the model defers less than 3.14t does). Off by
//     default, as in 3.13t and 3.15t. These details come from the PR and the 3.14 struct
//     comments (pycore_interp.h: last_mem, deferred_count), not from the tagged file.
//
// What a collection does
//   - No generations and no GC list: CPython walks every mimalloc heap of GC objects
//     (gc_visit_heaps). One collection is the whole heap, stop-the-world. The model keeps one
//     list of every tracked object, `heap_`, standing in for that walk.
//   - update_refs (gc_refs in ob_tid; tuples with a positive count and nothing trackable inside
//     are untracked here, gc_maybe_untrack: tuples only, never dicts), subtract the internal
//     references, mark_heap_visitor / mark_reachable from what has gc_refs > 0,
//     scan_heap_visitor (the rest is unreachable; reachable tracked objects are counted as
//     long_lived_total), delete_garbage (tp_clear, reference counting frees the rest). The
//     model runs the shared deduce_unreachable (cycle_detection.h), which finds the same set.
//   - The free lists of every thread are cleared by every collection (_PyGC_ClearAllFreeLists in
//     gc_collect_internal, _PyObject_ClearFreeLists again in gc_collect_main), not only by full
//     ones as under gen.
//   - Statistics as gc.get_stats() in 3.13t: generation_stats[generation], where an automatic
//     collection passes generation 0 and gc.collect() NUM_GENERATIONS - 1. So automatic
//     collections are counted in slot 0 and explicit ones in slot 2 (against a real 3.13t twin
//     the tables then line up), although every one of them is a collection of the whole heap.
//     "scanned_objects" sums the tracked objects each collection walked; "long_lived_total" is the
//     last collection's survivors; "deferred_collections" counts memory deferrals.
//   - gc.collect() is the same collection. gc.freeze() exists (_PyGC_Freeze sets
//     _PyGC_BITS_FROZEN on every tracked object; frozen objects are skipped by op_from_block and
//     not counted in long_lived_total); freeze_after_setup=1 as for the other collectors.
//
// Object layout
//   - The free-threaded PyObject header is 32 bytes (ob_tid 8, ob_flags 2, ob_mutex 1,
//     ob_gc_bits 1, ob_ref_local 4, ob_ref_shared 8, ob_type 8) against 16, and GC objects have no
//     PyGC_Head (_PyType_PreHeaderSize counts sizeof(PyGC_Head) only #ifndef Py_GIL_DISABLED; the
//     two managed-dict/weakref words of Py_TPFLAGS_PREHEADER are there in both builds).
//   - The model's Object stays 16 bytes; every object gets 16 bytes in front of it: a GCHead for
//     GC-capable ones (the heap walk's list, in place of ob_tid/ob_gc_bits/ob_ref_shared), a pad
//     for the others. Every block is then the free-threaded size: a GC object's equals gen's, an
//     atomic object's is 16 bytes bigger. gc_header_size() and plain_header_size() both say 16.
//
// Not modelled: biased reference counting (ob_ref_local / ob_ref_shared, the merge queue), QSBR's
// delayed frees, deferred reference counts on stacks, several mutator threads and their
// per-thread counts and free lists, the abandoned pool: a later issue, with threads. The
// mark-alive pass of 3.14 (mark_alive_from_roots: sysdict, builtins, type dicts, thread stacks)
// needs a root set the model does not have (a workload's references are counted, not listed);
// it changes what a collection costs, not what it frees. Finalizers, weak references, gc
// callbacks and legacy finalizers are absent as in gen, so uncollectable is always 0. The walk
// visits tracked objects only, where mimalloc's visits every allocated GC block (untracked and
// frozen ones included).
//
// Invariants: every tracked object is on heap_ or, frozen, on permanent_; young_count_ moves only
// by flushes of alloc_count_ (|alloc_count_| < 512 after any of them), by collections (to 0) and
// by memory deferrals (to 0, into deferred_count_).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "objects/collector.h"

namespace pmb {

struct FreeThreadedConfig {
    std::int64_t threshold0 = 2000;  // young.threshold (_PyGC_InitState); 0: no automatic collections
    std::int64_t threshold1 = 10;    // old[0].threshold: only whether it is 0 matters (no scaling)
    bool defer_on_memory = false;    // 3.14's gc_should_collect_mem_usage
    bool freeze_after_setup = false;  // gc.freeze() when the workload's setup ends
};

// Parses "threshold0=2000:threshold1=10:defer_on_memory=1:freeze_after_setup=1" (any subset).
FreeThreadedConfig parse_freethreaded_config(const std::string& options);
std::unique_ptr<Collector> make_freethreaded_collector(Heap& heap, const FreeThreadedConfig& config);

}  // namespace pmb
