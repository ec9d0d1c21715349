// records: a data-processing loop that builds one record per item, caches a few and drops the
// rest (the shape of ETL scripts, request handlers and ORMs' row objects).
//
// Each op is one iteration of
//     rec = {"id": i, "name": "user", "score": i * 0.5, "tags": [i, i + 1, i + 2]}
//     if keep_every and i % keep_every == 0:
//         cache.append(rec)
//         if len(cache) > cache_cap: del cache[:trim]
//     if cycle_every and i % cycle_every == 0:
//         d = {}; d["self"] = d          # cyclic garbage once the iteration ends
// with CPython 3.11's allocations: the loop's int i, a float, two ints, a 3-item list literal
// (40-byte body + 24-byte item array), then the dict (48 + a 120-byte 8-slot str-keyed table),
// in that order (a dict display evaluates its values first); the dict is tracked when the list is
// stored. Keys and "user" are code constants and allocate nothing. A parameter of 0 turns its
// feature off.
#include "objects/dict.h"
#include "objects/list.h"
#include "objects/scalars.h"
#include "objects/str.h"
#include "workloads/registry.h"

namespace pmb {
namespace {

class Records final : public Workload {
public:
    explicit Records(const Params& p)
        : iterations_(static_cast<std::uint64_t>(p.get("iterations"))),
          keep_every_(static_cast<std::uint64_t>(p.get("keep_every"))),
          cache_cap_(static_cast<std::size_t>(p.get("cache_cap"))),
          trim_(static_cast<std::size_t>(p.get("trim"))),
          cycle_every_(static_cast<std::uint64_t>(p.get("cycle_every"))) {}

    void setup(Runtime& rt) override {
        // Code constants: created once, like the entries of a code object's co_consts.
        for (auto [slot, text] : {std::pair{&k_id_, "id"}, {&k_name_, "name"}, {&k_score_, "score"},
                                  {&k_tags_, "tags"}, {&k_self_, "self"}, {&user_, "user"}})
            *slot = str_new(rt, text);
        cache_ = list_new(rt);
    }
    std::uint64_t ops() const override { return iterations_; }

    void step(Runtime& rt, std::uint64_t iteration) override {
        const auto i = static_cast<std::int64_t>(iteration);
        Object* ival = int_from(rt, i);  // the loop variable
        Object* score = float_from(rt, static_cast<double>(i) * 0.5);
        Object* items[3] = {ival, int_from(rt, i + 1), int_from(rt, i + 2)};
        Runtime::incref(ival);
        Object* tags = list_from_items(rt, items, 3);
        Object* rec = dict_new(rt);
        dict_set(rt, rec, k_id_, ival);
        dict_set(rt, rec, k_name_, user_);
        dict_set(rt, rec, k_score_, score);
        dict_set(rt, rec, k_tags_, tags);
        rt.decref(score);
        rt.decref(tags);
        if (keep_every_ != 0 && iteration % keep_every_ == 0) {
            list_append(rt, cache_, rec);
            if (list_size(cache_) > cache_cap_) list_del_prefix(rt, cache_, trim_);
        }
        if (cycle_every_ != 0 && iteration % cycle_every_ == 0) {
            Object* d = dict_new(rt);
            dict_set(rt, d, k_self_, d);
            rt.decref(d);
            ++cycles_;
        }
        rt.decref(rec);
        rt.decref(ival);
    }

    void teardown(Runtime& rt) override {
        cached_at_end_ = list_size(cache_);
        for (Object* o : {cache_, k_id_, k_name_, k_score_, k_tags_, k_self_, user_}) rt.decref(o);
    }
    nlohmann::json counters() const override {
        return {{"records", iterations_}, {"cycles_created", cycles_}, {"cached_at_end", cached_at_end_}};
    }

private:
    std::uint64_t iterations_, keep_every_;
    std::size_t cache_cap_, trim_;
    std::uint64_t cycle_every_;
    Object *k_id_ = nullptr, *k_name_ = nullptr, *k_score_ = nullptr, *k_tags_ = nullptr, *k_self_ = nullptr,
           *user_ = nullptr, *cache_ = nullptr;
    std::uint64_t cycles_ = 0;
    std::size_t cached_at_end_ = 0;
};

}  // namespace

WorkloadEntry records_workload() {
    WorkloadEntry entry{"records",
            "dict records holding a list and scalars; some cached in a trimmed list, some cyclic garbage",
            {{"iterations", 300000, "records built (one step each)"},
             {"keep_every", 10, "every n-th record is cached (0 = none)"},
             {"cache_cap", 10000, "the cache is trimmed when longer than this (0 = never)"},
             {"trim", 1000, "records removed from the front of the cache when trimming"},
             {"cycle_every", 100, "every n-th iteration also makes a self-referencing dict (0 = none)"}},
            {{"iterations", "20000"}, {"cache_cap", "1000"}, {"trim", "100"}},
            [](const Params& p, std::uint64_t) { return std::make_unique<Records>(p); }};
    entry.steps_per_op = 8;  // a step takes ~0.2 us: 8 make an op worth timing
    return entry;
}

}  // namespace pmb
