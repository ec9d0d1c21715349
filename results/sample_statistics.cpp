#include "results/sample_statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

namespace pmb {
namespace {

constexpr double kCiCoverage = 0.95;
// Exact when the pooled sample has no ties and the smaller side has at most this many values:
// scipy's method="exact". (scipy's "auto" stops at 8, which at 9-11 repetitions a side leaves
// the test unable to flag anything among hundreds of Holm-corrected figures: see
// mann_whitney_smallest_p.) The exact tail costs O(m^2 n) additions, about 10^5 at 50 against 50.
constexpr std::size_t kExactMaxSmallerSample = 50;

void check_finite(const std::vector<double>& samples, const char* what) {
    if (samples.empty()) throw std::invalid_argument(std::string(what) + ": empty sample");
    for (double x : samples) {
        if (!std::isfinite(x)) throw std::invalid_argument(std::string(what) + ": non-finite value in sample");
    }
}

double median_of_sorted(const std::vector<double>& sorted) {
    const std::size_t n = sorted.size();
    if (n % 2 == 1) return sorted[n / 2];
    return std::midpoint(sorted[n / 2 - 1], sorted[n / 2]);
}

// The order-statistic interval of the median: the largest rank j >= 1 with
// P(Binomial(n, 1/2) <= j - 1) <= (1 - kCiCoverage) / 2, or j = 1 when none qualifies, and the
// coverage 1 - 2 P(Binomial(n, 1/2) <= j - 1) of [x(j), x(n-j+1)]. The probabilities are summed
// from exp(log C(n, i) - n log 2), with log C(n, i) built incrementally (no lgamma: it writes the
// global signgam), so nothing underflows to a wrong answer for large n: terms far below the
// threshold underflow to 0 harmlessly.
std::pair<std::size_t, double> median_ci_rank(std::size_t n) {
    const double tail_limit = (1.0 - kCiCoverage) / 2.0;
    const double n_log2 = static_cast<double>(n) * std::log(2.0);
    double log_choose = 0.0;  // log C(n, i)
    double tail = std::exp(-n_log2);  // P(Binomial <= 0)
    std::size_t j = 1;
    double accepted_tail = tail;
    for (std::size_t i = 1; i <= n / 2; ++i) {
        log_choose += std::log(static_cast<double>(n - i + 1)) - std::log(static_cast<double>(i));
        tail += std::exp(log_choose - n_log2);  // now P(Binomial <= i)
        if (tail > tail_limit) break;
        j = i + 1;
        accepted_tail = tail;
    }
    return {j, 1.0 - 2.0 * accepted_tail};
}

// P(U >= u_max) under the null for sizes m <= n without ties, by symmetry P(U <= m n - u_max):
// the counts of U are the coefficients of the Gaussian binomial [m+n choose m]_q =
// prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i), each factor applied as a multiplication and a strided
// prefix sum, truncated at the degree needed. long double keeps the sums of large counts precise.
double exact_upper_tail(std::size_t m, std::size_t n, std::size_t u_max) {
    const std::size_t k_max = m * n - u_max;  // u_max >= m n / 2, so k_max <= m n / 2
    std::vector<long double> prev(k_max + 1, 0.0L), next(k_max + 1, 0.0L);
    prev[0] = 1.0L;
    long double total = 1.0L;  // C(m+n, m)
    for (std::size_t i = 1; i <= m; ++i) {
        for (std::size_t k = 0; k <= k_max; ++k) {
            long double c = prev[k];
            if (k >= n + i) c -= prev[k - n - i];
            if (k >= i) c += next[k - i];
            next[k] = c;
        }
        std::swap(prev, next);
        total = total * static_cast<long double>(n + i) / static_cast<long double>(i);
    }
    long double cumulative = 0.0L;
    for (long double c : prev) cumulative += c;
    return static_cast<double>(cumulative / total);
}

}  // namespace

double median(std::vector<double> samples) { return median_in_place(samples); }

double median_in_place(std::vector<double>& samples) {
    check_finite(samples, "median");
    const std::size_t n = samples.size();
    const auto upper = samples.begin() + static_cast<std::ptrdiff_t>(n / 2);
    std::nth_element(samples.begin(), upper, samples.end());
    if (n % 2 == 1) return *upper;
    const double below = *std::max_element(samples.begin(), upper);
    return std::midpoint(below, *upper);
}

SampleSummary summarize(std::vector<double> samples) {
    check_finite(samples, "summarize");
    std::sort(samples.begin(), samples.end());
    SampleSummary s;
    s.n = samples.size();
    s.min = samples.front();
    s.max = samples.back();
    s.median = median_of_sorted(samples);

    // Deviations from the minimum: exact for identical values, and no cancellation on a large offset.
    const double count = static_cast<double>(s.n);
    double shifted_sum = 0.0;
    for (double x : samples) shifted_sum += x - s.min;
    s.mean = std::clamp(s.min + shifted_sum / count, s.min, s.max);
    if (s.n > 1) {
        double squares = 0.0;
        for (double x : samples) squares += (x - s.mean) * (x - s.mean);
        s.stddev = std::sqrt(squares / (count - 1.0));
    }
    s.cv = s.mean == 0.0 ? 0.0 : s.stddev / s.mean;
    std::vector<double> deviations;
    for (double x : samples) deviations.push_back(std::abs(x - s.median));
    s.mad = median(deviations);
    s.robust_cv = s.median == 0.0 ? 0.0 : 1.4826 * s.mad / s.median;

    const auto [j, coverage] = median_ci_rank(s.n);
    s.ci_low = samples[j - 1];
    s.ci_high = samples[s.n - j];
    s.ci_level = coverage;
    return s;
}

nlohmann::json to_json(const SampleSummary& s) {
    return nlohmann::json{{"n", s.n},           {"median", s.median},       {"min", s.min},
                          {"max", s.max},       {"mean", s.mean},           {"stddev", s.stddev},
                          {"cv", s.cv},         {"ci95_low", s.ci_low},     {"ci95_high", s.ci_high},
                          {"ci_level", s.ci_level}, {"mad", s.mad},         {"robust_cv", s.robust_cv}};
}

bool mann_whitney_is_exact(std::size_t n1, std::size_t n2, bool ties) {
    return !ties && std::min(n1, n2) <= kExactMaxSmallerSample;
}

double mann_whitney_smallest_p(std::size_t n1, std::size_t n2, bool ties) {
    if (n1 == 0 || n2 == 0) throw std::invalid_argument("mann_whitney_smallest_p: empty sample");
    const double a = static_cast<double>(n1), b = static_cast<double>(n2);
    if (mann_whitney_is_exact(n1, n2, ties)) {
        // Complete separation: the one arrangement of C(n1 + n2, n1) with U = n1 n2, each tail.
        double log_c = 0;
        for (std::size_t i = 1; i <= std::min(n1, n2); ++i)
            log_c += std::log(static_cast<double>(std::max(n1, n2) + i)) - std::log(static_cast<double>(i));
        return std::min(1.0, 2.0 * std::exp(-log_c));
    }
    // The approximation at complete separation, with the variance of untied samples.
    const double z = (a * b / 2.0 - 0.5) / std::sqrt(a * b * (a + b + 1.0) / 12.0);
    return std::clamp(std::erfc(z / std::sqrt(2.0)), 0.0, 1.0);
}

double mann_whitney_floor(std::vector<double> pooled, std::size_t n1) {
    if (n1 == 0 || n1 >= pooled.size()) throw std::invalid_argument("mann_whitney_floor: a side is empty");
    std::sort(pooled.begin(), pooled.end());
    const auto at = [&](std::size_t from, std::size_t to) {
        return std::vector<double>(pooled.begin() + static_cast<std::ptrdiff_t>(from),
                                   pooled.begin() + static_cast<std::ptrdiff_t>(to));
    };
    const std::size_t n2 = pooled.size() - n1;
    const double low = mann_whitney_u(at(0, n1), at(n1, pooled.size())).p_value;   // `a` the smallest
    const double high = mann_whitney_u(at(n2, pooled.size()), at(0, n2)).p_value;  // `a` the largest
    return std::min(low, high);
}

MannWhitneyResult mann_whitney_u(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.empty() || b.empty()) throw std::invalid_argument("mann_whitney_u: empty sample");
    const auto has_nan = [](const std::vector<double>& v) {
        return std::any_of(v.begin(), v.end(), [](double x) { return std::isnan(x); });
    };
    if (has_nan(a) || has_nan(b)) throw std::invalid_argument("mann_whitney_u: NaN in sample");

