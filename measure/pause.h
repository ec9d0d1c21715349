// GcPause: one stop-the-world pause of a collector (or of the real interpreter's gc), as the
// harness's clock saw it. Collectors produce them, minimum mutator utilization reads them.
#pragma once

#include <cstdint>

namespace pmb {

// When the pause started (harness clock, now_ns) and how long it took.
struct GcPause {
    std::uint64_t start_ns = 0;
    std::uint64_t duration_ns = 0;
};

}  // namespace pmb
