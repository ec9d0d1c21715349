// compare: the statistics on synthetic samples with known answers, and every exit code of the
// command.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "harness/process_runner.h"
#include "results/compare_results.h"
#include "reporters/reporter.h"
#include "results/results_file.h"

namespace pmb {
namespace {

// A results document with one combination per entry of `throughputs` (allocator name -> samples);
// peak RSS and p99 follow throughput so every compared metric has values.
nlohmann::json doc_with(const std::map<std::string, std::vector<double>>& throughputs, double rss_scale = 1.0) {
    nlohmann::json runs = nlohmann::json::array();
    std::size_t index = 0;
    for (const auto& [allocator, samples] : throughputs)
        for (std::size_t rep = 0; rep < samples.size(); ++rep)
            runs.push_back({{"index", index++},
                            {"allocator", allocator},
                            {"collector", "rc"},
                            {"workload", "trees"},
                            {"params", nlohmann::json::object()},
                            {"seed", 0},
                            {"rep", rep},
                            {"status", "ok"},
                            {"ops_per_s", samples[rep]},
                            {"latency_recorded", true},
                            {"latency_ns", {{"p99", 1e9 / samples[rep]}}},
                            {"gc", {{"pause_ns", {{"total", 0}}}}},
                            {"peak_rss_bytes", rss_scale * (1e7 + static_cast<double>(rep))}});
    return {{"schema", kResultsSchema}, {"meta", nlohmann::json::object()}, {"runs", runs}};
}

const nlohmann::json& row_for(const nlohmann::json& comparison, const std::string& metric,
                              const std::string& allocator = "pool") {
    for (const auto& row : comparison["rows"])
        if (row["metric"] == metric && row["allocator"] == allocator) return row;
    static const nlohmann::json none;
    return none;
}

const std::vector<double> kBase = {100, 101, 99, 100.5, 99.5, 100.2, 99.8};

TEST(CompareResults, IdenticalSamplesAreNoChange) {
    const auto c = compare_results(doc_with({{"pool", kBase}}), doc_with({{"pool", kBase}}), {});
    EXPECT_EQ(c["regressions"], 0);
    EXPECT_EQ(c["improvements"], 0);
    const auto& row = row_for(c, "ops_per_s");
    EXPECT_DOUBLE_EQ(row["ratio"].get<double>(), 1.0);
    EXPECT_NEAR(row["p_value"].get<double>(), 1.0, 1e-12);
    EXPECT_EQ(row["verdict"], "no change");
    EXPECT_LE(row["ci_low"].get<double>(), 1.0);
    EXPECT_GE(row["ci_high"].get<double>(), 1.0);
    // Both medians 0 (no pauses under rc): no change, not a division by zero.
    EXPECT_EQ(row_for(c, "gc_pause_total_ns")["verdict"], "no change");
}

TEST(CompareResults, AClearSlowdownIsARegressionAndASpeedupAnImprovement) {
    std::vector<double> slower, faster;
    for (double v : kBase) slower.push_back(v * 0.8), faster.push_back(v * 1.2);
    const auto c = compare_results(doc_with({{"pool", kBase}, {"system", kBase}}),
                                   doc_with({{"pool", slower}, {"system", faster}}), {});
    const auto& down = row_for(c, "ops_per_s", "pool");
    EXPECT_EQ(down["verdict"], "regression");
    EXPECT_NEAR(down["ratio"].get<double>(), 0.8, 1e-9);
    // Complete separation of 7 against 7: the exact two-sided p is 2 / C(14, 7).
    EXPECT_NEAR(down["p_value"].get<double>(), 2.0 / 3432.0, 1e-9);
    EXPECT_LT(down["ci_high"].get<double>(), 0.85);
    EXPECT_GT(down["ci_low"].get<double>(), 0.75);
    EXPECT_EQ(row_for(c, "latency_p99_ns", "pool")["verdict"], "regression");  // latency up
    EXPECT_EQ(row_for(c, "ops_per_s", "system")["verdict"], "improvement");
    EXPECT_EQ(row_for(c, "latency_p99_ns", "system")["verdict"], "improvement");
    EXPECT_EQ(c["regressions"], 2);
    EXPECT_EQ(c["improvements"], 2);
    EXPECT_EQ(row_for(c, "peak_rss_bytes", "pool")["verdict"], "no change");
}

TEST(CompareResults, ASignificantChangeWithinItsThresholdIsNoChange) {
    std::vector<double> slower;
    for (double v : kBase) slower.push_back(v * 0.97);  // significant, but 3 % < 5 %
    CompareOptions options;
    auto c = compare_results(doc_with({{"pool", kBase}}), doc_with({{"pool", slower}}), options);
    EXPECT_EQ(row_for(c, "ops_per_s")["verdict"], "no change");
    EXPECT_LT(row_for(c, "ops_per_s")["p_value"].get<double>(), 0.05);
    options.thresholds["ops_per_s"] = 0.02;  // a per-metric override
    c = compare_results(doc_with({{"pool", kBase}}), doc_with({{"pool", slower}}), options);
    EXPECT_EQ(row_for(c, "ops_per_s")["verdict"], "regression");
    EXPECT_DOUBLE_EQ(c["thresholds"]["ops_per_s"].get<double>(), 0.02);
    EXPECT_DOUBLE_EQ(c["thresholds"]["peak_rss_bytes"].get<double>(), 0.05);
}

TEST(CompareResults, ABigButInsignificantChangeIsNotARegression) {
    // Overlapping samples whose medians differ by 10 %: noise, not evidence.
    const std::vector<double> base = {100, 60, 140, 95, 105, 70, 130};
    const std::vector<double> cand = {90, 55, 135, 85, 100, 65, 128};
    const auto c = compare_results(doc_with({{"pool", base}}), doc_with({{"pool", cand}}), {});
    EXPECT_EQ(row_for(c, "ops_per_s")["verdict"], "not significant");
    EXPECT_EQ(c["regressions"], 0);
}

// Ten combinations each slower by 10 % with overlapping samples: each is significant on its own,
// none after Holm's correction over the 30 figures tested: a check of many figures must not cry
// wolf because one of them is unlucky.
TEST(CompareResults, HolmCorrectionAccountsForManyFigures) {
    const std::vector<double> base = {100, 98, 102, 99, 101, 97, 103};
    const std::vector<double> cand = {90, 88, 92, 89, 99.5, 87, 100.5};  // no value tied with the base
    std::map<std::string, std::vector<double>> b, c;
    for (int i = 0; i < 10; ++i) {
        b["alloc" + std::to_string(i)] = base;
        c["alloc" + std::to_string(i)] = cand;
    }
    CompareOptions raw;
    raw.holm = false;
    const auto uncorrected = compare_results(doc_with(b), doc_with(c), raw);
    const auto& one = row_for(uncorrected, "ops_per_s", "alloc0");
    ASSERT_LT(one["p_value"].get<double>(), 0.05);
    EXPECT_EQ(one["verdict"], "regression");
    EXPECT_EQ(uncorrected["regressions"], 20);  // throughput and p99 of all ten
    const auto corrected = compare_results(doc_with(b), doc_with(c), {});
    EXPECT_EQ(corrected["correction"], "holm");
    EXPECT_EQ(corrected["tests"], 30);  // ops, p99 and RSS of ten combinations; no pauses under rc
    EXPECT_EQ(corrected["regressions"], 0);
    const auto& adjusted = row_for(corrected, "ops_per_s", "alloc0");
    EXPECT_EQ(adjusted["verdict"], "not significant");
    EXPECT_GE(adjusted["p_adjusted"].get<double>(), adjusted["p_value"].get<double>());
    // The smallest p is multiplied by the number of tests (capped at 1).
    double smallest = 1;
    for (const auto& row : corrected["rows"])
        if (row["metric"] != "gc_pause_total_ns") smallest = std::min(smallest, row["p_value"].get<double>());
    double smallest_adjusted = 1;
    for (const auto& row : corrected["rows"])
        if (row["metric"] != "gc_pause_total_ns") smallest_adjusted = std::min(smallest_adjusted, row["p_adjusted"].get<double>());
    EXPECT_DOUBLE_EQ(smallest_adjusted, std::min(1.0, 30 * smallest));
}

// The feasibility rule and the test are one: with 9 to 20 repetitions a side and 256 combinations
// (768 figures tested: throughput, p99 and RSS; no pauses under rc), untied figures can be
// flagged from the number repetitions_needed gives on, and not before; figures whose values tie
// are reported as untestable instead of silently never firing.
TEST(CompareResults, ManyFiguresAtNineToTwentyRepetitions) {
    EXPECT_EQ(repetitions_needed(0.05, 768), 9);  // 2 / C(18, 9) * 768 = 0.032; 2 / C(16, 8) * 768 = 0.12
    EXPECT_EQ(repetitions_needed(0.05, 768, true), 12);
    for (std::size_t n = 8; n <= 20; ++n) {
        SCOPED_TRACE(std::to_string(n) + " repetitions a side");
        std::map<std::string, std::vector<double>> b, c;
        for (int combo = 0; combo < 256; ++combo) {
            std::vector<double> base, cand;
            for (std::size_t i = 0; i < n; ++i) {
                base.push_back(1000 + combo * 0.001 + static_cast<double>(i) * 0.37);
                cand.push_back((combo == 0 ? 800 : 1000.0001) + combo * 0.001 + static_cast<double>(i) * 0.37);
            }
            b["alloc" + std::to_string(combo)] = base;
            c["alloc" + std::to_string(combo)] = cand;
        }
        CompareOptions options;
        options.resamples = 50;  // the intervals are not under test here, and 768 of them cost seconds
        if (n < 9) {
            EXPECT_THROW(compare_results(doc_with(b), doc_with(c), options), std::invalid_argument);
            continue;
        }
        const auto r = compare_results(doc_with(b), doc_with(c), options);
        EXPECT_EQ(r["tests"], 768);
        const auto& slow = row_for(r, "ops_per_s", "alloc0");
        EXPECT_EQ(slow["verdict"], "regression") << slow.dump();
        EXPECT_TRUE(slow["testable"].get<bool>());
        // Peak RSS is 1e7 + rep on both sides: each value appears twice in the pool, and with
        // that many ties the approximation cannot reach 0.05 / 768 below 12 repetitions.
        const bool rss_testable = n >= 12;
        EXPECT_EQ(row_for(r, "peak_rss_bytes", "alloc0")["testable"].get<bool>(), rss_testable);
        EXPECT_EQ(r["untestable"], rss_testable ? 0 : 256);
        EXPECT_EQ(r["regressions"], 2);  // alloc0's throughput and p99
        const std::string text = make_reporter("text")->render(comparison_report(r, false));
        EXPECT_EQ(text.find("256 of 768 figures cannot be significant with these repetitions") != std::string::npos,
                  !rss_testable)
            << text;
    }
}

TEST(CompareResults, TooFewSamplesSayHowManyAreNeeded) {
    EXPECT_EQ(repetitions_needed(0.05), 4);  // 2 / C(8, 4) = 0.029; 2 / C(6, 3) = 0.1
    EXPECT_EQ(repetitions_needed(0.01), 5);  // 2 / C(10, 5) = 0.0079
    try {
        compare_results(doc_with({{"pool", {1, 2, 3}}}), doc_with({{"pool", {1, 2, 3, 4}}}), {});
        FAIL() << "three repetitions cannot reach alpha 0.05";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("at least 4"), std::string::npos) << e.what();
    }
    // 4 against 4 can reach 0.05 alone (2/70) but not over 3 figures at once (Holm): 5 are needed.
    const std::vector<double> four = {1, 2, 3, 4};
    CompareOptions uncorrected;
    uncorrected.holm = false;
    EXPECT_NO_THROW(compare_results(doc_with({{"pool", four}}), doc_with({{"pool", four}}), uncorrected));
    try {
        compare_results(doc_with({{"pool", four}}), doc_with({{"pool", four}}), {});
        FAIL() << "4 against 4 cannot pass Holm over 3 figures";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("at least 5"), std::string::npos) << e.what();
    }
}

