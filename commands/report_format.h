// The output format of a command that prints a report (compare, report, validate): `--format
// text|markdown|json|csv` (default text), with `--markdown` and `--json` as its shorthands. The
// command builds one Report and prints what reporter() renders; no command lays out its own text.
#pragma once

#include <memory>
#include <string>

#include "reporters/reporter.h"

namespace CLI {
class App;
}

namespace pmb {

class ReportFormat {
public:
    void declare(CLI::App& app);
    // Throws std::invalid_argument for an unknown format, or a shorthand that contradicts --format.
    std::unique_ptr<Reporter> reporter() const;

private:
    std::string format_;
    bool markdown_ = false, json_ = false;
};

}  // namespace pmb
