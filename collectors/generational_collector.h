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
//     the duration of every collection; "version" names the preset.
//   - freeze_after_setup=1: gc.freeze() when the workload's setup ends (everything tracked moves
//     to a permanent generation no collection scans; gc.unfreeze() before the final collection).
//
// version= presets the collector of a later CPython; only what changed in the sources changes
// (explicit thresholdN= options still win over the preset's thresholds):
//   3.11   (default) everything above; the `validate` command checks it against python3.11.
//   3.12   Modules/gcmodule.c, v3.12: _PyObject_GC_Link counts the allocation as 3.11 does but,
//          past threshold 0, only calls _Py_ScheduleGC; _Py_RunGC runs gc_collect_generations at
//          the interpreter's next eval-breaker check (here Runtime::schedule_gc in allocate, the
//          collection in run_scheduled). gc_collect_generations looks at the counts again then, so
//          nothing runs when they no longer exceed a threshold (frees since, or a gc.collect()).
//          Thresholds (700, 10, 10); gc_collect_main otherwise as 3.11.
//   3.13   Python/gc.c, v3.13: threshold 0 is 2000 (thresholds (2000, 10, 10)). _Py_RunGC calls
//          gc_collect_main(GENERATION_AUTO), whose gc_select_generation applies the same rule
//          (oldest generation over its threshold, the long-lived ratio for the oldest) and returns
//          without collecting when none is due; scheduling as 3.12. Dicts are still untracked at
//          full collections (untrack_dicts).
//   3.14.5 and 3.15: 3.13's collector restored (gh-148726, the revert of the incremental one).
//          The one difference in how generations are collected: no dict untracking at full
//          collections, since _PyDict_MaybeUntrack was removed in 3.14; long_lived_total is then
//          the plain size of the surviving oldest generation.
// Not modelled: finalizers (tp_finalize, tp_del, gc.garbage), weak references, gc callbacks;
// uncollectable is therefore always 0. Nor, for 3.14.5 and 3.15, where Objects/tupleobject.c
// tracks a new tuple (gh-139951 leaves most untrackable tuples untracked from creation): that is
// the tuple type's business (objects/tuple.cpp), which keeps 3.11's tracking for every preset.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "objects/collector.h"

namespace pmb {

// The CPython whose generational collector gen reproduces (see above).
enum class GcVersion { k3_11, k3_12, k3_13, k3_14_5, k3_15 };

// "3.11", "3.12", ...; throws std::invalid_argument (one line, naming the accepted ones) otherwise.
GcVersion parse_gc_version(const std::string& text);
const char* gc_version_name(GcVersion version);
// What a version changes: its default thresholds, whether a collection is scheduled for the eval
// breaker instead of run inside the allocation, whether full collections untrack dicts.
std::array<std::int64_t, 3> default_thresholds(GcVersion version);
inline bool collects_at_eval_breaker(GcVersion version) { return version != GcVersion::k3_11; }
inline bool untracks_dicts(GcVersion version) { return version <= GcVersion::k3_13; }

struct GenerationalConfig {
    std::array<std::int64_t, 3> thresholds = {700, 10, 10};  // gc.get_threshold()
    bool freeze_after_setup = false;  // gc.freeze() when the workload's setup ends
    GcVersion version = GcVersion::k3_11;  // last: GenerationalConfig{{700, 10, 10}} still reads as before
};

// Parses "version=3.13:threshold0=700:threshold1=10:threshold2=10:freeze_after_setup=1" (any
// subset; empty = CPython 3.11's defaults; thresholdN= overrides the version's).
GenerationalConfig parse_generational_config(const std::string& options);
std::unique_ptr<Collector> make_generational_collector(Heap& heap, const GenerationalConfig& config);

}  // namespace pmb
