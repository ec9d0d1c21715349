// pool_config.cpp: parsing and validating the pool allocator's settings (the accepted ranges and
// why are stated in pool_allocator.h). Every error is one line naming the key or value and what is
// accepted.
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include "allocators/pool/pool_allocator.h"
#include "allocators/pool/pool_types.h"
#include "measure/key_value.h"

namespace pmb {

namespace {

constexpr std::size_t kKiB = 1024;
constexpr std::size_t kMiB = 1024 * 1024;
constexpr std::size_t kMinArenaSize = 4 * kKiB;            // one page: mmap granularity
constexpr std::size_t kMaxArenaSize = std::size_t{1} << 30;  // tails must fit an int32_t
constexpr std::size_t kMinPoolsPerArena = 4;  // a misaligned arena still has >= 3 pools
constexpr std::size_t kMinBlocksPerPool = 2;  // a used pool is neither empty nor full

bool is_power_of_two(std::size_t v) { return v != 0 && (v & (v - 1)) == 0; }

[[noreturn]] void reject(const std::string& message) {
    throw std::invalid_argument("pool allocator: " + message);
}

std::size_t parse_size(std::string_view key, std::string_view text) {
    const std::string shown = std::string(key) + "=" + std::string(text);
    std::size_t multiplier = 1;
    std::string_view digits = text;
    if (!digits.empty() && (digits.back() == 'K' || digits.back() == 'k')) {
        multiplier = kKiB;
        digits.remove_suffix(1);
    } else if (!digits.empty() && (digits.back() == 'M' || digits.back() == 'm')) {
        multiplier = kMiB;
        digits.remove_suffix(1);
    }
    if (digits.empty()) {
        reject("bad value '" + shown + "': expected a decimal number with optional suffix K or M");
    }
    std::size_t value = 0;
    for (char c : digits) {
        if (c < '0' || c > '9') {
            reject("bad value '" + shown +
                   "': expected a decimal number with optional suffix K or M");
        }
        const auto digit = static_cast<std::size_t>(c - '0');
        if (value > (std::numeric_limits<std::size_t>::max() - digit) / 10) {
            reject("bad value '" + shown + "': number too large");
        }
        value = value * 10 + digit;
    }
    if (value > std::numeric_limits<std::size_t>::max() / multiplier) {
        reject("bad value '" + shown + "': number too large");
    }
    return value * multiplier;
}

}  // namespace

void validate_pool_config(const PoolConfig& c) {
    if (c.alignment != 16 && c.alignment != pool::kMinAlignment) {
        reject("bad alignment=" + std::to_string(c.alignment) + ": accepted 16 (CPython 3.11) or 8");
    }
    if (c.small_threshold < c.alignment || c.small_threshold > pool::kMaxSmallThreshold ||
        c.small_threshold % c.alignment != 0) {
        reject("bad threshold=" + std::to_string(c.small_threshold) +
               ": accepted a multiple of the alignment (" + std::to_string(c.alignment) +
               ") from " + std::to_string(c.alignment) + " to " +
               std::to_string(pool::kMaxSmallThreshold));
    }
    if (!is_power_of_two(c.arena_size) || c.arena_size < kMinArenaSize ||
        c.arena_size > kMaxArenaSize) {
        reject("bad arena_size=" + std::to_string(c.arena_size) +
               ": accepted a power of two from 4K to 1024M (e.g. 256K, 1M)");
    }
    const std::size_t header = sizeof(pool::PoolHeader);
    if (!is_power_of_two(c.pool_size) || c.pool_size > c.arena_size / kMinPoolsPerArena ||
        c.pool_size < header + kMinBlocksPerPool * c.small_threshold) {
        reject("bad pool_size=" + std::to_string(c.pool_size) +
               ": accepted a power of two holding a 48-byte header and two blocks of the threshold (" +
               std::to_string(c.small_threshold) + "), at most arena_size/4 (" +
               std::to_string(c.arena_size / kMinPoolsPerArena) + ")");
    }
    if ((c.arena_source.alloc == nullptr) != (c.arena_source.free == nullptr)) {
        reject("bad arena_source: set both alloc and free, or neither (anonymous mmap)");
    }
}

PoolConfig parse_pool_config(std::string_view options) {
    PoolConfig config;
    if (options.empty()) return config;
    bool seen[4] = {false, false, false, false};
    for (const std::string_view item : split_items(options, ':')) {
        const KeyValue kv = split_key_value(item);
        if (!kv.has_value || kv.key.empty()) {
            reject("bad option '" + std::string(item) +
                   "': expected key=value with key alignment, threshold, pool_size or arena_size");
        }
        const std::string& key = kv.key;
        const std::size_t value = parse_size(key, kv.value);
        int slot = -1;
        if (key == "alignment") {
            slot = 0, config.alignment = value;
        } else if (key == "threshold") {
            slot = 1, config.small_threshold = value;
        } else if (key == "pool_size") {
            slot = 2, config.pool_size = value;
        } else if (key == "arena_size") {
            slot = 3, config.arena_size = value;
        } else {
            reject("unknown key '" + key + "': accepted alignment, threshold, pool_size, arena_size");
        }
        if (seen[slot]) reject("key '" + key + "' given twice");
        seen[slot] = true;
    }
    validate_pool_config(config);
    return config;
}

}  // namespace pmb
