// Sample statistics against known answers: hand-computed summaries, order-statistic ranks of the
// median's confidence interval computed with exact integers, and Mann-Whitney p-values from scipy.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <stdexcept>
#include <vector>

#include "results/sample_statistics.h"

namespace pmb {
namespace {

// 1, 2, ..., n in a fixed shuffled order, so that the summary has to sort.
std::vector<double> shuffled_ranks(std::size_t n) {
    std::vector<double> v(n);
    std::iota(v.begin(), v.end(), 1.0);
    std::mt19937 gen(static_cast<unsigned>(n));
    std::shuffle(v.begin(), v.end(), gen);
    return v;
}

void expect_relative(double expected, double actual, double tolerance = 1e-6) {
    EXPECT_NEAR(actual, expected, tolerance * std::abs(expected)) << "expected " << expected;
}

TEST(SampleStatistics, IdenticalSamplesHaveNoSpreadAndACollapsedInterval) {
    for (std::size_t n : {1u, 2u, 7u, 50u}) {
        const SampleSummary s = summarize(std::vector<double>(n, 0.1));
        EXPECT_EQ(s.n, n);
        EXPECT_EQ(s.median, 0.1);
        EXPECT_EQ(s.mean, 0.1);  // exact, although 0.1 * n / n is not
        EXPECT_EQ(s.min, 0.1);
        EXPECT_EQ(s.max, 0.1);
        EXPECT_EQ(s.stddev, 0.0);
        EXPECT_EQ(s.cv, 0.0);
        EXPECT_EQ(s.ci_low, 0.1);
        EXPECT_EQ(s.ci_high, 0.1);
    }
}

TEST(SampleStatistics, SmallSampleByHand) {
    // Mean 110 / 5 = 22; deviations -21 -20 -19 -18 78, squares sum to 7610, variance 7610 / 4.
    const SampleSummary s = summarize({4, 100, 1, 3, 2});
    EXPECT_EQ(s.n, 5u);
    EXPECT_EQ(s.median, 3.0);
    EXPECT_EQ(s.min, 1.0);
    EXPECT_EQ(s.max, 100.0);
    EXPECT_DOUBLE_EQ(s.mean, 22.0);
    EXPECT_DOUBLE_EQ(s.stddev, std::sqrt(1902.5));  // 43.6176...
    EXPECT_DOUBLE_EQ(s.cv, std::sqrt(1902.5) / 22.0);
    // n = 5: no interval reaches 95 %, so [min, max] with coverage 1 - 2 / 32.
    EXPECT_EQ(s.ci_low, 1.0);
    EXPECT_EQ(s.ci_high, 100.0);
    EXPECT_DOUBLE_EQ(s.ci_level, 0.9375);
    // Absolute deviations from 3: 2 1 0 1 97, median 1: the outlier does not move it.
    EXPECT_DOUBLE_EQ(s.mad, 1.0);
    EXPECT_DOUBLE_EQ(s.robust_cv, 1.4826 / 3.0);
}

TEST(SampleStatistics, SingleSample) {
    const SampleSummary s = summarize({42.5});
    EXPECT_EQ(s.median, 42.5);
    EXPECT_EQ(s.mean, 42.5);
    EXPECT_EQ(s.stddev, 0.0);
    EXPECT_EQ(s.cv, 0.0);
    EXPECT_EQ(s.ci_low, 42.5);
    EXPECT_EQ(s.ci_high, 42.5);
    EXPECT_EQ(s.ci_level, 0.0);  // 1 - 2^0
}

TEST(SampleStatistics, EvenSizedMedianAveragesTheMiddlePair) {
    EXPECT_EQ(median({4, 1, 3, 2}), 2.5);
    EXPECT_EQ(median({10, -10}), 0.0);
    EXPECT_EQ(median({7, 1, 1, 7, 5, 3}), 4.0);
    EXPECT_EQ(median({3, 1, 2}), 2.0);
    EXPECT_EQ(summarize({4, 1, 3, 2}).median, 2.5);
    // No overflow at the ends of the range.
    const double big = std::numeric_limits<double>::max();
    EXPECT_EQ(median({big, big}), big);
}

TEST(SampleStatistics, ZeroMeanHasZeroCv) {
    const SampleSummary s = summarize({-1, 0, 1});
    EXPECT_EQ(s.mean, 0.0);
    EXPECT_DOUBLE_EQ(s.stddev, 1.0);
    EXPECT_EQ(s.cv, 0.0);
}

// Ranks j and coverages 1 - 2 P(Binomial(n, 1/2) <= j - 1) from exact integer arithmetic:
// python3 -c 'from math import comb; from fractions import Fraction; ...' (largest j with
// sum_{i<j} C(n, i) / 2^n <= 1/40), e.g. n = 20: (1+20+190+1140+4845+15504) / 2^20 = 21700 / 2^20.
TEST(SampleStatistics, MedianConfidenceIntervalRanks) {
    struct Case {
        std::size_t n, low_rank, high_rank;
        double coverage;
    };
    for (const Case& c : {Case{2, 1, 2, 0.5}, Case{5, 1, 5, 0.9375}, Case{6, 1, 6, 0.96875},
                          Case{10, 2, 9, 0.978515625},                      // 1 - 22 / 1024
                          Case{20, 6, 15, 0.9586105346679688},              // 1 - 43400 / 2^20
                          Case{100, 40, 61, 0.9647997997822951}, Case{1000, 469, 532, 0.9537088026395019},
                          Case{10000, 4902, 5099, 0.9511670501036181}}) {
        SCOPED_TRACE(c.n);
        const SampleSummary s = summarize(shuffled_ranks(c.n));
        EXPECT_EQ(s.ci_low, static_cast<double>(c.low_rank));  // the value at rank r is r
        EXPECT_EQ(s.ci_high, static_cast<double>(c.high_rank));
        expect_relative(c.coverage, s.ci_level, 1e-9);
        EXPECT_EQ(s.ci_level >= 0.95, c.n >= 6);
    }
}

TEST(SampleStatistics, SummaryInvariantsOnRandomSamples) {
    std::mt19937_64 gen(7);
    std::lognormal_distribution<double> dist(3.0, 1.0);
    for (std::size_t n = 1; n <= 300; n += (n < 30 ? 1 : 37)) {
        std::vector<double> v(n);
        for (double& x : v) x = dist(gen);
        const SampleSummary s = summarize(v);
        SCOPED_TRACE(n);
        EXPECT_LE(s.min, s.ci_low);
        EXPECT_LE(s.ci_low, s.median);
        EXPECT_LE(s.median, s.ci_high);
        EXPECT_LE(s.ci_high, s.max);
        EXPECT_LE(s.min, s.mean);
        EXPECT_LE(s.mean, s.max);
        EXPECT_GE(s.ci_level, 0.0);
        EXPECT_LT(s.ci_level, 1.0);
        EXPECT_EQ(s.median, median(v));
    }
}

TEST(SampleStatistics, RejectsEmptyAndNonFiniteSamples) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    EXPECT_THROW(summarize({}), std::invalid_argument);
    EXPECT_THROW(median({}), std::invalid_argument);
    EXPECT_THROW(summarize({1.0, nan, 2.0}), std::invalid_argument);
    EXPECT_THROW(median({nan}), std::invalid_argument);
    EXPECT_THROW(summarize({1.0, inf}), std::invalid_argument);
    EXPECT_THROW(summarize({-inf}), std::invalid_argument);
    EXPECT_THROW(mann_whitney_u({}, {1.0}), std::invalid_argument);
    EXPECT_THROW(mann_whitney_u({1.0}, {}), std::invalid_argument);
    EXPECT_THROW(mann_whitney_u({1.0, nan}, {2.0}), std::invalid_argument);
}

TEST(SampleStatistics, JsonHasTheDocumentedKeys) {
    const nlohmann::json j = to_json(summarize({4, 100, 1, 3, 2}));
    for (const char* key :
         {"n", "median", "min", "max", "mean", "stddev", "cv", "ci95_low", "ci95_high", "ci_level", "mad", "robust_cv"}) {
        EXPECT_TRUE(j.contains(key)) << key;
    }
    EXPECT_EQ(j.size(), 12u);
    EXPECT_EQ(j["n"], 5);
    EXPECT_EQ(j["median"], 3.0);
    EXPECT_EQ(j["ci95_high"], 100.0);
    EXPECT_EQ(j["ci_level"], 0.9375);
}

// Reference values from scipy 1.10.1, Debian's python3-scipy:
//   /usr/bin/python3 -c 'from scipy.stats import mannwhitneyu; print(mannwhitneyu(a, b, alternative="two-sided"))'
// with method="exact" where mann_whitney_u is exact (no ties, smaller side <= 50), else "asymptotic".
struct MannWhitneyCase {
    const char* name;
    std::vector<double> a, b;
    double u, p;
    bool exact;
};

void check(const MannWhitneyCase& c) {
    SCOPED_TRACE(c.name);
    const MannWhitneyResult r = mann_whitney_u(c.a, c.b);
    EXPECT_EQ(r.u, c.u);
    expect_relative(c.p, r.p_value);
    EXPECT_EQ(r.exact, c.exact);
}

TEST(SampleStatisticsMannWhitney, ExactSmallSamplesWithoutTies) {
    // a = [1..5], b = [6..10]: U = 0, p = 2 / C(10, 5) = 2 / 252.
    check({"separated", {1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}, 0.0, 0.007936507936507936, true});
    check({"separated swapped", {6, 7, 8, 9, 10}, {1, 2, 3, 4, 5}, 25.0, 0.007936507936507936, true});
    // scipy's docstring example: males vs females, p = 1/9.
    check({"docs", {19, 22, 16, 29, 24}, {20, 11, 17, 12}, 17.0, 0.1111111111111111, true});
    check({"single values", {1}, {2}, 0.0, 1.0, true});
    // a = [i + 0.5 for i in range(8)], b = [i * 0.37 + 0.2 for i in range(30)]
    std::vector<double> a8, b30;
    for (int i = 0; i < 8; ++i) a8.push_back(i * 1.0 + 0.5);
    for (int i = 0; i < 30; ++i) b30.push_back(i * 0.37 + 0.2);
    check({"8 vs 30", a8, b30, 86.0, 0.2354259282752242, true});
}

TEST(SampleStatisticsMannWhitney, ExactDistributionStaysPreciseForALargeSecondSample) {
    // 8 vs 3000, still exact under scipy's rule; scipy took minutes, and agrees with exact integer
    // sums of the Gaussian binomial coefficients to all printed digits.
    // a = [i * 375.0 + 100.25 for i in range(8)] / [i + 2500.5 for i in range(8)], b = range(3000)
    std::vector<double> spread, tail, b;
    for (int i = 0; i < 8; ++i) {
        spread.push_back(i * 375.0 + 100.25);
        tail.push_back(i + 2500.5);
    }
    for (int i = 0; i < 3000; ++i) b.push_back(i);
    check({"8 vs 3000 spread", spread, b, 11308.0, 0.7820242702251249, true});
    check({"8 vs 3000 tail", tail, b, 20036.0, 0.00047262865612056207, true});
}

TEST(SampleStatisticsMannWhitney, ExactBeyondScipysAutoLimitWithoutTies) {
    check({"nine vs nine, no ties",
           {1.5, 2.5, 3.1, 4.7, 5.2, 6.9, 7.3, 8.8, 9.4},
           {3.3, 4.4, 5.5, 6.6, 7.7, 8.1, 9.9, 10.2, 11.7},
           24.0, 0.16149732620320856, true});
    std::vector<double> a20n, b20n;
    for (int i = 0; i < 20; ++i) {
        a20n.push_back(100 + i * 1.01);
        b20n.push_back(110 + i * 0.98 + 0.003);
    }
    // a = [100 + i * 1.01 for i in range(20)], b = [110 + i * 0.98 + 0.003 for i in range(20)]
    check({"n = 20 shifted, no ties", a20n, b20n, 55.0, 3.364318303622844e-05, true});
}

TEST(SampleStatisticsMannWhitney, NormalApproximationWithTiesOrLargeSamples) {
    check({"ties", {1, 2, 2, 3, 4}, {2, 3, 3, 5, 6}, 6.0, 0.19882894401644247, false});
    // a = [10 + ((i*7) % 20) * 0.5 for i in range(20)], b = [14 + ((i*11) % 20) * 0.5 for i in range(20)]
    std::vector<double> a20, b20;
    for (int i = 0; i < 20; ++i) {
        a20.push_back(10 + ((i * 7) % 20) * 0.5);
        b20.push_back(14 + ((i * 11) % 20) * 0.5);
    }
    check({"n = 20 shifted, ties", a20, b20, 72.0, 0.0005588671185806855, false});
    // 51 against 51 without ties: beyond the exact limit, the approximation.
    // a = [i * 1.0 for i in range(51)], b = [i + 20.5 for i in range(51)]
    std::vector<double> a51, b51;
    for (int i = 0; i < 51; ++i) {
        a51.push_back(i);
        b51.push_back(i + 20.5);
    }
    check({"51 vs 51, no ties", a51, b51, 465.0, 2.2915725878911982e-08, false});
}

// What a sample can show, by the test's own rule: at every size from 9 to 20 a side (where
// scipy's "auto" would switch to the approximation) the smallest p is that of complete
// separation as the test computes it, and the floor of a pooled sample is its most extreme split.
TEST(SampleStatisticsMannWhitney, SmallestPIsTheTestsOwnAtSizesNineToTwenty) {
    for (std::size_t n = 9; n <= 20; ++n) {
        for (std::size_t m : {n, n + 3}) {
            SCOPED_TRACE(std::to_string(n) + " vs " + std::to_string(m));
            std::vector<double> low, high;
            for (std::size_t i = 0; i < n; ++i) low.push_back(static_cast<double>(i));
            for (std::size_t i = 0; i < m; ++i) high.push_back(static_cast<double>(n + i));
            const MannWhitneyResult separated = mann_whitney_u(low, high);
            EXPECT_TRUE(separated.exact);
            expect_relative(separated.p_value, mann_whitney_smallest_p(n, m));
            std::vector<double> pooled = low;
            pooled.insert(pooled.end(), high.begin(), high.end());
            expect_relative(separated.p_value, mann_whitney_floor(pooled, n));
            // Ties: the pool's n smallest values are n - 1 ones and a two, the rest twos. That split
            // is the most extreme (its p is the floor), any other is less so, and the ties cost
            // power against complete separation.
            std::vector<double> low_t(n, 1.0), high_t(m, 2.0);
            low_t[0] = 2.0;
            std::vector<double> pooled_t = low_t;
            pooled_t.insert(pooled_t.end(), high_t.begin(), high_t.end());
            const MannWhitneyResult t = mann_whitney_u(low_t, high_t);
            EXPECT_FALSE(t.exact);
            const double floor = mann_whitney_floor(pooled_t, n);
            expect_relative(t.p_value, floor);
            std::vector<double> mixed_low = low_t, mixed_high = high_t;
            mixed_low[1] = 2.0;
            mixed_high[0] = 1.0;
            EXPECT_LT(floor, mann_whitney_u(mixed_low, mixed_high).p_value);
            EXPECT_GT(floor, mann_whitney_smallest_p(n, m));
        }
    }
    // 2 / C(18, 9) = 4.1135e-05 (scipy: mannwhitneyu(range(9), range(9, 18), method="exact")).
    expect_relative(4.113533525298231e-05, mann_whitney_smallest_p(9, 9));
    EXPECT_FALSE(mann_whitney_is_exact(9, 9, true));
    EXPECT_TRUE(mann_whitney_is_exact(50, 80, false));
    EXPECT_FALSE(mann_whitney_is_exact(51, 51, false));
}

TEST(SampleStatisticsMannWhitney, IdenticalOrAllTiedSamplesGivePOne) {
    check({"identical", {1, 2, 3}, {1, 2, 3}, 4.5, 1.0, false});
    check({"all tied", {5, 5, 5}, {5, 5}, 3.0, 1.0, false});
    // Exact, U = m n / 2: twice the upper tail exceeds 1 and is clipped.
    check({"balanced exact", {1, 4}, {2, 3}, 2.0, 1.0, true});
    check({"balanced exact 4 vs 4", {1, 4, 5, 8}, {2, 3, 6, 7}, 8.0, 1.0, true});
}

}  // namespace
}  // namespace pmb
