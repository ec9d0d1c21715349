#include "harness/validate.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "measure/build_info.h"
#include "harness/matrix_runner.h"
#include "harness/process_runner.h"
#include "harness/single_run.h"

namespace pmb {
namespace {

double relative_error(double reference, double model) {
    if (reference == model) return 0.0;
    if (reference == 0.0) return INFINITY;
    return std::fabs(model - reference) / std::fabs(reference);
}

nlohmann::json run_twin(const ValidateOptions& o, const RunSpec& spec) {
    const std::string python = o.python.empty() ? kPythonExecutable : o.python;
    const std::string dir = o.twins_dir.empty() ? std::string(kSourceDir) + "/workloads/python" : o.twins_dir;
    std::vector<std::string> argv = {python, dir + "/" + spec.workload + ".py"};
    for (const auto& [k, v] : spec.params) argv.push_back(k + "=" + v);
    argv.push_back("seed=" + std::to_string(spec.seed));
    ProcessOutcome p = run_process(argv, {}, {1800, 0});
    if (!p.started || p.exit_code != 0) {
        std::string err = p.err;
        while (!err.empty() && err.back() == '\n') err.pop_back();
        throw std::runtime_error("the Python twin of '" + spec.workload + "' failed (" + python + "): " +
                                 err.substr(err.rfind('\n') == std::string::npos ? 0 : err.rfind('\n') + 1));
    }
    try {
        return nlohmann::json::parse(p.out);
    } catch (const nlohmann::json::exception&) {
        throw std::runtime_error("the Python twin of '" + spec.workload + "' printed no JSON result");
    }
}

}  // namespace

nlohmann::json validate_workloads(const ValidateOptions& o) {
    MatrixOptions m;
    m.allocators = {"system"};
    m.collectors = {"gen"};
    m.workloads = o.workloads;
    m.params = o.params;
    m.seed = o.seed;
    m.quick = o.quick;
    nlohmann::json rows = nlohmann::json::array();
    for (const RunSpec& spec : expand_matrix(m)) {
        const nlohmann::json twin = run_twin(o, spec);
        const nlohmann::json model = execute_run(spec);
        auto add = [&](const std::string& metric, double cpython, double value, double tolerance) {
            const double err = relative_error(cpython, value);
            rows.push_back({{"workload", spec.workload},
                            {"metric", metric},
                            {"cpython", cpython},
                            {"model", value},
                            {"rel_error", std::isinf(err) ? nlohmann::json("inf") : nlohmann::json(err)},
                            {"tolerance", tolerance},
                            {"ok", err <= tolerance}});
        };
        for (int g = 0; g < 3; ++g) {
            add("collections[" + std::to_string(g) + "]", twin["collections"][g], model["gc"]["collections"][g],
                o.count_tolerance);
        }
        for (int g = 0; g < 3; ++g)
            add("collected[" + std::to_string(g) + "]", twin["collected"][g], model["gc"]["collected"][g],
                o.count_tolerance);
        add("peak_bytes", twin["peak_traced_bytes"], model["peak_live_bytes"], o.bytes_tolerance);
    }
    return rows;
}

Report validate_report(const nlohmann::json& rows) {
    Report report;
    std::size_t beyond = 0;
    for (const auto& r : rows) beyond += !r["ok"].get<bool>();
    report.title = beyond ? std::to_string(beyond) + " of " + std::to_string(rows.size()) +
                                " figures beyond tolerance: models against their Python twins"
                          : "Every model within tolerance of its Python twin (" + std::to_string(rows.size()) +
                                " figures)";
    report.alert = beyond > 0;
    report.data = rows;
    ReportTable t;
    t.columns = {{"workload", "workload", false}, {"metric", "metric", false}, {"CPython 3.11", "cpython", true},
                 {"model", "model", true},        {"rel.error", "rel_error", true}, {"tolerance", "tolerance", true},
                 {"", "ok", false}};
    for (const auto& r : rows) {
        ReportCell err = r["rel_error"].is_string() ? ReportCell{"inf", "inf"}
                                                    : number_cell(r["rel_error"], "%.2f%%", 100);
        t.rows.push_back({text_cell(r["workload"]), text_cell(r["metric"]), number_cell(r["cpython"], "%.0f"),
                          number_cell(r["model"], "%.0f"), err, number_cell(r["tolerance"], "%.0f%%", 100),
                          {r["ok"].get<bool>() ? "ok" : "BEYOND TOLERANCE", r["ok"]}});
    }
    report.table(std::move(t));
    return report;
}

}  // namespace pmb
