// Joining the shards of one matrix (`pymembench run --shard I/N`, run on different machines or
// CI jobs) into one results file.
//
// Shards are compatible when they share the schema, the build (compiler, flags, build type,
// version, git commit and dirty flag) and the matrix (everything but the shard), and are distinct
// shards of the same count. The merged file holds every run in the order of the unsharded matrix
// (by its "index"), summaries recomputed, and per shard its host and times under meta.shards;
// meta.complete says whether every shard is present and finished. Files that are repetitions of
// one matrix rather than shards of it are joined by merge_repetitions.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace pmb {

// `files` are (name, parsed document) pairs. Throws std::invalid_argument with a one-line reason
// naming the file(s) at fault when they cannot be merged.
nlohmann::json merge_results(const std::vector<std::pair<std::string, nlohmann::json>>& files);

// Joining repeated runs of one matrix (same build, same matrix, e.g. rounds of a regression check
// alternated with another build's) into one file with their repetitions renumbered: the runs of
// the k-th file become repetitions after those of the files before it. Throws like merge_results.
nlohmann::json merge_repetitions(const std::vector<std::pair<std::string, nlohmann::json>>& files);

}  // namespace pmb
