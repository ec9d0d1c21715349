#include "results/signed_rank_test.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace pmb {
namespace {

constexpr std::size_t kExactMaxDifferences = 50;  // scipy's "auto": exact up to 50

// P(R+ <= r) for n untied nonzero differences: the counts of R+ are the coefficients of
// prod_{i=1..n} (1 + q^i), accumulated up to degree r. long double keeps 2^50 counts exact.
double lower_tail(std::size_t n, std::size_t r) {
    std::vector<long double> counts(r + 1, 0.0L);
    counts[0] = 1.0L;
    for (std::size_t i = 1; i <= n; ++i)
        for (std::size_t k = r; k >= i; --k) counts[k] += counts[k - i];
    long double total = 0.0L;
    for (long double c : counts) total += c;
    return static_cast<double>(total / std::ldexp(1.0L, static_cast<int>(n)));
}

double approximate_p(double w, double n, double tie_term) {
    const double mean = n * (n + 1) / 4;
    const double variance = (n * (n + 1) * (2 * n + 1) - tie_term / 2) / 24;
    if (!(variance > 0)) return 1.0;
    return std::clamp(std::erfc(std::abs(w - mean) / std::sqrt(variance) / std::sqrt(2.0)), 0.0, 1.0);
}

}  // namespace

SignedRankResult signed_rank_test(const std::vector<double>& differences) {
    if (differences.empty()) throw std::invalid_argument("signed_rank_test: empty sample");
    std::vector<double> d;
    for (double x : differences) {
        if (!std::isfinite(x)) throw std::invalid_argument("signed_rank_test: non-finite difference");
        if (x != 0) d.push_back(x);
    }
    SignedRankResult r;
    r.n = d.size();
    if (d.empty()) return r;  // p = 1: nothing differs
    std::sort(d.begin(), d.end(), [](double a, double b) { return std::abs(a) < std::abs(b); });
    double r_plus = 0, r_minus = 0, tie_term = 0;
    for (std::size_t start = 0; start < d.size();) {
        std::size_t end = start;
        while (end < d.size() && std::abs(d[end]) == std::abs(d[start])) ++end;
        const double rank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2;
        for (std::size_t i = start; i < end; ++i) (d[i] > 0 ? r_plus : r_minus) += rank;
        const double t = static_cast<double>(end - start);
        tie_term += t * t * t - t;
        start = end;
    }
    r.w = std::min(r_plus, r_minus);
    const bool zeros = d.size() < differences.size();
    r.exact = !zeros && tie_term == 0 && r.n <= kExactMaxDifferences;
    if (!r.exact) {
        r.p_value = approximate_p(r.w, static_cast<double>(r.n), tie_term);
        return r;
    }
    // R+ and R- are integers here; the tail of the smaller is the smaller tail (symmetry).
    const std::size_t total = r.n * (r.n + 1) / 2;
    if (static_cast<std::size_t>(r_plus) == total / 2) return r;  // scipy's middle: p = 1
    r.p_value = std::min(1.0, 2 * lower_tail(r.n, static_cast<std::size_t>(r.w)));
    return r;
}

double signed_rank_smallest_p(std::size_t n, bool ties) {
    if (n == 0) throw std::invalid_argument("signed_rank_smallest_p: no difference");
    if (!ties && n <= kExactMaxDifferences) return std::min(1.0, std::ldexp(2.0, -static_cast<int>(n)));
    return approximate_p(0, static_cast<double>(n), 0);
}

double signed_rank_floor(const std::vector<double>& differences) {
    std::vector<double> same_sign;
    for (double x : differences) same_sign.push_back(std::abs(x));
    return signed_rank_test(same_sign).p_value;
}

}  // namespace pmb
