// The real pymembench binary, end to end: a matrix run writes one sane record per process, and bad
// input gets one line on standard error and exit code 2.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "harness/process_runner.h"
#include "results/results_file.h"
#include "tests/support/pymembench_cli.h"

namespace pmb {
namespace {

using test_support::pymembench;
using test_support::temp_path;

std::size_t line_count(const std::string& s) {
    std::size_t n = 0;
    for (char c : s) n += c == '\n';
    return n;
}

TEST(CliEndToEnd, RunWritesOneSaneRecordPerProcess) {
    const std::string out = temp_path("e2e.json");
    ProcessOutcome p = pymembench({"run", "--allocator", "system,pool", "--collector", "rc", "--workload", "trees",
                                   "--reps", "2", "--param", "trees=2000", "--param", "long_lived_depth=12",
                                   "--out", out});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    nlohmann::json doc = read_results(out);
    EXPECT_EQ(doc["schema"], kResultsSchema);
    for (const char* key : {"start_time", "host", "build", "git", "command_line", "seed"})
        EXPECT_TRUE(doc["meta"].contains(key)) << key;
    EXPECT_FALSE(doc["meta"]["host"]["cpu_model"].get<std::string>().empty());
    ASSERT_EQ(doc["runs"].size(), 4u);
    std::set<std::string> allocators;
    std::set<std::uint64_t> ops_counts, alloc_counts;
    for (const auto& run : doc["runs"]) {
        allocators.insert(run["allocator"]);
        EXPECT_EQ(run["status"], "ok");
        EXPECT_TRUE(run["error"].is_null());
        EXPECT_EQ(run["collector"], "rc");
        EXPECT_EQ(run["workload"], "trees");
        EXPECT_EQ(run["ops"], 2000);
        EXPECT_GT(run["wall_s"].get<double>(), 0.0);
        EXPECT_NEAR(run["ops_per_s"].get<double>(), 2000 / run["wall_s"].get<double>(), 1e-6 * run["ops_per_s"].get<double>());
        EXPECT_GT(run["allocs"].get<std::uint64_t>(), 0u);
        const auto& lat = run["latency_ns"];
        EXPECT_GT(lat["p50"].get<std::uint64_t>(), 0u);
        EXPECT_LE(lat["p50"], lat["p90"]);
        EXPECT_LE(lat["p90"], lat["p99"]);
        EXPECT_LE(lat["p99"], lat["p999"]);
        EXPECT_LE(lat["p999"], lat["max"]);
        // A depth-12 long-lived tree alone is 4095 inner tuples of 40 bytes (leaves are one constant).
        EXPECT_GE(run["peak_live_bytes"].get<std::uint64_t>(), 4095u * 40u);
        EXPECT_GT(run["peak_rss_bytes"].get<std::uint64_t>(), run["peak_live_bytes"].get<std::uint64_t>());
        EXPECT_EQ(run["leaked_objects"], 0);
        EXPECT_EQ(run["resolved_params"]["trees"], 2000);
        EXPECT_EQ(run["params"]["trees"], "2000");  // the combination's overrides, as given
        EXPECT_NEAR(run["memory_overhead"].get<double>(),
                    run["peak_rss_bytes"].get<double>() / run["peak_live_bytes"].get<double>(), 1e-9);
        // The timeline: bounded, ordered, and it saw the live set the run reports as its peak.
        const auto& timeline = run["memory_timeline"];
        ASSERT_GE(timeline["t_ns"].size(), 4u);
        EXPECT_LE(timeline["t_ns"].size(), 512u);
        EXPECT_EQ(timeline["rss_bytes"].size(), timeline["t_ns"].size());
        std::uint64_t max_live = 0;
        for (std::size_t i = 0; i < timeline["t_ns"].size(); ++i) {
            if (i > 0) {
                EXPECT_LE(timeline["t_ns"][i - 1], timeline["t_ns"][i]);
            }
            EXPECT_GT(timeline["rss_bytes"][i].get<std::uint64_t>(), 0u);
            max_live = std::max(max_live, timeline["live_bytes"][i].get<std::uint64_t>());
        }
        EXPECT_LE(max_live, run["peak_live_bytes"].get<std::uint64_t>());
        EXPECT_GE(max_live, 4095u * 40u);
        EXPECT_EQ(run["gc"]["mmu"]["1ms"], 1.0);  // rc never pauses
        ops_counts.insert(run["ops"].get<std::uint64_t>());
        alloc_counts.insert(run["allocs"].get<std::uint64_t>());
    }
    EXPECT_EQ(allocators, (std::set<std::string>{"system", "pool"}));
    EXPECT_EQ(alloc_counts.size(), 1u) << "the same seed must allocate the same on every allocator";
    // Summaries: one per combination, over its two repetitions.
    ASSERT_EQ(doc["summaries"].size(), 2u);
    for (const auto& s : doc["summaries"]) {
        EXPECT_EQ(s["runs"], 2);
        EXPECT_EQ(s["failed"], 0);
        const auto& ops = s["metrics"]["ops_per_s"];
        EXPECT_EQ(ops["n"], 2);
        EXPECT_LE(ops["min"].get<double>(), ops["median"].get<double>());
        EXPECT_GE(ops["cv"].get<double>(), 0.0);
    }
    // The CSV beside it: a header and one row per run, every row as wide as the header.
    std::ifstream csv(out.substr(0, out.size() - 5) + ".csv");
    std::string header, row;
    ASSERT_TRUE(std::getline(csv, header));
    std::size_t rows = 0;
    while (std::getline(csv, row)) {
        ++rows;
        EXPECT_EQ(std::count(row.begin(), row.end(), ','), std::count(header.begin(), header.end(), ',')) << row;
        EXPECT_NE(row.find(",ok,"), std::string::npos) << row;
    }
    EXPECT_EQ(rows, 4u);
    std::filesystem::remove(out.substr(0, out.size() - 5) + ".csv");
    // Each run is its own process: the worker processes differ from this one and from each other.
    std::filesystem::remove(out);
}

// `pymembench run` accepts every workload with every allocator and collector.
TEST(CliEndToEnd, QuickMatrixRunsEveryCombination) {
    const std::string out = temp_path("quick.json");
#ifdef PMB_SANITIZER_BUILD
    // Preloading a malloc library is impossible under AddressSanitizer.
    std::vector<std::string> args = {"run", "--quick", "--allocator", "system,pool,cpython", "--out", out};
    const std::size_t allocators = 3;
#else
    std::vector<std::string> args = {"run", "--quick", "--out", out};
    const std::size_t allocators = 6;
#endif
    ProcessOutcome p = pymembench(args);
    ASSERT_EQ(p.exit_code, 0) << p.err;
    nlohmann::json doc = read_results(out);
    std::filesystem::remove(out);
    std::filesystem::remove(out.substr(0, out.size() - 5) + ".csv");
    const std::size_t collectors = 6;  // rc, gen, gen:version=3.13, incremental, marksweep, freethreaded
    const std::size_t workloads = 11;  // the default matrix (registry.cpp)
    EXPECT_EQ(doc["runs"].size(), allocators * collectors * workloads);
    std::set<std::string> combos;
    for (const auto& run : doc["runs"]) {
        EXPECT_EQ(run["status"], "ok") << run["allocator"] << "/" << run["collector"] << "/" << run["workload"];
        combos.insert(run["allocator"].get<std::string>() + "/" + run["collector"].get<std::string>() + "/" +
                      run["workload"].get<std::string>());
        for (const char* key : {"collections", "collected"}) EXPECT_EQ(run["gc"][key].size(), 3u);
        for (const char* key : {"p50", "p99", "max", "total"}) EXPECT_TRUE(run["gc"]["pause_ns"].contains(key));
        if (run["collector"] != "rc") {
            EXPECT_EQ(run["leaked_objects"], 0) << run["collector"] << "/" << run["workload"];
            // Every collector that keeps lists counts its trash, at least at the phase boundaries.
            if (run["workload"] != "trace") {
                EXPECT_GE(run["trash"]["censuses"].get<int>(), 3) << run["collector"] << "/" << run["workload"];
            }
        } else {
            EXPECT_TRUE(run["trash"].is_null());
        }
    }
    EXPECT_EQ(combos.size(), allocators * collectors * workloads);
}

TEST(CliEndToEnd, ARepeatedParameterIsSweptAndAllNamesTheDefaultMatrix) {
    const std::string out = temp_path("sweep.json");
    ProcessOutcome p = pymembench({"run", "--quick", "-a", "pool", "-c", "rc,gen", "-w", "trees,growth", "-p",
                                   "trees.trees=100", "-p", "trees.trees=300", "-p", "kept=5", "-p", "kept=7",
                                   "--out", out});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    nlohmann::json doc = read_results(out);
    std::set<std::string> settings;
    for (const auto& run : doc["runs"]) settings.insert(run["workload"].get<std::string>() + " " + run["params"].dump());
    // trees: two values of `trees` (and none of `kept`, which it does not declare); growth: two of `kept`.
    EXPECT_EQ(doc["runs"].size(), 8u);
    EXPECT_EQ(settings.size(), 4u);
    EXPECT_EQ(doc["runs"][0]["params"]["trees"], "100");
    EXPECT_EQ(doc["runs"][2]["params"]["trees"], "300");
    EXPECT_EQ(doc["runs"][0]["ops"], 100);
    EXPECT_EQ(doc["runs"][2]["ops"], 300);
    EXPECT_NE(p.out.find("trees="), std::string::npos) << "the summary rows name the swept parameter";
    p = pymembench({"run", "--quick", "-a", "pool", "-c", "all", "-w", "all", "--out", out});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    EXPECT_EQ(read_results(out)["runs"].size(), 6u * 11u);  // every default collector spec x the default matrix
    std::filesystem::remove(out);
    std::filesystem::remove(out.substr(0, out.size() - 5) + ".csv");
}

TEST(CliEndToEnd, ListNamesEveryAxis) {
    ProcessOutcome p = pymembench({"list"});
    ASSERT_EQ(p.exit_code, 0);
    for (const char* name : {"system", "pool", "preload", "rc", "gen", "incremental", "marksweep", "trees", "trace"})
        EXPECT_NE(p.out.find(name), std::string::npos) << name;
}

struct BadInput {
    std::vector<std::string> args;
    std::string must_mention;
};

TEST(CliEndToEnd, BadInputGetsOneLineAndExitCode2) {
    const std::vector<BadInput> cases = {
        {{"run", "--allocator", "nosuch", "--workload", "trees", "--quick"}, "nosuch"},
        {{"run", "--allocator", "nosuch"}, "system"},  // names the accepted ones
        {{"run", "--reps", "-1"}, "-1 is not accepted: a whole number of repetitions, 1 or more"},
        {{"run", "--reps", "2.5"}, "2.5 is not accepted"},
        {{"run", "--timeout", "-3"}, "-3 is not accepted: a number of seconds, 0 (none) or more"},
        {{"run", "--memory-limit", "-1"}, "a number of GiB"},
        {{"run", "--warmup", "-2"}, "a whole number of runs, 0 or more"},
        {{"run", "--reps", "x"}, "reps"},
        {{"run", "--out", "/nonexistent/dir/x.json"}, "/nonexistent/dir"},
        {{"run", "--collector", "zz"}, "rc"},
        {{"run", "--workload", "trees", "--param", "nope=1"}, "nope"},
        {{"run", "--workload", "trees", "--param", "trees=abc"}, "abc"},
        {{"run", "--allocator", "system:x=1", "--workload", "trees"}, "system"},
        {{"frobnicate"}, "frobnicate"},
        {{"plot", "/nonexistent/results.json", "--out", "/tmp"}, "/nonexistent/results.json"},
    };
    for (const BadInput& c : cases) {
        std::vector<std::string> args = c.args;
        if (args[0] == "run") args.insert(args.end(), {"--out", temp_path("bad.json")});
        if (c.must_mention == "/nonexistent/dir") args.resize(args.size() - 2);
        ProcessOutcome p = pymembench(args);
        std::string joined;
        for (const auto& a : c.args) joined += a + " ";
        EXPECT_EQ(p.exit_code, 2) << joined << "\n" << p.err;
        EXPECT_EQ(p.term_signal, 0) << joined;
        EXPECT_EQ(line_count(p.err), 1u) << joined << "\n" << p.err;
        EXPECT_NE(p.err.find(c.must_mention), std::string::npos) << joined << "\n" << p.err;
        EXPECT_LT(p.err.size(), 300u) << "one short line, not CLI11's whole double range: " << p.err;
    }
}

}  // namespace
}  // namespace pmb
