#include "collectors/incremental_collector.h"

#include <algorithm>
#include <stdexcept>

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

constexpr int kIncrementSlot = 1;  // PauseLog slots: increments (mark phases included), and full collections
constexpr int kFullSlot = 2;
constexpr std::int64_t kScanRateDivisor = 10;        // 3.14's SCAN_RATE_DIVISOR
constexpr std::int64_t kInitialWorkToDo = -5000;     // 3.14's GCState.work_to_do at start-up

class IncrementalCollector final : public CycleCollector {
public:
    IncrementalCollector(Heap& heap, const IncrementalConfig& config)
        : CycleCollector(heap, "incremental"), config_(config) {
        for (GCHead* list : {&young_, &spaces_[0], &spaces_[1]}) gc_list_init(list);
    }

    Object* allocate(const TypeInfo* type, std::size_t size) override {
        Object* obj = new_counted(type, size);
        if (type->gc_capable && counts_at_allocation()) count_in();  // _PyObject_GC_Link (3.14.0)
        return obj;
    }

    void track(Object* obj) override {
        GCHead* gc = GCHead::of(obj);
        if (gc->tracked()) return;
        gc->set_old_space(pending_space());  // _PyObject_GC_TRACK: young objects are not visited
        gc_list_append(gc, &young_);
        if (!counts_at_allocation()) count_in();  // _PyObject_GC_TRACK (3.14.1 on)
    }

    void untrack(Object* obj) override {
        if (!GCHead::of(obj)->tracked()) return;
        untrack_object(obj);
        if (!counts_at_allocation()) count_out();  // _PyObject_GC_UNTRACK (3.14.1 on)
    }

    void release(Object* obj, std::size_t size) override {
        if (obj->type->gc_capable && counts_at_allocation()) count_out();  // PyObject_GC_Del (3.14.0)
        free_counted(obj, size);
    }

    // _Py_RunGC: _PyGC_Collect(1), one increment, whatever the counts are now.
    void run_scheduled() override {
        if (collecting_) return;
        collecting_ = true;
        timed(kIncrementSlot, [this] { return collect_increment(); });
        if (full_due_) {  // full_every: a pause of its own, right after the increment
            full_due_ = false;
            timed(kFullSlot, [this] { return collect_full(); });
        }
        collecting_ = false;
    }

    void collect() override {
        collecting_ = true;
        timed(kFullSlot, [this] { return collect_full(); });
        collecting_ = false;
    }

    // _PyGC_Freeze: everything into the permanent generation, marked visited.
    void setup_finished() override {
        if (!config_.freeze_after_setup) return;
        for (GCHead* list : {&young_, &spaces_[0], &spaces_[1]}) {
            for (GCHead* gc = list->next(); gc != list; gc = gc->next()) gc->set_old_space(visited_space_);
            freeze(list);
        }
        young_count_ = 0;
    }

    CollectorReport finish() override {
        nlohmann::json stats = pauses_.stats_json();
        stats["version"] = config_.version == IncrementalVersion::k3_14_0 ? "3.14.0" : "3.14.4";
        stats["thresholds"] = {config_.threshold0, config_.threshold1, 0};
        stats["scavenges"] = scavenges_;
        stats["mark_phases"] = mark_phases_;
        stats["marked_objects"] = marked_objects_;
        stats["increments_without_work"] = increments_without_work_;
        stats["work_to_do"] = work_to_do_;
        stats["largest_increment_objects"] = largest_increment_;
        stats["truncated_increments"] = truncated_increments_;
        stats["large_objects_skipped"] = large_objects_skipped_;
        // _PyGC_Unfreeze into the visited space (frozen objects are marked visited), then the
        // final gc.collect().
        return report_at_end(std::move(stats), visited(), [this] { collect_full(); });
    }

private:
    std::vector<GCHead*> gc_lists() override { return {&young_, &spaces_[0], &spaces_[1]}; }

    bool counts_at_allocation() const { return config_.version == IncrementalVersion::k3_14_0; }
    int pending_space() const { return visited_space_ ^ 1; }
    GCHead* pending() { return &spaces_[pending_space()]; }
    GCHead* visited() { return &spaces_[visited_space_]; }

    // One more GC object counted; past threshold0, _Py_ScheduleGC (through _Py_TriggerGC from
    // 3.14.1: the same conditions).
    void count_in() {
        ++heap_size_;
        ++young_count_;
        if (young_count_ > config_.threshold0 && config_.threshold0 != 0 && !collecting_ && rt_ != nullptr)
            rt_->schedule_gc();
    }
    void count_out() {
        if (young_count_ > 0) --young_count_;
        --heap_size_;
    }

