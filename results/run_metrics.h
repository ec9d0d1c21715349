// The figures of one run that summaries, CSV files and comparisons share, each with its unit and
// its good direction: one table, so every consumer reads a metric from the same place.
//
// A metric is read from a run record by a JSON pointer (or, for memory_overhead, computed); a
// run that failed, or lacks the figure (latency not recorded, a window longer than the run),
// has no value for it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pmb {

struct RunMetric {
    std::string name;      // column name, e.g. "ops_per_s"
    std::string pointer;   // JSON pointer into a run record; empty for computed metrics
    std::string unit;      // "ops/s", "ns", "bytes", "s", "ratio", "count"
    bool higher_is_better;
};

const std::vector<RunMetric>& run_metrics();
const RunMetric* find_run_metric(const std::string& name);

// The metric's value in a run record; nullopt when the run failed or lacks it.
std::optional<double> metric_value(const nlohmann::json& run, const RunMetric& metric);

// The combination a run belongs to: allocator/collector/workload plus its parameters and seed.
// A combination's parameter overrides in a few characters, "k=v k2=v2", a path shown by its file
// name: what tells apart the combinations of a swept parameter in tables and figures.
std::string params_label(const nlohmann::json& params);
std::string combination_key(const nlohmann::json& run);

}  // namespace pmb
