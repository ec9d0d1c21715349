// LatencyHistogram against exact sorted samples: every percentile within the promised 1 %.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "measure/latency_histogram.h"

namespace pmb {
namespace {

std::uint64_t exact_percentile(std::vector<std::uint64_t> v, double p) {
    std::sort(v.begin(), v.end());
    auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
    return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

TEST(LatencyHistogram, BucketsTileTheRangeWithoutGaps) {
    for (std::size_t i = 0; i + 1 < LatencyHistogram::kBucketCount; ++i) {
        ASSERT_EQ(LatencyHistogram::upper_bound_of(i) + 1, LatencyHistogram::lower_bound_of(i + 1)) << i;
        ASSERT_EQ(LatencyHistogram::index_of(LatencyHistogram::lower_bound_of(i)), i);
        ASSERT_EQ(LatencyHistogram::index_of(LatencyHistogram::upper_bound_of(i)), i);
    }
    EXPECT_EQ(LatencyHistogram::index_of(UINT64_MAX), LatencyHistogram::kBucketCount - 1);
}

TEST(LatencyHistogram, PercentilesMatchSortedSamplesWithinOnePercent) {
    for (unsigned seed = 1; seed <= 20; ++seed) {
        std::mt19937_64 gen(seed);
        std::lognormal_distribution<double> dist(7.0 + seed % 5, 1.5);  // ~1 us to seconds, long tail
        std::vector<std::uint64_t> samples(20000 + seed * 97);
        LatencyHistogram h;
        for (auto& s : samples) {
            s = static_cast<std::uint64_t>(dist(gen));
            h.record(s);
        }
        for (double p : {0.0, 1.0, 50.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
            const double exact = static_cast<double>(exact_percentile(samples, p));
            const double got = static_cast<double>(h.percentile(p));
            EXPECT_LE(std::abs(got - exact), std::max(1.0, exact * 0.01)) << "seed " << seed << " p" << p;
        }
        EXPECT_EQ(h.max(), *std::max_element(samples.begin(), samples.end()));
        EXPECT_EQ(h.min(), *std::min_element(samples.begin(), samples.end()));
        EXPECT_EQ(h.count(), samples.size());
    }
}

TEST(LatencyHistogram, SmallValuesAreExact) {
    LatencyHistogram h;
    for (std::uint64_t v = 1; v <= 100; ++v) h.record(v);
    EXPECT_EQ(h.percentile(50), 50u);
    EXPECT_EQ(h.percentile(99), 99u);
    EXPECT_EQ(h.percentile(100), 100u);
}

TEST(LatencyHistogram, AddingHistogramsEqualsRecordingBoth) {
    LatencyHistogram a, b, both;
    for (std::uint64_t v = 0; v < 5000; ++v) {
        a.record(v * 37);
        both.record(v * 37);
        b.record(v * 1013 + 5);
        both.record(v * 1013 + 5);
    }
    a.add(b);
    EXPECT_EQ(a.summary_json(), both.summary_json());
    EXPECT_EQ(a.buckets_json(), both.buckets_json());
}

// A histogram of clock ticks reports nanoseconds by scaling: every figure is the tick figure
// times the unit, so the relative error bound carries over unchanged.
TEST(LatencyHistogram, ReportsInAnotherUnitByScaling) {
    LatencyHistogram ticks;
    for (std::uint64_t v = 1; v <= 100000; v += 7) ticks.record(v);
    const double ns_per_tick = 0.476;
    const nlohmann::json raw = ticks.summary_json(), ns = ticks.summary_json(ns_per_tick);
    for (const char* key : {"min", "p50", "p90", "p99", "p999", "p9999", "max"})
        EXPECT_EQ(ns[key].get<std::uint64_t>(), std::llround(raw[key].get<double>() * ns_per_tick)) << key;
    EXPECT_DOUBLE_EQ(ns["mean"].get<double>(), raw["mean"].get<double>() * ns_per_tick);
    EXPECT_EQ(ns["count"], raw["count"]);
    const nlohmann::json rows = ticks.buckets_json(ns_per_tick), raw_rows = ticks.buckets_json();
    ASSERT_EQ(rows.size(), raw_rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i][0].get<std::uint64_t>(), std::llround(raw_rows[i][0].get<double>() * ns_per_tick));
        EXPECT_EQ(rows[i][2], raw_rows[i][2]);
    }
}

}  // namespace
}  // namespace pmb
