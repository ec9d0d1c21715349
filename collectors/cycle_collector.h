// CycleCollector: what the three collectors that find cycles (gen, incremental, marksweep) share,
// so each file holds only its own policy (when to collect, what a collection scans):
//   - a 16-byte GCHead in front of every GC-capable object (gc_object.h), tracking and untracking;
//   - the count of live objects (every allocation and release goes through new_counted and
//     free_counted), from which the end of a run tells garbage not yet found from leaks;
//   - the flag that keeps a collection from starting inside another (collecting_);
//   - gc.freeze()'s permanent generation (freeze) and the pause log;
//   - the end of a run (report_at_end): gc.unfreeze(), the final full collection, the leak count;
//   - the trash census (measure_trash) over the lists each collector names (gc_lists) and the
//     permanent generation.
//
// Invariants: live_objects_ is the number of objects allocated and not yet released; every
// frozen object is on permanent_ until report_at_end merges it back.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "collectors/gc_list.h"
#include "collectors/gc_object.h"
#include "collectors/pause_log.h"
#include "collectors/trash_census.h"
#include "objects/collector.h"
#include "objects/runtime.h"

namespace pmb {

class CycleCollector : public Collector {
public:
    const std::string& name() const override { return name_; }
    void attach(Runtime& rt) override { rt_ = &rt; }
    std::size_t gc_header_size() const override { return sizeof(GCHead); }
    void untrack(Object* obj) override { untrack_object(obj); }
    bool is_tracked(const Object* obj) const override { return object_is_tracked(obj); }
    std::optional<TrashCount> measure_trash() override {
        std::vector<GCHead*> lists = gc_lists();
        if (lists.empty() || collecting_) return std::nullopt;
        lists.push_back(&permanent_);
        return count_trash(lists, dead_objects(), [this](const TypeInfo* t) { return header_bytes(t); });
    }

protected:
    CycleCollector(Heap& heap, std::string name) : name_(std::move(name)), heap_(heap) { gc_list_init(&permanent_); }

    // Every list on which this collector keeps tracked objects (generations, spaces), the
    // permanent generation excepted; empty: no census.
    virtual std::vector<GCHead*> gc_lists() { return {}; }
    // Objects already dead but not yet freed, on no list if untracked (a tracer's zero counts).
    virtual const std::vector<Object*>& dead_objects() const {
        static const std::vector<Object*> none;
        return none;
    }
    // The bytes in front of an object of type `t` (the GC header of GC-capable objects).
    virtual std::size_t header_bytes(const TypeInfo* t) const { return t->gc_capable ? sizeof(GCHead) : 0; }

    // A new object's storage, GC header included, counted live.
    Object* new_counted(const TypeInfo* type, std::size_t size) {
        Object* obj = new_object(heap_, type, size);
        ++live_objects_;
        return obj;
    }
    void free_counted(Object* obj, std::size_t size) {
        --live_objects_;
        free_object(heap_, obj, size);
    }

    // gc.freeze() of one list: its objects join the permanent generation.
    void freeze(GCHead* list) {
        frozen_ += gc_list_size(list);
        gc_list_merge(list, &permanent_);
    }

    // The run's report: `gc` (the collector's statistics; frozen_objects is added here), every pause,
    // then gc.unfreeze() into `unfreeze_into` and `full_collection`, the final gc.collect().
    template <typename FullCollection>
    CollectorReport report_at_end(nlohmann::json gc, GCHead* unfreeze_into, FullCollection&& full_collection) {
        CollectorReport report;
        report.gc = std::move(gc);
        report.gc["frozen_objects"] = frozen_;
        report.pauses = pauses_.pauses();
        gc_list_merge(&permanent_, unfreeze_into);
        account_final_collection(report, rt_, heap_, live_objects_, std::forward<FullCollection>(full_collection));
        return report;
    }

    const std::string name_;
    Heap& heap_;
    Runtime* rt_ = nullptr;
    GCHead permanent_;  // gc.freeze()'s permanent generation
    bool collecting_ = false;
    std::uint64_t live_objects_ = 0;
    std::uint64_t frozen_ = 0;
    PauseLog pauses_;
};

}  // namespace pmb
