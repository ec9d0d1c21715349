// The reclamation axis: what every collector looks like to the object model. The interface lives
// with the object model, which calls it; the collectors themselves are in collectors/.
//
// A collector owns the life of object memory: it allocates a new object's storage (adding its own
// header in front if it needs one), decides when to look for garbage, and gives storage back. It
// never knows which allocator serves it (it has a Heap) nor which workload runs (it sees objects
// only through their TypeInfo). Reference counting itself lives in the Runtime, because every
// strategy here but a pure tracer shares it; a collector only hears about objects whose count
// reached zero, through release().
//
// The hooks mirror CPython 3.11's C API so a faithful collector can reproduce its counters:
//   allocate  = PyObject_GC_New / PyObject_New: fresh storage, may run a collection first;
//   track     = PyObject_GC_Track, untrack = PyObject_GC_UnTrack;
//   release   = PyObject_GC_Del / PyObject_Free: storage goes back to the allocator.
// From 3.12 a collection no longer runs inside the allocation that triggers it: the collector
// calls Runtime::schedule_gc() and the interpreter runs it at its next eval-breaker check
// (Runtime::eval_breaker, run_scheduled below).
// Free lists (tuples, lists, dicts, floats) sit in the Runtime in front of allocate/release, as in
// CPython, so objects they recycle are neither counted as allocations nor as deallocations.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "measure/pause.h"
#include "objects/heap.h"
#include "objects/object.h"

namespace pmb {

// What a collector reports at the end of a run.
struct CollectorReport {
    std::uint64_t leaked_objects = 0;  // objects still allocated after the workload dropped its roots
    std::uint64_t leaked_bytes = 0;    // their bytes, GC headers included
    nlohmann::json gc = nlohmann::json::object();  // per-generation statistics and pauses, if any
    // Every pause in order, complete (the JSON log in `gc` is capped for size): the input of
    // minimum mutator utilization. 16 bytes per collection.
    std::vector<GcPause> pauses;
};

// Garbage awaiting collection at one instant: objects the program can no longer reach that are
// not freed yet, and the bytes freeing them would return (collectors/trash_census.h).
struct TrashCount {
    std::uint64_t objects = 0;
    std::uint64_t bytes = 0;
};

class Collector {
public:
    virtual ~Collector() = default;
    virtual const std::string& name() const = 0;

    // Called once before any allocation: the runtime whose objects this collector manages.
    virtual void attach(Runtime& rt) = 0;

    // Bytes this collector puts in front of GC-capable objects (0 or CPython's 16-byte PyGC_Head).
    virtual std::size_t gc_header_size() const = 0;
    // Bytes it puts in front of objects that are not GC-capable: 0, but for a model of a build
    // whose object header is bigger than Object (freethreaded: 16, PEP 703's 32-byte PyObject).
    virtual std::size_t plain_header_size() const { return 0; }

    // Storage for a new object of `size` body bytes; returns the object with refcnt 1 and its type
    // set. The object is not yet tracked: the type's constructor tracks it when it is initialised.
    virtual Object* allocate(const TypeInfo* type, std::size_t size) = 0;
    virtual void track(Object* obj) = 0;
    virtual void untrack(Object* obj) = 0;
    virtual bool is_tracked(const Object* obj) const = 0;
    // Storage of a dead, untracked object goes back; `size` is its body size.
    virtual void release(Object* obj, std::size_t size) = 0;

    // An explicit full collection (gc.collect()); a no-op for pure reference counting.
    virtual void collect() = 0;
    // The eval breaker has found a collection scheduled (Runtime::schedule_gc, CPython 3.12+'s
    // _Py_ScheduleGC): run it now if it is still due. Never called for a collector that collects
    // inside the allocation (3.11) and so never schedules.
    virtual void run_scheduled() {}
    // The workload's setup has ended (called once, before the op loop). A collector asked to
    // freeze (option freeze_after_setup=1) moves every tracked object to a permanent generation
    // here, as gc.freeze() does: they are never scanned again, and what they refer to is kept.
    virtual void setup_finished() {}
    // False for a tracing collector: an object whose count reaches zero is then not deallocated
    // by the Runtime but handed to defer(), and reclaimed when the collector decides.
    virtual bool frees_at_zero() const { return true; }
    virtual void defer(Object*) {}
    // Counts the trash now, exactly, outside any collection, changing nothing; nullopt for a
    // collector that keeps no list of its objects (rc: what it never frees is counted as leaked
    // by finish()).
    virtual std::optional<TrashCount> measure_trash() { return std::nullopt; }
    // The workload has dropped every root: account for what is left.
    virtual CollectorReport finish() = 0;
};

}  // namespace pmb
