#include "collectors/registry.h"

#include <stdexcept>

#include "collectors/freethreaded_collector.h"
#include "collectors/generational_collector.h"
#include "collectors/incremental_collector.h"
#include "collectors/marksweep_collector.h"
#include "collectors/refcount_collector.h"

namespace pmb {
namespace {

void reject_options(const std::string& name, const std::string& options) {
    if (!options.empty())
        throw std::invalid_argument("collector '" + name + "' takes no options (got '" + options + "')");
}

std::deque<CollectorEntry>& entries() {
    static std::deque<CollectorEntry> entries = {
        {"rc", "pure reference counting: cycles are never reclaimed and are reported as leaked",
         [](Heap& heap, const std::string& options) {
             reject_options("rc", options);
             return make_refcount_collector(heap);
         }},
        {"gen",
         "reference counting + CPython's generational cycle collector, 3.11's by default, thresholds (700, 10, 10); "
         "version=3.12|3.13|3.14.5|3.15 presets a later one (collections at the eval breaker, 3.13's threshold0=2000, "
         "no dict untracking from 3.14.5) (options: version=3.11, threshold0=, threshold1=, threshold2=, "
         "freeze_after_setup=1)",
         [](Heap& heap, const std::string& options) {
             return make_generational_collector(heap, parse_generational_config(options));
         },
         {"version=3.13"}},
        {"incremental",
         "reference counting + CPython 3.14.0-3.14.4's incremental cycle collector: a mark phase from the roots, "
         "then increments of the young generation and part of the old, at the eval breaker (options: version=3.14.4 "
         "or 3.14.0, threshold0=2000, threshold1=10, max_increment=0 (unbounded), full_every=0, freeze_after_setup=1)",
         [](Heap& heap, const std::string& options) {
             return make_incremental_collector(heap, parse_incremental_config(options));
         }},
        {"marksweep",
         "tracing only: nothing is freed at count zero; a mark-sweep of the whole heap when it has grown by "
         "the growth factor (options: growth=2.0, min_heap=1048576, freeze_after_setup=1)",
         [](Heap& heap, const std::string& options) {
             return make_marksweep_collector(heap, parse_marksweep_config(options));
         }},
        {"freethreaded",
         "reference counting + the cycle collector of CPython's free-threaded build (3.13t/3.14t), one thread: "
         "whole-heap collections when the young count passes 2000 and a quarter of the survivors, at the eval "
         "breaker; 32-byte object headers (options: threshold0=2000, threshold1=10, defer_on_memory=1, "
         "freeze_after_setup=1)",
         [](Heap& heap, const std::string& options) {
             return make_freethreaded_collector(heap, parse_freethreaded_config(options));
         }},
    };
    return entries;
}

}  // namespace

const std::deque<CollectorEntry>& collector_registry() { return entries(); }

std::vector<std::string> default_matrix_collectors() {
    std::vector<std::string> specs;
    for (const CollectorEntry& e : collector_registry()) {
        specs.push_back(e.name);
        for (const std::string& options : e.default_matrix_options) specs.push_back(e.name + ":" + options);
    }
    return specs;
}

void add_collector(CollectorEntry entry) {
    if (find_collector(entry.name) != nullptr)
        throw std::invalid_argument("a collector named '" + entry.name + "' is already registered");
    entries().push_back(std::move(entry));
}

const CollectorEntry* find_collector(const std::string& name) {
    for (const CollectorEntry& e : collector_registry())
        if (e.name == name) return &e;
    return nullptr;
}

const CollectorEntry& collector_entry(const std::string& name) {
    if (const CollectorEntry* e = find_collector(name)) return *e;
    std::string accepted;
    for (const CollectorEntry& e : collector_registry()) accepted += (accepted.empty() ? "" : ", ") + e.name;
    throw std::invalid_argument("unknown collector '" + name + "' (accepted: " + accepted + ")");
}

}  // namespace pmb
