// The trace commands of the command line: `record` (a real Python program's allocations into a
// trace file) and `trace-info` (what a trace holds). Replaying is the `trace` workload of `run`.
#pragma once

#include <string>
#include <vector>

namespace pmb {

// `record --out TRACE [--] script.py [args..]` or `.. [--] -m module [args..]` (args: what follows
// "record"). Exit code: the program's own exit status; 2 on bad arguments, when the program cannot
// be started or the trace cannot be written.
int command_record(const std::vector<std::string>& args, const std::vector<std::string>& command_line);
// Exit code 0, or 2 with one line when the file is not a valid trace.
int command_trace_info(const std::string& path, bool json);

}  // namespace pmb
