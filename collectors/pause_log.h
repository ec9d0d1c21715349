// PauseLog: every stop-the-world pause of a collector, and its per-generation statistics, in the
// shape every collector reports (the shape of gc.get_stats(), plus pause times), so results
// compare column by column across collectors.
//
// `generation` is the collector's own index into three slots: gen uses them as CPython 3.11's
// generations; incremental as (young, increment, full); marksweep puts its full-heap collections
// in slot 2.
//
// Invariants: collections[g] == pauses recorded with generation g; the histogram and the complete
// vector hold every pause; the JSON log holds the first kLogLimit.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "objects/collector.h"
#include "measure/clock.h"
#include "measure/latency_histogram.h"

namespace pmb {

class PauseLog {
public:
    static constexpr std::size_t kLogLimit = 100000;

    void record(std::uint64_t start_ns, std::uint64_t duration_ns, int generation, std::uint64_t collected) {
        histogram_.record(duration_ns);
        all_.push_back({start_ns, duration_ns});
        if (log_.size() < kLogLimit) log_.push_back({start_ns, duration_ns, generation, collected});
        ++collections_[static_cast<std::size_t>(generation)];
        collected_[static_cast<std::size_t>(generation)] += collected;
    }

    const std::vector<GcPause>& pauses() const { return all_; }
    std::uint64_t collections(int generation) const { return collections_[static_cast<std::size_t>(generation)]; }

    // {"collections", "collected", "uncollectable", "pause_ns" (with "total"), "pause_histogram_ns",
    // "pauses" ([start_ns, duration_ns, generation, collected])}.
    nlohmann::json stats_json() const {
        nlohmann::json pause = histogram_.summary_json();
        pause["total"] = histogram_.sum();
        nlohmann::json log = nlohmann::json::array();
        for (const Record& r : log_) log.push_back({r.start_ns, r.duration_ns, r.generation, r.collected});
        return {{"collections", collections_},
                {"collected", collected_},
                {"uncollectable", std::array<std::uint64_t, 3>{}},
                {"pause_ns", pause},
                {"pause_histogram_ns", histogram_.buckets_json()},
                {"pauses", log}};
    }

private:
    struct Record {
        std::uint64_t start_ns, duration_ns;
        int generation;
        std::uint64_t collected;
    };
    LatencyHistogram histogram_;
    std::vector<GcPause> all_;
    std::vector<Record> log_;
    std::array<std::uint64_t, 3> collections_{};
    std::array<std::uint64_t, 3> collected_{};
};

}  // namespace pmb
