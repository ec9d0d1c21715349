// lru: a large long-lived cache with steady churn (memoisation tables, session stores, caches in
// front of a database): the workload that shows what full collections cost when most of the heap
// is old, tracked and alive.
//
// setup() creates an empty dict; each op runs
//     key = (i * 7919) % key_space
//     v = cache.pop(key, None)              # a hit moves to the end: pop, then reinsert
//     if v is None: v = [key, key * 2]      # a miss builds a tracked 2-item list
//     cache[key] = v
//     if len(cache) > capacity:               # evict what was accessed `capacity` accesses ago
//         cache.pop(((i - capacity) * 7919) % key_space, None)
// with CPython 3.11's allocations: the loop's int i and the products (transient), the key, the
// value list and its int, len()'s result when above 256. Deleted entries stay in the dict's
// table until it fills and is rebuilt, so the big table is reallocated over and over, as a real
// dict-based cache does. (Evicting with next(iter(cache)) would rescan the deleted entries at the
// front of the table on every eviction, quadratic in CPython as here.)
#include "objects/dict.h"
#include "objects/list.h"
#include "objects/scalars.h"
#include "workloads/registry.h"

namespace pmb {
namespace {

class Lru final : public Workload {
public:
    explicit Lru(const Params& p)
        : iterations_(static_cast<std::uint64_t>(p.get("iterations"))),
          key_space_(std::max<std::int64_t>(p.get("key_space"), 1)),
          capacity_(static_cast<std::size_t>(p.get("capacity"))) {}

    void setup(Runtime& rt) override { cache_ = dict_new(rt); }
    std::uint64_t ops() const override { return iterations_; }

    void step(Runtime& rt, std::uint64_t iteration) override {
        const auto i = static_cast<std::int64_t>(iteration);
        Object* ival = int_from(rt, i);  // the loop variable
        Object* product = int_from(rt, i * 7919);
        const std::int64_t k = (i * 7919) % key_space_;
        Object* key = int_from(rt, k);
        rt.decref(product);
        Object* v = dict_get(cache_, key);
        if (v != nullptr) {
            Runtime::incref(v);
            dict_del(rt, cache_, key);
            ++hits_;
        } else {
            Object* items[2] = {key, int_from(rt, k * 2)};
            Runtime::incref(key);
            v = list_from_items(rt, items, 2);
        }
        dict_set(rt, cache_, key, v);
        rt.decref(v);
        Object* length = int_from(rt, static_cast<std::int64_t>(dict_size(cache_)));  // len(cache)
        const bool over = dict_size(cache_) > capacity_;
        rt.decref(length);
        if (over) {
            const std::int64_t back = i - static_cast<std::int64_t>(capacity_);
            Object* diff = int_from(rt, back);
            Object* scaled = int_from(rt, back * 7919);
            rt.decref(diff);
            Object* victim = int_from(rt, ((back * 7919) % key_space_ + key_space_) % key_space_);
            rt.decref(scaled);
            dict_del(rt, cache_, victim);
            rt.decref(victim);
        }
        rt.decref(key);
        rt.decref(ival);
    }

    void teardown(Runtime& rt) override {
        size_at_end_ = dict_size(cache_);
        rt.decref(cache_);
        cache_ = nullptr;
    }
    nlohmann::json counters() const override {
        return {{"hits", hits_}, {"misses", iterations_ - hits_}, {"size_at_end", size_at_end_}};
    }

private:
    std::uint64_t iterations_;
    std::int64_t key_space_;
    std::size_t capacity_;
    Object* cache_ = nullptr;
    std::uint64_t hits_ = 0;
    std::size_t size_at_end_ = 0;
};

}  // namespace

WorkloadEntry lru_workload() {
    WorkloadEntry entry{"lru",
            "a large long-lived dict cache with steady churn: hits, misses and evictions (full collections)",
            {{"iterations", 1000000, "cache accesses (one step each)"},
             {"key_space", 300000, "distinct keys"},
             {"capacity", 200000, "entries kept before evicting the oldest"}},
            {{"iterations", "100000"}, {"key_space", "30000"}, {"capacity", "20000"}},
            [](const Params& p, std::uint64_t) { return std::make_unique<Lru>(p); }};
    entry.steps_per_op = 4;  // a step takes ~0.6 us: 4 make an op worth timing
    return entry;
}

}  // namespace pmb
