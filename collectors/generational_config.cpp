// gen's options, apart from the collector itself: the python workload applies the same options to
// the real interpreter's collector (workloads/interpreter/gc_monitor.h).
#include <stdexcept>
#include <string>

#include "collectors/collector_options.h"
#include "collectors/generational_collector.h"

namespace pmb {
namespace {

struct VersionName {
    GcVersion version;
    const char* name;
};
constexpr VersionName kVersions[] = {{GcVersion::k3_11, "3.11"},
                                     {GcVersion::k3_12, "3.12"},
                                     {GcVersion::k3_13, "3.13"},
                                     {GcVersion::k3_14_5, "3.14.5"},
                                     {GcVersion::k3_15, "3.15"}};

}  // namespace

GcVersion parse_gc_version(const std::string& text) {
    std::string accepted;
    for (const VersionName& v : kVersions) {
        if (text == v.name) return v.version;
        accepted += (accepted.empty() ? "" : ", ") + std::string(v.name);
    }
    throw std::invalid_argument("option 'version' of collector 'gen' must be one of " + accepted + " (got '" + text +
                                "')");
}

const char* gc_version_name(GcVersion version) {
    for (const VersionName& v : kVersions)
        if (v.version == version) return v.name;
    return "?";
}

// Include/internal/pycore_runtime_init.h (3.11, 3.12), pycore_gc.h / pycore_interp_structs.h
// (3.13 on): threshold 0 went from 700 to 2000 in 3.13; 10 and 10 never changed.
std::array<std::int64_t, 3> default_thresholds(GcVersion version) {
    if (version <= GcVersion::k3_12) return {700, 10, 10};
    return {2000, 10, 10};
}

GenerationalConfig parse_generational_config(const std::string& text) {
    const CollectorOptions options("gen", text,
                                   {"threshold0", "threshold1", "threshold2", "freeze_after_setup", "version"});
    GenerationalConfig config;
    config.version = parse_gc_version(options.text("version", "3.11"));
    config.thresholds = default_thresholds(config.version);
    for (std::size_t i = 0; i < 3; ++i)
        config.thresholds[i] = options.integer("threshold" + std::to_string(i), config.thresholds[i]);
    config.freeze_after_setup = options.integer("freeze_after_setup", 0) != 0;
    return config;
}

}  // namespace pmb
