// growth: containers grown one item at a time through every resize (the shape of parsers,
// accumulators and "build a list/dict in a loop" code everywhere).
//
// Each op draws a length n in [0, max_len) and runs
//     l = []
//     for j in range(n): l.append(j)        # list_resize: capacities 4, 8, 16, 24, ... (realloc)
//     d = {}
//     for j in range(n): d[j] = j           # int keys: 24-byte entries, tables of 8, 16, 32, ...
//     if keep_every and i % keep_every == 0:
//         kept.append((l, d)); if len(kept) > kept_cap: del kept[:1]
// with CPython 3.11's allocations: each loop's range object and iterator, a fresh int for every
// j above 256, the list's item array reallocated at each over-allocation step, the dict's key table
// replaced at each GROWTH_RATE step. The list and the dict bodies come from their free lists.
#include "objects/dict.h"
#include "objects/list.h"
#include "objects/opaque.h"
#include "objects/scalars.h"
#include "objects/tuple.h"
#include "workloads/registry.h"
#include "workloads/rng.h"

namespace pmb {
namespace {

class Growth final : public Workload {
public:
    Growth(const Params& p, std::uint64_t seed)
        : keep_every_(static_cast<std::uint64_t>(p.get("keep_every"))),
          kept_cap_(static_cast<std::size_t>(p.get("kept"))) {
        Rng rng(seed);
        const auto max_len = static_cast<std::uint64_t>(std::max<std::int64_t>(p.get("max_len"), 1));
        lengths_.resize(static_cast<std::size_t>(p.get("iterations")));
        for (auto& n : lengths_) n = static_cast<std::int64_t>(rng.below(max_len));
    }

    void setup(Runtime& rt) override { kept_ = list_new(rt); }
    std::uint64_t ops() const override { return lengths_.size(); }

    void step(Runtime& rt, std::uint64_t i) override {
        const std::int64_t n = lengths_[i];
        Object* l = list_new(rt);
        Object* it = range_iterator_new(rt, n);
        for (std::int64_t j = 0; j < n; ++j) {
            Object* jv = int_from(rt, j);
            list_append(rt, l, jv);
            rt.decref(jv);
        }
        rt.decref(it);
        Object* d = dict_new(rt);
        it = range_iterator_new(rt, n);
        for (std::int64_t j = 0; j < n; ++j) {
            Object* jv = int_from(rt, j);
            dict_set(rt, d, jv, jv);
            rt.decref(jv);
        }
        rt.decref(it);
        items_ += static_cast<std::uint64_t>(n);
        if (keep_every_ != 0 && i % keep_every_ == 0 && kept_cap_ != 0) {
            Object* pair = tuple_new(rt, 2);
            Runtime::incref(l);
            Runtime::incref(d);
            tuple_init_item(pair, 0, l);
            tuple_init_item(pair, 1, d);
            list_append(rt, kept_, pair);
            rt.decref(pair);
            if (list_size(kept_) > kept_cap_) list_del_prefix(rt, kept_, 1);
        }
        rt.decref(d);
        rt.decref(l);
    }

    void teardown(Runtime& rt) override {
        rt.decref(kept_);
        kept_ = nullptr;
    }
    nlohmann::json counters() const override { return {{"items_inserted", items_ * 2}}; }

private:
    std::uint64_t keep_every_;
    std::size_t kept_cap_;
    std::vector<std::int64_t> lengths_;
    Object* kept_ = nullptr;
    std::uint64_t items_ = 0;
};

}  // namespace

WorkloadEntry growth_workload() {
    return {"growth",
            "lists appended and dicts filled one item at a time through every resize (realloc traffic)",
            {{"iterations", 20000, "containers pairs grown (one op each)"},
             {"max_len", 2000, "each op's length is drawn from [0, max_len)"},
             {"keep_every", 50, "every n-th pair is kept (0 = none)"},
             {"kept", 100, "kept pairs at most (FIFO)"}},
            {{"iterations", "2000"}, {"kept", "20"}},
            [](const Params& p, std::uint64_t seed) { return std::make_unique<Growth>(p, seed); }};
}

}  // namespace pmb
