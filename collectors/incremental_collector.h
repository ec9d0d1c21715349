// incremental: reference counting plus the incremental cycle collector of CPython 3.14.0-3.14.4
// (Python/gc.c), so that no pause but the mark phase scans the whole heap.
//
// As 3.14:
//   - Two generations. The young one's count (young.count) and heap_size count GC objects:
//     3.14.0 at allocation and deallocation (_PyObject_GC_Link, PyObject_GC_Del); 3.14.1 on
//     (gh-139951, backported to 3.14 by PR 140447) at tracking and untracking
//     (_PyObject_GC_TRACK / _PyObject_GC_UNTRACK), so untracked tuples stop counting. Past
//     threshold0 (2000) a collection is scheduled (_Py_ScheduleGC, here Runtime::schedule_gc) and
//     _Py_RunGC runs one increment at the next eval-breaker check (run_scheduled), with no second
//     look at the counts: 3.14's _PyGC_Collect(1) always runs gc_collect_increment.
//   - The old generation is split into two spaces, pending and visited, told apart by a bit in
//     each GCHead (gc_list.h); young objects carry the pending bit.
//   - work_to_do starts at -5000 (pycore_runtime_init.h). Each increment first adds
//     assess_work_to_do: the new objects (young.count, then reset) plus a slice of the heap,
//     heap_size / 10 / threshold1 (SCAN_RATE_DIVISOR 10, threshold1 = old[0].threshold = 10), at
//     most 1.5x the new objects in 3.14.0 and 2x from 3.14.1. From 3.14.1 an increment with
//     work_to_do still below zero returns at once (the young generation stays young).
//   - Tuples of the young generation holding nothing trackable are untracked (untrack_tuples).
//   - Phase MARK, the first increment of every scavenge (mark_at_start): everything reachable from
//     the roots (mark_global_roots, mark_stacks) moves to the visited space, young objects
//     included, and the increment returns: no collection, one pause over all of it. The marked
//     count is taken off work_to_do twice, by mark_at_start and by its caller (gh-141890, never
//     fixed in 3.14). Later increments of the scavenge see only the young generation and what the
//     marking did not reach, so garbage made after the mark waits for the next scavenge.
//   - Phase COLLECT: an increment is the young generation plus objects taken from the front of
//     the pending space, each with everything it transitively references in the pending space
//     (expand_region_transitively_reachable, without bound), until it holds work_to_do objects.
//     It is collected as one region (cycle_detection.h: safe for any region); survivors go to the
//     end of the visited space; work_to_do loses the increment's size (3.14.0 first adds another
//     heap slice). When the pending space is empty the scavenge is complete
//     (completed_scavenge): the spaces swap, or, with a permanent generation, the visited space
//     is merged back into the pending one; work_to_do = 0; the phase is MARK again.
//   - No dict is untracked by the collector: 3.14 has no untrack_dicts (_PyDict_MaybeUntrack was
//     removed).
//   - collect() (gc.collect()) is gc_collect_full: young and both spaces as one region, then a
//     completed scavenge; full collections clear the free lists.
//   - freeze_after_setup=1 moves everything tracked to a permanent generation (_PyGC_Freeze), its
//     objects marked visited.
//
// Where it departs from 3.14, and why:
//   - The roots. 3.14 marks from the interpreter's globals (sysdict, builtins, static types'
//     dicts) and its frames' stacks; here the roots are the workload's own C++ references, which
//     no collector can enumerate, so they are found from the counts as the cycle detector finds
//     references from outside a region: over the young generation and the pending space,
//     gc_refs = refcount - references from those objects; gc_refs > 0 is a root. A reference
//     from a frozen object counts as one from outside, so what frozen containers hold is marked
//     (3.14 does not traverse frozen objects, and marks it only if it is reachable otherwise).
//     Finding the roots this way is itself a pass over the young generation and the pending
//     space, inside the mark pause.
//   - mark_stacks at every later increment (the frames pushed since the mark) is not modelled:
//     the model cannot tell a frame's references from any other root, and finding roots again at
//     every increment would be the whole-heap pass just described. What new frames hold is young
//     or was marked already; an old object that only a new frame reaches and that the mark did
//     not reach is scanned by an increment instead (and kept: it is referenced from outside).
//   - max_increment (default 0: unbounded, as 3.14) bounds the transitive expansion, a knob
//     for studying pauses: objects the expansion did not take stay pending for later
//     increments, and an object whose own references exceed the bound (a dict of a million
//     entries) moves to the visited space unscanned. Safety does not depend on it, but
//     completeness does: a garbage cycle is found only when all of it is in one increment.
//     Larger ones then wait for a full collection: collect(), the end of the run, or every
//     full_every completed scavenges (default 0: never; a knob too, 3.14 has no such rule).
//   - version=3.14.0 or 3.14.4 (default 3.14.4, the last shipped; 3.14.1-3.14.3 have the same
//     collector as 3.14.4). gh-139951 also stopped Objects/tupleobject.c tracking most
//     untrackable tuples at creation in 3.14.1; that is the tuple type's business
//     (objects/tuple.cpp), which keeps 3.11's tracking.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "objects/collector.h"

namespace pmb {

// The 3.14 release whose collector is reproduced: 3.14.0, or 3.14.1-3.14.4 (named 3.14.4).
enum class IncrementalVersion { k3_14_0, k3_14_4 };

struct IncrementalConfig {
    IncrementalVersion version = IncrementalVersion::k3_14_4;
    std::int64_t threshold0 = 2000;   // young objects between increments (3.14's default)
    std::int64_t threshold1 = 10;     // the scan-rate scale of the old generation (3.14's default)
    std::int64_t max_increment = 0;   // objects an increment's expansion may reach (0: unbounded, as 3.14)
    std::int64_t full_every = 0;      // a full collection every N completed scavenges (0: never, as 3.14)
    bool freeze_after_setup = false;
};

// "threshold0=..:threshold1=..:max_increment=..:full_every=..:freeze_after_setup=1:version=3.14.0",
// any subset; throws std::invalid_argument (one line) on a bad key or value.
IncrementalConfig parse_incremental_config(const std::string& options);
std::unique_ptr<Collector> make_incremental_collector(Heap& heap, const IncrementalConfig& config);

}  // namespace pmb
