#include "measure/mutator_utilization.h"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace pmb {
namespace {

// Pauses clipped to [begin, end] as half-open intervals, with the total pause time before each.
class PauseTimeline {
public:
    PauseTimeline(std::span<const GcPause> pauses, std::uint64_t begin, std::uint64_t end) {
        std::uint64_t previous_end = 0;
        for (const GcPause& p : pauses) {
            if (p.start_ns < previous_end)
                throw std::invalid_argument("pauses overlap or are not sorted by start time");
            previous_end = p.start_ns + p.duration_ns;
            const std::uint64_t s = std::max(p.start_ns, begin);
            const std::uint64_t e = std::min(p.start_ns + p.duration_ns, end);
            if (s >= e) continue;
            prefix_.push_back(total_);
            starts_.push_back(s);
            ends_.push_back(e);
            total_ += e - s;
        }
    }

    // Pause time in [begin, t).
    std::uint64_t before(std::uint64_t t) const {
        // The last pause starting before t.
        auto it = std::upper_bound(starts_.begin(), starts_.end(), t);
        if (it == starts_.begin()) return 0;
        const std::size_t i = static_cast<std::size_t>(it - starts_.begin()) - 1;
        return prefix_[i] + std::min(t, ends_[i]) - starts_[i];
    }

    const std::vector<std::uint64_t>& starts() const { return starts_; }
    const std::vector<std::uint64_t>& ends() const { return ends_; }

private:
    std::vector<std::uint64_t> starts_, ends_, prefix_;
    std::uint64_t total_ = 0;
};

}  // namespace

std::optional<double> minimum_mutator_utilization(std::span<const GcPause> pauses, std::uint64_t begin,
                                                  std::uint64_t end, std::uint64_t window_ns) {
    if (window_ns == 0) throw std::invalid_argument("an MMU window must be longer than 0 ns");
    if (end < begin || end - begin < window_ns) return std::nullopt;
    const PauseTimeline timeline(pauses, begin, end);
    const std::uint64_t last_start = end - window_ns;
    std::uint64_t worst = 0;
    auto consider = [&](std::uint64_t window_start) {
        window_start = std::clamp(window_start, begin, last_start);
        worst = std::max(worst, timeline.before(window_start + window_ns) - timeline.before(window_start));
    };
    consider(begin);
    consider(last_start);
    for (std::uint64_t s : timeline.starts()) consider(s);
    for (std::uint64_t e : timeline.ends()) consider(e >= window_ns ? e - window_ns : 0);
    return 1.0 - static_cast<double>(worst) / static_cast<double>(window_ns);
}

}  // namespace pmb
