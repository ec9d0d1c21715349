// `report pauses|agreement RESULTS.json`: tables of a results file. pauses: the collectors' pauses
// side by side for one allocator (results/pause_table.h); agreement: real programs' allocator times
// against their trace replays (results/agreement_table.h).
#include <iostream>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "commands/command.h"
#include "commands/report_format.h"
#include "results/agreement_table.h"
#include "results/pause_table.h"
#include "results/results_file.h"

namespace pmb {
namespace {

class ReportCommand final : public Command {
public:
    void declare(CLI::App& report) override {
        report.add_option("kind", kind_, "the table: pauses, agreement")->required();
        report.add_option("results", file_, "the results file")->required();
        report.add_option("--allocator,-a", allocator_,
                          "report pauses: the allocator whose runs are shown (default: pool, else the first)");
        format_.declare(report);
    }

    int execute(const Invocation&) override {
        const std::unique_ptr<Reporter> reporter = format_.reporter();
        if (kind_ == "agreement") {
            if (!allocator_.empty())
                throw std::invalid_argument("--allocator applies to report pauses only (agreement compares every "
                                            "allocator)");
            std::cout << reporter->render(agreement_report(agreement_table(read_results(file_))));
            return 0;
        }
        if (kind_ != "pauses") throw std::invalid_argument("unknown report '" + kind_ + "' (accepted: pauses, agreement)");
        std::cout << reporter->render(pause_report(pause_table(read_results(file_), allocator_)));
        return 0;
    }

private:
    std::string kind_, file_, allocator_;
    ReportFormat format_;
};

}  // namespace

CommandEntry report_command() {
    return {"report", "tables of a results file: report pauses|agreement RESULTS.json", false, false,
            []() -> std::unique_ptr<Command> { return std::make_unique<ReportCommand>(); }};
}

}  // namespace pmb
