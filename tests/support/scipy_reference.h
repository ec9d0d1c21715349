// SciPy as the reference for a statistical test, live: a Python script reads a JSON list of cases
// (argv[1]) and prints a JSON list of p-values; each is compared with ours. Debian's
// python3-scipy, through the interpreter the build found (PMB_PYTHON).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/process_runner.h"
#include "tests/support/pymembench_cli.h"

namespace pmb::test_support {

// Uniform draws in [0, 1) (splitmix64), the same for a seed on every machine: the cases.
class UniformDraws {
public:
    explicit UniformDraws(std::uint64_t seed) : state_(seed) {}
    double operator()() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return static_cast<double>((z ^ (z >> 31)) >> 11) * 0x1.0p-53;
    }

private:
    std::uint64_t state_;
};

// Ours: a case's p and whether the test was exact there.
struct OurAnswer {
    double p_value;
    bool exact;
};

// Expects SciPy's p for cases[i] to equal ours[i] to 1e-9 relative, and both regimes (exact and
// approximate) exercised by more than `at_least` cases each.
inline void expect_scipy_agrees(const char* script, const nlohmann::json& cases, const std::vector<OurAnswer>& ours,
                                int at_least) {
    const std::string path = temp_path("scipy_cases.json");
    std::ofstream(path) << cases.dump();
    const ProcessOutcome p = run_process({PMB_PYTHON, "-c", script, path}, {}, {120, 0});
    std::remove(path.c_str());
    ASSERT_EQ(p.exit_code, 0) << "scipy (python3-scipy) must be importable by " << PMB_PYTHON << ": " << p.err;
    const nlohmann::json scipy = nlohmann::json::parse(p.out);
    ASSERT_EQ(scipy.size(), ours.size());
    for (std::size_t i = 0; i < ours.size(); ++i) {
        const double want = scipy[i].get<double>();
        EXPECT_NEAR(ours[i].p_value, want, 1e-9 * std::max(want, 1e-12) + 1e-15) << cases[i].dump();
    }
    const auto exact = std::count_if(ours.begin(), ours.end(), [](const OurAnswer& a) { return a.exact; });
    EXPECT_GT(exact, at_least);
    EXPECT_GT(static_cast<long>(ours.size()) - exact, at_least);
}

}  // namespace pmb::test_support
