// JSON: the report's figures (Report::data) as they were computed, indented by one space per level.
#include "reporters/reporter.h"

namespace pmb {
namespace {

class JsonReporter final : public Reporter {
public:
    std::string render(const Report& report) const override { return report.data.dump(1) + "\n"; }
};

}  // namespace

std::unique_ptr<Reporter> make_json_reporter() { return std::make_unique<JsonReporter>(); }

}  // namespace pmb
