// incremental: reference counting plus an incremental cycle collector in the manner of CPython
// 3.14's (Python/gc.c), so that no pause scans the whole heap.
//
// As 3.14:
//   - Two generations. The young one counts GC allocations as 3.11's generation 0 does; when the
//     count exceeds threshold0 (3.14's default 2000) at an allocation, one increment runs.
//   - The old generation is split into two spaces, pending and visited, told apart by a bit in
//     each GCHead (gc_list.h). An increment is the young generation plus objects taken from the
//     front of the pending space, each with what it transitively references in the pending space,
//     until it holds work_to_do objects. The increment is collected as one region
//     (cycle_detection.h: safe for any region) and its survivors go to the end of the visited
//     space. When the pending space is empty a scavenge is complete: the spaces swap.
//   - work_to_do is assess_work_to_do's: the new objects since the last increment plus a slice of
//     the heap (heap / 10 / threshold1, threshold1 = 3.14's old threshold 10, at most 1.5x the
//     new objects), carried over from increment to increment (minus what each took, plus another
//     slice), and reset when a scavenge completes. Tuples holding nothing trackable are untracked
//     at every increment, dicts at full collections.
//   - collect() (gc.collect()) is a full collection: young and both spaces as one region, then
//     a completed scavenge; full collections clear the free lists.
//   - freeze_after_setup=1 moves everything tracked to a permanent generation (gc.freeze()).
//
// Where it departs from 3.14, and why:
//   - No marking from roots. 3.14 first marks everything reachable from the interpreter's stacks
//     and globals as visited (mark_at_start, one pause over all of it: "TO DO -- Make this
//     incremental"). Here the roots are the workload's own C++ references, which no collector can
//     enumerate, and such a pass would be the full-heap pause this collector exists to avoid.
//   - The transitive expansion of an increment stops at max_increment objects (default 20000).
//     3.14 expands without bound, so one large connected structure (lru's cache dict and every
//     entry it holds) lands in a single increment that scans it whole. Objects the expansion did
//     not take stay pending for later increments. Safety does not depend on it (a reference from
//     outside a region keeps its target alive), but completeness does: a garbage cycle is found
//     when all of it is in one increment, which bounded expansion guarantees only for cycles whose
//     closure in the pending space fits in max_increment. Larger ones survive the scavenge and are
//     reclaimed by a full collection: collect(), the end of the run, or every full_every
//     completed scavenges (default 0: never automatically; results count truncated increments
//     and what a final collection still found, uncollected_at_end_objects).
//   - An object whose own references exceed max_increment (a dict of a million entries: its
//     traversal alone would be the long pause) is not scanned by increments; it moves to the
//     visited space as it is and what it refers to counts as referenced from outside. If it is
//     garbage, a full collection finds it.
//   - After a scavenge, frozen objects have their old-space bit flipped with the spaces (3.14
//     instead re-marks the old generation when its permanent generation is not empty).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "objects/collector.h"

namespace pmb {

struct IncrementalConfig {
    std::int64_t threshold0 = 2000;     // young allocations between increments (3.14's default)
    std::int64_t threshold1 = 10;       // the scan-rate scale of the old generation (3.14's default)
    std::int64_t max_increment = 20000;  // objects an increment's expansion may reach (0: unbounded)
    std::int64_t full_every = 0;        // a full collection every N completed scavenges (0: never)
    bool freeze_after_setup = false;
};

// "threshold0=..:threshold1=..:max_increment=..:full_every=..:freeze_after_setup=1", any subset.
IncrementalConfig parse_incremental_config(const std::string& options);
std::unique_ptr<Collector> make_incremental_collector(Heap& heap, const IncrementalConfig& config);

}  // namespace pmb
