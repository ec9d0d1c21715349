#include "measure/latency_histogram.h"

#include <algorithm>
#include <cmath>

namespace pmb {

void LatencyHistogram::add(const LatencyHistogram& other) {
    for (std::size_t i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
    total_ += other.total_;
    sum_ += other.sum_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
}

std::uint64_t LatencyHistogram::lower_bound_of(std::size_t index) {
    constexpr std::uint64_t linear = std::uint64_t{1} << kLinearBits;
    if (index < linear) return index;
    const std::uint64_t offset = index - linear;
    const int exponent = static_cast<int>(offset / kSubBuckets) + kLinearBits;
    const std::uint64_t sub = offset % kSubBuckets;
    return (kSubBuckets + sub) << (exponent - kSubBucketBits);
}

std::uint64_t LatencyHistogram::upper_bound_of(std::size_t index) {
    constexpr std::uint64_t linear = std::uint64_t{1} << kLinearBits;
    if (index < linear) return index;
    const int exponent = static_cast<int>((index - linear) / kSubBuckets) + kLinearBits;
    return lower_bound_of(index) + ((std::uint64_t{1} << (exponent - kSubBucketBits)) - 1);
}

std::uint64_t LatencyHistogram::percentile(double p) const {
    if (total_ == 0) return 0;
    p = std::clamp(p, 0.0, 100.0);
    auto rank = static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(total_)));
    rank = std::clamp<std::uint64_t>(rank, 1, total_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBucketCount; ++i) {
        seen += counts_[i];
        if (seen >= rank) {
            const std::uint64_t lo = lower_bound_of(i), hi = upper_bound_of(i);
            return std::clamp(lo + (hi - lo) / 2, min_, max_);
        }
    }
    return max_;
}

namespace {

std::uint64_t scaled(std::uint64_t value, double unit) {
    return unit == 1.0 ? value : static_cast<std::uint64_t>(std::llround(static_cast<double>(value) * unit));
}

}  // namespace

nlohmann::json LatencyHistogram::summary_json(double unit) const {
    return {{"count", total_},
            {"min", scaled(min(), unit)},
            {"mean", mean() * unit},
            {"p50", scaled(percentile(50), unit)},
            {"p90", scaled(percentile(90), unit)},
            {"p99", scaled(percentile(99), unit)},
            {"p999", scaled(percentile(99.9), unit)},
            {"p9999", scaled(percentile(99.99), unit)},
            {"max", scaled(max_, unit)}};
}

nlohmann::json LatencyHistogram::buckets_json(double unit) const {
    nlohmann::json rows = nlohmann::json::array();
    for (std::size_t i = 0; i < kBucketCount; ++i)
        if (counts_[i] != 0) rows.push_back({scaled(lower_bound_of(i), unit), scaled(upper_bound_of(i), unit), counts_[i]});
    return rows;
}

}  // namespace pmb
