// A fresh object world for collector tests: an OracleAllocator, the Heap over it, a collector made
// through the registry ("rc", "gen" with options...) and a Runtime, destroyed in reverse order.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "collectors/registry.h"
#include "objects/runtime.h"
#include "tests/support/oracle_allocator.h"

namespace pmb {

struct OracleWorld {
    OracleAllocator alloc;
    Heap heap{alloc.ops()};
    std::unique_ptr<Collector> collector;
    std::unique_ptr<Runtime> rt;

    OracleWorld(const std::string& name, const std::string& options) {
        const CollectorEntry* entry = find_collector(name);
        if (entry == nullptr) throw std::invalid_argument("no collector named " + name);
        collector = entry->make(heap, options);
        rt = std::make_unique<Runtime>(heap, *collector);
    }

    // The block an object lives in: the collector's header comes first (for GC-capable types, and
    // under freethreaded for every type). Does not read the object, so it may be asked about one
    // that was freed.
    const void* block_of(const Object* o, bool gc_capable = true) const {
        return reinterpret_cast<const char*>(o) -
               (gc_capable ? collector->gc_header_size() : collector->plain_header_size());
    }
    // Whether `o` is still allocated. Only meaningful while no new block can have taken its
    // address; compare the allocator's serials otherwise.
    bool is_allocated(const Object* o, bool gc_capable = true) const { return alloc.is_live(block_of(o, gc_capable)); }
};

}  // namespace pmb
