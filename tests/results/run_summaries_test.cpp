// Summaries group runs by combination and summarize only successful repetitions; the CSV has one
// well-quoted row per run; the progress display's estimate follows what it has seen.
#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>

#include "harness/progress_display.h"
#include "results/results_csv.h"
#include "results/run_metrics.h"
#include "results/run_summaries.h"

namespace pmb {
namespace {

nlohmann::json run(const std::string& allocator, double ops_per_s, const std::string& status = "ok") {
    nlohmann::json r = {{"index", 0},         {"allocator", allocator}, {"collector", "rc"},
                        {"workload", "trees"}, {"params", {{"trees", "10"}}}, {"seed", 0},
                        {"rep", 0},           {"status", status},       {"error", nullptr}};
    if (status == "ok") {
        r["ops_per_s"] = ops_per_s;
        r["peak_rss_bytes"] = 1000;
        r["peak_live_bytes"] = 400;
        r["memory_overhead"] = 2.5;
        r["latency_recorded"] = true;
        r["latency_ns"] = {{"p50", 100}, {"p99", 900}};
    } else {
        r["error"] = "killed by SIGSEGV";
    }
    return r;
}

TEST(RunSummaries, GroupByCombinationAndSkipFailures) {
    const nlohmann::json runs = {run("pool", 10), run("system", 100), run("pool", 30), run("pool", 0, "crashed"),
                                 run("pool", 20)};
    const nlohmann::json s = summarize_runs(runs);
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[0]["allocator"], "pool");  // in order of first appearance
    EXPECT_EQ(s[0]["runs"], 4);
    EXPECT_EQ(s[0]["failed"], 1);
    EXPECT_EQ(s[0]["metrics"]["ops_per_s"]["n"], 3);
    EXPECT_DOUBLE_EQ(s[0]["metrics"]["ops_per_s"]["median"].get<double>(), 20.0);
    EXPECT_DOUBLE_EQ(s[0]["metrics"]["ops_per_s"]["cv"].get<double>(), 10.0 / 20.0);
    EXPECT_DOUBLE_EQ(s[0]["metrics"]["memory_overhead"]["median"].get<double>(), 2.5);
    EXPECT_FALSE(s[0]["metrics"].contains("gc_pause_total_ns"));  // no run has it
    EXPECT_EQ(s[1]["allocator"], "system");
    EXPECT_EQ(s[1]["metrics"]["ops_per_s"]["n"], 1);
    const std::string table = summaries_table(s);
    EXPECT_NE(table.find("pool/rc/trees"), std::string::npos);
    EXPECT_NE(table.find("3/4"), std::string::npos) << table;  // successful of all runs
}

TEST(RunSummaries, DifferentParametersAreDifferentCombinations) {
    nlohmann::json a = run("pool", 10), b = run("pool", 20);
    b["params"]["trees"] = "20";
    EXPECT_EQ(summarize_runs(nlohmann::json::array({a, b})).size(), 2u);
    EXPECT_NE(combination_key(a), combination_key(b));
}

TEST(RunMetrics, LatencyIsAbsentWhenNotRecorded) {
    nlohmann::json r = run("pool", 10);
    const RunMetric* p99 = find_run_metric("latency_p99_ns");
    ASSERT_NE(p99, nullptr);
    EXPECT_EQ(*metric_value(r, *p99), 900.0);
    r["latency_recorded"] = false;
    EXPECT_FALSE(metric_value(r, *p99).has_value());
    EXPECT_FALSE(metric_value(run("pool", 0, "timeout"), *find_run_metric("ops_per_s")).has_value());
}

TEST(ResultsCsv, OneQuotedRowPerRun) {
    nlohmann::json failed = run("preload:/opt/a,b.so", 0, "error");
    failed["error"] = "said \"no\", twice";
    const std::string csv = runs_csv(nlohmann::json::array({run("pool", 12.5), failed}));
    std::istringstream in(csv);
    std::string header, ok_row, failed_row, extra;
    ASSERT_TRUE(std::getline(in, header));
    ASSERT_TRUE(std::getline(in, ok_row));
    ASSERT_TRUE(std::getline(in, failed_row));
    EXPECT_FALSE(std::getline(in, extra));
    EXPECT_EQ(header.rfind("index,allocator,collector,workload,params,seed,rep,status,error,ops_per_s", 0), 0u);
    EXPECT_EQ(ok_row.rfind("0,pool,rc,trees,trees=10,0,0,ok,,12.5,", 0), 0u) << ok_row;
    EXPECT_NE(failed_row.find("\"preload:/opt/a,b.so\""), std::string::npos) << failed_row;
    EXPECT_NE(failed_row.find("\"said \"\"no\"\", twice\""), std::string::npos) << failed_row;
    EXPECT_EQ(std::count(ok_row.begin(), ok_row.end(), ','), std::count(header.begin(), header.end(), ','));
    EXPECT_EQ(csv_path_for("results/x.json"), "results/x.csv");
    EXPECT_EQ(csv_path_for("out"), "out.csv");
}

TEST(ProgressDisplay, EstimatesFromEachCombinationsLastRun) {
    std::FILE* sink = std::tmpfile();
    ProgressDisplay progress(10, false, sink);
    EXPECT_EQ(progress.expected_seconds({{0, 3}}), 0.0);  // nothing seen yet
    progress.begin("a", {{0, 3}, {1, 3}});
    progress.end(0, 2.0);
    progress.begin("b", {{0, 2}, {1, 3}});
    progress.end(1, 4.0);
    // Combination 0 takes 2 s, 1 takes 4 s, an unseen one the mean, 3 s.
    EXPECT_DOUBLE_EQ(progress.expected_seconds({{0, 2}, {1, 2}, {2, 1}}), 2 * 2.0 + 2 * 4.0 + 3.0);
    progress.begin("c", {{0, 2}, {1, 2}});
    std::rewind(sink);
    char buf[512] = {};
    const std::size_t n = std::fread(buf, 1, sizeof buf - 1, sink);
    const std::string text(buf, n);
    EXPECT_EQ(text.find('\033'), std::string::npos) << "no control characters outside a terminal";
    EXPECT_NE(text.find("[3/10] c  12s left"), std::string::npos) << text;
    std::fclose(sink);
    EXPECT_EQ(format_duration(3725), "1h02m");
    EXPECT_EQ(format_duration(185), "3m05s");
}

}  // namespace
}  // namespace pmb
