// Fault containment through the real binary: a run that crashes, hangs or exhausts its memory is
// recorded with its status and reason while the matrix goes on; Ctrl-C stops cleanly and keeps
// every finished run; a parent killed with SIGKILL never leaves a half-written results file or a
// worker behind.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "harness/process_runner.h"
#include "results/results_file.h"
#include "tests/support/pymembench_cli.h"

extern char** environ;

namespace pmb {
namespace {

using test_support::pymembench;
using test_support::temp_path;

// Starts pymembench without waiting for it (its output discarded).
pid_t spawn_pymembench(std::vector<std::string> args) {
    args.insert(args.begin(), PMB_BINARY);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    posix_spawn(&pid, PMB_BINARY, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    return pid;
}

std::size_t runs_in(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return 0;
    try {
        return read_results(path)["runs"].size();
    } catch (const std::exception&) {
        return 0;
    }
}

// Processes whose command line contains `marker` (a seed no other test uses).
int processes_with(const std::string& marker) {
    int n = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream in(entry.path() / "cmdline");
        std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
        if (cmdline.find("pymembench") != std::string::npos && cmdline.find(marker) != std::string::npos) ++n;
    }
    return n;
}

void remove_results(const std::string& json) {
    std::filesystem::remove(json);
    std::filesystem::remove(json.substr(0, json.size() - 5) + ".csv");
}

const nlohmann::json* find_run(const nlohmann::json& doc, const std::string& workload) {
    for (const auto& run : doc["runs"])
        if (run["workload"] == workload) return &run;
    return nullptr;
}

TEST(FaultContainment, CrashIsRecordedAndTheMatrixGoesOn) {
    const std::string out = temp_path("crash.json");
    ProcessOutcome p = pymembench({"run", "-a", "system", "-c", "rc", "-w", "faulty,lru", "--quick", "--param",
                                   "faulty.fault=1", "--out", out});
    EXPECT_EQ(p.exit_code, 1) << p.err;  // a run failed; every other run is kept
    const nlohmann::json doc = read_results(out);
    remove_results(out);
    ASSERT_EQ(doc["runs"].size(), 2u);
    const nlohmann::json* crashed = find_run(doc, "faulty");
    ASSERT_NE(crashed, nullptr);
    EXPECT_EQ((*crashed)["status"], "crashed");
    EXPECT_NE((*crashed)["error"].get<std::string>().find("SIGSEGV"), std::string::npos) << (*crashed)["error"];
    EXPECT_EQ((*find_run(doc, "lru"))["status"], "ok");
    EXPECT_EQ(doc["summaries"].size(), 2u);
    EXPECT_NE(p.err.find("crashed"), std::string::npos) << p.err;
}

TEST(FaultContainment, HangIsKilledAtTheTimeLimit) {
    const std::string out = temp_path("hang.json");
    const auto t0 = std::chrono::steady_clock::now();
    ProcessOutcome p = pymembench({"run", "-a", "pool", "-c", "gen", "-w", "faulty,lru", "--quick", "--param",
                                   "faulty.fault=2", "--timeout", "1", "--out", out});
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(p.exit_code, 1) << p.err;
    const nlohmann::json doc = read_results(out);
    remove_results(out);
    ASSERT_EQ(doc["runs"].size(), 2u);
    EXPECT_EQ((*find_run(doc, "faulty"))["status"], "timeout");
    EXPECT_EQ((*find_run(doc, "lru"))["status"], "ok");
    EXPECT_LT(seconds, 30.0);
}

#ifndef PMB_SANITIZER_BUILD  // AddressSanitizer reserves terabytes of address space: no RLIMIT_AS
TEST(FaultContainment, MemoryHogStopsAtTheMemoryLimit) {
    const std::string out = temp_path("hog.json");
    for (const char* allocator : {"system", "pool"}) {
        ProcessOutcome p = pymembench({"run", "-a", allocator, "-c", "rc", "-w", "faulty,lru", "--quick", "--param",
                                       "faulty.fault=3", "--memory-limit", "0.5", "--out", out});
        EXPECT_EQ(p.exit_code, 1) << p.err;
        const nlohmann::json doc = read_results(out);
        remove_results(out);
        ASSERT_EQ(doc["runs"].size(), 2u);
        EXPECT_EQ((*find_run(doc, "faulty"))["status"], "out_of_memory") << allocator;
        EXPECT_EQ((*find_run(doc, "lru"))["status"], "ok") << allocator;
    }
}
#endif

TEST(FaultContainment, InterruptKeepsEveryFinishedRun) {
    const std::string out = temp_path("interrupt.json");
    const std::string seed = "7700123";
    // Three good runs, then a hang the interrupt must cut short.
    const pid_t pid = spawn_pymembench({"run", "-a", "system", "-c", "rc,gen", "-w", "lru,faulty", "--quick",
                                        "--param", "faulty.fault=2", "--seed", seed, "--timeout", "120", "--out", out});
    ASSERT_GT(pid, 0);
    for (int i = 0; i < 600 && runs_in(out) < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // into the hanging run
    kill(pid, SIGINT);
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 130);
    const nlohmann::json doc = read_results(out);
    remove_results(out);
    EXPECT_EQ(doc["runs"].size(), 2u);  // lru under rc and gen; the interrupted run is not recorded
    for (const auto& run : doc["runs"]) EXPECT_EQ(run["status"], "ok");
    EXPECT_FALSE(doc["meta"]["complete"].get<bool>());
    EXPECT_EQ(processes_with(seed), 0) << "the hanging worker outlived the interrupt";
}

// The parent killed at random moments: the results file is always absent or whole (JSON and CSV
// alike), and no worker outlives its parent.
TEST(FaultContainment, ResultsSurviveSigkillOfTheParent) {
    const std::string out = temp_path("sigkill.json");
    const std::string csv = out.substr(0, out.size() - 5) + ".csv";
    const std::string seed = "7700456";
    std::mt19937 rng(1);
    std::size_t files_seen = 0;
    for (int trial = 0; trial < 12; ++trial) {
        remove_results(out);
        const pid_t pid = spawn_pymembench({"run", "-a", "system,pool", "-c", "rc", "-w", "temporaries", "--quick",
                                            "--reps", "200", "--seed", seed, "--out", out});
        ASSERT_GT(pid, 0);
        // Once the file exists the parent rewrites it after every run: kill it at a random moment.
        for (int i = 0; i < 600 && !std::filesystem::exists(out); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 700));
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        if (!std::filesystem::exists(out)) continue;
        ++files_seen;
        const nlohmann::json doc = read_results(out);  // throws on a torn file
        EXPECT_GT(doc["runs"].size(), 0u);
        std::ifstream in(csv);
        std::string header, row;
        ASSERT_TRUE(std::getline(in, header)) << "trial " << trial;
        std::size_t rows = 0;
        while (std::getline(in, row)) {
            ++rows;
            EXPECT_EQ(std::count(row.begin(), row.end(), ','), std::count(header.begin(), header.end(), ','));
        }
        // The CSV is written right after the JSON: at most one run behind it.
        EXPECT_LE(rows, doc["runs"].size());
        EXPECT_GE(rows + 1, doc["runs"].size());
        for (int i = 0; i < 50 && processes_with(seed) > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        EXPECT_EQ(processes_with(seed), 0) << "a worker outlived its killed parent";
    }
    remove_results(out);
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::temp_directory_path()))
        if (entry.path().filename().string().rfind("pmb_fault_" + std::to_string(getpid()) + "_sigkill", 0) == 0)
            std::filesystem::remove(entry.path());  // temporary files of a write cut short
    EXPECT_EQ(files_seen, 12u);
}

}  // namespace
}  // namespace pmb
