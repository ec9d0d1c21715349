#include "collectors/generational_collector.h"

#include <stdexcept>
#include <type_traits>
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

constexpr int kGenerations = 3;

struct Generation {
    GCHead head;
    std::int64_t threshold;
    std::int64_t count = 0;
};

class GenerationalCollector final : public CycleCollector {
public:
    GenerationalCollector(Heap& heap, const GenerationalConfig& config)
        : CycleCollector(heap, "gen"), version_(config.version), freeze_after_setup_(config.freeze_after_setup) {
        for (int i = 0; i < kGenerations; ++i) {
            gc_list_init(&gens_[i].head);
            gens_[i].threshold = config.thresholds[static_cast<std::size_t>(i)];
        }
    }

    Object* allocate(const TypeInfo* type, std::size_t size) override {
        Object* obj = new_counted(type, size);
        if (!type->gc_capable) return obj;
        // _PyObject_GC_Link: count the allocation; past threshold 0, collect now (3.11, the new
        // object untracked) or schedule the collection for the eval breaker (3.12+).
        ++gens_[0].count;
        if (gens_[0].count > gens_[0].threshold && gens_[0].threshold != 0 && !collecting_) {
            if (collects_at_eval_breaker(version_)) {
                if (rt_ != nullptr) rt_->schedule_gc();
            } else {
                run_collect_generations();
            }
        }
        return obj;
    }

    // _Py_RunGC (3.12+): gc_collect_generations (3.12) or gc_collect_main(GENERATION_AUTO) (3.13
    // on) chooses from the counts as they are now; nothing runs if none exceeds its threshold.
    void run_scheduled() override {
        if (!collecting_) run_collect_generations();
    }

    void track(Object* obj) override { track_on(&gens_[0].head, obj); }

    void release(Object* obj, std::size_t size) override {
        // PyObject_GC_Del: a GC deallocation takes one off the generation-0 count.
        if (obj->type->gc_capable && gens_[0].count > 0) --gens_[0].count;
        free_counted(obj, size);
    }

    void collect() override {
        collecting_ = true;
        collect_generation(kGenerations - 1);
        collecting_ = false;
    }

    // gc.freeze(): every generation into the permanent one, counts reset.
    void setup_finished() override {
        if (!freeze_after_setup_) return;
        for (int i = 0; i < kGenerations; ++i) {
            freeze(&gens_[i].head);
            gens_[i].count = 0;
        }
    }

    CollectorReport finish() override {
        return report_at_end(stats_json(), &gens_[kGenerations - 1].head, [this] { collect(); });
    }

private:
    std::vector<GCHead*> gc_lists() override { return {&gens_[0].head, &gens_[1].head, &gens_[2].head}; }

    nlohmann::json stats_json() const {
        nlohmann::json out = pauses_.stats_json();
        nlohmann::json thresholds = nlohmann::json::array();
        for (int i = 0; i < kGenerations; ++i) thresholds.push_back(gens_[i].threshold);
        out["thresholds"] = thresholds;
        out["version"] = gc_version_name(version_);
        return out;
    }

    void run_collect_generations() {
        collecting_ = true;
        collect_generations();
        collecting_ = false;
    }

    // gc_collect_generations (3.11, 3.12), gc_select_generation (3.13 on): the same choice.
    void collect_generations() {
        for (int i = kGenerations - 1; i >= 0; --i) {
            if (gens_[i].count > gens_[i].threshold) {
                if (i == kGenerations - 1 && long_lived_pending_ < long_lived_total_ / 4) continue;
                collect_generation(i);
                break;
            }
        }
    }

    void collect_generation(int generation) {
        const std::uint64_t t0 = now_ns();
        const std::size_t freed = collect_main(generation);
        pauses_.record(t0, now_ns() - t0, generation, freed);
    }

    // gc_collect_main (3.11; the same passes to 3.15), without finalizers and weak references.
    std::size_t collect_main(int generation) {
        if (generation + 1 < kGenerations) ++gens_[generation + 1].count;
        for (int i = 0; i <= generation; ++i) gens_[i].count = 0;
        for (int i = 0; i < generation; ++i) gc_list_merge(&gens_[i].head, &gens_[generation].head);

        GCHead* young = &gens_[generation].head;
        GCHead* old = generation < kGenerations - 1 ? &gens_[generation + 1].head : young;

        GCHead unreachable;
        deduce_unreachable(young, &unreachable);
        // The untracking passes also count what stays tracked: CPython's gc_list_size(young).
        const std::size_t survivors = untrack_where_possible(young, UntrackWhen::kEveryCollection);
        if (young != old) {
            if (generation == kGenerations - 2) long_lived_pending_ += static_cast<std::int64_t>(survivors);
            gc_list_merge(young, old);
        } else {
            long_lived_pending_ = 0;
            // untrack_dicts (to 3.13) also counts what stays; 3.14.5 on only take gc_list_size.
            long_lived_total_ = static_cast<std::int64_t>(untracks_dicts(version_)
                                                              ? untrack_where_possible(young, UntrackWhen::kFullCollection)
                                                              : gc_list_size(young));
        }
        // After finalizers 3.11 re-checks that the garbage is still unreachable (resurrection);
        // with no finalizers nothing is resurrected, but the work is done, as CPython does it.
        GCHead still_unreachable;
        deduce_unreachable(&unreachable, &still_unreachable);
        gc_list_merge(&unreachable, old);  // resurrected: none
        const std::size_t collected = gc_list_size(&still_unreachable);
        delete_garbage(&still_unreachable, old, rt_);
        if (generation == kGenerations - 1 && rt_ != nullptr) rt_->clear_free_lists();
        return collected;
    }

    std::size_t untrack_where_possible(GCHead* list, UntrackWhen when) {
        return pmb::untrack_where_possible(list, when, *this, [this](Object* op) { untrack(op); });
    }

    std::array<Generation, kGenerations> gens_;
    GcVersion version_;
    bool freeze_after_setup_;
    std::int64_t long_lived_pending_ = 0;
    std::int64_t long_lived_total_ = 0;
};

}  // namespace

std::unique_ptr<Collector> make_generational_collector(Heap& heap, const GenerationalConfig& config) {
    return std::make_unique<GenerationalCollector>(heap, config);
}

}  // namespace pmb
