#include "harness/op_clock.h"

#include <cstdlib>
#include <fstream>
#include <string>

namespace pmb {
namespace {

bool invariant_tsc() {
#if defined(__x86_64__)
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("flags", 0) != 0) continue;
        return line.find(" constant_tsc") != std::string::npos && line.find(" nonstop_tsc") != std::string::npos;
    }
#endif
    return false;
}

}  // namespace

OpClock::OpClock() {
#if defined(__x86_64__)
    const char* forced = std::getenv("PMB_OP_CLOCK");
    if (forced != nullptr && std::string(forced) == "clock_monotonic") return;
    if (!invariant_tsc()) return;
    // Calibrate over ~5 ms; the pairs of reads bracket each other so the error is one read's cost.
    const std::uint64_t ns0 = now_ns(), tsc0 = __rdtsc();
    std::uint64_t ns1 = ns0, tsc1 = tsc0;
    while (ns1 - ns0 < 5'000'000) {
        tsc1 = __rdtsc();
        ns1 = now_ns();
    }
    if (tsc1 <= tsc0) return;
    mult_ = static_cast<std::uint64_t>((static_cast<unsigned __int128>(ns1 - ns0) << 32) / (tsc1 - tsc0));
    tsc_ = mult_ != 0;
    if (tsc_) name_ = "tsc";
    else mult_ = std::uint64_t{1} << 32;
#endif
}

}  // namespace pmb
