// signed_rank_test: values worked by hand, the feasibility rule, and SciPy itself, live: random
// paired differences of 5 to 40 values, untied (exact), tied and with zeros (approximate), each p
// compared with scipy.stats.wilcoxon under the method signed_rank_test says it used.
#include <gtest/gtest.h>

#include <cmath>

#include <nlohmann/json.hpp>

#include "results/signed_rank_test.h"
#include "tests/support/scipy_reference.h"

namespace pmb {
namespace {

TEST(SignedRankTest, ValuesWorkedByHand) {
    // Five positive differences: R- = 0, one sign pattern of 32 in each tail: p = 2 / 32.
    const SignedRankResult all_up = signed_rank_test({1, 2, 3, 4, 5});
    EXPECT_TRUE(all_up.exact);
    EXPECT_EQ(all_up.w, 0);
    EXPECT_DOUBLE_EQ(all_up.p_value, 0.0625);
    // {-1, 2, 3, 4, 5}: R- = 1; P(R+ <= 1) = 2 / 32 (patterns with R+ 0 or 1): p = 4 / 32.
    EXPECT_DOUBLE_EQ(signed_rank_test({-1, 2, 3, 4, 5}).p_value, 0.125);
    // Zeros are dropped and make it approximate; every difference zero tests nothing.
    const SignedRankResult with_zero = signed_rank_test({0, 1, 2, 3, 4, 5});
    EXPECT_EQ(with_zero.n, 5u);
    EXPECT_FALSE(with_zero.exact);
    EXPECT_EQ(signed_rank_test({0, 0, 0}).p_value, 1.0);
    // Symmetric: negating every difference changes nothing.
    EXPECT_DOUBLE_EQ(signed_rank_test({-3, 1, -4, 1.5, -5, 9, -2.6}).p_value,
                     signed_rank_test({3, -1, 4, -1.5, 5, -9, 2.6}).p_value);
    EXPECT_THROW(signed_rank_test({}), std::invalid_argument);
    EXPECT_THROW(signed_rank_test({1, NAN}), std::invalid_argument);
}

TEST(SignedRankTest, SmallestPIsEverySignTheSame) {
    for (std::size_t n = 1; n <= 50; ++n) {
        std::vector<double> d;
        for (std::size_t i = 0; i < n; ++i) d.push_back(static_cast<double>(i + 1));
        EXPECT_DOUBLE_EQ(signed_rank_smallest_p(n), std::min(1.0, std::ldexp(2.0, -static_cast<int>(n)))) << n;
        EXPECT_DOUBLE_EQ(signed_rank_test(d).p_value, signed_rank_smallest_p(n)) << n;
        d[0] = -d[0];
        EXPECT_DOUBLE_EQ(signed_rank_floor(d), signed_rank_smallest_p(n)) << n;
    }
    // 15 pairs (perf-check's rounds) can flag a figure among 200 Holm-corrected ones; 12 cannot.
    EXPECT_LT(signed_rank_smallest_p(15) * 200, 0.05);
    EXPECT_GT(signed_rank_smallest_p(12) * 200, 0.05);
    EXPECT_LT(signed_rank_smallest_p(60), 1e-10);  // beyond 50: the approximation's own minimum
}

constexpr const char* kScipy = R"(
import json, sys, warnings
from scipy.stats import wilcoxon
warnings.simplefilter("ignore")
cases = json.load(open(sys.argv[1]))
print(json.dumps([wilcoxon(c["d"], method="exact" if c["exact"] else "approx").pvalue for c in cases]))
)";

TEST(SignedRankAgainstScipy, RandomDifferencesOfFiveToForty) {
    test_support::UniformDraws uniform(2026);
    nlohmann::json cases = nlohmann::json::array();
    std::vector<SignedRankResult> ours;
    for (std::size_t n = 5; n <= 40; n += 1) {
        for (int variant = 0; variant < 3; ++variant) {
            const bool tied = variant == 1;
            std::vector<double> d;
            for (std::size_t i = 0; i < n; ++i) {
                double v = 0.3 * (variant == 2) - 0.15;
                for (int k = 0; k < 4; ++k) v += uniform() - 0.5;
                d.push_back(tied ? std::round(v * 4) / 4 : v);  // tied: a coarse grid, zeros included
            }
            ours.push_back(signed_rank_test(d));
            if (ours.back().n == 0) {
                ours.pop_back();
                continue;
            }
            cases.push_back({{"d", d}, {"exact", ours.back().exact}});
        }
    }
    std::vector<test_support::OurAnswer> answers;
    for (const SignedRankResult& r : ours) answers.push_back({r.p_value, r.exact});
    test_support::expect_scipy_agrees(kScipy, cases, answers, 30);  // both regimes exercised
}

}  // namespace
}  // namespace pmb
