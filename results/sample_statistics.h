// Sample statistics for benchmark repetitions: a per-combination summary (median, spread and a
// confidence interval of the median), a two-sample Mann-Whitney U test for regression checks, and
// Kendall's tau-b rank correlation (do two measurements order the same things the same way).
//
// Conventions:
// - The median of an even-sized sample is the mean of the two middle values (no interpolation
//   scheme beyond that; no other quantiles are computed).
// - stddev is the sample standard deviation (divisor n - 1), 0 for a single value; cv is
//   stddev / mean (so it takes the sign of the mean), 0 when the mean is 0. The mean is computed
//   relative to the minimum, so identical values give exactly that value, stddev 0 and cv 0.
// - The confidence interval of the median is the distribution-free order-statistic interval
//   [x(j), x(n-j+1)] of the sorted sample x(1) <= ... <= x(n), with the largest j whose coverage
//   P(j <= Binomial(n, 1/2) <= n-j) is >= 0.95, i.e. the narrowest such interval. Below n = 6 no
//   interval reaches 0.95, so it is [min, max] with its actual coverage 1 - 2^(1-n) (0.9375 at
//   n = 5, 0 at n = 1). ci_level is the exact coverage of the reported interval; the binomial
//   tail is summed in log space, so any n is safe.
// - mann_whitney_u reproduces scipy.stats.mannwhitneyu(a, b, alternative="two-sided") (scipy
//   1.10) with method="exact" when the pooled sample has no ties and min(len(a), len(b)) <= 50,
//   and method="asymptotic" otherwise: the normal approximation with the tie-corrected variance
//   and a 0.5 continuity correction. (scipy's "auto" is exact only up to 8.) u is the statistic
//   of `a` (scipy's U1, average ranks for ties); p is clipped to [0, 1].
// - What a sample can show, by the same rule the test uses: mann_whitney_smallest_p is the
//   smallest p the test can give for two sizes (complete separation, exact or approximated as the
//   test would be), and mann_whitney_floor the smallest it can give for one pooled sample's
//   values however they fall between the sides (ties included). A comparison whose floor, times
//   the number of Holm-corrected figures, is not below alpha cannot flag anything.
// - kendall_tau_b reproduces scipy.stats.kendalltau(x, y) (variant "b"): (C - D) /
//   sqrt((P - Tx) (P - Ty)) over the P = n (n - 1) / 2 pairs, C concordant, D discordant, Tx and Ty
//   the pairs tied in x and in y (a pair tied in both counts in both). It is NaN where scipy gives
//   nan: fewer than two values, or every value of x (or of y) equal.
//
// Invariants: min <= ci_low <= median <= ci_high <= max, min <= mean <= max, 0 <= ci_level < 1.
// Every function throws std::invalid_argument on an empty sample or a NaN (summaries also reject
// infinities; kendall_tau_b accepts an empty sample, and throws on samples of different lengths),
// and never reads or writes shared state, so all are safe to call concurrently.
#pragma once

#include <cstddef>
#include <vector>

#include <nlohmann/json.hpp>

namespace pmb {

struct SampleSummary {
    std::size_t n = 0;
    double median = 0, min = 0, max = 0, mean = 0;
    double stddev = 0;               // sample standard deviation (n - 1); 0 when n == 1
    double cv = 0;                   // stddev / mean; 0 when mean == 0
    // Median absolute deviation from the median, and 1.4826 * mad / median: the spread of the bulk
    // of the sample, unmoved by a few disturbed repetitions (equal to cv for normal samples).
    double mad = 0, robust_cv = 0;
    double ci_low = 0, ci_high = 0;  // distribution-free confidence interval of the median
    double ci_level = 0;             // its actual coverage (>= 0.95 when n >= 6; lower below)
};

SampleSummary summarize(std::vector<double> samples);
double median(std::vector<double> samples);
// median() without a copy: reorders `samples` (for loops that reuse one buffer).
double median_in_place(std::vector<double>& samples);
// {"n","median","min","max","mean","stddev","cv","ci95_low","ci95_high","ci_level","mad","robust_cv"}
nlohmann::json to_json(const SampleSummary& summary);

struct MannWhitneyResult {
    double u = 0;        // U statistic of `a`: pairs (a_i, b_j) with a_i > b_j, ties counting 1/2
    double p_value = 1;  // two-sided
    bool exact = false;  // exact null distribution (true) or normal approximation
};
MannWhitneyResult mann_whitney_u(const std::vector<double>& a, const std::vector<double>& b);
// Whether mann_whitney_u uses the exact distribution for sizes n1, n2 (and ties in the pool).
bool mann_whitney_is_exact(std::size_t n1, std::size_t n2, bool ties);
// The smallest two-sided p for sizes n1, n2: 2 / C(n1 + n2, n1) where the test is exact, the
// approximation's value at complete separation (untied variance) where it is not.
double mann_whitney_smallest_p(std::size_t n1, std::size_t n2, bool ties = false);
// The smallest p of mann_whitney_u over every split of `pooled` into n1 and the rest: the
// values' most extreme arrangement (the n1 smallest or the n1 largest on one side).
double mann_whitney_floor(std::vector<double> pooled, std::size_t n1);

// Kendall's tau-b of the pairs (x[i], y[i]), in [-1, 1]; NaN where undefined (see above). O(n^2).
double kendall_tau_b(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace pmb
