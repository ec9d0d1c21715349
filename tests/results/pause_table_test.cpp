// The pause table: per workload and collector, medians of the repetitions' pause figures for one
// allocator, with max pause and throughput relative to gen; one line for an allocator not there.
#include <gtest/gtest.h>

#include "results/pause_table.h"
#include "reporters/reporter.h"

namespace pmb {
namespace {

nlohmann::json run(const std::string& allocator, const std::string& collector, const std::string& workload,
                   double max_pause_ms, double ops_per_s) {
    return {{"status", "ok"},
            {"allocator", allocator},
            {"collector", collector},
            {"workload", workload},
            {"params", nlohmann::json::object()},
            {"seed", 0},
            {"ops_per_s", ops_per_s},
            {"peak_rss_bytes", 1 << 20},
            {"trash", {{"peak_bytes", max_pause_ms * 1e6}, {"mean_bytes", max_pause_ms * 1e5}}},
            {"gc",
             {{"pause_ns", {{"p50", max_pause_ms * 1e5}, {"p99", max_pause_ms * 5e5}, {"max", max_pause_ms * 1e6},
                            {"total", max_pause_ms * 3e6}}},
              {"mmu", {{"10ms", 0.5}}}}}};
}

TEST(PauseTable, MediansPerCollectorRelativeToGen) {
    nlohmann::json runs = nlohmann::json::array();
    for (double jitter : {0.9, 1.0, 1.3}) {  // three repetitions: the medians are the 1.0 ones
        runs.push_back(run("pool", "gen", "lru", 12 * jitter, 1000 * jitter));
        runs.push_back(run("pool", "incremental", "lru", 0.2 * jitter, 1050 * jitter));
        runs.push_back(run("system", "gen", "lru", 99, 1));
        runs.push_back(run("pool", "gen", "trees", 1 * jitter, 500));
    }
    const nlohmann::json table = pause_table({{"runs", runs}}, "");
    EXPECT_EQ(table["allocator"], "pool");  // pool by default
    ASSERT_EQ(table["rows"].size(), 3u);
    const nlohmann::json& inc = table["rows"][1];
    EXPECT_EQ(inc["collector"], "incremental");
    EXPECT_EQ(inc["runs"], 3);
    EXPECT_DOUBLE_EQ(inc["pause_max_ns"].get<double>(), 0.2e6);
    EXPECT_DOUBLE_EQ(inc["pause_total_ns"].get<double>(), 0.6e6);
    EXPECT_DOUBLE_EQ(inc["max_pause_vs_gen"].get<double>(), 0.2 / 12);
    EXPECT_DOUBLE_EQ(inc["throughput_vs_gen"].get<double>(), 1.05);
    EXPECT_DOUBLE_EQ(inc["trash_peak_bytes"].get<double>(), 0.2e6);  // the garbage waiting, beside the pauses
    EXPECT_DOUBLE_EQ(inc["trash_mean_bytes"].get<double>(), 0.2e5);
    EXPECT_DOUBLE_EQ(table["rows"][0]["max_pause_vs_gen"].get<double>(), 1.0);
    EXPECT_TRUE(table["rows"][2]["throughput_vs_gen"] == 1.0);  // trees' gen against itself
    EXPECT_EQ(pause_table({{"runs", runs}}, "system")["rows"].size(), 1u);

    const std::string text = make_reporter("text")->render(pause_report(table));
    EXPECT_NE(text.find("incremental"), std::string::npos);
    EXPECT_NE(text.find("0.017"), std::string::npos);  // max/gen
    EXPECT_NE(text.find("trash MiB"), std::string::npos);
    const std::string md = make_reporter("markdown")->render(pause_report(table));
    EXPECT_NE(md.find("| lru | incremental | 3 |"), std::string::npos) << md;

    try {
        pause_table({{"runs", runs}}, "jemalloc");
        ADD_FAILURE() << "an allocator that did not run must be refused";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("allocators: pool, system"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace pmb
