// The pause table (`pymembench report pauses RESULTS.json`): per workload, each collector's GC
// pauses side by side with what they cost and bought, for one allocator: p50, p99 and max pause,
// total pause time, minimum mutator utilization at 10 ms, throughput, peak RSS, and the garbage
// left waiting for collection (trash: peak and time average, from the trash census; what pause
// length alone hides) (medians over the repetitions, from the summaries), and, where `gen` ran
// too, the max pause and throughput relative to gen's.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "reporters/report.h"

namespace pmb {

// Rows for `allocator` ("" picks pool when the file has it, else the first allocator that ran);
// throws std::invalid_argument (one line) when no successful run of that allocator is in `doc`.
nlohmann::json pause_table(const nlohmann::json& doc, const std::string& allocator);
// The table as a report (reporters/report.h): one group of rows per workload; its data is `table`.
Report pause_report(const nlohmann::json& table);

}  // namespace pmb
