// Sharding and merging through the real binary: the shards of a matrix, merged, are the unsharded
// matrix run for run; incompatible files are refused with one line and exit code 2.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "harness/process_runner.h"
#include "results/merge_results.h"
#include "results/results_file.h"
#include "tests/support/pymembench_cli.h"

namespace pmb {
namespace {

using test_support::pymembench;
using test_support::temp_path;

void remove_results(const std::string& json) {
    std::filesystem::remove(json);
    std::filesystem::remove(json.substr(0, json.size() - 5) + ".csv");
}

// What a run must have in common with the same run elsewhere: its place in the matrix and every
// figure the seed determines (not times, which vary).
nlohmann::json deterministic_part(const nlohmann::json& run) {
    return {run["index"],       run["allocator"], run["collector"],  run["workload"],
            run["params"],      run["rep"],       run["status"],     run["ops"],
            run["allocs_total"], run["peak_live_bytes"], run["gc"]["collections"], run["counters"]};
}

class ShardMerge : public ::testing::Test {
protected:
    const std::vector<std::string> matrix = {"run", "-a", "system,pool", "-c", "rc,gen", "-w", "lru,records,trees",
                                             "--quick", "--reps", "2"};
    std::vector<std::string> files;
    void TearDown() override {
        for (const std::string& f : files) remove_results(f);
    }
    std::string run_shard(const std::string& shard, const std::string& name) {
        std::vector<std::string> args = matrix;
        const std::string out = temp_path(name);
        files.push_back(out);
        if (!shard.empty()) args.insert(args.end(), {"--shard", shard});
        args.insert(args.end(), {"--out", out});
        ProcessOutcome p = pymembench(args);
        EXPECT_EQ(p.exit_code, 0) << p.err;
        return out;
    }
};

TEST_F(ShardMerge, MergedShardsEqualTheUnshardedMatrix) {
    const std::string whole = run_shard("", "whole.json");
    std::vector<std::string> merge_args = {"merge"};
    std::size_t shard_runs = 0;
    for (int i = 1; i <= 3; ++i) {
        const std::string shard = run_shard(std::to_string(i) + "/3", "shard" + std::to_string(i) + ".json");
        shard_runs += read_results(shard)["runs"].size();
        merge_args.push_back(shard);
    }
    const std::string merged_path = temp_path("merged.json");
    files.push_back(merged_path);
    merge_args.insert(merge_args.end(), {"--out", merged_path});
    ProcessOutcome p = pymembench(merge_args);
    ASSERT_EQ(p.exit_code, 0) << p.err;

    const nlohmann::json expected = read_results(whole), merged = read_results(merged_path);
    ASSERT_EQ(expected["runs"].size(), 2u * 2 * 3 * 2);
    EXPECT_EQ(shard_runs, expected["runs"].size()) << "shards must be disjoint and cover the matrix";
    ASSERT_EQ(merged["runs"].size(), expected["runs"].size());
    for (std::size_t i = 0; i < expected["runs"].size(); ++i)
        EXPECT_EQ(deterministic_part(merged["runs"][i]), deterministic_part(expected["runs"][i])) << "run " << i;
    EXPECT_TRUE(merged["meta"]["complete"].get<bool>());
    EXPECT_EQ(merged["meta"]["shards"].size(), 3u);
    EXPECT_FALSE(merged["meta"]["matrix"].contains("shard"));
    EXPECT_EQ(merged["meta"]["matrix"], expected["meta"]["matrix"]);
    ASSERT_EQ(merged["summaries"].size(), expected["summaries"].size());
    for (std::size_t i = 0; i < merged["summaries"].size(); ++i) {
        EXPECT_EQ(merged["summaries"][i]["allocator"], expected["summaries"][i]["allocator"]);
        EXPECT_EQ(merged["summaries"][i]["workload"], expected["summaries"][i]["workload"]);
        EXPECT_EQ(merged["summaries"][i]["metrics"]["peak_live_bytes"]["median"],
                  expected["summaries"][i]["metrics"]["peak_live_bytes"]["median"]);
    }
    EXPECT_TRUE(std::filesystem::exists(merged_path.substr(0, merged_path.size() - 5) + ".csv"));
}

TEST_F(ShardMerge, IncompatibleFilesAreRefused) {
    const std::string one = run_shard("1/2", "one.json");
    const std::string two = run_shard("2/2", "two.json");
    const nlohmann::json doc = read_results(one);
    auto variant = [&](const std::string& name, auto edit) {
        nlohmann::json copy = doc;
        edit(copy);
        const std::string path = temp_path(name);
        files.push_back(path);
        write_file_atomic(path, copy.dump());
        return path;
    };
    const std::string other_build = variant("build.json", [](nlohmann::json& d) {
        d["meta"]["git"]["commit"] = "0000000000000000000000000000000000000000";
        d["meta"]["matrix"]["shard"]["index"] = 2;
    });
    const std::string other_schema = variant("schema.json", [](nlohmann::json& d) { d["schema"] = "pymembench-results/0"; });
    const std::string other_matrix = variant("matrix.json", [](nlohmann::json& d) {
        d["meta"]["matrix"]["reps"] = 5;
        d["meta"]["matrix"]["shard"]["index"] = 2;
    });
    const std::string out = temp_path("refused.json");
    files.push_back(out);
    struct Case {
        std::vector<std::string> inputs;
        std::string must_mention;
    };
    const std::vector<Case> cases = {
        {{one, one}, "both shard 1/2"},
        {{one, other_build}, "different builds"},
        {{one, other_schema}, "schema"},
        {{one, other_matrix}, "different matrices"},
        {{one, temp_path("missing.json")}, "missing.json"},
    };
    for (const Case& c : cases) {
        std::vector<std::string> args = {"merge"};
        args.insert(args.end(), c.inputs.begin(), c.inputs.end());
        args.insert(args.end(), {"--out", out});
        ProcessOutcome p = pymembench(args);
        EXPECT_EQ(p.exit_code, 2) << c.must_mention << ": " << p.err;
        EXPECT_NE(p.err.find(c.must_mention), std::string::npos) << p.err;
        EXPECT_EQ(std::count(p.err.begin(), p.err.end(), '\n'), 1) << p.err;
        EXPECT_FALSE(std::filesystem::exists(out));
    }
    // The two real halves merge; a half alone merges too but says it is incomplete.
    ProcessOutcome whole = pymembench({"merge", one, two, "--out", out});
    EXPECT_EQ(whole.exit_code, 0) << whole.err;
    EXPECT_TRUE(read_results(out)["meta"]["complete"].get<bool>());
    ProcessOutcome half = pymembench({"merge", one, "--out", out});
    EXPECT_EQ(half.exit_code, 0) << half.err;
    EXPECT_FALSE(read_results(out)["meta"]["complete"].get<bool>());
}

TEST_F(ShardMerge, RepetitionsOfOneMatrixAreRenumbered) {
    std::vector<std::string> args = {"merge", "--repetitions"};
    std::vector<nlohmann::json> rounds;
    for (int r = 0; r < 3; ++r) {
        const std::string out = run_shard("", "round" + std::to_string(r) + ".json");
        rounds.push_back(read_results(out));
        args.push_back(out);
    }
    const std::string merged_path = temp_path("rounds.json");
    files.push_back(merged_path);
    args.insert(args.end(), {"--out", merged_path});
    ProcessOutcome p = pymembench(args);
    ASSERT_EQ(p.exit_code, 0) << p.err;
    const nlohmann::json merged = read_results(merged_path);
    const std::size_t per_round = rounds[0]["runs"].size();  // 12 combinations x 2 repetitions
    ASSERT_EQ(merged["runs"].size(), 3 * per_round);
    EXPECT_EQ(merged["meta"]["matrix"]["reps"], 6);
    for (std::size_t i = 0; i < merged["runs"].size(); ++i) {
        const auto& run = merged["runs"][i];
        EXPECT_EQ(run["index"], i);
        EXPECT_EQ(run["rep"], i / 12);  // round k's repetitions r become 2k + r
        const auto& original = rounds[i / per_round]["runs"][i % per_round];
        EXPECT_EQ(run["allocator"], original["allocator"]);
        EXPECT_EQ(run["peak_live_bytes"], original["peak_live_bytes"]);
    }
    for (const auto& summary : merged["summaries"]) EXPECT_EQ(summary["metrics"]["ops_per_s"]["n"], 6);
    // A round of another matrix is refused.
    std::vector<std::string> other = matrix;
    other[2] = "system";
    other.insert(other.end(), {"--out", temp_path("other.json")});
    files.push_back(temp_path("other.json"));
    ASSERT_EQ(pymembench(other).exit_code, 0);
    ProcessOutcome refused = pymembench({"merge", "--repetitions", args[2], temp_path("other.json"), "--out", merged_path});
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find("different matrices"), std::string::npos) << refused.err;
}

TEST(ShardSpec, BadShardsAreRefused) {
    for (const char* bad : {"0/3", "4/3", "3", "a/b", "1/0", "-1/2", "1/3/4"}) {
        ProcessOutcome p = pymembench({"run", "--quick", "-w", "lru", "--shard", bad, "--out", temp_path("x.json")});
        EXPECT_EQ(p.exit_code, 2) << bad;
        EXPECT_NE(p.err.find("I/N"), std::string::npos) << p.err;
    }
}

}  // namespace
}  // namespace pmb
