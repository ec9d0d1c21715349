// A results file's runs as CSV: one row per run, flat columns (RFC 4180 quoting), for pandas and
// spreadsheets. The columns: the run's identity (index, allocator, collector, workload, params as
// "k=v;k=v", seed, rep, status, error), every metric of run_metrics.h, then collections per
// generation, leaks, CPU times and the allocator library and version. A missing value is empty.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace pmb {

std::string runs_csv(const nlohmann::json& runs);

// "results/x.json" -> "results/x.csv"; any other name gets ".csv" appended.
std::string csv_path_for(const std::string& json_path);

}  // namespace pmb
