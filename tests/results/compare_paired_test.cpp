// compare --paired: repetitions paired by number, the signed-rank test per figure, and the
// aggregate figures per allocator, collector and workload.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "harness/process_runner.h"
#include "results/compare_results.h"
#include "results/results_file.h"

namespace pmb {
namespace {

// Drift of the machine by round: the same factor on both sides of a round, 0.7 to 1.3.
double drift(std::size_t round) { return 1.0 + 0.3 * std::sin(static_cast<double>(round) * 2.1); }

// A deterministic noise in [-1, 1] for (combination, round, side).
double noise(std::size_t combination, std::size_t round, int side) {
    std::uint64_t z = combination * 1000003u + round * 7919u + static_cast<std::uint64_t>(side) * 104729u + 1;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1.0p-52 - 1.0;
}

// `rounds` repetitions of allocators x workloads (collector rc); throughput 100 x drift x (1 +
// spread x noise) x factor(allocator).
nlohmann::json paired_doc(int side, std::size_t rounds, double spread, const std::map<std::string, double>& factor,
                          const std::vector<std::string>& workloads = {"trees"}) {
    nlohmann::json runs = nlohmann::json::array();
    std::size_t index = 0, combination = 0;
    for (const auto& [allocator, f] : factor)
        for (const std::string& workload : workloads) {
            for (std::size_t r = 0; r < rounds; ++r) {
                const double tp = 100 * drift(r) * (1 + spread * noise(combination, r, side)) * f;
                runs.push_back({{"index", index++}, {"allocator", allocator}, {"collector", "rc"},
                                {"workload", workload}, {"params", nlohmann::json::object()}, {"seed", 0},
                                {"rep", r}, {"status", "ok"}, {"ops_per_s", tp}});
            }
            ++combination;
        }
    return {{"schema", kResultsSchema}, {"meta", nlohmann::json::object()}, {"runs", runs}};
}

// "w0", "w1", ...: n workloads of the paired documents.
std::vector<std::string> workload_names(int n) {
    std::vector<std::string> names;
    for (int i = 0; i < n; ++i) names.push_back("w" + std::to_string(i));
    return names;
}

CompareOptions throughput_only(bool paired) {
    CompareOptions o;
    o.metrics = {"ops_per_s"};
    o.paired = paired;
    return o;
}

const nlohmann::json* find_row(const nlohmann::json& c, const std::string& allocator, const std::string& workload) {
    for (const auto& row : c["rows"])
        if (row["allocator"] == allocator && row["workload"] == workload) return &row;
    return nullptr;
}

TEST(ComparePaired, DriftSharedByAPairCancels) {
    // 8 % slower under a drift of +-30 %: hidden from the unpaired test, plain to the paired one.
    const auto base = paired_doc(0, 15, 0.01, {{"pool", 1.0}});
    const auto slower = paired_doc(1, 15, 0.01, {{"pool", 0.92}});
    const auto unpaired = compare_results(base, slower, throughput_only(false));
    EXPECT_EQ(unpaired["regressions"], 0);
    const auto paired = compare_results(base, slower, throughput_only(true));
    EXPECT_EQ(paired["regressions"], 1);
    EXPECT_EQ(paired["test"], "signed-rank");
    const nlohmann::json* row = find_row(paired, "pool", "trees");
    ASSERT_NE(row, nullptr);
    EXPECT_EQ((*row)["verdict"], "regression");
    EXPECT_NEAR((*row)["ratio"].get<double>(), 0.92, 0.01);
    EXPECT_LT((*row)["ci_low"].get<double>(), 0.92);
    EXPECT_GT((*row)["ci_high"].get<double>(), 0.92);
    EXPECT_DOUBLE_EQ((*row)["p_value"].get<double>(), std::ldexp(2.0, -15));  // every pair slower
    // The same build on both sides: nothing flagged.
    const auto same = compare_results(base, paired_doc(1, 15, 0.01, {{"pool", 1.0}}), throughput_only(true));
    EXPECT_EQ(same["regressions"], 0);
    EXPECT_EQ(same["improvements"], 0);
}

TEST(ComparePaired, AnAllocatorsAggregateSeesWhatNoOneCombinationCan) {
    // pool 6 % slower on 10 workloads, each pair +-25 % noisy: no single figure is significant,
    // the geometric mean over pool's 10 workloads is.
    const std::vector<std::string> workloads = workload_names(10);
    const auto base = paired_doc(0, 15, 0.25, {{"pool", 1.0}, {"system", 1.0}}, workloads);
    const auto cand = paired_doc(1, 15, 0.25, {{"pool", 0.94}, {"system", 1.0}}, workloads);
    const auto c = compare_results(base, cand, throughput_only(true));
    int flagged_single = 0;
    for (const auto& row : c["rows"])
        if (!row.contains("aggregate") && row["verdict"] == "regression") ++flagged_single;
    EXPECT_EQ(flagged_single, 0);
    const nlohmann::json* pool = find_row(c, "pool", "*");
    ASSERT_NE(pool, nullptr);
    EXPECT_EQ((*pool)["aggregate"], "allocator");
    EXPECT_EQ((*pool)["combinations"], 10);
    EXPECT_EQ((*pool)["collector"], "*");
    EXPECT_EQ((*pool)["verdict"], "regression");
    EXPECT_NEAR((*pool)["ratio"].get<double>(), 0.94, 0.03);
    const nlohmann::json* system = find_row(c, "system", "*");
    ASSERT_NE(system, nullptr);
    EXPECT_NE((*system)["verdict"], "regression");
    // Aggregates are tested figures: 20 combinations + 2 allocators + 1 collector + 10 workloads
    // (each shared by pool and system).
    EXPECT_EQ(c["tests"], 33);
}

TEST(ComparePaired, AnAggregateTestsEveryPairAndHasItsOwnThreshold) {
    // pool 3 % slower on 10 workloads, each pair +-10 % noisy: below every figure's 5 % threshold,
    // beyond the aggregates' 2 %, and tested over all 10 x 20 pairs.
    const std::vector<std::string> workloads = workload_names(10);
    const auto base = paired_doc(0, 20, 0.10, {{"pool", 1.0}, {"system", 1.0}}, workloads);
    const auto cand = paired_doc(1, 20, 0.10, {{"pool", 0.97}, {"system", 1.0}}, workloads);
    const auto c = compare_results(base, cand, throughput_only(true));
    const nlohmann::json* pool = find_row(c, "pool", "*");
    ASSERT_NE(pool, nullptr);
    EXPECT_EQ((*pool)["pairs"], 200);
    EXPECT_EQ((*pool)["n_base"], 20);
    EXPECT_DOUBLE_EQ((*pool)["threshold"].get<double>(), 0.02);
    EXPECT_EQ((*pool)["family"], "headline");
    EXPECT_EQ((*pool)["verdict"], "regression");
    EXPECT_EQ(c["regressions"], 1);  // nothing else: every single figure is within its 5 %
    // The same change with the aggregates' threshold raised to 5 %: no change anywhere.
    CompareOptions strict = throughput_only(true);
    strict.aggregate_threshold = 0.05;
    EXPECT_EQ(compare_results(base, cand, strict)["regressions"], 0);
}

TEST(ComparePaired, TheHeadlineAndTheOtherFiguresShareAlpha) {
    const std::vector<std::string> workloads = workload_names(3);
    const auto base = paired_doc(0, 15, 0.05, {{"pool", 1.0}, {"system", 1.0}}, workloads);
    const auto cand = paired_doc(1, 15, 0.05, {{"pool", 0.9}, {"system", 1.0}}, workloads);
    const auto c = compare_results(base, cand, throughput_only(true));
    // Headline: 2 allocators + 1 collector; figures: 6 combinations + 3 workloads.
    EXPECT_EQ(c["families"]["headline"]["tests"], 3);
    EXPECT_EQ(c["families"]["figures"]["tests"], 9);
    EXPECT_DOUBLE_EQ(c["families"]["headline"]["alpha"].get<double>(), 0.025);
    // Holm within the family, scaled by its share: the smallest headline p times 3 / 0.5.
    double smallest = 1, adjusted = 1;
    for (const auto& row : c["rows"])
        if (row["family"] == "headline" && row["p_value"].get<double>() < smallest) {
            smallest = row["p_value"];
            adjusted = row["p_adjusted"];
        }
    EXPECT_DOUBLE_EQ(adjusted, std::min(1.0, smallest * 3 / 0.5));
    const nlohmann::json* w0 = find_row(c, "*", "w0");
    ASSERT_NE(w0, nullptr);
    EXPECT_EQ((*w0)["family"], "figures");  // workload aggregates are details, not the headline
    // Unpaired: one family of every row, all of alpha.
    const auto u = compare_results(base, cand, throughput_only(false));
    EXPECT_EQ(u["families"].size(), 1u);
    EXPECT_DOUBLE_EQ(u["families"]["figures"]["alpha"].get<double>(), 0.05);
}

TEST(ComparePaired, RepetitionsThatDoNotPairAreAnError) {
    const auto base = paired_doc(0, 15, 0.01, {{"pool", 1.0}});
    const auto cand = paired_doc(1, 14, 0.01, {{"pool", 1.0}});
    try {
        compare_results(base, cand, throughput_only(true));
        FAIL() << "15 base repetitions cannot pair with 14";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("--paired"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("0,1,2"), std::string::npos) << e.what();
    }
    // Too few pairs for alpha: the message counts pairs. 4 pairs give at best p = 2 / 16, 5 2 / 32.
    try {
        compare_results(paired_doc(0, 4, 0.01, {{"pool", 1.0}}), paired_doc(1, 4, 0.01, {{"pool", 1.0}}),
                        throughput_only(true));
        FAIL() << "4 pairs cannot reach 0.05";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("at least 6 pairs"), std::string::npos) << e.what();
    }
    EXPECT_EQ(repetitions_needed(0.05, 1, false, true), 6);     // 2 / 64
    EXPECT_EQ(repetitions_needed(0.05, 204, false, true), 13);  // 204 x 2 / 8192 = 0.0498
    // The CI check's non-headline family: 198 figures at half of alpha.
    EXPECT_EQ(repetitions_needed(0.025, 198, false, true), 14);  // 198 x 2 / 16384 = 0.024
}

TEST(ComparePaired, TheCommandTakesPaired) {
    const auto dir = std::filesystem::temp_directory_path() / ("pmb_paired_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const std::string base = (dir / "base.json").string(), cand = (dir / "cand.json").string();
    write_file_atomic(base, paired_doc(0, 15, 0.01, {{"pool", 1.0}}).dump());
    write_file_atomic(cand, paired_doc(1, 15, 0.01, {{"pool", 0.9}}).dump());
    const ProcessOutcome unpaired = run_process({PMB_BINARY, "compare", base, cand, "-m", "throughput"}, {}, {60, 0});
    EXPECT_EQ(unpaired.exit_code, 0) << unpaired.out << unpaired.err;
    const ProcessOutcome paired =
        run_process({PMB_BINARY, "compare", base, cand, "-m", "throughput", "--paired"}, {}, {60, 0});
    EXPECT_EQ(paired.exit_code, 1) << paired.out << paired.err;
    EXPECT_NE(paired.out.find("signed-rank"), std::string::npos) << paired.out;
    EXPECT_NE(paired.out.find("REGRESSION"), std::string::npos) << paired.out;
    const ProcessOutcome bad = run_process(
        {PMB_BINARY, "compare", base, cand, "--paired", "--aggregate-threshold", "two"}, {}, {60, 0});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("--aggregate-threshold 'two' is not a percentage"), std::string::npos) << bad.err;
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pmb
