#include "collectors/collector_options.h"

#include <charconv>
#include <cstdio>
#include <stdexcept>

#include "measure/key_value.h"

namespace pmb {

CollectorOptions::CollectorOptions(const std::string& collector, const std::string& text,
                                   const std::vector<std::string>& accepted)
    : collector_(collector) {
    std::string names;
    for (const std::string& a : accepted) names += (names.empty() ? "" : ", ") + a;
    std::vector<std::string_view> items = split_items(text, ':');
    if (!items.empty() && items.back().empty()) items.pop_back();  // "gen:threshold0=10:" is allowed
    for (const std::string_view item : items) {
        const KeyValue kv = split_key_value(item);
        bool known = false;
        for (const std::string& a : accepted) known |= a == kv.key;
        if (!known)
            throw std::invalid_argument("unknown option '" + kv.key + "' for collector '" + collector +
                                        "' (accepted: " + (names.empty() ? "none" : names) + ")");
        if (!kv.has_value)
            throw std::invalid_argument("option '" + kv.key + "' of collector '" + collector + "' needs a value (" +
                                        kv.key + "=N)");
        values_[kv.key] = kv.value;
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
