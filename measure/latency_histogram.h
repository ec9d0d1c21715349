// LatencyHistogram: HdrHistogram-style log-linear recording of durations (nanoseconds, or clock
// ticks converted when reported).
//
// Values below 2^kLinearBits are counted exactly. Above, each power-of-two range [2^e, 2^(e+1))
// is split into kSubBuckets equal sub-buckets, like a float's mantissa under its exponent, so a
// recorded value is known to within one sub-bucket: a relative error of at most 1/kSubBuckets
// (0.78 %) at the bucket's lower bound, and half that at its midpoint, which is what percentiles
// report. Memory is fixed (kBucketCount counters, ~59 KB) whatever the sample count, recording
// is a shift, a count-leading-zeros and an increment, and histograms add.
//
// Invariants: total_ == sum(counts_); min_ <= every recorded value <= max_ (exact, not bucketed).
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace pmb {

class LatencyHistogram {
public:
    static constexpr int kSubBucketBits = 7;
    static constexpr std::uint64_t kSubBuckets = std::uint64_t{1} << kSubBucketBits;  // 128
    static constexpr int kLinearBits = kSubBucketBits + 1;                             // exact below 256
    static constexpr std::size_t kBucketCount =
        (std::uint64_t{1} << kLinearBits) + (64 - kLinearBits) * kSubBuckets;

    void record(std::uint64_t value) {
        ++counts_[index_of(value)];
        ++total_;
        sum_ += value;
        if (value < min_) min_ = value;
        if (value > max_) max_ = value;
    }
    void add(const LatencyHistogram& other);

    std::uint64_t count() const { return total_; }
    std::uint64_t min() const { return total_ ? min_ : 0; }
    std::uint64_t max() const { return max_; }
    double mean() const { return total_ ? static_cast<double>(sum_) / static_cast<double>(total_) : 0.0; }
    std::uint64_t sum() const { return sum_; }
    // The nearest-rank percentile (p in [0, 100]): the value at rank ceil(p/100 * count),
    // reported as its bucket's midpoint, clamped to the exact min and max.
    std::uint64_t percentile(double p) const;

    // {"count","min","mean","p50","p90","p99","p999","p9999","max"} plus, with buckets, the
    // non-empty buckets as [lower bound, upper bound, count] rows for plotting. `unit` converts
    // what was recorded into the reported unit (e.g. ns per clock tick when ticks were recorded):
    // scaling keeps every relative error, so a histogram of raw ticks is converted only here.
    nlohmann::json summary_json(double unit = 1.0) const;
    nlohmann::json buckets_json(double unit = 1.0) const;

    static std::size_t index_of(std::uint64_t value) {
        if (value < (std::uint64_t{1} << kLinearBits)) return static_cast<std::size_t>(value);
        const int exponent = 63 - std::countl_zero(value);  // >= kLinearBits
        const int shift = exponent - kSubBucketBits;
        const std::uint64_t sub = (value >> shift) - kSubBuckets;  // in [0, kSubBuckets)
        return static_cast<std::size_t>((std::uint64_t{1} << kLinearBits) +
                                        static_cast<std::uint64_t>(exponent - kLinearBits) * kSubBuckets + sub);
    }
    // Smallest and largest value that fall into bucket `index`.
    static std::uint64_t lower_bound_of(std::size_t index);
    static std::uint64_t upper_bound_of(std::size_t index);

private:
    std::array<std::uint64_t, kBucketCount> counts_{};
    std::uint64_t total_ = 0;
    std::uint64_t sum_ = 0;
    std::uint64_t min_ = UINT64_MAX;
    std::uint64_t max_ = 0;
};

}  // namespace pmb
