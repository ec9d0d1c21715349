// OpClock: the clock that times every op, chosen for the lowest cost per read.
//
// On x86-64 with an invariant TSC (the CPU flags constant_tsc and nonstop_tsc: the counter ticks
// at a fixed rate in every power state), a read is one RDTSC (about 10 ns, versus 20-30 ns for
// clock_gettime through the vDSO). Ticks become nanoseconds through a 32.32 fixed-point factor
// calibrated against CLOCK_MONOTONIC when the clock is made (a few milliseconds of spinning,
// relative error around 1e-5). Elsewhere, or when the environment sets
// PMB_OP_CLOCK=clock_monotonic, the clock is CLOCK_MONOTONIC itself (factor 1).
//
// Invariants: to_ns is monotonic in its argument; to_ns(0) == 0; name() says which source is used
// and is recorded with every run.
#pragma once

#include <cstdint>
#include <string>

#include "measure/clock.h"

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace pmb {

class OpClock {
public:
    OpClock();

    std::uint64_t ticks() const {
#if defined(__x86_64__)
        if (tsc_) return __rdtsc();
#endif
        return now_ns();
    }
    std::uint64_t to_ns(std::uint64_t tick_delta) const {
        return static_cast<std::uint64_t>((static_cast<unsigned __int128>(tick_delta) * mult_) >> 32);
    }
    // Ticks in `ns` nanoseconds (the inverse of to_ns, rounded down).
    std::uint64_t from_ns(std::uint64_t ns) const {
        return static_cast<std::uint64_t>((static_cast<unsigned __int128>(ns) << 32) / mult_);
    }
    const std::string& name() const { return name_; }
    double ns_per_tick() const { return static_cast<double>(mult_) / 4294967296.0; }

private:
    bool tsc_ = false;
    std::uint64_t mult_ = std::uint64_t{1} << 32;  // ns per tick, 32.32 fixed point
    std::string name_ = "clock_monotonic";
};

}  // namespace pmb
