// RunSpec: one process's worth of work, a point in the matrix plus its repetition index. It is
// what the harness sends to a worker process on its command line and records beside the results.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pmb {

// Per-op latency: recorded (always, in matrix runs); off, or alternating on and off in blocks,
// only to measure what recording costs.
enum class LatencyMode { record, off, alternate };

struct RunSpec {
    std::string allocator;  // allocator spec, e.g. "pool" or "pool:pool_size=4K"
    std::string collector;  // collector spec, e.g. "rc"
    std::string workload;   // workload name
    std::map<std::string, std::string> params;  // parameter overrides for this workload
    std::uint64_t seed = 0;
    int rep = 0;
    LatencyMode latency = LatencyMode::record;
    bool trash = true;  // trash censuses at the memory timeline's samples (off: only to measure their cost)
    // Where the run sits in the whole (unsharded) matrix: its position, and its combination's.
    std::size_t index = 0;
    std::size_t combination = 0;

    // The worker subcommand's arguments that reproduce this run (after the program name).
    std::vector<std::string> worker_args() const;
    std::string label() const;  // "allocator/collector/workload"
};

}  // namespace pmb
