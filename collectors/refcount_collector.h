// rc: pure reference counting, the null plan of the collector axis.
//
// Objects are freed the moment their count reaches zero (the Runtime releases their referents,
// under the trashcan, before their storage comes back here). Nothing ever looks for cycles, so
// cyclic garbage stays allocated until the process ends; finish() reports it as leaked. A runtime
// without a cycle collector would not pay for a GC header, so GC-capable objects carry none here.
//
// Invariant: live_objects_ == allocate() calls - release() calls.
#pragma once

#include <memory>

#include "objects/collector.h"

namespace pmb {

std::unique_ptr<Collector> make_refcount_collector(Heap& heap);

}  // namespace pmb
