// What a trace holds, for `pymembench trace-info`: event counts by kind, their split by domain
// (object, mem: events of each kind and bytes requested), the request-size histogram, the block-lifetime histogram and the peaks, from one full (checked) read.
//
// Size buckets: 0 bytes, then pymalloc's 16-byte classes up to 512 (1-16, 17-32, .., 497-512),
// then powers of two (513-1024, .., up to 2^47). Lifetimes are measured two ways: in nanoseconds
// of the recorded program (recording overhead included) and in allocations (new blocks made
// between a block's birth and its death), both in power-of-two buckets; blocks still live at the
// end of recording are counted apart. A realloc keeps its block's birth.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "workloads/trace/trace_reader.h"

namespace pmb::trace {

// Reads `reader` to its end (throws TraceError on an invalid file) and returns the summary.
nlohmann::json trace_info(TraceReader& reader);
// The summary as a few lines and two small tables for a terminal.
std::string trace_info_text(const nlohmann::json& info);

}  // namespace pmb::trace
