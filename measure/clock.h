// The harness's clock: CLOCK_MONOTONIC through the vDSO (~20 ns a read, no system call), in
// nanoseconds. One read per op: the end of one op is the start of the next.
#pragma once

#include <cstdint>
#include <ctime>

namespace pmb {

inline std::uint64_t now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<std::uint64_t>(ts.tv_nsec);
}

}  // namespace pmb
