#include "commands/report_format.h"

#include <stdexcept>

#include <CLI/CLI.hpp>

namespace pmb {

void ReportFormat::declare(CLI::App& app) {
    app.add_option("--format", format_, "output format: " + report_formats() + " (default text)");
    app.add_flag("--markdown", markdown_, "the same as --format markdown");
    app.add_flag("--json", json_, "the same as --format json");
}

std::unique_ptr<Reporter> ReportFormat::reporter() const {
    std::string chosen = format_;
    for (const auto& [set, name] : {std::pair{markdown_, "markdown"}, std::pair{json_, "json"}}) {
        if (!set) continue;
        if (!chosen.empty() && chosen != name)
            throw std::invalid_argument("--" + std::string(name) + " contradicts --format " + chosen +
                                        " (give one format)");
        chosen = name;
    }
    return make_reporter(chosen.empty() ? "text" : chosen);
}

}  // namespace pmb
