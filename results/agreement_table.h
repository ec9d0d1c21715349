// The agreement table (`pymembench report agreement RESULTS.json`): does replaying a real
// program's trace rank the allocators as running the program itself does? Per program, each
// allocator's real run time and replay time side by side, relative to the real obmalloc
// (`cpython`), and Kendall's tau-b between the two orderings.
//
// What is paired: a REAL group is the ok runs of workload `python` under collector `gen` (the
// interpreter's own default; rc runs are ignored) with one (program, args), the program being the
// script's file name without `.py` or the module's name; its REPLAY group is the ok runs of
// workload `trace` whose file name without `.trace` is that program (under `gen` when replays ran
// under several collectors, else the one they ran under). Failed runs are ignored throughout.
// An allocator is compared when it has at least one ok run on both sides.
//
// Per row (allocator), medians over its ok repetitions on each side (`real_reps`, `replay_reps`):
//   real_wall_s, replay_wall_s, real_rss_bytes, replay_rss_bytes (peak RSS);
//   X_time_ratio = X_wall_s / X_wall_s(cpython), X_rss_ratio likewise (X = real, replay);
//   X_delta_s = X_wall_s - X_wall_s(cpython): the time each predicts an allocator saves or costs;
//   delta_ratio = replay_delta_s / real_delta_s (null when real_delta_s is 0);
//   sign_agrees: whether both are slower (or both faster) than cpython; null when the real
//     program's time is within 3 % of cpython's, where the sign is noise;
//   real_rank, replay_rank: 1 + the number of compared allocators strictly faster on that side.
// Invariants: the cpython row has ratios 1, deltas 0, delta_ratio and sign_agrees null; ranks lie
// in [1, allocators]; kendall_tau (over real_wall_s against replay_wall_s) lies in [-1, 1], null
// with fewer than 2 allocators or when one side has every time equal. Without a cpython run on
// both sides a program has a `note` saying which side lacks it and null ratios, deltas and
// sign_agrees (ranks and tau need no reference). Every row has every key.
//
// {"reference": "cpython",
//  "programs": [{"program", "real": {"script"|"module", "args"}, "replay": {"file", "collector"},
//                "allocators", "kendall_tau", "note"?, "rows": [...]}],
//  "unpaired": {"real": [program..], "replay": [program..]}}   (groups with no other side)
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "reporters/report.h"

namespace pmb {

// Throws std::invalid_argument (one line) when no program in `doc` has both real runs and replays.
nlohmann::json agreement_table(const nlohmann::json& doc);
// The table as a report (reporters/report.h): per program a heading naming both sides, its table,
// its note and Kendall's tau; then the unpaired groups. Its data is `table`.
Report agreement_report(const nlohmann::json& table);

}  // namespace pmb
