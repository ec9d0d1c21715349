// Identity, verified: each run uses exactly the allocator it names. The library that defines the
// worker's malloc is recorded, and the allocator's own statistics must account for the bytes the
// workload holds; a malloc library that is named but not actually serving is refused.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "harness/process_runner.h"
#include "results/results_file.h"

namespace pmb {
namespace {

struct Expected {
    std::string allocator, library, version_prefix;
};

std::vector<Expected> expected_backends() {
#ifdef PMB_SANITIZER_BUILD
    // Preloading a malloc library under AddressSanitizer is impossible (its runtime must come
    // first), and ASan's interceptor is the process's malloc.
    return {{"system", "libasan", "AddressSanitizer"}, {"pool", "pymembench pool", "pool_size="},
            {"cpython", "libpython3.11", "CPython 3.11"}};
#else
    return {{"system", "libc.so", "glibc "},         {"pool", "pymembench pool", "pool_size="},
            {"cpython", "libpython3.11", "CPython 3.11"}, {"mimalloc", "libmimalloc", "mimalloc "},
            {"jemalloc", "libjemalloc", "jemalloc "},   {"tcmalloc", "libtcmalloc", "gperftools "}};
#endif
}

TEST(AllocatorIdentity, EveryRunIsServedByTheLibraryItNames) {
    const std::string out = std::filesystem::temp_directory_path() / ("pmb_identity_" + std::to_string(getpid()) + ".json");
    std::string list;
    for (const Expected& e : expected_backends()) list += (list.empty() ? "" : ",") + e.allocator;
    ProcessOutcome p = run_process({PMB_BINARY, "run", "-a", list, "-c", "rc", "-w", "trees", "--quick", "--param",
                                    "long_lived_depth=12", "--out", out},
                                   {}, {300, 0});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    nlohmann::json doc = read_results(out);
    std::filesystem::remove(out);
    ASSERT_EQ(doc["runs"].size(), expected_backends().size());
    for (const Expected& e : expected_backends()) {
        const nlohmann::json* run = nullptr;
        for (const auto& r : doc["runs"])
            if (r["allocator"] == e.allocator) run = &r;
        ASSERT_NE(run, nullptr) << e.allocator;
        EXPECT_EQ((*run)["status"], "ok") << e.allocator << ": " << (*run)["error"];
        const std::string lib = (*run)["allocator_lib"], version = (*run)["allocator_version"];
        EXPECT_NE(lib.find(e.library), std::string::npos) << e.allocator << " was served by " << lib;
        EXPECT_EQ(version.rfind(e.version_prefix, 0), 0u) << e.allocator << " version " << version;
        // The allocator's own accounting, taken while the workload held its live set, covers it
        // (a 12-deep tree alone is 4095 inner tuples); had the bytes gone elsewhere it would not.
        const std::uint64_t live = (*run)["live_bytes_at_end_of_ops"];
        const nlohmann::json& stats = (*run)["allocator_stats_at_end_of_ops"];
        ASSERT_TRUE(stats.contains("allocated_bytes")) << e.allocator << " " << stats;
        EXPECT_GE(live, 4095u * 40u);
        EXPECT_GE(stats["allocated_bytes"].get<std::uint64_t>(), live) << e.allocator << " " << stats;
    }
}

#ifndef PMB_SANITIZER_BUILD
TEST(AllocatorIdentity, ANamedLibraryThatDoesNotServeMallocIsRefused) {
    // The worker started without the preload: its malloc is glibc's, and it must say so and stop.
    for (const char* name : {"mimalloc", "jemalloc", "tcmalloc"}) {
        ProcessOutcome p = run_process({PMB_BINARY, "worker", "--allocator", name, "--collector", "rc", "--workload",
                                        "trees", "--param", "trees=10"},
                                       {"LD_PRELOAD="}, {60, 0});
        EXPECT_NE(p.exit_code, 0) << name;
        EXPECT_NE(p.err.find("libc.so"), std::string::npos) << name << ": " << p.err;
        EXPECT_TRUE(p.out.empty()) << name;
    }
}

TEST(AllocatorIdentity, PreloadFormRecordsTheLibraryGiven) {
    const std::string out = std::filesystem::temp_directory_path() / ("pmb_preload_" + std::to_string(getpid()) + ".json");
    ProcessOutcome p = run_process({PMB_BINARY, "run", "-a", std::string("preload:") + PMB_JEMALLOC_PATH, "-c", "rc",
                                    "-w", "trees", "--quick", "--out", out},
                                   {}, {120, 0});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    nlohmann::json run = read_results(out)["runs"][0];
    std::filesystem::remove(out);
    EXPECT_NE(run["allocator_lib"].get<std::string>().find("libjemalloc"), std::string::npos);
    EXPECT_GE(run["allocator_stats_at_end_of_ops"]["allocated_bytes"].get<std::uint64_t>(),
              run["live_bytes_at_end_of_ops"].get<std::uint64_t>());
    // A path that is not there is bad input, reported before anything runs.
    ProcessOutcome bad = run_process({PMB_BINARY, "run", "-a", "preload:/nonexistent/libx.so", "--out", out}, {}, {60, 0});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("/nonexistent/libx.so"), std::string::npos);
}
#endif

}  // namespace
}  // namespace pmb
