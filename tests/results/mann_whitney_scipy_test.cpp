// mann_whitney_u against SciPy itself, live: random samples of 9 to 20 values a side, untied and
// tied, each p-value compared with scipy.stats.mannwhitneyu under the method mann_whitney_u says
// it used (exact or asymptotic). Debian's python3-scipy, through the interpreter the build found.
#include <gtest/gtest.h>

#include <cmath>

#include "results/sample_statistics.h"
#include "tests/support/scipy_reference.h"

namespace pmb {
namespace {

constexpr const char* kScipy = R"(
import json, sys
from scipy.stats import mannwhitneyu
cases = json.load(open(sys.argv[1]))
print(json.dumps([mannwhitneyu(c["a"], c["b"], alternative="two-sided",
                               method="exact" if c["exact"] else "asymptotic").pvalue for c in cases]))
)";

TEST(MannWhitneyAgainstScipy, RandomSamplesOfNineToTwentyAside) {
    test_support::UniformDraws uniform(12345);
    nlohmann::json cases = nlohmann::json::array();
    std::vector<MannWhitneyResult> ours;
    for (std::size_t n1 = 9; n1 <= 20; ++n1) {
        for (int variant = 0; variant < 6; ++variant) {
            const std::size_t n2 = 9 + static_cast<std::size_t>(uniform() * 12);
            const bool tied = variant % 2 == 1;
            const double shift = (variant / 2) * 0.4;  // 0, 0.4, 0.8 standard deviations
            std::vector<double> a, b;
            // Normal-ish values (sum of uniforms); tied ones rounded to a coarse grid.
            auto draw = [&](double mean) {
                double v = mean;
                for (int k = 0; k < 4; ++k) v += uniform() - 0.5;
                return tied ? std::round(v * 3) / 3 : v;
            };
            for (std::size_t i = 0; i < n1; ++i) a.push_back(draw(shift));
            for (std::size_t i = 0; i < n2; ++i) b.push_back(draw(0));
            ours.push_back(mann_whitney_u(a, b));
            cases.push_back({{"a", a}, {"b", b}, {"exact", ours.back().exact}});
        }
    }
    std::vector<test_support::OurAnswer> answers;
    for (const MannWhitneyResult& r : ours) answers.push_back({r.p_value, r.exact});
    test_support::expect_scipy_agrees(kScipy, cases, answers, 20);  // both regimes exercised
}

}  // namespace
}  // namespace pmb
