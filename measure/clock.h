// The harness's clock: CLOCK_MONOTONIC through the vDSO (~20 ns a read, no system call), in
// nanoseconds, less the time excluded from every timing. One read per op: the end of one op is
// the start of the next.
//
// Excluded time is measurement that is not the program (the trash census): whoever runs such a
// measurement adds its duration to excluded_ns(), so that now_ns() stands still across it and
// throughput, pause start times, the memory timeline and MMU all run on the program's own time.
// Invariant: excluded_ns() only grows, and by no more than monotonic time has advanced.
#pragma once

#include <cstdint>
#include <ctime>

namespace pmb {

inline std::uint64_t monotonic_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<std::uint64_t>(ts.tv_nsec);
}

inline std::uint64_t& excluded_ns() {
    static std::uint64_t excluded = 0;
    return excluded;
}

inline std::uint64_t now_ns() { return monotonic_ns() - excluded_ns(); }

}  // namespace pmb
