// The Wilcoxon signed-rank test: is the median of paired differences zero? For figures measured
// side by side (repetition r of the base beside repetition r of the candidate, as
// scripts/perf-check.sh measures them), where the machine's drift falls on both members of a pair
// and cancels in their difference.
//
// Conventions (scipy.stats.wilcoxon(d) of scipy 1.10, zero_method="wilcox", correction=False,
// alternative="two-sided"):
// - Zeros (pairs that do not differ) are dropped; the |d| are ranked, average ranks for ties; w is
//   min(R+, R-), the smaller of the rank sums of the positive and the negative differences.
// - Exact when at most 50 differences remain and no |d| ties and no zero was dropped (scipy's
//   "auto" then uses "exact": p = 2 min(P(R+ <= r), P(R+ >= r)), clipped to 1, over the 2^n
//   equally likely sign patterns); the normal approximation otherwise, its variance reduced by
//   sum(t^3 - t) / 48 for tie groups of size t. (Where scipy's "exact" meets ties it truncates R+
//   to an integer; this test switches to the approximation instead.)
// - Every difference zero: p = 1 (scipy raises: there is nothing to test).
// - What a sample can show: signed_rank_smallest_p is the smallest p for n differences (every
//   sign the same), 2 / 2^n where exact; signed_rank_floor the smallest for these magnitudes.
//
// Throws std::invalid_argument on an empty sample or a non-finite difference; no shared state.
#pragma once

#include <cstddef>
#include <vector>

namespace pmb {

struct SignedRankResult {
    double w = 0;        // min(R+, R-)
    double p_value = 1;  // two-sided
    std::size_t n = 0;   // differences tested (zeros dropped)
    bool exact = false;
};

SignedRankResult signed_rank_test(const std::vector<double>& differences);

// The smallest two-sided p for n nonzero differences: 2 / 2^n where exact (n <= 50, untied),
// the approximation's value at w = 0 with untied variance otherwise.
double signed_rank_smallest_p(std::size_t n, bool ties = false);

// The smallest p the test can give for these differences' magnitudes, whatever their signs.
double signed_rank_floor(const std::vector<double>& differences);

}  // namespace pmb
