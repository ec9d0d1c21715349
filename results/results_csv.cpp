#include "results/results_csv.h"

#include <cstdio>

#include "results/run_metrics.h"

namespace pmb {
namespace {

std::string csv_field(const std::string& field) {
    if (field.find_first_of(",\"\n\r") == std::string::npos) return field;
    std::string out = "\"";
    for (char c : field) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string number(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    return buf;
}

std::string field(const nlohmann::json& run, const char* pointer) {
    const nlohmann::json::json_pointer ptr(pointer);
    if (!run.contains(ptr)) return "";
    const nlohmann::json& v = run.at(ptr);
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "";
    if (v.is_number_float()) return number(v.get<double>());
    return v.dump();
}

constexpr const char* kTrailingColumns[][2] = {
    {"gc_collections_0", "/gc/collections/0"}, {"gc_collections_1", "/gc/collections/1"},
    {"gc_collections_2", "/gc/collections/2"}, {"leaked_objects", "/leaked_objects"},
    {"leaked_bytes", "/leaked_bytes"},         {"allocs_total", "/allocs_total"},
    {"user_s", "/process/user_s"},             {"sys_s", "/process/sys_s"},
    {"major_faults", "/process/major_faults"}, {"process_wall_s", "/process/wall_s"},
    {"allocator_lib", "/allocator_lib"},       {"allocator_version", "/allocator_version"},
};

}  // namespace

std::string runs_csv(const nlohmann::json& runs) {
    std::string out = "index,allocator,collector,workload,params,seed,rep,status,error";
    for (const RunMetric& m : run_metrics()) out += "," + m.name;
    for (const auto& column : kTrailingColumns) out += std::string(",") + column[0];
    out += "\n";
    for (const nlohmann::json& run : runs) {
        std::string params;
        const nlohmann::json overrides = run.value("params", nlohmann::json::object());
        for (const auto& [k, v] : overrides.items())
            params += (params.empty() ? "" : ";") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
        std::string row = field(run, "/index") + "," + csv_field(field(run, "/allocator")) + "," +
                          csv_field(field(run, "/collector")) + "," + csv_field(field(run, "/workload")) + "," +
                          csv_field(params) + "," + field(run, "/seed") + "," + field(run, "/rep") + "," +
                          csv_field(field(run, "/status")) + "," + csv_field(field(run, "/error"));
        for (const RunMetric& m : run_metrics()) {
            const auto v = metric_value(run, m);
            row += "," + (v ? number(*v) : std::string());
        }
        for (const auto& column : kTrailingColumns) row += "," + csv_field(field(run, column[1]));
        out += row + "\n";
    }
    return out;
}

std::string csv_path_for(const std::string& json_path) {
    const std::string ext = ".json";
    if (json_path.size() > ext.size() && json_path.compare(json_path.size() - ext.size(), ext.size(), ext) == 0)
        return json_path.substr(0, json_path.size() - ext.size()) + ".csv";
    return json_path + ".csv";
}

}  // namespace pmb
