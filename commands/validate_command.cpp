// `validate`: each workload's model against its Python twin under the real interpreter
// (harness/validate.h); exit 1 when a model disagrees with its twin beyond its tolerance.
#include <iostream>

#include <CLI/CLI.hpp>

#include "commands/command.h"
#include "commands/report_format.h"
#include "harness/validate.h"
#include "workloads/registry.h"

namespace pmb {
namespace {

class ValidateCommand final : public Command {
public:
    void declare(CLI::App& validate) override {
        validate.add_option("--workload,-w", options_.workloads, "workloads, comma-separated (default: all)")
            ->delimiter(',');
        validate.add_option("--param,-p", options_.params, "parameter key=value or workload.key=value (repeatable)");
        validate.add_option("--seed", options_.seed, "seed (default 0)");
        validate.add_option("--python", options_.python, "Python 3.11 interpreter (default: the system's)");
        format_.declare(validate);
        validate.add_flag("--quick", options_.quick, "each workload's small-scale parameters");
    }

    int execute(const Invocation&) override {
        const std::unique_ptr<Reporter> reporter = format_.reporter();
        if (options_.workloads.empty()) options_.workloads = workload_names(WorkloadAvailability::default_matrix);
        const nlohmann::json rows = validate_workloads(options_);
        std::cout << reporter->render(validate_report(rows));
        bool ok = true;
        for (const auto& r : rows) ok &= r["ok"].get<bool>();
        return ok ? 0 : 1;
    }

private:
    ValidateOptions options_;
    ReportFormat format_;
};

}  // namespace

CommandEntry validate_command() {
    return {"validate", "check each workload's model against its Python twin under the real interpreter", false, false,
            []() -> std::unique_ptr<Command> { return std::make_unique<ValidateCommand>(); }};
}

}  // namespace pmb