    template <typename Collection>
    void timed(int slot, Collection&& collection) {
        const std::uint64_t t0 = now_ns();
        const std::size_t freed = collection();
        pauses_.record(t0, now_ns() - t0, slot, freed);
    }

    std::int64_t scale_factor() const { return std::max<std::int64_t>(config_.threshold1, 2); }
    std::int64_t heap_slice() const { return heap_size_ / kScanRateDivisor / scale_factor(); }

    // assess_work_to_do: the new objects, plus a heap slice of at most 1.5x (3.14.0) or 2x them.
    std::int64_t assess_work_to_do() {
        const std::int64_t new_objects = young_count_;
        const std::int64_t max_heap_fraction =
            config_.version == IncrementalVersion::k3_14_0 ? new_objects * 3 / 2 : new_objects * 2;
        young_count_ = 0;
        return new_objects + std::min(heap_slice(), max_heap_fraction);
    }

    std::size_t untrack_tuples(GCHead* list) {
        return pmb::untrack_where_possible(list, UntrackWhen::kEveryCollection, *this,
                                           [this](Object* op) { untrack(op); });
    }

    // mark_at_start: everything reachable from the roots, young objects included, to the end of
    // the visited space; returns how many. The roots are found from the counts (see the header):
    // young and pending objects form one region, the young ones tagged with the visited bit so
    // that what is not reached can go back where it was.
    std::int64_t mark_at_start() {
        GCHead region;
        gc_list_init(&region);
        for (GCHead* gc = young_.next(); gc != &young_; gc = gc->next()) gc->set_old_space(visited_space_);
        gc_list_merge(&young_, &region);
        gc_list_merge(pending(), &region);
        GCHead unreached;
        deduce_unreachable(&region, &unreached);
        std::int64_t marked = 0;
        for (GCHead* gc = region.next(); gc != &region; gc = gc->next(), ++marked) gc->set_old_space(visited_space_);
        gc_list_merge(&region, visited());
        GCHead* next = nullptr;
        for (GCHead* gc = unreached.next(); gc != &unreached; gc = next) {
            next = gc->next();
            gc->clear_collecting();
            const bool young = gc->old_space() == visited_space_;
            gc->set_old_space(pending_space());
            gc_list_move(gc, young ? &young_ : pending());
        }
        work_to_do_ -= marked;
        phase_ = Phase::kCollect;
        ++mark_phases_;
        marked_objects_ += static_cast<std::uint64_t>(marked);
        return marked;
    }

    // An object whose references alone would exceed max_increment (a dict of a million entries)
    // is not scanned by increments: it moves to the visited space as it is, and what it
    // references counts as referenced from outside every increment.
    bool too_large(GCHead* gc) const {
        return config_.max_increment > 0 && references_of(gc->object()) > static_cast<std::size_t>(config_.max_increment);
    }

    // Takes pending object `gc` into `increment`, or past it into the visited space if too large;
    // returns whether it joined the increment.
    bool take(GCHead* gc, GCHead* increment) {
        gc->set_old_space(visited_space_);
        if (too_large(gc)) {
            gc_list_move(gc, visited());
            ++large_objects_skipped_;
            return false;
        }
        gc_list_move(gc, increment);
        return true;
    }

    // expand_region_transitively_reachable: moves into `increment` every pending object reachable
    // from those after `from`, until `size` reaches `limit`; returns the new size.
    std::int64_t expand(GCHead* increment, GCHead* from, std::int64_t size, std::int64_t limit) {
        const int visited = visited_space_;
        for (GCHead* gc = from; gc != increment && size < limit; gc = gc->next()) {
            for_each_referent(gc->object(), [&](Object* r) {
                if (size >= limit || !has_gc_head(r)) return;
                GCHead* rg = GCHead::of(r);
                if (rg->tracked() && rg->old_space() != visited) size += take(rg, increment);
            });
        }
        return size;
    }

    // gc_collect_increment.
    std::size_t collect_increment() {
        work_to_do_ += assess_work_to_do();
        if (!counts_at_allocation() && work_to_do_ < 0) {  // 3.14.1 on: nothing to do yet
            ++increments_without_work_;
            return 0;
        }
        untrack_tuples(&young_);
        if (phase_ == Phase::kMark) {
            work_to_do_ -= mark_at_start();  // the second time (gh-141890)
            return 0;
        }
        GCHead increment;
        gc_list_init(&increment);
        std::int64_t size = 0;
        for (GCHead* gc = young_.next(); gc != &young_; gc = gc->next(), ++size) gc->set_old_space(visited_space_);
        gc_list_merge(&young_, &increment);
        const std::int64_t limit = config_.max_increment > 0 ? std::max(config_.max_increment, size + 1) : INT64_MAX;
        bool truncated = false;
        while (size < work_to_do_ && !gc_list_is_empty(pending())) {
            if (size >= limit) {
                truncated = true;
                break;
            }
            GCHead* gc = pending()->next();
            if (!take(gc, &increment)) continue;
            size = expand(&increment, gc, size + 1, limit);
            truncated |= size >= limit;
        }
        truncated_increments_ += truncated;
        largest_increment_ = std::max(largest_increment_, size);
        const std::size_t freed = collect_region(&increment, visited());
        if (counts_at_allocation()) work_to_do_ += heap_slice();  // 3.14.0 only
        work_to_do_ -= size;
        if (gc_list_is_empty(pending())) completed_scavenge();
        return freed;
    }

