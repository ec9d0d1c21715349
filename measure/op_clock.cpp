#include "measure/op_clock.h"

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <string>
#include <utility>

namespace pmb {
namespace {

std::string kernel_clocksource() {
    std::ifstream in("/sys/devices/system/clocksource/clocksource0/current_clocksource");
    std::string name;
    in >> name;
    return name;
}

std::uint64_t raw_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<std::uint64_t>(ts.tv_nsec);
}

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
    if (forced != nullptr && std::string(forced) == "clock_monotonic") {
        why_ = "PMB_OP_CLOCK=clock_monotonic";
        return;
    }
    if (!invariant_tsc()) {
        why_ = "the CPU does not report an invariant TSC (constant_tsc, nonstop_tsc)";
        return;
    }
    const std::string source = kernel_clocksource();
    if (source != "tsc") {
        why_ = "the kernel's clocksource is " + (source.empty() ? std::string("unknown") : source) + ", not tsc";
        return;
    }
    // Calibrate over ~5 ms between two (clock, TSC) pairs. Each pair is the tightest of 32
    // tries of TSC, clock, TSC: a pair whose reads a preemption separated would skew the rate by
    // the length of the preemption (a loaded machine showed 3x), so only the endpoints matter and
    // each is taken where nothing came between its reads.
    auto tight_pair = [] {
        std::uint64_t best_width = UINT64_MAX, ns = 0, tsc = 0;
        for (int i = 0; i < 32; ++i) {
            const std::uint64_t a = __rdtsc(), t = raw_ns(), b = __rdtsc();
            if (b - a < best_width) {
                best_width = b - a;
                ns = t;
                tsc = a + (b - a) / 2;
            }
        }
        return std::pair{ns, tsc};
    };
    const auto [ns0, tsc0] = tight_pair();
    while (raw_ns() - ns0 < 5'000'000) {
    }
    const auto [ns1, tsc1] = tight_pair();
    if (tsc1 <= tsc0 || ns1 <= ns0) {
        why_ = "the TSC did not advance during calibration";
        return;
    }
    mult_ = static_cast<std::uint64_t>((static_cast<unsigned __int128>(ns1 - ns0) << 32) / (tsc1 - tsc0));
    tsc_ = mult_ != 0;
    if (tsc_) {
        name_ = "tsc";
        why_ = "invariant TSC, the kernel's clocksource; calibrated against CLOCK_MONOTONIC_RAW";
    } else {
        mult_ = std::uint64_t{1} << 32;
        why_ = "the TSC's calibrated rate was out of range";
    }
#endif
}

}  // namespace pmb
