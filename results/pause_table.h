// The pause table (`pymembench report pauses RESULTS.json`): per workload, each collector's GC
// pauses side by side with what they cost and bought, for one allocator: p50, p99 and max pause,
// total pause time, minimum mutator utilization at 10 ms, throughput and peak RSS (medians over
// the repetitions, from the summaries), and, where `gen` ran too, the max pause and throughput
// relative to gen's.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace pmb {

// Rows for `allocator` ("" picks pool when the file has it, else the first allocator that ran);
// throws std::invalid_argument (one line) when no successful run of that allocator is in `doc`.
nlohmann::json pause_table(const nlohmann::json& doc, const std::string& allocator);
std::string pause_table_text(const nlohmann::json& table);
std::string pause_table_markdown(const nlohmann::json& table);

}  // namespace pmb
