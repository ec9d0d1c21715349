// TrashTimeline: the trash censuses of one run (garbage awaiting collection, objects and bytes),
// when the next one may run, and the figures they add up to.
//
// A census is a reachability pass over the whole heap, so it is rationed: one may run at a memory
// sample once the time since the last census ended is at least kQuietRatio times the last one's
// duration, so censuses take at most 1 / (1 + kQuietRatio) of a run's monotonic time, whatever the
// heap's size. The harness excludes that time from every timing (measure/clock.h) and forces a
// census at phase boundaries.
//
// The peak and the time average are over every census of the run (the average is the trapezoid
// integral over census times divided by their span); the series kept for plots is decimated like
// the memory timeline (every other sample dropped when full), so it loses detail, never the figures.
//
// Invariants: t_ns is non-decreasing; the series holds at most `capacity` points.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace pmb {

class TrashTimeline {
public:
    static constexpr std::uint64_t kQuietRatio = 9;

    explicit TrashTimeline(std::size_t capacity = 256) : capacity_(capacity) {}

    // Whether a census may run now (`monotonic_now`: measure/clock.h's monotonic_ns()).
    bool due(std::uint64_t monotonic_now) const { return monotonic_now >= next_allowed_; }
    // A census at run time `t_ns` found `objects` and `bytes`; it took `took_ns` and ended at
    // `monotonic_end`.
    void add(std::uint64_t t_ns, std::uint64_t objects, std::uint64_t bytes, std::uint64_t took_ns,
             std::uint64_t monotonic_end);

    std::size_t censuses() const { return censuses_; }
    std::uint64_t peak_bytes() const { return peak_bytes_; }
    std::uint64_t peak_objects() const { return peak_objects_; }

    // {"censuses", "census_s", "peak_objects", "peak_bytes", "mean_objects", "mean_bytes",
    //  "t_ns": [...], "objects": [...], "bytes": [...]}, times relative to `origin_ns`.
    nlohmann::json to_json(std::uint64_t origin_ns) const;

private:
    std::size_t capacity_;
    std::uint64_t next_allowed_ = 0;
    std::size_t censuses_ = 0;
    std::uint64_t census_ns_ = 0;
    std::uint64_t peak_objects_ = 0, peak_bytes_ = 0;
    std::uint64_t first_t_ = 0, last_t_ = 0, last_objects_ = 0, last_bytes_ = 0;
    double objects_integral_ = 0, bytes_integral_ = 0;  // object-ns and byte-ns
    std::vector<std::uint64_t> t_ns_, objects_, bytes_;
};

}  // namespace pmb
