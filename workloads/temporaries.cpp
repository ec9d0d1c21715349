// temporaries: arithmetic on boxed numbers (numeric loops, counters, accumulators in pure
// Python): nothing but short-lived atomic objects, the allocator's fastest path.
//
// setup() makes box = [0, 0.5]; each op runs
//     acc, x = box[0], box[1]
//     for j in range(inner):
//         a = i * 1000 + j
//         acc = acc + a % 1009
//         x = x * 0.999 + 1.0
//     box[0], box[1] = acc, x
// with CPython 3.11's allocations: the loop's int i; per inner step the ints i * 1000, a,
// a % 1009 and acc (each a fresh object unless in the small-int cache -5..256; 32 bytes below
// 2**30), and two floats (recycled through the 100-entry float free list); the range object
// and its iterator per op.
#include "objects/list.h"
#include "objects/opaque.h"
#include "objects/scalars.h"
#include "workloads/registry.h"

namespace pmb {
namespace {

class Temporaries final : public Workload {
public:
    explicit Temporaries(const Params& p)
        : iterations_(static_cast<std::uint64_t>(p.get("iterations"))), inner_(p.get("inner")) {}

    void setup(Runtime& rt) override {
        Object* items[2] = {int_from(rt, 0), float_from(rt, 0.5)};
        box_ = list_from_items(rt, items, 2);
    }
    std::uint64_t ops() const override { return iterations_; }

    void step(Runtime& rt, std::uint64_t iteration) override {
        const auto i = static_cast<std::int64_t>(iteration);
        Object* ival = int_from(rt, i);  // the loop variable
        Object* acc = list_get(box_, 0);
        Object* x = list_get(box_, 1);
        Runtime::incref(acc);
        Runtime::incref(x);
        Object* it = range_iterator_new(rt, inner_);
        Object* a = nullptr;
        for (std::int64_t j = 0; j < inner_; ++j) {
            Object* scaled = int_from(rt, i * 1000);
            Object* next_a = int_from(rt, i * 1000 + j);
            rt.decref(scaled);
            rt.xdecref(a);
            a = next_a;
            Object* rem = int_from(rt, int_value(a) % 1009);
            Object* next_acc = int_from(rt, int_value(acc) + int_value(rem));
            rt.decref(rem);
            rt.decref(acc);
            acc = next_acc;
            Object* product = float_from(rt, float_value(x) * 0.999);
            Object* next_x = float_from(rt, float_value(product) + 1.0);
            rt.decref(product);
            rt.decref(x);
            x = next_x;
        }
        rt.decref(it);
        list_set(rt, box_, 0, acc);
        list_set(rt, box_, 1, x);
        rt.decref(acc);
        rt.decref(x);
        rt.xdecref(a);
        rt.decref(ival);
    }

    void teardown(Runtime& rt) override {
        result_ = int_value(list_get(box_, 0));
        rt.decref(box_);
        box_ = nullptr;
    }
    nlohmann::json counters() const override { return {{"acc", result_}}; }

private:
    std::uint64_t iterations_;
    std::int64_t inner_;
    Object* box_ = nullptr;
    std::int64_t result_ = 0;
};

}  // namespace

WorkloadEntry temporaries_workload() {
    return {"temporaries",
            "arithmetic on boxed ints and floats: short-lived atomic objects only",
            {{"iterations", 200000, "outer iterations (one op each)"}, {"inner", 20, "arithmetic steps per op"}},
            {{"iterations", "20000"}},
            [](const Params& p, std::uint64_t) { return std::make_unique<Temporaries>(p); }};
}

}  // namespace pmb
