// marksweep: a tracing-only baseline. Nothing is reclaimed when its reference count reaches zero;
// every object, cyclic or not, is reclaimed only when a mark-sweep of the whole heap runs, so the
// difference from rc and gen is what prompt reclamation buys (memory held, cache reuse) and what
// it costs (deallocation work spread over the program, and never a pause).
//
//   - A collection runs at an allocation when the Heap's live bytes (everything not yet swept,
//     garbage included) reach growth x the live bytes the last collection left (default 2.0: the
//     heap may double), and at least min_heap bytes (default 1 MiB).
//   - Mark: the roots are the objects referenced from outside the heap. A real tracer finds them
//     on its stacks and in its globals; the model's roots are the workload's C++ references, so
//     they are found from the counts, as the cycle detector does (cycle_detection.h: gc_refs =
//     count - references from the heap; > 0 is a root), and everything they reach is marked, over
//     every tracked object at once. Objects whose count is zero are garbage without tracing.
//   - Sweep: every object whose count reached zero since the last collection (the Runtime handed
//     it to defer()) is deallocated, and so is what only it kept alive; then the unmarked
//     survivors of the trace (garbage cycles) are cleared and freed as gen frees cycles.
//   - The counts are still kept: the object model is shared, and they are how roots are found.
//     What a tracer would save by not maintaining them at all is therefore not measured here.
//   - freeze_after_setup=1: objects tracked when setup ends are never traced (gc.freeze()), and
//     what they refer to stays alive.
// GC-capable objects carry the 16-byte GCHead (the trace enumerates them); atomic objects do not
// (they hold no references, so they are garbage exactly when their count is zero).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "objects/collector.h"

namespace pmb {

struct MarkSweepConfig {
    double growth = 2.0;                     // heap growth factor between collections
    std::int64_t min_heap = std::int64_t{1} << 20;  // bytes below which no collection runs
    bool freeze_after_setup = false;
};

// "growth=1.5:min_heap=4194304:freeze_after_setup=1", any subset.
MarkSweepConfig parse_marksweep_config(const std::string& options);
std::unique_ptr<Collector> make_marksweep_collector(Heap& heap, const MarkSweepConfig& config);

}  // namespace pmb
