// MatrixRunner: the cross product allocators x collectors x workloads x repetitions, each point
// run in a fresh worker process, recorded as it finishes.
//
// Repetitions are interleaved (every combination's rep 0, then every rep 1, ...) so that slow
// drift of the machine spreads over all combinations instead of biasing one. After every run the
// whole results file is rewritten atomically, so an interrupted or crashed matrix keeps every run
// it finished.
#pragma once

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/process_runner.h"
#include "harness/run_spec.h"

namespace pmb {

struct MatrixOptions {
    std::vector<std::string> allocators;
    std::vector<std::string> collectors;
    std::vector<std::string> workloads;
    // "key=value" (every selected workload that declares key) or "workload.key=value".
    std::vector<std::string> params;
    int reps = 1;
    std::uint64_t seed = 0;
    bool quick = false;
    ProcessLimits limits;
    std::string out;
    std::string worker_executable;  // this program, re-executed as "worker"
};

// Expands the matrix into run specs; throws std::invalid_argument (one line) on an unknown name
// or a bad parameter, before anything runs.
std::vector<RunSpec> expand_matrix(const MatrixOptions& options);

// Runs every spec and writes `options.out` after each; stops early when `stop` becomes true.
// Returns the results document.
nlohmann::json run_matrix(const MatrixOptions& options, const std::vector<RunSpec>& specs,
                          const nlohmann::json& meta, const std::atomic<bool>& stop);

// The record of one finished worker process (exposed for tests).
nlohmann::json run_record(const RunSpec& spec, const ProcessOutcome& outcome);

}  // namespace pmb
