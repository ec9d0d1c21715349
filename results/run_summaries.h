// Per-combination summaries of a results file's runs: for every combination (allocator,
// collector, workload, parameters, seed) and every metric of run_metrics.h, the sample summary of
// its successful repetitions (median, min, max, mean, stddev, coefficient of variation, 95 %
// confidence interval of the median), plus how many repetitions ran and how many failed.
//
// Summaries are derived data: recomputed from the runs whenever the runs change (after every
// run, after a merge), never edited by hand. Combinations appear in the order of their first run.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace pmb {

// `runs` is a results file's "runs" array. Returns an array of
// {"allocator","collector","workload","params","seed","runs","failed","metrics":{name: summary}}.
nlohmann::json summarize_runs(const nlohmann::json& runs);

// A terminal table of the headline figures: median throughput and its CV, p99 latency, total GC
// pause, MMU at 10 ms and peak RSS, one row per combination.
std::string summaries_table(const nlohmann::json& summaries);

}  // namespace pmb
