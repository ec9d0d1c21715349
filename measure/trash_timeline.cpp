#include "measure/trash_timeline.h"

#include <algorithm>

namespace pmb {

void TrashTimeline::add(std::uint64_t t_ns, std::uint64_t objects, std::uint64_t bytes, std::uint64_t took_ns,
                        std::uint64_t monotonic_end) {
    if (censuses_ == 0) {
        first_t_ = t_ns;
    } else {
        const double dt = static_cast<double>(t_ns - last_t_);
        objects_integral_ += 0.5 * dt * static_cast<double>(objects + last_objects_);
        bytes_integral_ += 0.5 * dt * static_cast<double>(bytes + last_bytes_);
    }
    ++censuses_;
    census_ns_ += took_ns;
    last_t_ = t_ns;
    last_objects_ = objects;
    last_bytes_ = bytes;
    peak_objects_ = std::max(peak_objects_, objects);
    peak_bytes_ = std::max(peak_bytes_, bytes);
    next_allowed_ = monotonic_end + kQuietRatio * took_ns;
    if (t_ns_.size() == capacity_) {  // keep every other point, the first included
        std::size_t kept = 0;
        for (std::size_t i = 0; i < t_ns_.size(); i += 2, ++kept) {
            t_ns_[kept] = t_ns_[i];
            objects_[kept] = objects_[i];
            bytes_[kept] = bytes_[i];
        }
        t_ns_.resize(kept);
        objects_.resize(kept);
        bytes_.resize(kept);
    }
    t_ns_.push_back(t_ns);
    objects_.push_back(objects);
    bytes_.push_back(bytes);
}

nlohmann::json TrashTimeline::to_json(std::uint64_t origin_ns) const {
    const double span = static_cast<double>(last_t_ - first_t_);
    auto mean = [&](double integral, std::uint64_t last) { return span > 0 ? integral / span : static_cast<double>(last); };
    nlohmann::json t = nlohmann::json::array();
    for (std::uint64_t v : t_ns_) t.push_back(v - origin_ns);
    return {{"censuses", censuses_},
            {"census_s", static_cast<double>(census_ns_) * 1e-9},
            {"peak_objects", peak_objects_},
            {"peak_bytes", peak_bytes_},
            {"mean_objects", mean(objects_integral_, last_objects_)},
            {"mean_bytes", mean(bytes_integral_, last_bytes_)},
            {"t_ns", t},
            {"objects", objects_},
            {"bytes", bytes_}};
}

}  // namespace pmb