    // Pool and rank (average ranks for ties), summing the ranks of `a` and the tie term sum(t^3 - t).
    std::vector<std::pair<double, bool>> pooled;  // (value, belongs to a)
    pooled.reserve(a.size() + b.size());
    for (double x : a) pooled.emplace_back(x, true);
    for (double x : b) pooled.emplace_back(x, false);
    std::sort(pooled.begin(), pooled.end(),
              [](const auto& l, const auto& r) { return l.first < r.first; });
    double rank_sum_a = 0.0, tie_term = 0.0;
    bool ties = false;
    for (std::size_t start = 0; start < pooled.size();) {
        std::size_t end = start;
        std::size_t in_a = 0;
        while (end < pooled.size() && pooled[end].first == pooled[start].first) {
            in_a += pooled[end].second ? 1 : 0;
            ++end;
        }
        const double t = static_cast<double>(end - start);
        const double average_rank = (static_cast<double>(start + 1) + static_cast<double>(end)) / 2.0;
        rank_sum_a += static_cast<double>(in_a) * average_rank;
        if (end - start > 1) {
            ties = true;
            tie_term += t * t * t - t;
        }
        start = end;
    }

    const double n1 = static_cast<double>(a.size()), n2 = static_cast<double>(b.size());
    MannWhitneyResult r;
    r.u = rank_sum_a - n1 * (n1 + 1.0) / 2.0;
    const double u_max = std::max(r.u, n1 * n2 - r.u);

