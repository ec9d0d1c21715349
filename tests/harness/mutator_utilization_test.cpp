// Minimum mutator utilization against a pause trace worked by hand, and against brute force.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "measure/mutator_utilization.h"

namespace pmb {
namespace {

constexpr std::uint64_t kMs = 1'000'000;

// The run is [0, 100 ms]; pauses (start, length) in ms: (10, 2), (13, 3), (40, 4), (60, 1).
std::vector<GcPause> hand_trace() {
    return {{10 * kMs, 2 * kMs}, {13 * kMs, 3 * kMs}, {40 * kMs, 4 * kMs}, {60 * kMs, 1 * kMs}};
}

TEST(MutatorUtilization, HandWorkedTrace) {
    const auto pauses = hand_trace();
    auto mmu = [&](std::uint64_t window_ms) {
        return minimum_mutator_utilization(pauses, 0, 100 * kMs, window_ms * kMs);
    };
    // 1 ms: a window inside the 2 ms pause is all pause.
    EXPECT_DOUBLE_EQ(*mmu(1), 0.0);
    // 2 ms: exactly the first pause, or the middle of the 3 ms one.
    EXPECT_DOUBLE_EQ(*mmu(2), 0.0);
    // 4 ms: [40, 44] is all pause.
    EXPECT_DOUBLE_EQ(*mmu(4), 0.0);
    // 5 ms: at most 4 ms of pause ([11, 16]: 1 + 3; [40, 45]: 4), so 1/5 of the window is left.
    EXPECT_NEAR(*mmu(5), 0.2, 1e-12);
    // 10 ms: [7, 17] or [10, 20] hold both early pauses, 5 ms: one half.
    EXPECT_NEAR(*mmu(10), 0.5, 1e-12);
    // 50 ms: [10, 60] holds 2 + 3 + 4 = 9 ms (so does [11, 61]: 1 + 3 + 4 + 1).
    EXPECT_NEAR(*mmu(50), 1.0 - 9.0 / 50.0, 1e-12);
    // 100 ms: the whole run, 10 ms of pause.
    EXPECT_NEAR(*mmu(100), 0.9, 1e-12);
    // Longer than the run: no answer.
    EXPECT_FALSE(mmu(101).has_value());
}

TEST(MutatorUtilization, NoPausesIsFullUtilization) {
    EXPECT_DOUBLE_EQ(*minimum_mutator_utilization({}, 5, 5 + 10 * kMs, kMs), 1.0);
}

TEST(MutatorUtilization, PausesOutsideTheRunAreClipped) {
    // A pause straddling the run's start counts only for its part inside: [0, 3] of [-2, 3].
    const std::vector<GcPause> pauses = {{8 * kMs, 5 * kMs}, {50 * kMs, 100 * kMs}};
    const auto mmu = minimum_mutator_utilization(pauses, 10 * kMs, 40 * kMs, 10 * kMs);
    EXPECT_NEAR(*mmu, 0.7, 1e-12);
}

TEST(MutatorUtilization, RejectsOverlappingOrUnsortedPauses) {
    const std::vector<GcPause> overlapping = {{10, 5}, {12, 5}};
    EXPECT_THROW(minimum_mutator_utilization(overlapping, 0, 100, 10), std::invalid_argument);
    const std::vector<GcPause> unsorted = {{50, 5}, {10, 5}};
    EXPECT_THROW(minimum_mutator_utilization(unsorted, 0, 100, 10), std::invalid_argument);
    EXPECT_THROW(minimum_mutator_utilization({}, 0, 100, 0), std::invalid_argument);
}

// With integer endpoints the worst window starts at an integer, so trying every integer start is
// an exact brute force.
TEST(MutatorUtilization, MatchesBruteForceOnRandomTraces) {
    std::mt19937_64 rng(42);
    for (int trial = 0; trial < 300; ++trial) {
        const std::uint64_t end = 200 + rng() % 300;
        std::vector<GcPause> pauses;
        std::uint64_t t = rng() % 20;
        while (true) {
            const std::uint64_t length = 1 + rng() % 15;
            if (t + length > end) break;
            pauses.push_back({t, length});
            t += length + rng() % 40;
        }
        for (std::uint64_t window : std::vector<std::uint64_t>{1, 7, 25, 100, end}) {
            std::uint64_t worst = 0;
            for (std::uint64_t s = 0; s + window <= end; ++s) {
                std::uint64_t paused = 0;
                for (const GcPause& p : pauses) {
                    const std::uint64_t lo = std::max(s, p.start_ns), hi = std::min(s + window, p.start_ns + p.duration_ns);
                    if (hi > lo) paused += hi - lo;
                }
                worst = std::max(worst, paused);
            }
            const double expected = 1.0 - static_cast<double>(worst) / static_cast<double>(window);
            EXPECT_NEAR(*minimum_mutator_utilization(pauses, 0, end, window), expected, 1e-12)
                << "trial " << trial << " window " << window;
        }
    }
}

}  // namespace
}  // namespace pmb
