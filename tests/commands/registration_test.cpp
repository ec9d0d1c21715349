// Registration is one place: a workload this test binary adds at run time, and names nowhere
// else, is listed by `list`, resolved and run by the harness, and reported like any other.
#include <gtest/gtest.h>

#include <string>

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

void add_probe_once() {
    static const bool added = [] {
        WorkloadEntry e{"registration_probe",
                        "a workload only this test knows",
                        {{"ops", 500, "ints appended"}},
                        {},
                        [](const Params& p, std::uint64_t) { return std::make_unique<Probe>(p); }};
        e.availability = WorkloadAvailability::when_named;
        add_workload(std::move(e));
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
}

TEST(Registration, ANameTakenTwiceIsRefused) {
    add_probe_once();
    WorkloadEntry again{"registration_probe", "again", {}, {}, nullptr};
    EXPECT_THROW(add_workload(std::move(again)), std::invalid_argument);
    WorkloadEntry builtin{"trees", "a second trees", {}, {}, nullptr};
    EXPECT_THROW(add_workload(std::move(builtin)), std::invalid_argument);
}

}  // namespace
}  // namespace pmb