TEST(CompareResults, NoCommonCombinationIsAnError) {
    EXPECT_THROW(compare_results(doc_with({{"pool", kBase}}), doc_with({{"system", kBase}}), {}),
                 std::invalid_argument);
    EXPECT_THROW(resolve_metric_name("speed"), std::invalid_argument);
    EXPECT_EQ(resolve_metric_name("rss"), "peak_rss_bytes");
}

TEST(CompareResults, RenderingsNameTheRegression) {
    std::vector<double> slower;
    for (double v : kBase) slower.push_back(v * 0.8);
    const auto c = compare_results(doc_with({{"pool", kBase}}), doc_with({{"pool", slower}}), {});
    const Report report = comparison_report(c, false);
    const std::string table = make_reporter("text")->render(report), markdown = make_reporter("markdown")->render(report);
    EXPECT_NE(table.find("REGRESSION"), std::string::npos) << table;
    EXPECT_NE(table.find("-20.0%"), std::string::npos) << table;
    EXPECT_NE(markdown.find("| pool/rc/trees | ops_per_s |"), std::string::npos) << markdown;
    EXPECT_NE(markdown.find("2 regressions"), std::string::npos) << markdown;
}

// The command's exit codes: 0 no regression, 1 regression, 2 bad input.
TEST(CompareCommand, ExitCodes) {
    const auto dir = std::filesystem::temp_directory_path() / ("pmb_compare_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    auto write = [&](const std::string& name, const std::string& text) {
        write_file_atomic((dir / name).string(), text);
        return (dir / name).string();
    };
    std::vector<double> slower;
    for (double v : kBase) slower.push_back(v * 0.8);
    const std::string base = write("base.json", doc_with({{"pool", kBase}}).dump());
    const std::string same = write("same.json", doc_with({{"pool", kBase}}).dump());
    const std::string slow = write("slow.json", doc_with({{"pool", slower}}).dump());
    const std::string other = write("other.json", doc_with({{"system", kBase}}).dump());
    const std::string few = write("few.json", doc_with({{"pool", {1, 2, 3}}}).dump());
    const std::string broken = write("broken.json", "{\"schema\": ");
    auto compare = [](std::vector<std::string> args) {
        args.insert(args.begin(), {PMB_BINARY, "compare"});
        return run_process(args, {}, {60, 0});
    };
    EXPECT_EQ(compare({base, same}).exit_code, 0);
    ProcessOutcome regression = compare({base, slow, "--markdown"});
    EXPECT_EQ(regression.exit_code, 1);
    EXPECT_NE(regression.out.find("regression"), std::string::npos);
    EXPECT_EQ(compare({base, slow, "--threshold", "25%"}).exit_code, 0);  // beyond the change
    EXPECT_EQ(compare({base, slow, "--threshold", "throughput=25%", "--threshold", "p99=30%"}).exit_code, 0);
    ProcessOutcome json = compare({base, slow, "--json"});
    EXPECT_EQ(json.exit_code, 1);
    EXPECT_EQ(nlohmann::json::parse(json.out)["regressions"], 2);
    struct Bad {
        std::vector<std::string> args;
        std::string must_mention;
    };
    for (const Bad& bad : std::vector<Bad>{{{base, (dir / "missing.json").string()}, "missing.json"},
                                           {{base, broken}, "not valid JSON"},
                                           {{base, other}, "share no combination"},
                                           {{few, few}, "at least 4"},
                                           {{base, same, "--threshold", "five"}, "five"},
                                           {{base, same, "--metric", "speed"}, "speed"}}) {
        ProcessOutcome p = compare(bad.args);
        EXPECT_EQ(p.exit_code, 2) << bad.must_mention << ": " << p.err;
        EXPECT_NE(p.err.find(bad.must_mention), std::string::npos) << p.err;
        EXPECT_EQ(std::count(p.err.begin(), p.err.end(), '\n'), 1) << p.err;
    }
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pmb
