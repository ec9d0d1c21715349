#include "results/pause_table.h"

#include <cmath>
#include <cstdio>
#include <set>
#include <stdexcept>

#include "results/run_metrics.h"
#include "results/run_summaries.h"

namespace pmb {
namespace {

nlohmann::json median_or_null(const nlohmann::json& metrics, const char* name) {
    if (!metrics.contains(name)) return nullptr;
    return metrics[name]["median"];
}

struct Column {
    const char* title;
    const char* key;
    double scale;
    const char* format;
};
const Column kColumns[] = {
    {"p50 ms", "pause_p50_ns", 1e-6, "%.3f"},       {"p99 ms", "pause_p99_ns", 1e-6, "%.3f"},
    {"max ms", "pause_max_ns", 1e-6, "%.3f"},       {"total ms", "pause_total_ns", 1e-6, "%.1f"},
    {"MMU 10ms", "mmu_10ms", 1, "%.3f"},            {"ops/s", "ops_per_s", 1, "%.0f"},
    {"RSS MiB", "peak_rss_bytes", 1.0 / (1 << 20), "%.1f"}, {"trash MiB", "trash_peak_bytes", 1.0 / (1 << 20), "%.2f"},
    {"trash avg MiB", "trash_mean_bytes", 1.0 / (1 << 20), "%.2f"}, {"max/gen", "max_pause_vs_gen", 1, "%.3f"},
    {"ops/gen", "throughput_vs_gen", 1, "%.3f"},
};

// The workload's name, with its parameters when the table holds it with several (a sweep).
std::string workload_label(const nlohmann::json& table, const nlohmann::json& row) {
    for (const nlohmann::json& other : table["rows"])
        if (other["workload"] == row["workload"] && other["params"] != row["params"])
            return row["workload"].get<std::string>() + " " + params_label(row["params"]);
    return row["workload"];
}

}  // namespace

nlohmann::json pause_table(const nlohmann::json& doc, const std::string& allocator) {
    const nlohmann::json summaries = summarize_runs(doc.at("runs"));
    std::string chosen = allocator;
    if (chosen.empty()) {
        for (const auto& s : summaries)
            if (s["allocator"] == "pool") chosen = "pool";
        if (chosen.empty() && !summaries.empty()) chosen = summaries[0]["allocator"];
    }
    nlohmann::json rows = nlohmann::json::array();
    std::set<std::string> allocators;
    for (const auto& s : summaries) {
        const std::string a = s["allocator"];
        allocators.insert(a);
        if (a != chosen || s["runs"].get<std::size_t>() == s["failed"].get<std::size_t>()) continue;
        const nlohmann::json& m = s["metrics"];
        rows.push_back({{"workload", s["workload"]},
                        {"params", s["params"]},
                        {"collector", s["collector"]},
                        {"allocator", a},
                        {"runs", s["runs"].get<std::size_t>() - s["failed"].get<std::size_t>()},
                        {"pause_p50_ns", median_or_null(m, "gc_pause_p50_ns")},
                        {"pause_p99_ns", median_or_null(m, "gc_pause_p99_ns")},
                        {"pause_max_ns", median_or_null(m, "gc_pause_max_ns")},
                        {"pause_total_ns", median_or_null(m, "gc_pause_total_ns")},
                        {"mmu_10ms", median_or_null(m, "mmu_10ms")},
                        {"ops_per_s", median_or_null(m, "ops_per_s")},
                        {"peak_rss_bytes", median_or_null(m, "peak_rss_bytes")},
                        {"trash_peak_bytes", median_or_null(m, "trash_peak_bytes")},
                        {"trash_mean_bytes", median_or_null(m, "trash_mean_bytes")}});
    }
    std::string accepted;
    for (const std::string& a : allocators) accepted += (accepted.empty() ? "" : ", ") + a;
    if (rows.empty())
        throw std::invalid_argument("no successful run of allocator '" + chosen + "' in the results (allocators: " +
                                    (accepted.empty() ? "none" : accepted) + ")");
    // Relative to gen on the same workload and parameters.
    for (nlohmann::json& row : rows) {
        row["max_pause_vs_gen"] = nullptr;
        row["throughput_vs_gen"] = nullptr;
        for (const nlohmann::json& g : rows) {
            if (g["collector"] != "gen" || g["workload"] != row["workload"] || g["params"] != row["params"]) continue;
            if (g["pause_max_ns"].is_number() && row["pause_max_ns"].is_number() && g["pause_max_ns"].get<double>() > 0)
                row["max_pause_vs_gen"] = row["pause_max_ns"].get<double>() / g["pause_max_ns"].get<double>();
            if (g["ops_per_s"].is_number() && row["ops_per_s"].is_number() && g["ops_per_s"].get<double>() > 0)
                row["throughput_vs_gen"] = row["ops_per_s"].get<double>() / g["ops_per_s"].get<double>();
        }
    }
    return {{"allocator", chosen}, {"rows", rows}};
}

Report pause_report(const nlohmann::json& table) {
    Report report;
    report.title = "GC pauses per workload and collector, allocator `" + table["allocator"].get<std::string>() +
                   "` (medians over repetitions)";
    report.data = table;
    ReportTable t;
    t.grouped = true;
    t.columns = {{"workload", "workload", false}, {"collector", "collector", false}, {"runs", "runs", true}};
    for (const Column& c : kColumns) t.columns.push_back({c.title, c.key, true});
    for (const nlohmann::json& row : table["rows"]) {
        std::vector<ReportCell> cells = {text_cell(workload_label(table, row)), text_cell(row["collector"]),
                                         {std::to_string(row["runs"].get<std::size_t>()), row["runs"]}};
        for (const Column& c : kColumns) cells.push_back(number_cell(row[c.key], c.format, c.scale));
        t.rows.push_back(std::move(cells));
    }
    report.table(std::move(t));
    return report;
}

}  // namespace pmb
