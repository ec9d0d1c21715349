#include "results/clustered_signed_rank_test.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace pmb {
namespace {

constexpr std::size_t kExactMaxClusters = 20;  // 2^20 sign patterns

struct Ranked {
    std::vector<double> signed_sums;    // S_c per cluster (zeros kept)
    std::vector<double> rank_sums;      // sum of ranks per cluster, |S_c| at most
    std::size_t differences = 0;
};

// Ranks every nonzero difference of every cluster together by |d|, average ranks for ties.
Ranked rank(const std::vector<std::vector<double>>& clusters) {
    struct Difference {
        double value;
        std::size_t cluster;
    };
    std::vector<Difference> all;
    for (std::size_t c = 0; c < clusters.size(); ++c)
        for (double d : clusters[c]) {
            if (!std::isfinite(d)) throw std::invalid_argument("clustered_signed_rank_test: non-finite difference");
            if (d != 0) all.push_back({d, c});
        }
    std::sort(all.begin(), all.end(),
              [](const Difference& a, const Difference& b) { return std::abs(a.value) < std::abs(b.value); });
    Ranked r;
    r.signed_sums.assign(clusters.size(), 0.0);
    r.rank_sums.assign(clusters.size(), 0.0);
    r.differences = all.size();
    for (std::size_t start = 0; start < all.size();) {
        std::size_t end = start;
        while (end < all.size() && std::abs(all[end].value) == std::abs(all[start].value)) ++end;
        const double average = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2;
        for (std::size_t i = start; i < end; ++i) {
            r.signed_sums[all[i].cluster] += all[i].value > 0 ? average : -average;
            r.rank_sums[all[i].cluster] += average;
        }
        start = end;
    }
    return r;
}

// The normal approximation's two-sided p for |T| = t with variance sum(s_c^2).
double normal_p(double t, double variance) {
    return std::clamp(std::erfc(std::abs(t) / std::sqrt(variance) / std::sqrt(2.0)), 0.0, 1.0);
}

// P(|sum(+-s_c)| >= |t|) over the 2^k equally likely sign patterns (k <= kExactMaxClusters), or
// the normal approximation beyond; `s` holds only nonzero terms.
double sign_flip_p(const std::vector<double>& s, double t, bool& exact) {
    exact = s.size() <= kExactMaxClusters;
    if (s.empty()) return 1.0;
    if (!exact) {
        double variance = 0;
        for (double x : s) variance += x * x;
        return normal_p(t, variance);
    }
    const double bar = std::abs(t) * (1 - 1e-12);  // ranks are halves: sums are exact, but be safe
    // Gray code: pattern g differs from g-1 in one sign, so each pattern's sum costs one update.
    double sum = 0;
    for (double x : s) sum += x;
    std::uint64_t at_least = std::abs(sum) >= bar, signs = 0;
    const std::uint64_t patterns = std::uint64_t{1} << s.size();
    for (std::uint64_t g = 1; g < patterns; ++g) {
        const int bit = __builtin_ctzll(g);
        signs ^= std::uint64_t{1} << bit;
        sum += (signs >> bit & 1) ? -2 * s[bit] : 2 * s[bit];
        at_least += std::abs(sum) >= bar;
    }
    return std::min(1.0, static_cast<double>(at_least) / static_cast<double>(patterns));
}

}  // namespace

ClusteredSignedRankResult clustered_signed_rank_test(const std::vector<std::vector<double>>& clusters) {
    const Ranked r = rank(clusters);
    if (clusters.empty()) throw std::invalid_argument("clustered_signed_rank_test: no cluster");
    ClusteredSignedRankResult result;
    result.differences = r.differences;
    std::vector<double> s;
    for (double x : r.signed_sums)
        if (x != 0) s.push_back(x);
    result.clusters = s.size();
    for (double x : s) result.statistic += x;
    result.p_value = sign_flip_p(s, result.statistic, result.exact);
    return result;
}

double clustered_signed_rank_floor(const std::vector<std::vector<double>>& clusters) {
    // Every cluster's differences of one sign, all clusters alike: |T| = the sum of the rank sums,
    // which only the all-plus and all-minus patterns reach (any flip lowers it), so 2 / 2^k exactly.
    const Ranked r = rank(clusters);
    double t = 0, variance = 0;
    std::size_t k = 0;
    for (double x : r.rank_sums)
        if (x != 0) {
            t += x;
            variance += x * x;
            ++k;
        }
    if (k == 0) return 1.0;
    if (k <= kExactMaxClusters) return std::min(1.0, std::ldexp(2.0, -static_cast<int>(k)));
    return normal_p(t, variance);
}

}  // namespace pmb
