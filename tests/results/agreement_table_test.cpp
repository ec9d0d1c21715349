// The agreement table: real programs' runs paired with their trace replays by program, medians of
// the ok repetitions, ratios and deltas against cpython, ranks and Kendall's tau-b; failed and rc
// real runs ignored; a side without cpython noted; one line and exit code 2 when nothing pairs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <utility>
#include <vector>

#include "results/agreement_table.h"
#include "reporters/reporter.h"
#include "results/results_file.h"
#include "results/sample_statistics.h"
#include "tests/support/pymembench_cli.h"

namespace pmb {
namespace {

constexpr double kMiB = 1 << 20;

TEST(KendallTauB, PerfectAndReversedOrders) {
    EXPECT_DOUBLE_EQ(kendall_tau_b({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
    EXPECT_DOUBLE_EQ(kendall_tau_b({1, 2, 3, 4}, {40, 30, 20, 10}), -1.0);
    // One of the 6 pairs swapped, (2, 3): C = 5, D = 1, tau = (5 - 1) / 6.
    EXPECT_DOUBLE_EQ(kendall_tau_b({1, 2, 3, 4}, {1, 3, 2, 4}), 4.0 / 6.0);
}

TEST(KendallTauB, TiesAsScipyCountsThem) {
    // scipy.stats.kendalltau's documented example: x = [12, 2, 1, 12, 2], y = [1, 4, 7, 1, 0]
    // gives -0.47140452079103173. By hand, over the 10 pairs: concordant (0,4), (3,4): C = 2;
    // discordant (0,1), (0,2), (1,2), (1,3), (2,3), (2,4): D = 6; tied in x (0,3), (1,4): Tx = 2;
    // tied in y (0,3): Ty = 1. tau-b = (2 - 6) / sqrt((10 - 2) (10 - 1)) = -4 / sqrt(72).
    const double tau = kendall_tau_b({12, 2, 1, 12, 2}, {1, 4, 7, 1, 0});
    EXPECT_NEAR(tau, -0.47140452079103173, 1e-15);
    EXPECT_DOUBLE_EQ(tau, -4 / std::sqrt(72.0));
}

TEST(KendallTauB, UndefinedIsNaNAndBadInputThrows) {
    EXPECT_TRUE(std::isnan(kendall_tau_b({}, {})));
    EXPECT_TRUE(std::isnan(kendall_tau_b({1}, {2})));
    EXPECT_TRUE(std::isnan(kendall_tau_b({1, 2, 3}, {5, 5, 5})));  // every y tied
    EXPECT_TRUE(std::isnan(kendall_tau_b({7, 7}, {1, 2})));
    EXPECT_THROW(kendall_tau_b({1, 2}, {1}), std::invalid_argument);
    EXPECT_THROW(kendall_tau_b({1, NAN}, {1, 2}), std::invalid_argument);
}

nlohmann::json real_run(const std::string& allocator, double wall_s, double rss_mib,
                        nlohmann::json params = {{"script", "workloads/python/real/json_roundtrip.py"}},
                        const std::string& collector = "gen", const std::string& status = "ok") {
    return {{"workload", "python"}, {"params", params},           {"collector", collector}, {"allocator", allocator},
            {"status", status},     {"wall_s", wall_s},           {"peak_rss_bytes", rss_mib * kMiB}};
}

nlohmann::json replay_run(const std::string& allocator, double wall_s, double rss_mib,
                          const std::string& file = "results/traces/json_roundtrip.trace",
                          const std::string& collector = "gen", const std::string& status = "ok") {
    return {{"workload", "trace"}, {"params", {{"file", file}}}, {"collector", collector}, {"allocator", allocator},
            {"status", status},    {"wall_s", wall_s},           {"peak_rss_bytes", rss_mib * kMiB}};
}

// json_roundtrip: cpython, pool and jemalloc on both sides, with a crashed run, rc real runs and
// rc replays that would move the medians if they counted, and a system replay without a real run.
// text_processing (a module, with args): cpython's only real run timed out. foo: real runs only.
nlohmann::json two_program_doc() {
    const nlohmann::json text = {{"module", "text_processing"}, {"args", "--scale 1"}};
    // First, so that the replays' collector is not merely the first one seen.
    nlohmann::json runs =
        nlohmann::json::array({replay_run("cpython", 99, 1, "results/traces/json_roundtrip.trace", "rc")});
    for (double jitter : {0.9, 1.0, 1.1}) {
        runs.push_back(real_run("cpython", 1.0 * jitter, 40));
        runs.push_back(real_run("pool", 1.25 * jitter, 60));
        runs.push_back(real_run("jemalloc", 0.75 * jitter, 50));
        runs.push_back(real_run("cpython", 50, 400, {{"script", "workloads/python/real/json_roundtrip.py"}}, "rc"));
        runs.push_back(real_run("pool", 2.0 * jitter, 10, text));
        runs.push_back(real_run("jemalloc", 2.05 * jitter, 10, text));
        runs.push_back(replay_run("cpython", 1.0 * jitter, 10, "other/dir/text_processing.trace"));
        runs.push_back(replay_run("pool", 1.0 * jitter, 10, "other/dir/text_processing.trace"));
        runs.push_back(replay_run("jemalloc", 1.5 * jitter, 10, "other/dir/text_processing.trace"));
    }
    runs.push_back(
        real_run("pool", 100, 999, {{"script", "workloads/python/real/json_roundtrip.py"}}, "gen", "crashed"));
    runs.push_back(real_run("cpython", 0.1, 1, text, "gen", "timeout"));
    runs.push_back(real_run("cpython", 1, 1, {{"script", "x/foo.py"}}));
    for (double wall : {1.9, 2.1}) runs.push_back(replay_run("cpython", wall, 30));
    runs.push_back(replay_run("pool", 2.2, 33));
    runs.push_back(replay_run("jemalloc", 2.4, 24));
    runs.push_back(replay_run("system", 0.1, 1));
    return {{"schema", kResultsSchema}, {"runs", runs}};
}

const nlohmann::json& row_of(const nlohmann::json& program, const std::string& allocator) {
    for (const nlohmann::json& row : program["rows"])
        if (row["allocator"] == allocator) return row;
    throw std::out_of_range("no row for " + allocator);
}

TEST(AgreementTable, RatiosDeltasRanksAndTauAgainstCpython) {
    const nlohmann::json table = agreement_table(two_program_doc());
    EXPECT_EQ(table["reference"], "cpython");
    ASSERT_EQ(table["programs"].size(), 2u);
    const nlohmann::json& json_rt = table["programs"][0];
    EXPECT_EQ(json_rt["program"], "json_roundtrip");
    EXPECT_EQ(json_rt["real"]["script"], "workloads/python/real/json_roundtrip.py");
    EXPECT_EQ(json_rt["replay"]["file"], "results/traces/json_roundtrip.trace");
    EXPECT_EQ(json_rt["replay"]["collector"], "gen");  // the rc replay is not taken
    EXPECT_FALSE(json_rt.contains("note"));
    EXPECT_EQ(json_rt["allocators"], 3);  // system replayed but never ran for real
    ASSERT_EQ(json_rt["rows"].size(), 3u);

    const nlohmann::json& cpython = row_of(json_rt, "cpython");
    EXPECT_EQ(cpython["real_reps"], 3);  // the rc real runs are not counted
    EXPECT_EQ(cpython["replay_reps"], 2);
    EXPECT_DOUBLE_EQ(cpython["real_wall_s"].get<double>(), 1.0);
    EXPECT_DOUBLE_EQ(cpython["replay_wall_s"].get<double>(), 2.0);
    EXPECT_DOUBLE_EQ(cpython["real_time_ratio"].get<double>(), 1.0);
    EXPECT_DOUBLE_EQ(cpython["real_delta_s"].get<double>(), 0.0);
    EXPECT_TRUE(cpython["delta_ratio"].is_null());
    EXPECT_TRUE(cpython["sign_agrees"].is_null());

    const nlohmann::json& pool = row_of(json_rt, "pool");
    EXPECT_EQ(pool["real_reps"], 3);  // the crashed run is not counted
    EXPECT_DOUBLE_EQ(pool["real_wall_s"].get<double>(), 1.25);
    EXPECT_DOUBLE_EQ(pool["real_time_ratio"].get<double>(), 1.25);
    EXPECT_DOUBLE_EQ(pool["replay_time_ratio"].get<double>(), 1.1);
    EXPECT_DOUBLE_EQ(pool["real_rss_ratio"].get<double>(), 1.5);
    EXPECT_DOUBLE_EQ(pool["replay_rss_ratio"].get<double>(), 1.1);
    EXPECT_NEAR(pool["real_delta_s"].get<double>(), 0.25, 1e-12);
    EXPECT_NEAR(pool["replay_delta_s"].get<double>(), 0.2, 1e-12);
    EXPECT_NEAR(pool["delta_ratio"].get<double>(), 0.8, 1e-12);
    EXPECT_EQ(pool["sign_agrees"], true);

    const nlohmann::json& jemalloc = row_of(json_rt, "jemalloc");
    EXPECT_NEAR(jemalloc["real_delta_s"].get<double>(), -0.25, 1e-12);
    EXPECT_NEAR(jemalloc["replay_delta_s"].get<double>(), 0.4, 1e-12);
    EXPECT_NEAR(jemalloc["delta_ratio"].get<double>(), -1.6, 1e-12);
    EXPECT_EQ(jemalloc["sign_agrees"], false);
    EXPECT_DOUBLE_EQ(jemalloc["replay_rss_ratio"].get<double>(), 0.8);

    // Real: jemalloc 0.75 < cpython 1.0 < pool 1.25; replay: cpython 2.0 < pool 2.2 < jemalloc 2.4.
    EXPECT_EQ(jemalloc["real_rank"], 1);
    EXPECT_EQ(cpython["real_rank"], 2);
    EXPECT_EQ(pool["real_rank"], 3);
    EXPECT_EQ(cpython["replay_rank"], 1);
    EXPECT_EQ(pool["replay_rank"], 2);
    EXPECT_EQ(jemalloc["replay_rank"], 3);
    // One concordant pair (cpython, pool), two discordant: (1 - 2) / 3.
    EXPECT_DOUBLE_EQ(json_rt["kendall_tau"].get<double>(), -1.0 / 3.0);

    // No ok real run of cpython: noted, no ratios, but ranks and tau still (they need no reference).
    const nlohmann::json& text = table["programs"][1];
    EXPECT_EQ(text["program"], "text_processing");
    EXPECT_EQ(text["real"]["module"], "text_processing");
    EXPECT_EQ(text["real"]["args"], "--scale 1");
    EXPECT_EQ(text["note"], "no ok run of cpython among the real runs: ratios and deltas skipped");
    ASSERT_EQ(text["rows"].size(), 2u);
    for (const nlohmann::json& row : text["rows"])
        for (const char* key : {"real_time_ratio", "replay_time_ratio", "real_rss_ratio", "real_delta_s",
                                "delta_ratio", "sign_agrees"})
            EXPECT_TRUE(row[key].is_null()) << key;
    EXPECT_EQ(row_of(text, "jemalloc")["real_rank"], 2);
    EXPECT_DOUBLE_EQ(text["kendall_tau"].get<double>(), 1.0);

    EXPECT_EQ(table["unpaired"]["real"], nlohmann::json::array({"foo"}));
    EXPECT_EQ(table["unpaired"]["replay"], nlohmann::json::array());
}

TEST(AgreementTable, SignWithinThreePercentOfCpythonIsNoise) {
    nlohmann::json doc = two_program_doc();
    for (nlohmann::json& run : doc["runs"])
        if (run["workload"] == "python" && run["allocator"] == "jemalloc" && run["params"].contains("script"))
            run["wall_s"] = run["wall_s"].get<double>() / 0.75 * 0.98;  // 2 % faster than cpython
    const nlohmann::json table = agreement_table(doc);
    EXPECT_TRUE(row_of(table["programs"][0], "jemalloc")["sign_agrees"].is_null());
    EXPECT_EQ(row_of(table["programs"][0], "pool")["sign_agrees"], true);
}

TEST(AgreementTable, TextAndMarkdownShowEveryProgram) {
    const nlohmann::json table = agreement_table(two_program_doc());
    const std::string text = make_reporter("text")->render(agreement_report(table));
    EXPECT_NE(text.find("json_roundtrip: real workloads/python/real/json_roundtrip.py"), std::string::npos) << text;
    EXPECT_NE(text.find("text_processing --scale 1"), std::string::npos) << text;
    EXPECT_NE(text.find("replay Δs"), std::string::npos) << text;
    EXPECT_NE(text.find("Kendall tau = -0.33 over 3 allocators"), std::string::npos) << text;
    EXPECT_NE(text.find("Kendall tau = 1.00 over 2 allocators"), std::string::npos) << text;
    EXPECT_NE(text.find("Note: no ok run of cpython"), std::string::npos) << text;
    EXPECT_NE(text.find("Not paired: foo (real runs only)"), std::string::npos) << text;
    const std::string md = make_reporter("markdown")->render(agreement_report(table));
    EXPECT_NE(md.find("| pool | 1.250 | 1.250 | 1.100 | +0.250 | +0.200 | 1.500 | 1.100 | 3/2 |"), std::string::npos)
        << md;
    EXPECT_NE(md.find("| jemalloc | 2.050 | - | - | - | - | - | - | 2/2 |"), std::string::npos) << md;
}

TEST(AgreementTable, NoPairedProgramIsOneLineError) {
    nlohmann::json doc = two_program_doc();
    nlohmann::json runs = nlohmann::json::array();
    for (const nlohmann::json& run : doc["runs"])
        if (run["workload"] == "python" || run["params"].value("file", "").find("json_") == std::string::npos)
            runs.push_back(run);
    for (nlohmann::json& run : runs)  // the text_processing replays: failed
        if (run["workload"] == "trace") run["status"] = "crashed";
    doc["runs"] = runs;
    try {
        agreement_table(doc);
        ADD_FAILURE() << "a file without a paired program must be refused";
    } catch (const std::invalid_argument& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("no program has both"), std::string::npos) << what;
        EXPECT_NE(what.find("real json_roundtrip"), std::string::npos) << what;
        EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
}

TEST(AgreementTableCli, ExitCode2WithoutPairsAndForAnUnknownKind) {
    using test_support::pymembench;
    nlohmann::json doc = two_program_doc();
    const std::string good = test_support::temp_path("agreement_good.json");
    std::ofstream(good) << doc.dump();
    ProcessOutcome ok = pymembench({"report", "agreement", good, "--json"});
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_EQ(nlohmann::json::parse(ok.out)["programs"].size(), 2u);

    nlohmann::json real_only = nlohmann::json::array();
    for (const nlohmann::json& run : doc["runs"])
        if (run["workload"] == "python") real_only.push_back(run);
    doc["runs"] = real_only;
    const std::string bad = test_support::temp_path("agreement_bad.json");
    std::ofstream(bad) << doc.dump();
    for (const auto& [args, must_mention] :
         std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"report", "agreement", bad}, "no program has both"},
             {{"report", "agreement", bad, "--markdown"}, "no program has both"},
             {{"report", "agreemnt", good}, "accepted: pauses, agreement"},
             {{"report", "agreement", good, "--allocator", "pool"}, "--allocator"}}) {
        ProcessOutcome p = pymembench(args);
        EXPECT_EQ(p.exit_code, 2) << args[1] << " " << p.err;
        EXPECT_EQ(p.out, "") << args[1];
        EXPECT_EQ(std::count(p.err.begin(), p.err.end(), '\n'), 1) << p.err;
        EXPECT_NE(p.err.find(must_mention), std::string::npos) << p.err;
    }
    std::remove(good.c_str());
    std::remove(bad.c_str());
}

}  // namespace
}  // namespace pmb
