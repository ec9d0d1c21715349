#include "collectors/collector_options.h"

#include <charconv>
#include <cstdio>
#include <stdexcept>

namespace pmb {

CollectorOptions::CollectorOptions(const std::string& collector, const std::string& text,
                                   const std::vector<std::string>& accepted)
    : collector_(collector) {
    std::string names;
    for (const std::string& a : accepted) names += (names.empty() ? "" : ", ") + a;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find(':', start);
        if (end == std::string::npos) end = text.size();
        const std::string item = text.substr(start, end - start);
        start = end + 1;
        const auto eq = item.find('=');
        const std::string key = item.substr(0, eq);
        bool known = false;
        for (const std::string& a : accepted) known |= a == key;
        if (!known)
            throw std::invalid_argument("unknown option '" + key + "' for collector '" + collector +
                                        "' (accepted: " + (names.empty() ? "none" : names) + ")");
        if (eq == std::string::npos)
            throw std::invalid_argument("option '" + key + "' of collector '" + collector + "' needs a value (" + key +
                                        "=N)");
        values_[key] = item.substr(eq + 1);
    }
}

std::int64_t CollectorOptions::integer(const std::string& key, std::int64_t fallback) const {
    auto it = values_.find(key);
    if (it == values_.end()) return fallback;
    const std::string& v = it->second;
    std::int64_t out = -1;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || p != v.data() + v.size() || out < 0)
        throw std::invalid_argument("option '" + key + "' of collector '" + collector_ +
                                    "' must be a non-negative integer (got '" + v + "')");
    return out;
}

double CollectorOptions::decimal(const std::string& key, double fallback, double min) const {
    auto it = values_.find(key);
    if (it == values_.end()) return fallback;
    const std::string& v = it->second;
    double out = 0;
    std::size_t used = 0;
    try {
        out = std::stod(v, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (v.empty() || used != v.size() || !(out >= min) || out > 1e9) {
        char bound[32];
        std::snprintf(bound, sizeof bound, "%g", min);
        throw std::invalid_argument("option '" + key + "' of collector '" + collector_ + "' must be a number >= " +
                                    bound + " (got '" + v + "')");
    }
    return out;
}

}  // namespace pmb
