// key=value text, as every option and parameter on pymembench's command line is written:
// allocator and collector options ("pool:pool_size=4K:arena_size=256K", "gen:threshold0=2000") and
// workload parameters (--param key=value). One reading for all of them; each caller says in its
// own one-line error what it accepts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pmb {

struct KeyValue {
    std::string key;    // the text before the first '=' (all of it when there is none)
    std::string value;  // the text after it
    bool has_value = false;
};

inline KeyValue split_key_value(std::string_view item) {
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) return {std::string(item), "", false};
    return {std::string(item.substr(0, eq)), std::string(item.substr(eq + 1)), true};
}

// The items of `text` between `separator`s, empty ones included ("a::b" has three); none for "".
inline std::vector<std::string_view> split_items(std::string_view text, char separator) {
    std::vector<std::string_view> items;
    if (text.empty()) return items;
    for (std::size_t start = 0;;) {
        const std::size_t end = text.find(separator, start);
        items.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) return items;
        start = end + 1;
    }
}

}  // namespace pmb
