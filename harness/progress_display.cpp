#include "harness/progress_display.h"

#include <cmath>

namespace pmb {

std::string format_duration(double seconds) {
    const long s = std::lround(std::max(0.0, seconds));
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s % 3600) / 60);
    else if (s >= 60)
        std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%lds", s);
    return buf;
}

double ProgressDisplay::expected_seconds(const std::map<std::size_t, std::size_t>& remaining) const {
    const double mean = done_ ? total_seconds_ / static_cast<double>(done_) : 0.0;
    double sum = 0;
    for (const auto& [combination, runs] : remaining) {
        auto it = last_seconds_.find(combination);
        sum += static_cast<double>(runs) * (it != last_seconds_.end() ? it->second : mean);
    }
    return sum;
}

void ProgressDisplay::begin(const std::string& label, const std::map<std::size_t, std::size_t>& remaining) {
    label_ = label;
    const std::string left = done_ ? format_duration(expected_seconds(remaining)) + " left" : "";
    if (!terminal_) {
        std::fprintf(stream_, "[%zu/%zu] %s%s%s\n", done_ + 1, total_, label.c_str(), left.empty() ? "" : "  ",
                     left.c_str());
        std::fflush(stream_);
        return;
    }
    constexpr int kWidth = 24;
    const int filled = total_ ? static_cast<int>(kWidth * done_ / total_) : kWidth;
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.append(static_cast<std::size_t>(kWidth - filled), '.');
    std::fprintf(stream_, "\r\033[K[%s] %zu/%zu %s  %s", bar.c_str(), done_, total_, left.c_str(), label.c_str());
    std::fflush(stream_);
}

void ProgressDisplay::end(std::size_t combination, double seconds, const std::string& failure) {
    ++done_;
    total_seconds_ += seconds;
    last_seconds_[combination] = seconds;
    if (!failure.empty())
        std::fprintf(stream_, "%s%s: %s\n", terminal_ ? "\r\033[K" : "", label_.c_str(), failure.c_str());
}

void ProgressDisplay::finish() {
    if (terminal_) std::fprintf(stream_, "\r\033[K");
}

}  // namespace pmb
