// Rng: splitmix64, the one source of randomness for workloads. Chosen because it is a few lines
// in any language, so each workload's Python twin draws the very same sequence from a seed.
#pragma once

#include <cstdint>

namespace pmb {

class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform in [0, n) (n > 0); the modulo bias is irrelevant at these sizes and keeps twins simple.
    std::uint64_t below(std::uint64_t n) { return next() % n; }

private:
    std::uint64_t state_;
};

}  // namespace pmb
