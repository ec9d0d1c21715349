// `report pauses|agreement RESULTS.json`: tables of a results file. pauses: the collectors' pauses
// side by side for one allocator (results/pause_table.h); agreement: real programs' allocator times
// against their trace replays (results/agreement_table.h).
#include <iostream>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "commands/command.h"
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
        report.add_flag("--markdown", markdown_, "Markdown");
        report.add_flag("--json", json_, "JSON");
    }

    int execute(const Invocation&) override {
        if (kind_ == "agreement") {
            if (!allocator_.empty())
                throw std::invalid_argument("--allocator applies to report pauses only (agreement compares every "
                                            "allocator)");
            const nlohmann::json table = agreement_table(read_results(file_));
            std::cout << (json_ ? table.dump(1) + "\n" : markdown_ ? agreement_table_markdown(table)
                                                                   : agreement_table_text(table));
            return 0;
        }
        if (kind_ != "pauses") throw std::invalid_argument("unknown report '" + kind_ + "' (accepted: pauses, agreement)");
        const nlohmann::json table = pause_table(read_results(file_), allocator_);
        std::cout << (json_ ? table.dump(1) + "\n" : markdown_ ? pause_table_markdown(table) : pause_table_text(table));
        return 0;
    }

private:
    std::string kind_, file_, allocator_;
    bool markdown_ = false, json_ = false;
};

}  // namespace

CommandEntry report_command() {
    return {"report", "tables of a results file: report pauses|agreement RESULTS.json", false, false,
            []() -> std::unique_ptr<Command> { return std::make_unique<ReportCommand>(); }};
}

}  // namespace pmb
