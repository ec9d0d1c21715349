// Comparing two results files, for CI performance-regression checks.
//
// For every combination present in both files (same allocator, collector, workload, parameter
// overrides and seed) and every compared metric, the successful repetitions of each side give:
// the ratio of medians (candidate / base) with a 95 % bootstrap confidence interval (percentile
// method, 2000 resamples unless told otherwise, a fixed seed per row: the same files always give the same answer), and
// the two-sided Mann-Whitney U test's p-value. A change is a regression only when it is both
// significant and beyond its threshold in the metric's bad direction (throughput down, latency,
// pause time or RSS up); an improvement likewise in the good direction. Significant means the
// p-value, Holm-adjusted over every row tested (unless turned off), is below alpha: a check of
// hundreds of figures then cries wolf with probability at most alpha, not hundreds of times it.
//
// Every tested row also has `p_floor`, the smallest p its values could give however they fell
// between the sides (results/sample_statistics.h), and `testable`: whether that floor survives the
// correction, i.e. whether any change could be flagged; the totals count the untestable rows
// (`untestable`, `untestable_by_metric`), and the report names them.
//
// Paired (CompareOptions::paired): repetitions are paired by their number, which both sides must
// share for every combination. A figure's ratio is the median of its pairs' ratios with that
// median's order-statistic 95 % interval, and its p the two-sided Wilcoxon signed-rank test's
// (results/signed_rank_test.h) on the pairs' differences: drift of the machine between pairs
// cancels. Added: an aggregate figure per allocator, collector and workload that two or more
// combinations share ("pool/*/*"), with `aggregate` naming its dimension: its ratio the median
// over the repetitions of each one's geometric mean of the ratios, its p the clustered signed-rank
// test (results/clustered_signed_rank_test.h) over every pair of every combination it covers
// (`pairs` of them), a repetition's pairs one cluster: one slow run then moves one rank in
// hundreds, not a repetition's mean, and pairs that move together within a round cannot pass for
// independent evidence. Its threshold is `aggregate_threshold`.
// Two families share alpha (a Bonferroni split, so the chance of any false alarm stays below
// alpha): the headline, the allocator and collector aggregates of throughput ("is a backend or
// a collector slower as a whole?", the question the check exists for; 6 figures in the CI
// matrix), gets `headline_share` of it; every other figure
// the rest. Holm runs within each family; `family` names a row's, and p_adjusted is scaled by
// its share so that significant still means p_adjusted < alpha. Unpaired: one family, every row.
//
// Invariants: a row whose medians are both 0 (no pauses under rc) is "no change"; the verdicts
// are "regression", "improvement", "not significant" (beyond the threshold, p >= alpha) and
// "no change"; compare throws std::invalid_argument (one line) when the files share no
// combination, a shared combination has too few repetitions for the test to ever reach alpha, or
// no tested row is testable (the message names how many repetitions are needed).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reporters/report.h"

namespace pmb {

struct CompareOptions {
    // Metric names of run_metrics.h; the default is the four the CI check watches.
    std::vector<std::string> metrics = {"ops_per_s", "latency_p99_ns", "gc_pause_total_ns", "peak_rss_bytes"};
    double threshold = 0.05;                     // relative change that matters, for every metric...
    std::map<std::string, double> thresholds;    // ...unless overridden per metric
    double alpha = 0.05;                         // significance level of the Mann-Whitney U test
    // Holm's step-down correction over every tested row (default): the chance of flagging any
    // change when there is none stays below alpha however many combinations are compared.
    bool holm = true;
    int resamples = 2000;  // bootstrap resamples per confidence interval (the verdict does not use them)
    // Repetition r of each combination in the base was measured beside repetition r in the
    // candidate (scripts/perf-check.sh's rounds): test each figure's pairs with the signed-rank
    // test, and add the aggregate figures (see below).
    bool paired = false;
    double aggregate_threshold = 0.02;  // paired: an aggregate's relative change that matters
    double headline_share = 0.5;        // paired: the headline family's part of alpha
};

// "throughput", "p99", "gc_pause", "rss" and any run metric's own name -> the run metric's name;
// throws std::invalid_argument naming the accepted names.
std::string resolve_metric_name(const std::string& name);

// The fewest repetitions per side with which a two-sided Mann-Whitney U test can reach `alpha`
// for one of `figures` Holm-corrected figures (mann_whitney_smallest_p's rule; `ties`: figures
// whose values tie, where the test is approximate).
// With `paired`, the fewest pairs for the signed-rank test (signed_rank_smallest_p's rule).
int repetitions_needed(double alpha, std::size_t figures = 1, bool ties = false, bool paired = false);

nlohmann::json compare_results(const nlohmann::json& base, const nlohmann::json& candidate,
                               const CompareOptions& options);

// compare_results' output as a report (reporters/report.h): the verdict as its title, the rule a
// change is judged by, the changes (or, with `all_rows`, every compared figure), then every
// compared figure folded; its data is `comparison` itself.
Report comparison_report(const nlohmann::json& comparison, bool all_rows);

}  // namespace pmb
