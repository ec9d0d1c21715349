// The memory timeline stays within its capacity, stays ordered and evenly thinned, and reads the
// process's real resident set.
#include <gtest/gtest.h>

#include <vector>

#include "measure/memory_timeline.h"

namespace pmb {
namespace {

TEST(MemoryTimeline, DecimatesToStayWithinCapacity) {
    MemoryTimeline timeline(8, 10);
    // Offer a sample every nanosecond for 10 000 ns: due every 10, then 20, 40, ... as it fills.
    for (std::uint64_t t = 0; t < 10000; ++t) timeline.maybe_sample(t, t);
    EXPECT_LE(timeline.size(), 8u);
    EXPECT_GE(timeline.size(), 4u);
    const nlohmann::json j = timeline.to_json(0);
    ASSERT_EQ(j["t_ns"].size(), timeline.size());
    EXPECT_EQ(j["t_ns"][0], 0);  // the first sample survives every decimation
    for (std::size_t i = 1; i < timeline.size(); ++i) {
        EXPECT_LT(j["t_ns"][i - 1], j["t_ns"][i]);
        EXPECT_EQ(j["live_bytes"][i], j["t_ns"][i]);  // each sample keeps its own live figure
    }
    // 10 000 ns spread over at most 8 samples: the interval has grown to at least 10 000 / 8.
    EXPECT_GE(timeline.interval_ns(), 1250u);
    // Evenly spread: consecutive gaps differ by at most a factor of two.
    for (std::size_t i = 2; i < timeline.size(); ++i) {
        const auto gap = j["t_ns"][i].get<std::uint64_t>() - j["t_ns"][i - 1].get<std::uint64_t>();
        const auto previous = j["t_ns"][i - 1].get<std::uint64_t>() - j["t_ns"][i - 2].get<std::uint64_t>();
        EXPECT_LE(gap, 2 * previous);
        EXPECT_LE(previous, 2 * gap);
    }
}

TEST(MemoryTimeline, SeesTheResidentSetGrow) {
    MemoryTimeline timeline;
    const std::uint64_t before = timeline.current_rss_bytes();
    EXPECT_GT(before, 0u);
    std::vector<char> block(64 << 20, 1);  // 64 MiB, touched
    const std::uint64_t after = timeline.current_rss_bytes();
    EXPECT_GE(after, before + (60u << 20)) << before << " -> " << after;
    EXPECT_EQ(block[12345], 1);
}

TEST(MemoryTimeline, RejectsAUselessConfiguration) {
    EXPECT_THROW(MemoryTimeline(1, 10), std::invalid_argument);
    EXPECT_THROW(MemoryTimeline(8, 0), std::invalid_argument);
}

}  // namespace
}  // namespace pmb
