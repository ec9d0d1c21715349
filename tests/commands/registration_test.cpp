// Registration is one place: a workload, an allocator and a collector this test binary adds at run
// time, and names nowhere else, are listed by `list`, resolved and run by the harness, and
// reported like any others.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "allocators/registry.h"
#include "collectors/refcount_collector.h"
#include "collectors/registry.h"
#include "commands/command_line.h"
#include "harness/single_run.h"
#include "objects/list.h"
#include "objects/scalars.h"
#include "workloads/registry.h"

namespace pmb {
namespace {

// Each op appends `per_op` ints to a list the workload keeps until teardown.
class Probe final : public Workload {
public:
    explicit Probe(const Params& p) : ops_(static_cast<std::uint64_t>(p.get("ops"))) {}
    void setup(Runtime& rt) override { list_ = list_new(rt); }
    std::uint64_t ops() const override { return ops_; }
    void step(Runtime& rt, std::uint64_t i) override {
        Object* v = int_from(rt, 1'000'000 + static_cast<std::int64_t>(i));
        list_append(rt, list_, v);
        rt.decref(v);
    }
    void teardown(Runtime& rt) override { rt.decref(list_); }
    nlohmann::json counters() const override { return {{"probe_ops", ops_}}; }

private:
    std::uint64_t ops_;
    Object* list_ = nullptr;
};

// The C library's malloc, counting its calls: proof that the run used this entry's allocator.
std::uint64_t counted_mallocs = 0;

class CountingAllocator final : public Allocator {
public:
    const std::string& name() const override { return name_; }
    const AllocatorOps& ops() const override { return ops_; }
    AllocatorIdentity identity() const override { return {"libc.so.6", "counting"}; }
    nlohmann::json stats() const override { return {{"mallocs", counted_mallocs}}; }

private:
    static void* do_malloc(void*, std::size_t n) {
        ++counted_mallocs;
        return std::malloc(n);
    }
    static void* do_calloc(void*, std::size_t n, std::size_t size) {
        ++counted_mallocs;
        return std::calloc(n, size);
    }
    static void* do_realloc(void*, void* p, std::size_t n) { return std::realloc(p, n); }
    static void do_free(void*, void* p) { std::free(p); }
    std::string name_ = "registration_counting";
    AllocatorOps ops_{nullptr, do_malloc, do_calloc, do_realloc, do_free};
};

// Pure reference counting under another name, counting the collectors it made.
int collectors_made = 0;

void add_probe_once() {
    static const bool added = [] {
        WorkloadEntry e{"registration_probe",
                        "a workload only this test knows",
                        {{"ops", 500, "ints appended"}},
                        {},
                        [](const Params& p, std::uint64_t) { return std::make_unique<Probe>(p); }};
        e.availability = WorkloadAvailability::when_named;
        add_workload(std::move(e));
        AllocatorEntry a;
        a.name = "registration_counting";
        a.description = "an allocator only this test knows";
        a.make = [](const std::string&) -> std::unique_ptr<Allocator> { return std::make_unique<CountingAllocator>(); };
        a.check = [](const std::string&) {};
        a.preload = [](const std::string&) { return std::string(); };
        a.in_default_matrix = false;
        add_allocator(std::move(a));
        add_collector({"registration_rc", "a collector only this test knows", [](Heap& heap, const std::string&) {
                           ++collectors_made;
                           return make_refcount_collector(heap);
                       }});
        return true;
    }();
    (void)added;
}

int run(std::vector<std::string> args) {
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    return run_command_line(static_cast<int>(args.size()), argv.data());
}

TEST(Registration, AWorkloadAddedAtRunTimeIsListedRunAndReported) {
    add_probe_once();
    testing::internal::CaptureStdout();
    ASSERT_EQ(run({"pymembench", "list"}), 0);
    std::fflush(stdout);
    const std::string listed = testing::internal::GetCapturedStdout();
    EXPECT_NE(listed.find("registration_probe a workload only this test knows (run only when named)"),
              std::string::npos) << listed;
    EXPECT_NE(listed.find("ops=500"), std::string::npos) << listed;
    EXPECT_NE(listed.find("registration_counting"), std::string::npos) << listed;
    EXPECT_NE(listed.find("registration_rc"), std::string::npos) << listed;

    RunSpec spec;
    spec.allocator = "pool";
    spec.collector = "gen";
    spec.workload = "registration_probe";
    spec.params = {{"ops", "300"}};
    validate_run_spec(spec);
    const nlohmann::json result = execute_run(spec);
    EXPECT_EQ(result["ops"], 300);
    EXPECT_EQ(result["counters"]["probe_ops"], 300);
    EXPECT_EQ(result["leaked_objects"], 0);
    // 300 ints of 32 bytes live at once, and the list's item array.
    EXPECT_GE(result["peak_live_bytes"].get<std::uint64_t>(), 300u * 32);
    EXPECT_GT(result["allocs"].get<std::uint64_t>(), 300u);

    spec.allocator = "registration_counting";
    spec.collector = "registration_rc";
    validate_run_spec(spec);
    const std::uint64_t mallocs_before = counted_mallocs;
    const int made_before = collectors_made;
    const nlohmann::json counted = execute_run(spec);
    EXPECT_EQ(counted["allocator_version"], "counting");
    EXPECT_EQ(counted["counters"]["probe_ops"], 300);
    EXPECT_GT(counted_mallocs - mallocs_before, 0u);  // the run's memory came from this entry
    EXPECT_EQ(collectors_made - made_before, 1);
}

TEST(Registration, ANameTakenTwiceIsRefused) {
    add_probe_once();
    WorkloadEntry again{"registration_probe", "again", {}, {}, nullptr};
    EXPECT_THROW(add_workload(std::move(again)), std::invalid_argument);
    WorkloadEntry builtin{"trees", "a second trees", {}, {}, nullptr};
    EXPECT_THROW(add_workload(std::move(builtin)), std::invalid_argument);
    AllocatorEntry pool;
    pool.name = "pool";
    EXPECT_THROW(add_allocator(std::move(pool)), std::invalid_argument);
    EXPECT_THROW(add_collector({"gen", "a second gen", nullptr}), std::invalid_argument);
}

}  // namespace
}  // namespace pmb
