// slow: a decorator that wraps any backend and slows it down by a known amount, for validating
// regression detectors (a known slowdown must be flagged) and for sensitivity studies (how much
// does the allocator's speed matter to a workload?). Two forms, BASE any other allocator spec,
// options included:
// - "slow:ns=N:BASE" (e.g. "slow:ns=40:pool", "slow:ns=25:pool:pool_size=4K"): every malloc,
//   calloc, realloc and free spins for about N nanoseconds (a busy loop calibrated against the
//   clock when the decorator is made; no clock read per call), then calls the base. What that costs
//   a run depends on its calls per second and on the machine's speed at the time.
// - "slow:pct=P:BASE" (0 <= P < 90, e.g. "slow:pct=5:pool"): the process's throughput P % lower,
//   whatever the machine's speed: every 64 calls the decorator reads the clock and spins for
//   1 / (1 - P/100) - 1 of the time since its last check (its own spinning excluded), so the time
//   between its first and last check grows by exactly that factor. For a detector's known
//   slowdown, which a cost per call only approximates on a machine whose speed drifts.
//
// Invariants: the base's blocks, identity and statistics are passed through unchanged (identity's
// library is the base's, with the decoration noted in its version); ns=0 adds only the call, and
// pct=0 the call and its clock reads: the baseline a pct=P side differs from by exactly the
// stretch. Single-threaded, like every backend's callers today.
#pragma once

#include <memory>
#include <string>

#include "allocators/allocator.h"

namespace pmb {

struct SlowSpec {
    double ns = 0;            // cost per call (ns=N)...
    double percent = 0;       // ...or throughput lost (pct=P)
    bool by_percent = false;  // pct=P (even P = 0: the clock is read every 64 calls all the same)
    std::string base;         // the wrapped allocator's spec
};
// Throws std::invalid_argument naming the accepted forms.
SlowSpec parse_slow_spec(const std::string& options);

std::unique_ptr<Allocator> make_slow_allocator(const SlowSpec& spec, std::unique_ptr<Allocator> base);

}  // namespace pmb
