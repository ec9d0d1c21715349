// faulty (test-only): a workload that misbehaves on purpose, to prove the harness contains it.
// It is found by name but never listed nor part of the default matrix.
//
// Each op appends `op` ints to a list it keeps. At op `at_op` the chosen fault happens:
//   fault=0  none (a well-behaved run);
//   fault=1  crash: the worker raises SIGSEGV;
//   fault=2  hang: the worker sleeps forever;
//   fault=3  memory: the worker allocates 64 MiB blocks through the heap until the allocator
//            fails (the per-run memory limit), never returning them.
#include <signal.h>
#include <unistd.h>

#include "objects/list.h"
#include "objects/scalars.h"
#include "workloads/registry.h"

namespace pmb {
namespace {

class Faulty final : public Workload {
public:
    explicit Faulty(const Params& p)
        : fault_(p.get("fault")), at_op_(static_cast<std::uint64_t>(p.get("at_op"))),
          ops_(static_cast<std::uint64_t>(p.get("ops"))) {}

    void setup(Runtime& rt) override { list_ = list_new(rt); }
    std::uint64_t ops() const override { return ops_; }

    void step(Runtime& rt, std::uint64_t i) override {
        if (i == at_op_) misbehave(rt);
        for (std::uint64_t k = 0; k < i; ++k) {
            Object* v = int_from(rt, static_cast<std::int64_t>(k) + 1000);
            list_append(rt, list_, v);
            rt.decref(v);
        }
    }

    void teardown(Runtime& rt) override {
        rt.decref(list_);
        list_ = nullptr;
    }

private:
    void misbehave(Runtime& rt) {
        switch (fault_) {
            case 1:
                signal(SIGSEGV, SIG_DFL);  // a real crash even where a sanitizer handles SIGSEGV
                raise(SIGSEGV);
                break;
            case 2:
                for (;;) pause();
            case 3:
                for (;;) rt.heap().allocate(std::size_t{64} << 20);  // throws std::bad_alloc at the limit
            default:
                break;
        }
    }

    std::int64_t fault_;
    std::uint64_t at_op_;
    std::uint64_t ops_;
    Object* list_ = nullptr;
};

}  // namespace

WorkloadEntry faulty_workload() {
    WorkloadEntry e{"faulty",
            "test-only: crashes, hangs or exhausts memory on purpose (fault=1, 2, 3)",
            {{"fault", 0, "0 none, 1 crash (SIGSEGV), 2 hang, 3 allocate until out of memory"},
             {"at_op", 10, "the op at which the fault happens"},
             {"ops", 100, "ops in the run"}},
            {},
            [](const Params& p, std::uint64_t) { return std::make_unique<Faulty>(p); }};
    e.availability = WorkloadAvailability::test_only;
    return e;
}

}  // namespace pmb
