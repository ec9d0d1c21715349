// Minimum mutator utilization (MMU, Cheng & Blelloch 2001): for a window length w, the smallest
// fraction of any w-long interval of the run in which the program (the mutator), not the
// collector, was running. MMU(w) = 1 means no pause ever fell in a window; 0 means some pause
// lasted at least w. Unlike a pause percentile it also sees pauses that come in bursts.
//
// Conventions: the run is the interval [begin, end]; windows lie wholly inside it; pauses are
// clipped to it, must be sorted by start and must not overlap (collections are sequential).
// A window longer than the run has no value (std::nullopt): the run cannot answer for it.
//
// The pause time inside a window sliding over the run is piecewise linear in the window's start,
// so its maximum is reached with the window starting at a pause's start, ending at a pause's end,
// or at either end of the run; those O(n) candidates are each evaluated in O(log n) with prefix
// sums, so the whole is O(n log n) and exact.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "measure/pause.h"

namespace pmb {

std::optional<double> minimum_mutator_utilization(std::span<const GcPause> pauses, std::uint64_t begin,
                                                  std::uint64_t end, std::uint64_t window_ns);

}  // namespace pmb
