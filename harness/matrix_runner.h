// MatrixRunner: the cross product allocators x collectors x workloads x repetitions, each point
// run in a fresh worker process, recorded as it finishes.
//
// Repetitions are interleaved (every combination's rep 0, then every rep 1, ...) so that slow
// drift of the machine spreads over all combinations instead of biasing one; each combination's
// first repetition is preceded by its unrecorded warm-up runs. After every run the whole results
// file (JSON, and CSV beside it) is rewritten atomically, so an interrupted, killed or crashed
// matrix keeps every run it finished.
//
// A shard I/N runs the combinations whose index is I-1 modulo N, all repetitions of each: the
// shards of a matrix are disjoint, together they are the matrix, and every run keeps its index in
// the whole matrix so `merge` can restore the unsharded order.
#pragma once

#include <atomic>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/process_runner.h"
#include "harness/run_spec.h"

namespace pmb {

struct Shard {
    int index = 1;  // 1-based
    int count = 1;
};
// Parses "I/N" (1 <= I <= N); throws std::invalid_argument naming the accepted form.
Shard parse_shard(const std::string& text);

struct MatrixOptions {
    std::vector<std::string> allocators;
    std::vector<std::string> collectors;
    std::vector<std::string> workloads;
    // "key=value" (every selected workload that declares key) or "workload.key=value".
    std::vector<std::string> params;
    int reps = 1;
    int warmup = 0;  // unrecorded runs of each combination before its first repetition
    std::uint64_t seed = 0;
    bool quick = false;
    bool record_latency = true;
    bool count_trash = true;  // RunSpec::trash
    Shard shard;
    ProcessLimits limits;
    std::string out;                // results JSON; the CSV goes beside it
    std::string worker_executable;  // this program, re-executed as "worker"
};

// Expands the whole matrix into run specs (every shard's); throws std::invalid_argument (one line)
// on an unknown name or a bad parameter, before anything runs.
std::vector<RunSpec> expand_matrix(const MatrixOptions& options);
// The specs of one shard.
std::vector<RunSpec> select_shard(const std::vector<RunSpec>& specs, Shard shard);

// Runs every spec and writes `options.out` after each; stops early when `stop` becomes true (the
// run in progress is killed and not recorded). Returns the results document.
nlohmann::json run_matrix(const MatrixOptions& options, const std::vector<RunSpec>& specs,
                          const nlohmann::json& meta, const std::atomic<bool>& stop);

// The record of one finished worker process (exposed for tests).
nlohmann::json run_record(const RunSpec& spec, const ProcessOutcome& outcome);

}  // namespace pmb
