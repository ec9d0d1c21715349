#include "collectors/generational_collector.h"

#include <charconv>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "collectors/gc_list.h"
#include "harness/clock.h"
#include "harness/latency_histogram.h"
#include "objects/runtime.h"

namespace pmb {
namespace {

constexpr int kGenerations = 3;

struct Generation {
    GCHead head;
    std::int64_t threshold;
    std::int64_t count = 0;
};

struct GenerationStats {
    std::uint64_t collections = 0;
    std::uint64_t collected = 0;
    std::uint64_t uncollectable = 0;
};

// Every GC-capable object has a GCHead in front of it (static ones too: the empty tuple carries a
// zeroed one, see objects/tuple.cpp); atomic objects have none.
bool has_gc_head(const Object* op) { return op->type->gc_capable; }

// subtract_refs' visitor: a reference from inside the collected set does not keep anything alive.
inline void visit_decref(Object* op, void*) {
    if (!has_gc_head(op)) return;
    GCHead* gc = GCHead::of(op);
    if (gc->collecting()) gc->decref();
}

// move_unreachable's visitor: everything an object known to be reachable refers to is reachable.
inline void visit_reachable(Object* op, void* arg) {
    if (!has_gc_head(op)) return;
    GCHead* gc = GCHead::of(op);
    // Objects in other generations, and those already scanned, have no collecting flag.
    if (!gc->collecting()) return;
    auto* reachable = static_cast<GCHead*>(arg);
    if (gc->next_ & GCHead::kNextUnreachable) {
        // Tentatively unreachable after all: unlink by hand (the list functions do not expect the
        // unreachable flag) and put it back at the end of the list being scanned.
        GCHead* prev = gc->prev();
        GCHead* next = gc->next();
        prev->next_ = gc->next_;  // keeps the unreachable flag
        next->set_prev(prev);
        gc_list_append(gc, reachable);
        gc->set_refs(1);
    } else if (gc->refs() == 0) {
        // Not scanned yet (ahead of the scan): it will be scanned as reachable.
        gc->set_refs(1);
    }
}

// Calls visit(referent) for every reference `op` holds: inline over the type's reference array when
// it has one (no call per reference), through tp_traverse otherwise.
template <typename Visit>
inline void for_each_referent(Object* op, Visit&& visit) {
    if (auto referents = op->type->referent_array) {
        const ObjectArray a = referents(op);
        for (std::size_t i = 0; i < a.count; ++i)
            if (Object* r = a.items[i]) visit(r);
        return;
    }
    op->type->traverse(op, [](Object* r, void* arg) { (*static_cast<std::remove_reference_t<Visit>*>(arg))(r); },
                       &visit);
}

class GenerationalCollector final : public Collector {
public:
    GenerationalCollector(Heap& heap, const GenerationalConfig& config) : heap_(heap) {
        for (int i = 0; i < kGenerations; ++i) {
            gc_list_init(&gens_[i].head);
            gens_[i].threshold = config.thresholds[static_cast<std::size_t>(i)];
        }
    }

    const std::string& name() const override { return name_; }
    void attach(Runtime& rt) override { rt_ = &rt; }
    std::size_t gc_header_size() const override { return sizeof(GCHead); }

    Object* allocate(const TypeInfo* type, std::size_t size) override {
        if (!type->gc_capable) {
            auto* obj = static_cast<Object*>(heap_.allocate(size));
            obj->refcnt = 1;
            obj->type = type;
            ++live_objects_;
            return obj;
        }
        auto* gc = static_cast<GCHead*>(heap_.allocate(sizeof(GCHead) + size));
        gc->next_ = 0;
        gc->prev_ = 0;
        Object* obj = gc->object();
        obj->refcnt = 1;
        obj->type = type;
        ++live_objects_;
        // _PyObject_GC_Link: count the allocation, maybe collect (the new object is untracked).
        ++gens_[0].count;
        if (gens_[0].count > gens_[0].threshold && gens_[0].threshold != 0 && !collecting_) {
            collecting_ = true;
            collect_generations();
            collecting_ = false;
        }
        return obj;
    }

    void track(Object* obj) override {
        GCHead* gc = GCHead::of(obj);
        if (!gc->tracked()) gc_list_append(gc, &gens_[0].head);
    }
    void untrack(Object* obj) override {
        GCHead* gc = GCHead::of(obj);
        if (gc->tracked()) {
            gc_list_remove(gc);
            gc->prev_ &= GCHead::kPrevFinalized;
        }
    }
    bool is_tracked(const Object* obj) const override { return has_gc_head(obj) && GCHead::of(obj)->tracked(); }

