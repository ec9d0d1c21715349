// gen's options, apart from the collector itself: the python workload applies the same options to
// the real interpreter's collector (workloads/interpreter/gc_monitor.h).
#include <string>

#include "collectors/collector_options.h"
#include "collectors/generational_collector.h"

namespace pmb {

GenerationalConfig parse_generational_config(const std::string& text) {
    const CollectorOptions options("gen", text, {"threshold0", "threshold1", "threshold2", "freeze_after_setup"});
    GenerationalConfig config;
    for (std::size_t i = 0; i < 3; ++i)
        config.thresholds[i] = options.integer("threshold" + std::to_string(i), config.thresholds[i]);
    config.freeze_after_setup = options.integer("freeze_after_setup", 0) != 0;
    return config;
}

}  // namespace pmb
