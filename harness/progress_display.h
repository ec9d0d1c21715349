// ProgressDisplay: what `pymembench run` tells a person while the matrix runs.
//
// On a terminal, one line redrawn in place: a bar, runs done of total, the time left and the run
// in progress. Elsewhere (CI logs, files), one plain line per run, no control characters.
// The time left is each remaining run's expected duration: its combination's last measured
// duration, or the mean of every run so far for combinations not yet seen.
#pragma once

#include <cstddef>
#include <cstdio>
#include <map>
#include <string>

namespace pmb {

class ProgressDisplay {
public:
    ProgressDisplay(std::size_t total, bool terminal, std::FILE* stream = stderr)
        : total_(total), terminal_(terminal), stream_(stream) {}

    // A run begins: `label` names it; `remaining` maps combination -> runs left (this one included).
    void begin(const std::string& label, const std::map<std::size_t, std::size_t>& remaining);
    // A run ended after `seconds`; failures print their reason on a line of their own.
    void end(std::size_t combination, double seconds, const std::string& failure = "");
    void finish();

    // Seconds expected for the runs in `remaining` (exposed for tests).
    double expected_seconds(const std::map<std::size_t, std::size_t>& remaining) const;

private:
    std::size_t total_;
    bool terminal_;
    std::FILE* stream_;
    std::size_t done_ = 0;
    double total_seconds_ = 0;
    std::map<std::size_t, double> last_seconds_;
    std::string label_;
};

// "1h02m", "3m05s", "42s".
std::string format_duration(double seconds);

}  // namespace pmb