    void release(Object* obj, std::size_t size) override {
        --live_objects_;
        if (!obj->type->gc_capable) {
            heap_.release(obj, size);
            return;
        }
        GCHead* gc = GCHead::of(obj);
        if (gc->tracked()) gc_list_remove(gc);  // PyObject_GC_Del
        if (gens_[0].count > 0) --gens_[0].count;
        heap_.release(gc, sizeof(GCHead) + size);
    }

    void collect() override {
        collecting_ = true;
        collect_generation(kGenerations - 1);
        collecting_ = false;
    }

    CollectorReport finish() override {
        CollectorReport report;
        report.gc = stats_json();
        report.pauses = all_pauses_;
        // What a final full collection (gc.collect() at exit) reclaims was garbage not yet
        // collected, not a leak; what survives it is unreclaimable.
        if (rt_ != nullptr) rt_->clear_free_lists();
        report.gc["uncollected_at_end_objects"] = live_objects_;
        collect();
        report.leaked_objects = live_objects_;
        report.leaked_bytes = heap_.live_bytes();
        return report;
    }

private:
    nlohmann::json stats_json() const {
        nlohmann::json collections = nlohmann::json::array(), collected = nlohmann::json::array(),
                       uncollectable = nlohmann::json::array(), thresholds = nlohmann::json::array();
        for (int i = 0; i < kGenerations; ++i) {
            collections.push_back(stats_[i].collections);
            collected.push_back(stats_[i].collected);
            uncollectable.push_back(stats_[i].uncollectable);
            thresholds.push_back(gens_[i].threshold);
        }
        nlohmann::json pause = pauses_.summary_json();
        pause["total"] = pauses_.sum();
        return {{"collections", collections},
                {"collected", collected},
                {"uncollectable", uncollectable},
                {"thresholds", thresholds},
                {"pause_ns", pause},
                {"pause_histogram_ns", pauses_.buckets_json()},
                {"pauses", pause_log_}};
    }

    // gc_collect_generations (3.11).
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
        const std::uint64_t elapsed = now_ns() - t0;
        pauses_.record(elapsed);
        all_pauses_.push_back({t0, elapsed});
        if (pause_log_.size() < kPauseLogLimit) pause_log_.push_back({t0, elapsed, generation, freed});
    }

    // gc_collect_main (3.11), without finalizers and weak references.
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
            long_lived_total_ = static_cast<std::int64_t>(untrack_where_possible(young, UntrackWhen::kFullCollection));
        }
        // After finalizers 3.11 re-checks that the garbage is still unreachable (resurrection);
        // with no finalizers nothing is resurrected, but the work is done, as CPython does it.
        GCHead still_unreachable;
        deduce_unreachable(&unreachable, &still_unreachable);
        gc_list_merge(&unreachable, old);  // resurrected: none
        const std::size_t collected = gc_list_size(&still_unreachable);
        delete_garbage(&still_unreachable, old);

