// MemoryTimeline: resident set size and live bytes sampled during a run, bounded in size and cheap.
//
// The run loop offers a sample after every op (`maybe_sample`, one comparison when none is due);
// a sample is taken when the sampling interval has passed since the last one, reading the
// resident set from /proc/self/statm (one pread of an already-open file, about a microsecond)
// and live bytes from the Heap. When the timeline is full, every other sample is dropped and the
// interval doubles, so a run of any length ends with between capacity/2 and capacity samples
// evenly spread over it, and sampling costs O(capacity * log(run length)) reads in all.
//
// Invariants: t_ns is non-decreasing; size() <= capacity; the first sample is kept by decimation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace pmb {

class MemoryTimeline {
public:
    explicit MemoryTimeline(std::size_t capacity = 512, std::uint64_t initial_interval_ns = 1'000'000);
    ~MemoryTimeline();
    MemoryTimeline(const MemoryTimeline&) = delete;
    MemoryTimeline& operator=(const MemoryTimeline&) = delete;

    void maybe_sample(std::uint64_t now_ns, std::size_t live_bytes) {
        if (now_ns >= next_sample_ns_) sample(now_ns, live_bytes);
    }
    // Takes a sample now, due or not (phase boundaries).
    void sample(std::uint64_t now_ns, std::size_t live_bytes);

    // When the next sample is due (harness clock).
    std::uint64_t next_sample_ns() const { return next_sample_ns_; }
    std::size_t size() const { return t_ns_.size(); }
    std::uint64_t interval_ns() const { return interval_ns_; }
    // The process's resident set size now, in bytes (0 if /proc is unreadable).
    std::uint64_t current_rss_bytes() const;

    // {"interval_ns", "t_ns": [...], "rss_bytes": [...], "live_bytes": [...]}, times relative to
    // `origin_ns`.
    nlohmann::json to_json(std::uint64_t origin_ns) const;

private:
    void decimate();

    std::size_t capacity_;
    std::uint64_t interval_ns_;
    std::uint64_t next_sample_ns_ = 0;
    int statm_fd_ = -1;
    std::uint64_t page_size_;
    std::vector<std::uint64_t> t_ns_, rss_bytes_, live_bytes_;
};

// The kernel's high-water mark of this process's resident set (VmHWM), in bytes (0 if unreadable).
std::uint64_t process_peak_rss_bytes();
// Resets that high-water mark to the current resident set (writing 5 to /proc/self/clear_refs,
// Linux 4.0+), so that a measurement's own transient memory does not become the run's peak; the
// caller keeps the peak it had before. False when the kernel refused.
bool reset_peak_rss();

}  // namespace pmb
