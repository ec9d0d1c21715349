// OpClock: the clock that times every op, chosen for the lowest cost per read.
//
// On x86-64 a read is one RDTSC (about 10 ns, versus 20-30 ns for clock_gettime through the vDSO)
// when the TSC is trustworthy: the CPU says it is invariant (the flags constant_tsc and
// nonstop_tsc: it ticks at a fixed rate in every power state) and the kernel agrees, its current
// clocksource being tsc (the kernel's watchdog demotes a TSC it finds unstable, as hypervisors
// often make it). Ticks become nanoseconds through a 32.32 fixed-point factor calibrated against
// CLOCK_MONOTONIC_RAW (not slewed by NTP) when the clock is made (a few milliseconds of spinning,
// relative error around 1e-5). Otherwise, or when the environment sets
// PMB_OP_CLOCK=clock_monotonic, the clock is CLOCK_MONOTONIC itself (factor 1), and why() says why.
//
// elapsed() is the only way a tick difference is taken: a later read below an earlier one
// (another core's TSC a little behind) gives 0 and is counted (backwards()), never a wrap to 2^64
// that would poison a histogram's max and mean.
//
// Invariants: to_ns is monotonic in its argument; to_ns(0) == 0; name() and why() say which source
// is used and why, and are recorded with every run, with backwards().
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
    // later - earlier, or 0 (counted) when the clock went backwards.
    std::uint64_t elapsed(std::uint64_t earlier, std::uint64_t later) const {
        if (__builtin_expect(later < earlier, 0)) {
            ++backwards_;
            return 0;
        }
        return later - earlier;
    }
    std::uint64_t backwards() const { return backwards_; }
    std::uint64_t to_ns(std::uint64_t tick_delta) const {
        return static_cast<std::uint64_t>((static_cast<unsigned __int128>(tick_delta) * mult_) >> 32);
    }
    // Ticks in `ns` nanoseconds (the inverse of to_ns, rounded down).
    std::uint64_t from_ns(std::uint64_t ns) const {
        return static_cast<std::uint64_t>((static_cast<unsigned __int128>(ns) << 32) / mult_);
    }
    const std::string& name() const { return name_; }
    const std::string& why() const { return why_; }
    double ns_per_tick() const { return static_cast<double>(mult_) / 4294967296.0; }

private:
    bool tsc_ = false;
    std::uint64_t mult_ = std::uint64_t{1} << 32;  // ns per tick, 32.32 fixed point
    mutable std::uint64_t backwards_ = 0;  // a count of what the clock did, not of its state
    std::string name_ = "clock_monotonic";
    std::string why_ = "not x86-64";
};

}  // namespace pmb