        stats_[generation].collections += 1;
        stats_[generation].collected += collected;
        if (generation == kGenerations - 1 && rt_ != nullptr) rt_->clear_free_lists();
        return collected;
    }

    void deduce_unreachable(GCHead* base, GCHead* unreachable) {
        // update_refs
        for (GCHead* gc = base->next(); gc != base; gc = gc->next()) gc->reset_refs(gc->object()->refcnt);
        // subtract_refs
        for (GCHead* gc = base->next(); gc != base; gc = gc->next())
            for_each_referent(gc->object(), [](Object* r) { visit_decref(r, nullptr); });
        gc_list_init(unreachable);
        move_unreachable(base, unreachable);
        // clear_unreachable_mask: the list becomes an ordinary list again.
        for (GCHead* gc = unreachable->next(); gc != unreachable; gc = gc->next())
            gc->next_ &= ~GCHead::kNextUnreachable;
    }

    // move_unreachable (3.11): one pass over `young`; objects with gc_refs == 0 move tentatively to
    // `unreachable`, and come back if a reachable object scanned later refers to them.
    static void move_unreachable(GCHead* young, GCHead* unreachable) {
        GCHead* prev = young;
        GCHead* gc = young->next();
        while (gc != young) {
            if (gc->refs() != 0) {
                for_each_referent(gc->object(), [young](Object* r) { visit_reachable(r, young); });
                gc->set_prev(prev);  // relink: the list is doubly linked again up to here
                gc->clear_collecting();
                prev = gc;
            } else {
                prev->next_ = gc->next_;
                GCHead* last = unreachable->prev();
                last->next_ = GCHead::kNextUnreachable | reinterpret_cast<std::uintptr_t>(gc);
                gc->set_prev(last);
                gc->next_ = GCHead::kNextUnreachable | reinterpret_cast<std::uintptr_t>(unreachable);
                unreachable->prev_ = reinterpret_cast<std::uintptr_t>(gc);
            }
            gc = prev->next();
        }
        young->prev_ = reinterpret_cast<std::uintptr_t>(prev);
        unreachable->next_ &= ~GCHead::kNextUnreachable;
    }

    // Untracks the objects of `list` whose type allows it at this kind of collection and that hold
    // nothing trackable; returns how many stay on the list.
    std::size_t untrack_where_possible(GCHead* list, UntrackWhen when) {
        std::size_t kept = 0;
        GCHead* next = nullptr;
        for (GCHead* gc = list->next(); gc != list; gc = next) {
            next = gc->next();
            Object* op = gc->object();
            if (op->type->untrack_when == when && op->type->holds_no_trackable(op, *this))
                untrack(op);
            else
                ++kept;
        }
        return kept;
    }

    // delete_garbage (3.11): tp_clear breaks the cycles; reference counting frees the objects.
    void delete_garbage(GCHead* collectable, GCHead* old) {
        while (!gc_list_is_empty(collectable)) {
            GCHead* gc = collectable->next();
            Object* op = gc->object();
            gc->clear_collecting();
            if (op->type->clear != nullptr) {
                Runtime::incref(op);
                op->type->clear(op, *rt_);
                rt_->decref(op);
            }
            if (collectable->next() == gc) {
                // Still alive: it may die later.
                gc->clear_collecting();
                gc_list_move(gc, old);
            }
        }
    }

    static constexpr std::size_t kPauseLogLimit = 100000;
    struct PauseRecord {
        std::uint64_t start_ns, duration_ns;
        int generation;
        std::size_t collected;
    };
    friend void to_json(nlohmann::json& j, const PauseRecord& p) {
        j = nlohmann::json::array({p.start_ns, p.duration_ns, p.generation, p.collected});
    }

    const std::string name_ = "gen";
    Heap& heap_;
    Runtime* rt_ = nullptr;
    std::array<Generation, kGenerations> gens_;
    std::array<GenerationStats, kGenerations> stats_;
    std::int64_t long_lived_pending_ = 0;
    std::int64_t long_lived_total_ = 0;
    bool collecting_ = false;
    std::uint64_t live_objects_ = 0;
    LatencyHistogram pauses_;
    std::vector<PauseRecord> pause_log_;
    std::vector<GcPause> all_pauses_;
};

}  // namespace

GenerationalConfig parse_generational_config(const std::string& options) {
    GenerationalConfig config;
    std::size_t start = 0;
    while (start < options.size()) {
        std::size_t end = options.find(':', start);
        if (end == std::string::npos) end = options.size();
        const std::string item = options.substr(start, end - start);
        start = end + 1;
        const auto eq = item.find('=');
        const std::string key = item.substr(0, eq);
        const std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
        std::int64_t v = -1;
        auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        const bool valid_number = ec == std::errc() && p == value.data() + value.size() && v >= 0;
        int index = key == "threshold0" ? 0 : key == "threshold1" ? 1 : key == "threshold2" ? 2 : -1;
        if (index < 0)
            throw std::invalid_argument("unknown option '" + key +
                                        "' for collector 'gen' (accepted: threshold0, threshold1, threshold2)");
        if (!valid_number)
            throw std::invalid_argument("option '" + key + "' of collector 'gen' must be a non-negative integer (got '" +
                                        value + "')");
        config.thresholds[static_cast<std::size_t>(index)] = v;
    }
    return config;
}

std::unique_ptr<Collector> make_generational_collector(Heap& heap, const GenerationalConfig& config) {
    return std::make_unique<GenerationalCollector>(heap, config);
}

}  // namespace pmb
