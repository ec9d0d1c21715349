#include "collectors/freethreaded_collector.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "collectors/collector_options.h"
#include "collectors/cycle_collector.h"
#include "collectors/cycle_detection.h"
#include "collectors/gc_list.h"
#include "collectors/gc_object.h"
#include "collectors/pause_log.h"
#include "measure/clock.h"
#include "objects/runtime.h"

namespace pmb {
namespace {

// PauseLog slots, as gc.get_stats() in 3.13t: _Py_RunGC collects "generation" 0, gc.collect() 2.
constexpr int kAutomaticSlot = 0;
constexpr int kExplicitSlot = 2;

constexpr std::int64_t kLocalAllocCountThreshold = 512;  // LOCAL_ALLOC_COUNT_THRESHOLD
// gc_should_collect_mem_usage (3.14): collect anyway once this many thresholds were deferred,
// or once memory grew by a tenth since the last collection, and by at least 128 KiB.
constexpr std::int64_t kDeferredThresholds = 40;
constexpr std::int64_t kMemGrowthDivisor = 10;
constexpr std::int64_t kMinMemGrowthKib = 128;

// The 16 bytes the free-threaded PyObject header has beyond Object: a GCHead for GC objects, a pad
// for the others.
constexpr std::size_t kExtraHeader = sizeof(GCHead);

class FreeThreadedCollector final : public CycleCollector {
public:
    FreeThreadedCollector(Heap& heap, const FreeThreadedConfig& config)
        : CycleCollector(heap, "freethreaded"), config_(config) {
        gc_list_init(&heap_objects_);
    }

    std::size_t plain_header_size() const override { return kExtraHeader; }

    Object* allocate(const TypeInfo* type, std::size_t size) override {
        Object* obj;
        if (type->gc_capable) {
            obj = new_counted(type, size);
            record_allocation();
        } else {
            auto* pad = static_cast<GCHead*>(heap_.allocate(kExtraHeader + size));
            pad->next_ = 0;
            pad->prev_ = 0;
            obj = pad->object();
            obj->refcnt = 1;
            obj->type = type;
            ++live_objects_;
        }
        return obj;
    }

    void track(Object* obj) override { track_on(&heap_objects_, obj); }

    void release(Object* obj, std::size_t size) override {
        if (obj->type->gc_capable) {
            record_deallocation();  // PyObject_GC_Del
            free_counted(obj, size);
            return;
        }
        --live_objects_;
        heap_.release(reinterpret_cast<char*>(obj) - kExtraHeader, kExtraHeader + size);
    }

    // gc.collect(): gc_collect_main(NUM_GENERATIONS - 1, _Py_GC_REASON_MANUAL), no trigger test.
    void collect() override {
        if (collecting_) return;
        timed_collection(kExplicitSlot);
    }

    // _Py_RunGC: gc_collect_main(0, _Py_GC_REASON_HEAP) tests the trigger again.
    void run_scheduled() override {
        if (collecting_ || !should_collect()) return;
        timed_collection(kAutomaticSlot);
    }

    void setup_finished() override {
        if (config_.freeze_after_setup) freeze(&heap_objects_);
    }

    CollectorReport finish() override {
        nlohmann::json stats = pauses_.stats_json();
        stats["thresholds"] = {config_.threshold0, config_.threshold1, 0};
        stats["long_lived_total"] = long_lived_total_;
        stats["scanned_objects"] = scanned_objects_;
        stats["deferred_collections"] = deferred_collections_;
        return report_at_end(std::move(stats), &heap_objects_, [this] { collect_heap(); });
    }

private:
    std::vector<GCHead*> gc_lists() override { return {&heap_objects_}; }
    std::size_t header_bytes(const TypeInfo*) const override { return kExtraHeader; }

    // record_allocation: the thread's buffer goes to the shared count every 512 allocations, and
    // only then is the trigger tested.
    void record_allocation() {
        if (++alloc_count_ < kLocalAllocCountThreshold) return;
        young_count_ += alloc_count_;
        alloc_count_ = 0;
        if (should_collect() && !collecting_ && rt_ != nullptr) rt_->schedule_gc();
    }

