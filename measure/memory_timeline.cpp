#include "measure/memory_timeline.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <stdexcept>

namespace pmb {

MemoryTimeline::MemoryTimeline(std::size_t capacity, std::uint64_t initial_interval_ns)
    : capacity_(capacity), interval_ns_(initial_interval_ns),
      statm_fd_(open("/proc/self/statm", O_RDONLY | O_CLOEXEC)),
      page_size_(static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE))) {
    if (capacity_ < 2 || interval_ns_ == 0)
        throw std::invalid_argument("a memory timeline needs room for 2 samples and a positive interval");
    t_ns_.reserve(capacity_);
    rss_bytes_.reserve(capacity_);
    live_bytes_.reserve(capacity_);
}

MemoryTimeline::~MemoryTimeline() {
    if (statm_fd_ >= 0) close(statm_fd_);
}

std::uint64_t MemoryTimeline::current_rss_bytes() const {
    if (statm_fd_ < 0) return 0;
    char buf[128];
    const ssize_t n = pread(statm_fd_, buf, sizeof buf - 1, 0);
    if (n <= 0) return 0;
    buf[n] = '\0';
    // "size resident shared text lib data dt", in pages.
    char* rest = nullptr;
    std::strtoull(buf, &rest, 10);
    return std::strtoull(rest, nullptr, 10) * page_size_;
}

void MemoryTimeline::sample(std::uint64_t now_ns, std::size_t live_bytes) {
    if (t_ns_.size() == capacity_) decimate();
    t_ns_.push_back(now_ns);
    rss_bytes_.push_back(current_rss_bytes());
    live_bytes_.push_back(live_bytes);
    next_sample_ns_ = now_ns + interval_ns_;
}

void MemoryTimeline::decimate() {
    std::size_t kept = 0;
    for (std::size_t i = 0; i < t_ns_.size(); i += 2, ++kept) {
        t_ns_[kept] = t_ns_[i];
        rss_bytes_[kept] = rss_bytes_[i];
        live_bytes_[kept] = live_bytes_[i];
    }
    t_ns_.resize(kept);
    rss_bytes_.resize(kept);
    live_bytes_.resize(kept);
    interval_ns_ *= 2;
}

nlohmann::json MemoryTimeline::to_json(std::uint64_t origin_ns) const {
    nlohmann::json t = nlohmann::json::array();
    for (std::uint64_t v : t_ns_) t.push_back(v >= origin_ns ? v - origin_ns : 0);
    return {{"interval_ns", interval_ns_}, {"t_ns", t}, {"rss_bytes", rss_bytes_}, {"live_bytes", live_bytes_}};
}

// The kernel's high-water mark of this process's resident set (VmHWM), in bytes.
bool reset_peak_rss() {
    const int fd = ::open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::write(fd, "5", 1) == 1;
    ::close(fd);
    return ok;
}

std::uint64_t process_peak_rss_bytes() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
    return 0;
}

}  // namespace pmb
