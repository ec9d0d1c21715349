#include <charconv>
#include <stdexcept>

#include "workloads/workload.h"

namespace pmb {

Params Params::resolve(const std::string& workload, const std::vector<ParamSpec>& specs,
                       const std::map<std::string, std::string>& overrides) {
    Params p;
    for (const ParamSpec& s : specs) {
        if (s.is_text) p.texts_[s.name] = s.default_text;
        else p.values_[s.name] = s.default_value;
    }
    for (const auto& [key, text] : overrides) {
        if (p.texts_.contains(key)) {
            p.texts_[key] = text;
            continue;
        }
        if (!p.values_.contains(key)) {
            std::string accepted;
            for (const ParamSpec& s : specs) accepted += (accepted.empty() ? "" : ", ") + s.name;
            throw std::invalid_argument("unknown parameter '" + key + "' for workload '" + workload +
                                        "' (accepted: " + (accepted.empty() ? "none" : accepted) + ")");
        }
        std::int64_t value = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec != std::errc() || end != text.data() + text.size() || value < 0)
            throw std::invalid_argument("parameter '" + key + "' of workload '" + workload +
                                        "' must be a non-negative integer (got '" + text + "')");
        p.values_[key] = value;
    }
    return p;
}

std::int64_t Params::get(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) throw std::logic_error("workload asked for undeclared parameter " + name);
    return it->second;
}

const std::string& Params::text(const std::string& name) const {
    auto it = texts_.find(name);
    if (it == texts_.end()) throw std::logic_error("workload asked for undeclared text parameter " + name);
    return it->second;
}

nlohmann::json Params::to_json() const {
    nlohmann::json out = values_;
    for (const auto& [k, v] : texts_) out[k] = v;
    return out;
}

}  // namespace pmb
