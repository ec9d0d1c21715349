// The op clock's guards: a later read below an earlier one is 0 and counted, never a wrap; the
// source and the reason for it are stated; the TSC is used exactly when the CPU calls it
// invariant and the kernel's clocksource is tsc; ticks convert to CLOCK_MONOTONIC_RAW's rate.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>

#include "measure/op_clock.h"

namespace pmb {
namespace {

TEST(OpClock, ABackwardsStepIsZeroAndCounted) {
    const OpClock clock;
    EXPECT_EQ(clock.elapsed(100, 250), 150u);
    EXPECT_EQ(clock.backwards(), 0u);
    EXPECT_EQ(clock.elapsed(250, 100), 0u);  // not 2^64 - 150
    EXPECT_EQ(clock.elapsed(7, 6), 0u);
    EXPECT_EQ(clock.backwards(), 2u);
    EXPECT_EQ(clock.elapsed(5, 5), 0u);
    EXPECT_EQ(clock.backwards(), 2u);  // equal reads are no step back
}

TEST(OpClock, TheSourceIsTheTscExactlyWhenCpuAndKernelTrustIt) {
    std::string flags, line, source;
    std::ifstream cpuinfo("/proc/cpuinfo");
    while (std::getline(cpuinfo, line))
        if (line.rfind("flags", 0) == 0) {
            flags = line;
            break;
        }
    std::ifstream("/sys/devices/system/clocksource/clocksource0/current_clocksource") >> source;
    const bool invariant =
        flags.find(" constant_tsc") != std::string::npos && flags.find(" nonstop_tsc") != std::string::npos;
#if defined(__x86_64__)
    const bool expect_tsc = invariant && source == "tsc";
#else
    const bool expect_tsc = false;
#endif
    unsetenv("PMB_OP_CLOCK");
    const OpClock clock;
    EXPECT_EQ(clock.name(), expect_tsc ? "tsc" : "clock_monotonic") << clock.why();
    EXPECT_FALSE(clock.why().empty());
    if (!expect_tsc && invariant && source != "tsc") {
        EXPECT_NE(clock.why().find(source.empty() ? "unknown" : source), std::string::npos) << clock.why();
    }
    // Whatever the source, 20 ms of CLOCK_MONOTONIC_RAW is about 20 ms of ticks. A preemption
    // between a clock read and a tick read (a loaded machine) stretches one attempt, never all
    // of five; a wrong calibration is off in every attempt.
    double closest = 0;
    for (int attempt = 0; attempt < 5; ++attempt) {
        timespec a{}, b{};
        clock_gettime(CLOCK_MONOTONIC_RAW, &a);
        const std::uint64_t t0 = clock.ticks();
        do clock_gettime(CLOCK_MONOTONIC_RAW, &b);
        while ((b.tv_sec - a.tv_sec) * 1000000000ll + (b.tv_nsec - a.tv_nsec) < 20'000'000);
        const double ratio = static_cast<double>(clock.to_ns(clock.elapsed(t0, clock.ticks()))) / 20e6;
        if (std::abs(ratio - 1) < std::abs(closest - 1)) closest = ratio;
    }
    EXPECT_NEAR(closest, 1.0, 0.05);
}

TEST(OpClock, TheEnvironmentForcesClockMonotonicAndSaysSo) {
    setenv("PMB_OP_CLOCK", "clock_monotonic", 1);
    const OpClock clock;
    unsetenv("PMB_OP_CLOCK");
    EXPECT_EQ(clock.name(), "clock_monotonic");
    EXPECT_NE(clock.why().find("PMB_OP_CLOCK"), std::string::npos) << clock.why();
    EXPECT_DOUBLE_EQ(clock.ns_per_tick(), 1.0);
}

}  // namespace
}  // namespace pmb
