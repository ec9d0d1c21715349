// mann_whitney_u against SciPy itself, live: random samples of 9 to 20 values a side, untied and
// tied, each p-value compared with scipy.stats.mannwhitneyu under the method mann_whitney_u says
// it used (exact or asymptotic). Debian's python3-scipy, through the interpreter the build found.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "harness/process_runner.h"
#include "results/sample_statistics.h"
#include "tests/support/pymembench_cli.h"

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
    std::uint64_t state = 12345;
    auto uniform = [&state] {  // splitmix64 in [0, 1)
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
    };
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
    const std::string path = test_support::temp_path("mwu_cases.json");
    std::ofstream(path) << cases.dump();
    const ProcessOutcome p = run_process({PMB_PYTHON, "-c", kScipy, path}, {}, {120, 0});
    ASSERT_EQ(p.exit_code, 0) << "scipy (python3-scipy) must be importable by " << PMB_PYTHON << ": " << p.err;
    const nlohmann::json scipy = nlohmann::json::parse(p.out);
    ASSERT_EQ(scipy.size(), ours.size());
    int exact = 0, tied = 0;
    for (std::size_t i = 0; i < ours.size(); ++i) {
        SCOPED_TRACE(cases[i].dump());
        const double want = scipy[i].get<double>();
        EXPECT_NEAR(ours[i].p_value, want, 1e-9 * std::max(want, 1e-12) + 1e-15);
        exact += ours[i].exact;
        tied += !ours[i].exact;
    }
    EXPECT_GT(exact, 20);  // both regimes were exercised
    EXPECT_GT(tied, 20);
    std::remove(path.c_str());
}

}  // namespace
}  // namespace pmb
