// How many repetitions a side `compare` needs before a change can be flagged, from the rule the
// test itself uses (results/compare_results.h, repetitions_needed): per number of figures compared
// at once (Holm) and alpha, for untied figures (exact test) and figures whose values tie (the
// normal approximation), and for paired figures (`compare --paired`: the signed-rank test, pairs).
// The README's figures come from this table.
//
//   pmb_repetitions_needed [ALPHA] [FIGURES..]      defaults: 0.05; 1 10 96 192 204 768
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "results/compare_results.h"
#include "results/sample_statistics.h"
#include "results/signed_rank_test.h"

int main(int argc, char** argv) {
    const double alpha = argc > 1 ? std::atof(argv[1]) : 0.05;
    if (!(alpha > 0 && alpha < 1)) {
        std::fprintf(stderr, "pmb_repetitions_needed: alpha '%s' is not between 0 and 1\n", argv[1]);
        return 2;
    }
    std::vector<std::size_t> figures;
    for (int i = 2; i < argc; ++i) figures.push_back(std::strtoull(argv[i], nullptr, 10));
    if (figures.empty()) figures = {1, 10, 96, 192, 204, 768};
    std::printf("alpha %g: repetitions per side before a change among F figures (Holm) can be flagged\n", alpha);
    std::printf("%8s  %10s  %18s  %10s  %18s  %10s  %18s\n", "figures", "untied", "smallest p x F", "tied",
                "smallest p x F", "pairs", "smallest p x F");
    for (std::size_t f : figures) {
        if (f == 0) continue;
        const int exact = pmb::repetitions_needed(alpha, f, false), tied = pmb::repetitions_needed(alpha, f, true);
        const int pairs = pmb::repetitions_needed(alpha, f, false, true);
        const double fe = static_cast<double>(f);
        std::printf("%8zu  %10d  %18.4g  %10d  %18.4g  %10d  %18.4g\n", f, exact,
                    pmb::mann_whitney_smallest_p(exact, exact, false) * fe, tied,
                    pmb::mann_whitney_smallest_p(tied, tied, true) * fe, pairs,
                    pmb::signed_rank_smallest_p(static_cast<std::size_t>(pairs)) * fe);
    }
    std::printf("\nsmallest p x 768 at n repetitions a side (untied / tied):\n");
    for (std::size_t n = 8; n <= 20; ++n)
        std::printf("  n = %2zu: %.3g / %.3g\n", n, pmb::mann_whitney_smallest_p(n, n, false) * 768,
                    pmb::mann_whitney_smallest_p(n, n, true) * 768);
    return 0;
}
