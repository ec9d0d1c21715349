// The clustered signed-rank test: the plain signed-rank test where every cluster is one
// difference, its exact sign-flip distribution by hand, and the point of it: pairs that move
// together within a cluster do not pass for independent evidence.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "results/clustered_signed_rank_test.h"
#include "results/signed_rank_test.h"

namespace pmb {
namespace {

TEST(ClusteredSignedRank, OneDifferencePerClusterIsTheSignedRankTest) {
    std::mt19937_64 rng(7);
    std::normal_distribution<double> normal(0.3, 1.0);
    for (std::size_t n : {5u, 9u, 14u, 20u}) {
        std::vector<double> d;
        std::vector<std::vector<double>> clusters;
        for (std::size_t i = 0; i < n; ++i) {
            d.push_back(normal(rng));
            clusters.push_back({d.back()});
        }
        const auto plain = signed_rank_test(d);
        const auto clustered = clustered_signed_rank_test(clusters);
        ASSERT_TRUE(plain.exact);
        EXPECT_TRUE(clustered.exact);
        EXPECT_NEAR(clustered.p_value, plain.p_value, 1e-12) << n;
        EXPECT_NEAR(clustered_signed_rank_floor(clusters), signed_rank_smallest_p(n), 1e-15) << n;
    }
}

TEST(ClusteredSignedRank, ExactSignFlipsByHand) {
    // Ranks over all: |0.1|=1, |-0.2|=2, |0.3|=3, |0.4|=4. S = {1 - 2, 3, 4} = {-1, 3, 4}, T = 6.
    // Patterns of (+-1, +-3, +-4): sums 6, 8, 0, 2, -2, 0, -8, -6 (up to order): |sum| >= 6 in 4 of 8.
    const auto r = clustered_signed_rank_test({{0.1, -0.2}, {0.3}, {0.4}});
    EXPECT_DOUBLE_EQ(r.statistic, 6);
    EXPECT_EQ(r.clusters, 3u);
    EXPECT_EQ(r.differences, 4u);
    EXPECT_DOUBLE_EQ(r.p_value, 0.5);
    // Floor: every cluster's signs alike, rank sums {3, 3, 4}: only all + and all - reach 10.
    EXPECT_DOUBLE_EQ(clustered_signed_rank_floor({{0.1, -0.2}, {0.3}, {0.4}}), 2.0 / 8);
    // A cluster whose signed ranks cancel drops out; zeros are not differences.
    const auto cancel = clustered_signed_rank_test({{0.1, -0.1}, {0.3, 0.0}});
    EXPECT_EQ(cancel.clusters, 1u);
    EXPECT_EQ(cancel.differences, 3u);
    EXPECT_DOUBLE_EQ(cancel.p_value, 1.0);
    EXPECT_DOUBLE_EQ(clustered_signed_rank_test({{0.0}, {0.0}}).p_value, 1.0);
}

TEST(ClusteredSignedRank, BeyondTwentyClustersTheNormalApproximation) {
    std::vector<std::vector<double>> clusters;
    for (int c = 0; c < 30; ++c) clusters.push_back({0.01 * (c + 1)});  // every one positive
    const auto r = clustered_signed_rank_test(clusters);
    EXPECT_FALSE(r.exact);
    // T = 465 = sum of ranks 1..30, sum of squares 9455: z = 4.78.
    EXPECT_NEAR(r.p_value, std::erfc(465 / std::sqrt(9455.0) / std::sqrt(2.0)), 1e-15);
}

TEST(ClusteredSignedRank, PairsMovingTogetherAreNotIndependentEvidence) {
    // A/A rounds of 10 pairs each, every round's pairs sharing one random shift (the disturbance
    // of a round) besides their own noise. Pooled as independent pairs, the plain test flags
    // them far more often than alpha; the clustered test about alpha.
    std::mt19937_64 rng(2026);
    std::normal_distribution<double> normal(0.0, 1.0);
    int plain_flags = 0, clustered_flags = 0;
    const int trials = 400;
    for (int t = 0; t < trials; ++t) {
        std::vector<std::vector<double>> rounds;
        std::vector<double> pooled;
        for (int r = 0; r < 15; ++r) {
            const double shift = normal(rng);
            std::vector<double> round;
            for (int k = 0; k < 10; ++k) round.push_back(shift + 0.5 * normal(rng));
            pooled.insert(pooled.end(), round.begin(), round.end());
            rounds.push_back(round);
        }
        plain_flags += signed_rank_test(pooled).p_value < 0.05;
        clustered_flags += clustered_signed_rank_test(rounds).p_value < 0.05;
    }
    EXPECT_GT(plain_flags, trials / 5);      // far more than alpha
    EXPECT_LT(clustered_flags, trials / 10);  // near alpha
}

TEST(ClusteredSignedRank, BadInput) {
    EXPECT_THROW(clustered_signed_rank_test({}), std::invalid_argument);
    EXPECT_THROW(clustered_signed_rank_test({{1.0, std::nan("")}}), std::invalid_argument);
}

}  // namespace
}  // namespace pmb
