#include "collectors/incremental_collector.h"

#include <algorithm>

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

constexpr int kIncrementSlot = 1;  // PauseLog slots: increments, and full collections
constexpr int kFullSlot = 2;
constexpr std::int64_t kScanRateDivisor = 10;  // 3.14's SCAN_RATE_DIVISOR

class IncrementalCollector final : public CycleCollector {
public:
    IncrementalCollector(Heap& heap, const IncrementalConfig& config)
        : CycleCollector(heap, "incremental"), config_(config) {
        for (GCHead* list : {&young_, &spaces_[0], &spaces_[1]}) gc_list_init(list);
    }

    Object* allocate(const TypeInfo* type, std::size_t size) override {
        Object* obj = new_counted(type, size);
        if (!type->gc_capable) return obj;
        ++heap_size_;
        ++young_count_;
        if (young_count_ > config_.threshold0 && config_.threshold0 != 0 && !collecting_) {
            collecting_ = true;
            timed(kIncrementSlot, [this] { return collect_increment(); });
            if (full_due_) {  // full_every: a pause of its own, right after the increment
                full_due_ = false;
                timed(kFullSlot, [this] { return collect_full(); });
            }
            collecting_ = false;
        }
        return obj;
    }

    void track(Object* obj) override { track_on(&young_, obj); }

    void release(Object* obj, std::size_t size) override {
        if (obj->type->gc_capable) {
            if (young_count_ > 0) --young_count_;
            --heap_size_;
        }
        free_counted(obj, size);
    }

    void collect() override {
        collecting_ = true;
        timed(kFullSlot, [this] { return collect_full(); });
        collecting_ = false;
    }

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
        stats["thresholds"] = {config_.threshold0, config_.threshold1, 0};
        stats["scavenges"] = scavenges_;
        stats["largest_increment_objects"] = largest_increment_;
        stats["truncated_increments"] = truncated_increments_;
        stats["large_objects_skipped"] = large_objects_skipped_;
        // gc.unfreeze() into the pending space, then the final gc.collect().
        for (GCHead* gc = permanent_.next(); gc != &permanent_; gc = gc->next()) gc->set_old_space(pending_space());
        return report_at_end(std::move(stats), &spaces_[pending_space()], [this] { collect_full(); });
    }

private:
    int pending_space() const { return visited_space_ ^ 1; }
    GCHead* pending() { return &spaces_[pending_space()]; }
    GCHead* visited() { return &spaces_[visited_space_]; }

    template <typename Collection>
    void timed(int slot, Collection&& collection) {
        const std::uint64_t t0 = now_ns();
        const std::size_t freed = collection();
        pauses_.record(t0, now_ns() - t0, slot, freed);
    }

    std::int64_t scale_factor() const { return std::max<std::int64_t>(config_.threshold1, 2); }

    // assess_work_to_do (3.14).
    std::int64_t assess_work_to_do() {
        const std::int64_t new_objects = young_count_;
        const std::int64_t heap_fraction =
            std::min<std::int64_t>(heap_size_ / kScanRateDivisor / scale_factor(), new_objects * 3 / 2);
        young_count_ = 0;
        return new_objects + heap_fraction;
    }

    // An object whose references alone would exceed an increment's budget (a dict of a million
    // entries) is not scanned by increments: it moves to the visited space as it is, and what it
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

    // Moves into `increment` every pending object reachable from those after `from` (exclusive of
    // what is before it), until `size` reaches `limit`; returns the new size.
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

    // gc_collect_increment (3.14), without the marking from roots.
    std::size_t collect_increment() {
        work_to_do_ += assess_work_to_do();
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
        const std::size_t freed = collect_region(&increment, visited(), UntrackWhen::kEveryCollection);
        work_to_do_ += heap_size_ / kScanRateDivisor / scale_factor() - size;
        if (config_.max_increment > 0) work_to_do_ = std::min(work_to_do_, config_.max_increment);
        if (gc_list_is_empty(pending())) completed_scavenge();
        return freed;
    }

    // gc_collect_full (3.14): everything as one region.
    std::size_t collect_full() {
        GCHead region;
        gc_list_init(&region);
        for (GCHead* list : {&young_, pending(), visited()}) gc_list_merge(list, &region);
        young_count_ = 0;
        GCHead survivors;
        gc_list_init(&survivors);
        std::size_t freed = collect_region(&region, &survivors, UntrackWhen::kEveryCollection);
        pmb::untrack_where_possible(&survivors, UntrackWhen::kFullCollection, *this, [this](Object* op) { untrack(op); });
        for (GCHead* gc = survivors.next(); gc != &survivors; gc = gc->next()) gc->set_old_space(visited_space_);
        gc_list_merge(&survivors, visited());
        completed_scavenge(/*counts_for_full_every=*/false);
        if (rt_ != nullptr) rt_->clear_free_lists();
        return freed;
    }

    // gc_collect_region (3.14), without finalizers: the region's garbage is freed, its survivors
    // are appended to `to`. Returns the objects freed.
    std::size_t collect_region(GCHead* region, GCHead* to, UntrackWhen untrack_when) {
        GCHead unreachable;
        deduce_unreachable(region, &unreachable);
        pmb::untrack_where_possible(region, untrack_when, *this, [this](Object* op) { untrack(op); });
        gc_list_merge(region, to);
        const std::size_t collected = gc_list_size(&unreachable);
        delete_garbage(&unreachable, to, rt_);
        return collected;
    }

    // completed_scavenge (3.14): the visited space becomes the pending one.
    void completed_scavenge(bool counts_for_full_every = true) {
        visited_space_ ^= 1;
        for (GCHead* gc = permanent_.next(); gc != &permanent_; gc = gc->next()) gc->set_old_space(visited_space_);
        work_to_do_ = 0;
        if (!counts_for_full_every) return;
        ++scavenges_;
        full_due_ = config_.full_every > 0 && scavenges_ % static_cast<std::uint64_t>(config_.full_every) == 0;
    }

    IncrementalConfig config_;
    GCHead young_;
    GCHead spaces_[2];  // the old generation; spaces_[visited_space_] is the visited one
    int visited_space_ = 0;
    std::int64_t young_count_ = 0;
    std::int64_t heap_size_ = 0;  // GC objects alive (3.14's heap_size)
    std::int64_t work_to_do_ = 0;
    bool full_due_ = false;
    std::uint64_t scavenges_ = 0, truncated_increments_ = 0, large_objects_skipped_ = 0;
    std::int64_t largest_increment_ = 0;
};

}  // namespace

IncrementalConfig parse_incremental_config(const std::string& text) {
    const CollectorOptions options("incremental", text,
                                   {"threshold0", "threshold1", "max_increment", "full_every", "freeze_after_setup"});
    IncrementalConfig c;
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
