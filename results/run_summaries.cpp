#include "results/run_summaries.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

#include "results/run_metrics.h"
#include "results/sample_statistics.h"

namespace pmb {

nlohmann::json summarize_runs(const nlohmann::json& runs) {
    std::vector<std::string> order;
    std::map<std::string, std::vector<const nlohmann::json*>> groups;
    for (const nlohmann::json& run : runs) {
        const std::string key = combination_key(run);
        auto [it, inserted] = groups.try_emplace(key);
        if (inserted) order.push_back(key);
        it->second.push_back(&run);
    }
    nlohmann::json out = nlohmann::json::array();
    for (const std::string& key : order) {
        const auto& group = groups[key];
        const nlohmann::json& first = *group.front();
        std::size_t failed = 0;
        for (const nlohmann::json* run : group) failed += run->value("status", "") != "ok";
        nlohmann::json metrics = nlohmann::json::object();
        for (const RunMetric& m : run_metrics()) {
            std::vector<double> values;
            for (const nlohmann::json* run : group)
                if (auto v = metric_value(*run, m)) values.push_back(*v);
            if (!values.empty()) metrics[m.name] = to_json(summarize(values));
        }
        out.push_back({{"allocator", first.value("allocator", "")},
                       {"collector", first.value("collector", "")},
                       {"workload", first.value("workload", "")},
                       {"params", first.value("params", nlohmann::json::object())},
                       {"seed", first.value("seed", std::uint64_t{0})},
                       {"runs", group.size()},
                       {"failed", failed},
                       {"metrics", metrics}});
    }
    return out;
}

namespace {

std::string median_of(const nlohmann::json& metrics, const std::string& name, double scale, const char* format) {
    if (!metrics.contains(name)) return "-";
    char buf[64];
    std::snprintf(buf, sizeof buf, format, metrics[name]["median"].get<double>() * scale);
    return buf;
}

}  // namespace

std::string summaries_table(const nlohmann::json& summaries) {
    std::string out;
    char line[256];
    std::snprintf(line, sizeof line, "%-34s %4s %12s %6s %10s %11s %8s %10s %11s\n", "combination", "runs", "ops/s",
                  "cv %", "p99 us", "gc pause ms", "mmu10ms", "rss MiB", "trash MiB");
    out += line;
    // A parameter sweep makes several combinations of one allocator/collector/workload: those
    // rows also name their parameters.
    std::map<std::string, int> seen;
    auto base_label = [](const nlohmann::json& s) {
        return s["allocator"].get<std::string>() + "/" + s["collector"].get<std::string>() + "/" +
               s["workload"].get<std::string>();
    };
    for (const nlohmann::json& s : summaries) ++seen[base_label(s)];
    for (const nlohmann::json& s : summaries) {
        const nlohmann::json& m = s["metrics"];
        std::string label = base_label(s);
        if (seen[label] > 1) label += " " + params_label(s["params"]);
        const std::size_t runs = s["runs"].get<std::size_t>(), failed = s["failed"].get<std::size_t>();
        const std::string n = failed ? std::to_string(runs - failed) + "/" + std::to_string(runs) : std::to_string(runs);
        std::string cv = "-";
        if (m.contains("ops_per_s") && m["ops_per_s"]["n"].get<std::size_t>() > 1) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.1f", m["ops_per_s"]["cv"].get<double>() * 100);
            cv = buf;
        }
        std::snprintf(line, sizeof line, "%-34s %4s %12s %6s %10s %11s %8s %10s %11s\n", label.c_str(), n.c_str(),
                      median_of(m, "ops_per_s", 1, "%.0f").c_str(), cv.c_str(),
                      median_of(m, "latency_p99_ns", 1e-3, "%.1f").c_str(),
                      median_of(m, "gc_pause_total_ns", 1e-6, "%.2f").c_str(),
                      median_of(m, "mmu_10ms", 1, "%.3f").c_str(),
                      median_of(m, "peak_rss_bytes", 1.0 / (1 << 20), "%.1f").c_str(),
                      median_of(m, "trash_peak_bytes", 1.0 / (1 << 20), "%.2f").c_str());
        out += line;
    }
    // The machine's own noise, in one line: how much repetitions of one combination disagree.
    std::vector<double> cvs, robust;
    for (const nlohmann::json& s : summaries)
        if (s["metrics"].contains("ops_per_s") && s["metrics"]["ops_per_s"]["n"].get<std::size_t>() > 1) {
            cvs.push_back(s["metrics"]["ops_per_s"]["cv"].get<double>());
            robust.push_back(s["metrics"]["ops_per_s"]["robust_cv"].get<double>());
        }
    if (!cvs.empty()) {
        std::sort(cvs.begin(), cvs.end());
        const auto within = std::count_if(cvs.begin(), cvs.end(), [](double cv) { return cv <= 0.03; });
        std::snprintf(line, sizeof line,
                      "throughput CV over %zu combinations: median %.1f %%, max %.1f %%; %zu of %zu within 3 %%; "
                      "robust CV (MAD) median %.1f %%\n",
                      cvs.size(), 100 * median(cvs), 100 * cvs.back(), static_cast<std::size_t>(within), cvs.size(),
                      100 * median(robust));
        out += line;
    }
    return out;
}

}  // namespace pmb
