// validate: each workload's model against its Python twin under the real interpreter.
//
// The twin (workloads/python/<name>.py) runs under the system's Python 3.11 with the same
// parameters and seed, on a clean collector (gc.freeze() then gc.collect()), and reports
// gc.get_stats() deltas and tracemalloc's peak. The model runs in this process under `gen` with
// CPython's thresholds. Compared: collections per generation, objects collected per generation,
// and peak traced bytes against the model's peak live bytes.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "reporters/report.h"

namespace pmb {

struct ValidateOptions {
    std::vector<std::string> workloads;
    std::vector<std::string> params;  // key=value or workload.key=value
    std::uint64_t seed = 0;
    bool quick = false;               // each workload's small-scale parameters
    double count_tolerance = 0.05;    // collections and collected
    double bytes_tolerance = 0.10;    // peak live bytes
    std::string python;               // interpreter; default: the one the build found
    std::string twins_dir;            // default: <source>/workloads/python
};

// One row per (workload, metric): {"workload", "metric", "cpython", "model", "rel_error", "ok"}.
// Throws std::invalid_argument on bad names or parameters, std::runtime_error when a twin fails.
nlohmann::json validate_workloads(const ValidateOptions& options);
// The rows as a report (reporters/report.h), the verdict in its title; its data is `rows`.
Report validate_report(const nlohmann::json& rows);

}  // namespace pmb