    // gc_collect_full: everything as one region, then a completed scavenge.
    std::size_t collect_full() {
        untrack_tuples(&young_);
        GCHead region;
        gc_list_init(&region);
        for (GCHead* list : {&young_, pending(), visited()}) gc_list_merge(list, &region);
        for (GCHead* gc = region.next(); gc != &region; gc = gc->next()) gc->set_old_space(visited_space_);
        young_count_ = 0;
        const std::size_t freed = collect_region(&region, visited());
        completed_scavenge(/*counts_for_full_every=*/false);
        if (rt_ != nullptr) rt_->clear_free_lists();
        return freed;
    }

    // gc_collect_region, without finalizers: the region's garbage is freed, its survivors (tuples
    // holding nothing trackable untracked) are appended to `to`. Returns the objects freed.
    std::size_t collect_region(GCHead* region, GCHead* to) {
        GCHead unreachable;
        deduce_unreachable(region, &unreachable);
        untrack_tuples(region);
        gc_list_merge(region, to);
        const std::size_t collected = gc_list_size(&unreachable);
        delete_garbage(&unreachable, to, rt_);
        return collected;
    }

    // completed_scavenge: the visited space becomes the pending one (with a permanent generation,
    // whose objects must stay marked visited, the visited objects move to the pending space
    // instead); work_to_do = 0; the next increment marks.
    void completed_scavenge(bool counts_for_full_every = true) {
        if (gc_list_is_empty(&permanent_)) {
            visited_space_ ^= 1;
            for (GCHead* gc = young_.next(); gc != &young_; gc = gc->next()) gc->set_old_space(pending_space());
        } else {
            for (GCHead* gc = visited()->next(); gc != visited(); gc = gc->next()) gc->set_old_space(pending_space());
            gc_list_merge(visited(), pending());
        }
        work_to_do_ = 0;
        phase_ = Phase::kMark;
        if (!counts_for_full_every) return;
        ++scavenges_;
        full_due_ = config_.full_every > 0 && scavenges_ % static_cast<std::uint64_t>(config_.full_every) == 0;
    }

    enum class Phase { kMark, kCollect };  // GC_PHASE_MARK, GC_PHASE_COLLECT

    IncrementalConfig config_;
    GCHead young_;
    GCHead spaces_[2];  // the old generation; spaces_[visited_space_] is the visited one
    int visited_space_ = 0;
    std::int64_t young_count_ = 0;
    std::int64_t heap_size_ = 0;  // 3.14's heap_size
    std::int64_t work_to_do_ = kInitialWorkToDo;
    Phase phase_ = Phase::kMark;
    bool full_due_ = false;
    std::uint64_t scavenges_ = 0, truncated_increments_ = 0, large_objects_skipped_ = 0;
    std::uint64_t mark_phases_ = 0, marked_objects_ = 0, increments_without_work_ = 0;
    std::int64_t largest_increment_ = 0;
};

}  // namespace

IncrementalConfig parse_incremental_config(const std::string& text) {
    const CollectorOptions options("incremental", text,
                                   {"threshold0", "threshold1", "max_increment", "full_every", "freeze_after_setup",
                                    "version"});
    IncrementalConfig c;
    const std::string version = options.text("version", "3.14.4");
    if (version == "3.14.0") {
        c.version = IncrementalVersion::k3_14_0;
    } else if (version != "3.14.4") {
        throw std::invalid_argument("option 'version' of collector 'incremental' must be one of 3.14.0, 3.14.4 (got '" +
                                    version + "')");
    }
    c.threshold0 = options.integer("threshold0", c.threshold0);
    c.threshold1 = options.integer("threshold1", c.threshold1);
    c.max_increment = options.integer("max_increment", c.max_increment);
    c.full_every = options.integer("full_every", c.full_every);
    c.freeze_after_setup = options.integer("freeze_after_setup", 0) != 0;
    return c;
}

std::unique_ptr<Collector> make_incremental_collector(Heap& heap, const IncrementalConfig& config) {
    return std::make_unique<IncrementalCollector>(heap, config);
}

}  // namespace pmb
