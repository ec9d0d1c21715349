#include "collectors/registry.h"

#include <stdexcept>

#include "collectors/generational_collector.h"
#include "collectors/refcount_collector.h"

namespace pmb {
namespace {

void reject_options(const std::string& name, const std::string& options) {
    if (!options.empty())
        throw std::invalid_argument("collector '" + name + "' takes no options (got '" + options + "')");
}

}  // namespace

const std::vector<CollectorEntry>& collector_registry() {
    static const std::vector<CollectorEntry> entries = {
        {"rc", "pure reference counting: cycles are never reclaimed and are reported as leaked",
         [](Heap& heap, const std::string& options) {
             reject_options("rc", options);
             return make_refcount_collector(heap);
         }},
        {"gen",
         "reference counting + CPython 3.11's generational cycle collector, thresholds (700, 10, 10) "
         "(options: threshold0=, threshold1=, threshold2=)",
         [](Heap& heap, const std::string& options) {
             return make_generational_collector(heap, parse_generational_config(options));
         }},
    };
    return entries;
}

const CollectorEntry* find_collector(const std::string& name) {
    for (const CollectorEntry& e : collector_registry())
        if (e.name == name) return &e;
    return nullptr;
}

}  // namespace pmb