    void record_deallocation() {
        if (--alloc_count_ > -kLocalAllocCountThreshold) return;
        young_count_ += alloc_count_;
        alloc_count_ = 0;
    }

    // gc_should_collect.
    bool should_collect() {
        const std::int64_t threshold = config_.threshold0;
        if (young_count_ <= threshold || threshold == 0) return false;
        if (config_.threshold1 == 0) return true;
        if (young_count_ <= long_lived_total_ / 4) return false;
        return !config_.defer_on_memory || memory_has_grown();
    }

    // gc_should_collect_mem_usage (3.14), the Heap's live bytes standing for the process size.
    bool memory_has_grown() {
        if (deferred_count_ > config_.threshold0 * kDeferredThresholds) return true;
        const std::int64_t mem = memory_kib();
        if (mem - last_mem_kib_ > std::max(last_mem_kib_ / kMemGrowthDivisor, kMinMemGrowthKib)) return true;
        deferred_count_ += young_count_;
        young_count_ = 0;
        ++deferred_collections_;
        return false;
    }

    std::int64_t memory_kib() const { return static_cast<std::int64_t>(heap_.live_bytes() / 1024); }

    void timed_collection(int slot) {
        collecting_ = true;
        const std::uint64_t t0 = now_ns();
        const std::size_t collected = collect_heap();
        pauses_.record(t0, now_ns() - t0, slot, collected);
        collecting_ = false;
    }

    // gc_collect_internal over the whole heap; returns the objects collected.
    std::size_t collect_heap() {
        young_count_ = 0;  // the shared count only: alloc_count_, the thread's buffer, is kept
        untrack_tuples();
        scanned_objects_ += gc_list_size(&heap_objects_);
        GCHead unreachable;
        deduce_unreachable(&heap_objects_, &unreachable);
        long_lived_total_ = static_cast<std::int64_t>(gc_list_size(&heap_objects_));  // scan_heap_visitor
        const std::size_t collected = gc_list_size(&unreachable);
        delete_garbage(&unreachable, &heap_objects_, rt_);
        if (rt_ != nullptr) rt_->clear_free_lists();
        last_mem_kib_ = memory_kib();
        deferred_count_ = 0;
        return collected;
    }

    // update_refs' gc_maybe_untrack: a tuple referred to (count > 0) that holds nothing trackable
    // leaves the heap walk before gc_refs are computed, reachable or not.
    void untrack_tuples() {
        GCHead* next = nullptr;
        for (GCHead* gc = heap_objects_.next(); gc != &heap_objects_; gc = next) {
            next = gc->next();
            Object* op = gc->object();
            if (op->type->untrack_when == UntrackWhen::kEveryCollection && op->refcnt > 0 &&
                op->type->holds_no_trackable(op, *this))
                untrack(op);
        }
    }

    FreeThreadedConfig config_;
    GCHead heap_objects_;  // every tracked, unfrozen object: the mimalloc GC heaps' walk
    std::int64_t alloc_count_ = 0;  // the thread's buffer (_gc_thread_state.alloc_count)
    std::int64_t young_count_ = 0;  // young.count
    std::int64_t long_lived_total_ = 0;
    std::int64_t deferred_count_ = 0;
    std::int64_t last_mem_kib_ = 0;
    std::uint64_t scanned_objects_ = 0;
    std::uint64_t deferred_collections_ = 0;
};

}  // namespace

FreeThreadedConfig parse_freethreaded_config(const std::string& text) {
    const CollectorOptions options("freethreaded", text,
                                   {"threshold0", "threshold1", "defer_on_memory", "freeze_after_setup"});
    FreeThreadedConfig c;
    c.threshold0 = options.integer("threshold0", c.threshold0);
    c.threshold1 = options.integer("threshold1", c.threshold1);
    c.defer_on_memory = options.integer("defer_on_memory", 0) != 0;
    c.freeze_after_setup = options.integer("freeze_after_setup", 0) != 0;
    return c;
}

std::unique_ptr<Collector> make_freethreaded_collector(Heap& heap, const FreeThreadedConfig& config) {
    return std::make_unique<FreeThreadedCollector>(heap, config);
}

}  // namespace pmb
