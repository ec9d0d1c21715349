// Every backend under the randomized torture test (harness/allocator_stress.h). Backends that can
// live in this process run here; preloaded malloc libraries run in a child process started with
// the library in LD_PRELOAD, exactly as the harness starts their runs.
#include <gtest/gtest.h>

#include "allocators/registry.h"
#include "harness/allocator_stress.h"
#include "harness/process_runner.h"

namespace pmb {
namespace {

class InProcessStress : public ::testing::TestWithParam<std::string> {};

TEST_P(InProcessStress, SurvivesRandomMallocReallocFree) {
    const AllocatorSpec spec = parse_allocator_spec(GetParam());
    auto allocator = find_allocator(spec.name)->make(spec.options);
    for (std::uint64_t seed : {1, 2, 3}) {
        StressOptions options;
        options.seed = seed;
        options.ops = 100000;
        EXPECT_EQ(stress_allocator(allocator->ops(), options), "") << GetParam() << " seed " << seed;
    }
}

INSTANTIATE_TEST_SUITE_P(Backends, InProcessStress,
                         ::testing::Values("system", "pool", "pool:pool_size=4K:arena_size=256K", "cpython"),
                         [](const auto& info) {
                             std::string n = info.param;
                             for (char& c : n)
                                 if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                             return n;
                         });

TEST(StressHarness, CatchesABrokenAllocator) {
    // An allocator that hands out overlapping blocks must be caught: the test itself can fail.
    static unsigned char arena[1 << 25];
    static std::size_t next = 0;
    AllocatorOps broken{nullptr,
                        [](void*, std::size_t n) -> void* {
                            void* p = arena + next;
                            next = (next + 64) % (sizeof(arena) - (16 << 20));  // blocks overlap past 64 bytes
                            (void)n;
                            return p;
                        },
                        nullptr,
                        [](void*, void* p, std::size_t) -> void* { return p; },
                        [](void*, void*) {}};
    StressOptions options;
    options.ops = 2000;
    EXPECT_NE(stress_allocator(broken, options), "");
}

#ifndef PMB_SANITIZER_BUILD
class PreloadedStress : public ::testing::TestWithParam<std::string> {};

TEST_P(PreloadedStress, SurvivesRandomMallocReallocFree) {
    const AllocatorEntry* entry = find_allocator(GetParam());
    ProcessOutcome p = run_process({PMB_BINARY, "stress-allocator", "--allocator", GetParam(), "--ops", "200000"},
                                   {"LD_PRELOAD=" + entry->preload("")}, {300, 0});
    EXPECT_EQ(p.exit_code, 0) << p.out << p.err;
    EXPECT_NE(p.out.find("lib" + GetParam()), std::string::npos) << p.out;
    EXPECT_NE(p.out.find(": ok"), std::string::npos) << p.out;
}

INSTANTIATE_TEST_SUITE_P(Backends, PreloadedStress, ::testing::Values("mimalloc", "jemalloc", "tcmalloc"));
#endif

}  // namespace
}  // namespace pmb
