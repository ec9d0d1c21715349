// gen: reference counting plus the generational cycle collector of CPython 3.11
// (Modules/gcmodule.c), reproduced in the points that change time and memory.
//
//   - Three generations with thresholds (700, 10, 10), settable ("gen:threshold0=2000:...").
//   - generations[0].count rises with every fresh allocation of a GC-capable object (tracked or
//     not) and falls with every GC deallocation that reaches release() (if above 0); free-listed
//     objects touch neither. When it exceeds threshold 0 at an allocation, a collection runs
//     after the object's memory is obtained and before the allocation returns (3.11).
//   - The generation collected is the oldest whose count exceeds its threshold, except that the
//     oldest is skipped while long_lived_pending < long_lived_total / 4.
//   - Collecting generation g merges the younger generations into it, then: update_refs
//     (gc_refs = refcount), subtract_refs (minus references from inside the set),
//     move_unreachable (CPython's single-pass algorithm with tentative moves), untrack tuples
//     holding nothing trackable, move survivors to g + 1 (in a full collection: untrack such
//     dicts and reset the long-lived counters), re-check the garbage (3.11 recomputes
//     reachability of the unreachable set after finalizers, which do not exist here), then
//     delete_garbage: tp_clear on each object, reference counting frees the rest.
//   - Counts: generations 0..g reset, generation g + 1's count incremented; full collections also
//     clear the free lists.
//   - Statistics like gc.get_stats() (collections, collected, uncollectable per generation) and
//     the duration of every collection.
//   - freeze_after_setup=1: gc.freeze() when the workload's setup ends (everything tracked moves
//     to a permanent generation no collection scans; gc.unfreeze() before the final collection).
// Not modelled: finalizers (tp_finalize, tp_del, gc.garbage), weak references, gc callbacks;
// uncollectable is therefore always 0.
#pragma once

#include <array>
#include <memory>
#include <string>

#include "objects/collector.h"

namespace pmb {

struct GenerationalConfig {
    std::array<std::int64_t, 3> thresholds = {700, 10, 10};  // gc.get_threshold()
    bool freeze_after_setup = false;  // gc.freeze() when the workload's setup ends
};

// Parses "threshold0=700:threshold1=10:threshold2=10:freeze_after_setup=1" (any subset; empty =
// CPython's defaults).
GenerationalConfig parse_generational_config(const std::string& options);
std::unique_ptr<Collector> make_generational_collector(Heap& heap, const GenerationalConfig& config);

}  // namespace pmb
