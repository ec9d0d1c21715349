// slow: a decorator that wraps any backend and adds a fixed cost to every call, for validating
// regression detectors (a known slowdown must be flagged) and for sensitivity studies (how much
// does the allocator's speed matter to a workload?).
//
// Spec: "slow:ns=N:BASE" where BASE is any other allocator spec, options included
// (e.g. "slow:ns=40:pool", "slow:ns=25:pool:pool_size=4K", "slow:ns=10:jemalloc").
// Every malloc, calloc, realloc and free spins for about N nanoseconds (a busy loop calibrated
// against the clock when the decorator is made; no clock read per call) and then calls the base.
//
// Invariants: the base's blocks, identity and statistics are passed through unchanged (identity's
// library is the base's, with the decoration noted in its version); N = 0 adds only the call.
#pragma once

#include <memory>
#include <string>

#include "allocators/allocator.h"

namespace pmb {

struct SlowSpec {
    double ns = 0;
    std::string base;  // the wrapped allocator's spec
};
// Throws std::invalid_argument naming the accepted form.
SlowSpec parse_slow_spec(const std::string& options);

std::unique_ptr<Allocator> make_slow_allocator(double ns, std::unique_ptr<Allocator> base);

}  // namespace pmb
