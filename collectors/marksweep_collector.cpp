#include "collectors/marksweep_collector.h"

#include <algorithm>
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

constexpr int kFullSlot = 2;  // PauseLog slot: every collection is of the whole heap

class MarkSweepCollector final : public CycleCollector {
public:
    MarkSweepCollector(Heap& heap, const MarkSweepConfig& config)
        : CycleCollector(heap, "marksweep"), config_(config),
          next_collection_at_(static_cast<std::size_t>(config.min_heap)) {
        gc_list_init(&tracked_);
    }
    bool frees_at_zero() const override { return false; }
    void defer(Object* obj) override { zero_count_.push_back(obj); }

    Object* allocate(const TypeInfo* type, std::size_t size) override {
        if (heap_.live_bytes() >= next_collection_at_ && !collecting_) collect();
        return new_counted(type, size);
    }

    void track(Object* obj) override { track_on(&tracked_, obj); }
    void release(Object* obj, std::size_t size) override { free_counted(obj, size); }

    void collect() override {
        collecting_ = true;
        const std::uint64_t t0 = now_ns();
        const std::uint64_t before = live_objects_;
        mark_and_sweep();
        pauses_.record(t0, now_ns() - t0, kFullSlot, before - live_objects_);
        next_collection_at_ = std::max(static_cast<std::size_t>(config_.min_heap),
                                       static_cast<std::size_t>(static_cast<double>(heap_.live_bytes()) * config_.growth));
        collecting_ = false;
    }

    void setup_finished() override {
        if (!config_.freeze_after_setup) return;
        freeze(&tracked_);
    }

    CollectorReport finish() override {
        nlohmann::json stats = pauses_.stats_json();
        stats["growth"] = config_.growth;
        return report_at_end(std::move(stats), &tracked_, [this] { mark_and_sweep(); });
    }

private:
    std::vector<GCHead*> gc_lists() override { return {&tracked_}; }
    const std::vector<Object*>& dead_objects() const override { return zero_count_; }

    void mark_and_sweep() {
        // Mark: everything reachable from the roots stays on tracked_; the rest is unreachable.
        GCHead unreachable;
        deduce_unreachable(&tracked_, &unreachable);
        auto untrack_one = [this](Object* op) { untrack(op); };
        pmb::untrack_where_possible(&tracked_, UntrackWhen::kEveryCollection, *this, untrack_one);
        pmb::untrack_where_possible(&tracked_, UntrackWhen::kFullCollection, *this, untrack_one);
        // Sweep, with deallocation at count zero back on: first what nothing refers to (and what
        // only it kept alive), then the garbage cycles the trace found.
        rt_->set_deferring(false);  // so nothing is added to zero_count_ while it is walked
        for (Object* obj : zero_count_) rt_->dealloc(obj);
        zero_count_.clear();  // keeps its capacity for the next cycle
        delete_garbage(&unreachable, &tracked_, rt_);
        rt_->set_deferring(true);
        rt_->clear_free_lists();
    }

    MarkSweepConfig config_;
    GCHead tracked_;
    std::vector<Object*> zero_count_;  // counts that reached zero since the last sweep
    std::size_t next_collection_at_;
};

}  // namespace

MarkSweepConfig parse_marksweep_config(const std::string& text) {
    const CollectorOptions options("marksweep", text, {"growth", "min_heap", "freeze_after_setup"});
    MarkSweepConfig c;
    c.growth = options.decimal("growth", c.growth, 1.0);
    c.min_heap = options.integer("min_heap", c.min_heap);
    c.freeze_after_setup = options.integer("freeze_after_setup", 0) != 0;
    return c;
}

std::unique_ptr<Collector> make_marksweep_collector(Heap& heap, const MarkSweepConfig& config) {
    return std::make_unique<MarkSweepCollector>(heap, config);
}

}  // namespace pmb
