// The clustered signed-rank test: is the median of paired differences zero, when the pairs come in
// clusters whose members may share noise? For compare --paired's aggregate figures, whose pairs
// are every combination's runs of one round: a round is one cluster, because whatever disturbed
// the machine while it ran may have touched several of its pairs alike.
//
// Statistic (Rosner, Glynn and Lee's clustered Wilcoxon signed-rank test, Biometrics 2003): the
// nonzero differences of every cluster ranked together by |d| (average ranks for ties), S_c the
// sum of sign(d) x rank over cluster c, T the sum of the S_c. Null: the two sides are exchangeable
// within each cluster (as two runs of one build made one after the other are), so each cluster's
// signs flip together with probability 1/2, and T's distribution is that of sum(+-S_c).
// - Exact (every one of the 2^k sign patterns of the k clusters with S_c != 0) when k <= 20:
//   p = P(|sum(+-S_c)| >= |T|); with one difference per cluster and no ties this is exactly the
//   signed-rank test's p (results/signed_rank_test.h). Otherwise the normal approximation,
//   z = |T| / sqrt(sum(S_c^2)).
// - Independent pairs in one cluster each would be the plain signed-rank test over every pair;
//   clusters cost power only as far as their members move together.
// - No nonzero difference: p = 1. clustered_signed_rank_floor is the smallest p for these
//   magnitudes and clusters (every difference of a cluster the same sign, all clusters alike).
//
// Throws std::invalid_argument when there is no difference or one is not finite; no shared state.
#pragma once

#include <cstddef>
#include <vector>

namespace pmb {

struct ClusteredSignedRankResult {
    double statistic = 0;   // T = sum over clusters of S_c
    double p_value = 1;     // two-sided
    std::size_t clusters = 0;     // with S_c != 0
    std::size_t differences = 0;  // nonzero, over every cluster
    bool exact = false;
};

ClusteredSignedRankResult clustered_signed_rank_test(const std::vector<std::vector<double>>& clusters);

double clustered_signed_rank_floor(const std::vector<std::vector<double>>& clusters);

}  // namespace pmb
