// No measured run is lost to a results file that cannot be written: the saver retries, then
// keeps the document in a rescue file (and every later save there), and says where; the `run`
// command exits 4, not "bad input", after a matrix whose results directory vanished mid-run.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "results/results_saver.h"
#include "tests/support/pymembench_cli.h"

namespace pmb {
namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(ResultsSaver, WritesThePathWhenItCan) {
    const std::filesystem::path dir = test_support::temp_path("saver_ok");
    std::filesystem::create_directories(dir);
    ResultsSaver saver((dir / "r.json").string(), (dir / "r.csv").string());
    saver.save("{\"a\": 1}\n", "a\n1\n");
    EXPECT_FALSE(saver.failed());
    EXPECT_EQ(saver.rescue_path(), "");
    EXPECT_EQ(slurp((dir / "r.json").string()), "{\"a\": 1}\n");
    EXPECT_EQ(slurp((dir / "r.csv").string()), "a\n1\n");
    std::filesystem::remove_all(dir);
}

TEST(ResultsSaver, AnUnwritablePathGoesToARescueFileAndStaysThere) {
    const std::filesystem::path dir = test_support::temp_path("saver_rescue");
    std::filesystem::create_directories(dir);
    const char* old_tmpdir = std::getenv("TMPDIR");
    const std::string saved_tmpdir = old_tmpdir ? old_tmpdir : "";
    setenv("TMPDIR", dir.c_str(), 1);
    ResultsSaver saver((dir / "gone" / "r.json").string(), (dir / "gone" / "r.csv").string());
    saver.save("first\n", "c1\n");
    EXPECT_TRUE(saver.failed());
    ASSERT_NE(saver.rescue_path(), "");
    EXPECT_EQ(std::filesystem::path(saver.rescue_path()).parent_path(), dir);
    EXPECT_EQ(slurp(saver.rescue_path()), "first\n");
    const auto t0 = std::chrono::steady_clock::now();
    saver.save("second\n", "c2\n");  // straight to the rescue file: no more retries of the path
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(400));
    EXPECT_EQ(slurp(saver.rescue_path()), "second\n");
    const std::string message = saver.failure_message(2);
    EXPECT_NE(message.find("gone/r.json"), std::string::npos) << message;
    EXPECT_NE(message.find("the 2 measured runs are kept: they are in " + saver.rescue_path()), std::string::npos)
        << message;
    EXPECT_EQ(message.find('\n'), std::string::npos);
    if (old_tmpdir) setenv("TMPDIR", saved_tmpdir.c_str(), 1);
    else unsetenv("TMPDIR");
    std::filesystem::remove_all(dir);
}

TEST(ResultsSaverCli, AResultsDirectoryThatVanishesMidRunLosesNoRun) {
    const std::filesystem::path dir = test_support::temp_path("saver_cli");
    const std::filesystem::path out_dir = dir / "out";
    std::filesystem::create_directories(out_dir);
    const std::string out = (out_dir / "r.json").string();
    std::atomic<bool> removed{false};
    std::thread remover([&] {  // the directory goes once the first run is written
        for (int i = 0; i < 60000 && !std::filesystem::exists(out); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        std::filesystem::remove_all(out_dir);
        removed = true;
    });
    const ProcessOutcome p =
        run_process({PMB_BINARY, "run", "-a", "system", "-c", "rc", "-w", "temporaries", "--param",
                     "temporaries.iterations=20000", "--reps", "4", "--warmup", "0", "--out", out},
                    {"TMPDIR=" + dir.string()}, {300, 0});
    remover.join();
    ASSERT_TRUE(removed);
    EXPECT_EQ(p.exit_code, kExitResultsUnwritten) << p.err;
    const std::string last_line = p.err.substr(p.err.rfind("pymembench: "));
    EXPECT_EQ(std::count(last_line.begin(), last_line.end(), '\n'), 1) << last_line;
    EXPECT_NE(last_line.find("the 4 measured runs are kept"), std::string::npos) << last_line;
    std::string rescue;
    for (const auto& e : std::filesystem::directory_iterator(dir))
        if (e.path().filename().string().rfind("pymembench-unsaved-", 0) == 0 && e.path().extension() == ".json")
            rescue = e.path().string();
    ASSERT_NE(rescue, "") << "no rescue file in " << dir;
    EXPECT_NE(last_line.find(rescue), std::string::npos) << last_line;
    const nlohmann::json doc = nlohmann::json::parse(slurp(rescue));
    EXPECT_EQ(doc["runs"].size(), 4u);
    for (const auto& run : doc["runs"]) EXPECT_EQ(run["status"], "ok");
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pmb
