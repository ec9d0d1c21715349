// A collector spec's options, "name:key=value:key=value", read the same way by every collector:
// keys must be among the accepted ones, values non-negative integers or decimals. Errors are one
// line naming the collector, the key and what is accepted.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pmb {

class CollectorOptions {
public:
    // Throws std::invalid_argument on an unknown key or a key without "=value".
    CollectorOptions(const std::string& collector, const std::string& text, const std::vector<std::string>& accepted);

    bool has(const std::string& key) const { return values_.count(key) != 0; }
    // The value of `key` (or `fallback` when absent) as a non-negative integer / a decimal >= `min`.
    std::int64_t integer(const std::string& key, std::int64_t fallback) const;
    double decimal(const std::string& key, double fallback, double min) const;
    // The value of `key` as written (or `fallback` when absent), for options that name a choice.
    std::string text(const std::string& key, const std::string& fallback) const {
        auto it = values_.find(key);
        return it == values_.end() ? fallback : it->second;
    }

private:
    std::string collector_;
    std::map<std::string, std::string> values_;
};

}  // namespace pmb
