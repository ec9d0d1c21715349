// Every workload's model against its Python twin under the system's Python 3.11, at small scale:
// GC collections and objects collected per generation within 5 %, peak live bytes within 10 %
// (pymembench validate's tolerances). Runs the real CLI, so it also proves the command.
#include <gtest/gtest.h>

#include <set>

#include <nlohmann/json.hpp>

#include "harness/process_runner.h"

namespace pmb {
namespace {

TEST(Validate, EveryWorkloadMatchesItsPythonTwinAtSmallScale) {
    ProcessOutcome p = run_process({PMB_BINARY, "validate", "--quick", "--json"}, {}, {900, 0});
    ASSERT_TRUE(p.started);
    nlohmann::json rows;
    try {
        rows = nlohmann::json::parse(p.out);
    } catch (const nlohmann::json::exception&) {
        FAIL() << "validate printed no JSON: " << p.out << p.err;
    }
    std::set<std::string> workloads;
    for (const auto& r : rows) {
        workloads.insert(r["workload"].get<std::string>());
        EXPECT_TRUE(r["ok"].get<bool>()) << r.dump();
    }
    EXPECT_EQ(workloads.size(), 11u);
    EXPECT_EQ(p.exit_code, 0) << p.err;
}

TEST(Validate, ReportsAModelThatDisagrees) {
    // With generation 0's threshold changed in the twin's interpreter only, the counts must differ
    // and validate must fail: the comparison can fail.
    ProcessOutcome p = run_process({PMB_BINARY, "validate", "--workload", "rings", "--param", "rings=3000", "--python",
                                    PMB_SOURCE_DIR "/tests/workloads/python_threshold_1000.sh"},
                                   {}, {300, 0});
    EXPECT_EQ(p.exit_code, 1) << p.out << p.err;
    EXPECT_NE(p.out.find("BEYOND TOLERANCE"), std::string::npos) << p.out;
}

}  // namespace
}  // namespace pmb
