#include "results/run_metrics.h"

namespace pmb {

const std::vector<RunMetric>& run_metrics() {
    static const std::vector<RunMetric> metrics = {
        {"ops_per_s", "/ops_per_s", "ops/s", true},
        {"wall_s", "/wall_s", "s", false},
        {"allocs_per_s", "/allocs_per_s", "allocs/s", true},
        {"latency_p50_ns", "/latency_ns/p50", "ns", false},
        {"latency_p90_ns", "/latency_ns/p90", "ns", false},
        {"latency_p99_ns", "/latency_ns/p99", "ns", false},
        {"latency_p999_ns", "/latency_ns/p999", "ns", false},
        {"latency_p9999_ns", "/latency_ns/p9999", "ns", false},
        {"latency_max_ns", "/latency_ns/max", "ns", false},
        {"gc_pause_total_ns", "/gc/pause_ns/total", "ns", false},
        {"gc_pause_p50_ns", "/gc/pause_ns/p50", "ns", false},
        {"gc_pause_p99_ns", "/gc/pause_ns/p99", "ns", false},
        {"gc_pause_max_ns", "/gc/pause_ns/max", "ns", false},
        {"mmu_1ms", "/gc/mmu/1ms", "ratio", true},
        {"mmu_10ms", "/gc/mmu/10ms", "ratio", true},
        {"mmu_100ms", "/gc/mmu/100ms", "ratio", true},
        {"peak_rss_bytes", "/peak_rss_bytes", "bytes", false},
        {"peak_live_bytes", "/peak_live_bytes", "bytes", false},
        // Garbage awaiting collection (the trash census): its peak and time average.
        {"trash_peak_bytes", "/trash/peak_bytes", "bytes", false},
        {"trash_mean_bytes", "/trash/mean_bytes", "bytes", false},
        {"trash_peak_objects", "/trash/peak_objects", "count", false},
        {"memory_overhead", "/memory_overhead", "ratio", false},
        {"minor_faults", "/minor_faults", "count", false},
    };
    return metrics;
}

const RunMetric* find_run_metric(const std::string& name) {
    for (const RunMetric& m : run_metrics())
        if (m.name == name) return &m;
    return nullptr;
}

std::optional<double> metric_value(const nlohmann::json& run, const RunMetric& metric) {
    if (!run.is_object() || run.value("status", "") != "ok") return std::nullopt;
    if (metric.name.rfind("latency_", 0) == 0 && !run.value("latency_recorded", true)) return std::nullopt;
    const nlohmann::json::json_pointer ptr(metric.pointer);
    if (!run.contains(ptr)) return std::nullopt;
    const nlohmann::json& v = run.at(ptr);
    if (!v.is_number()) return std::nullopt;
    return v.get<double>();
}

std::string params_label(const nlohmann::json& params) {
    std::string out;
    if (!params.is_object()) return out;
    for (const auto& [k, v] : params.items()) {
        std::string value = v.is_string() ? v.get<std::string>() : v.dump();
        if (auto slash = value.rfind('/'); slash != std::string::npos) value = value.substr(slash + 1);
        out += (out.empty() ? "" : " ") + k + "=" + value;
    }
    return out;
}

std::string combination_key(const nlohmann::json& run) {
    return run.value("allocator", "") + "/" + run.value("collector", "") + "/" + run.value("workload", "") +
           " " + run.value("params", nlohmann::json::object()).dump() + " seed " +
           std::to_string(run.value("seed", std::uint64_t{0}));
}

}  // namespace pmb