    const std::size_t smaller = std::min(a.size(), b.size()), larger = std::max(a.size(), b.size());
    r.exact = mann_whitney_is_exact(smaller, larger, ties);
    double p;
    if (r.exact) {
        p = 2.0 * exact_upper_tail(smaller, larger, static_cast<std::size_t>(u_max));
    } else {
        const double n = n1 + n2;
        const double mu = n1 * n2 / 2.0;
        const double variance = n1 * n2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
        // Every value tied: zero variance, U = mu, and scipy's z = -0.5 / 0 = -inf gives p = 1.
        if (!(variance > 0.0)) {
            p = 1.0;
        } else {
            const double z = (u_max - mu - 0.5) / std::sqrt(variance);
            p = std::erfc(z / std::sqrt(2.0));  // 2 * P(Z >= z)
        }
    }
    r.p_value = std::clamp(p, 0.0, 1.0);
    return r;
}

double kendall_tau_b(const std::vector<double>& x, const std::vector<double>& y) {
    if (x.size() != y.size()) throw std::invalid_argument("kendall_tau_b: samples of different lengths");
    const auto has_nan = [](const std::vector<double>& v) {
        return std::any_of(v.begin(), v.end(), [](double e) { return std::isnan(e); });
    };
    if (has_nan(x) || has_nan(y)) throw std::invalid_argument("kendall_tau_b: NaN in sample");
    // Counts of pairs: concordant minus discordant, and those not tied in x, not tied in y.
    double net = 0, untied_x = 0, untied_y = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        for (std::size_t j = i + 1; j < x.size(); ++j) {
            const int dx = (x[i] > x[j]) - (x[i] < x[j]), dy = (y[i] > y[j]) - (y[i] < y[j]);
            net += dx * dy;
            untied_x += dx != 0;
            untied_y += dy != 0;
        }
    }
    if (untied_x == 0 || untied_y == 0) return std::numeric_limits<double>::quiet_NaN();
    return std::clamp(net / std::sqrt(untied_x * untied_y), -1.0, 1.0);
}

}  // namespace pmb
