// Results files: the schema version, atomic writing (temp file + rename, so a reader or a killed
// run never sees half a file) and reading back with one-line errors.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace pmb {

inline constexpr const char* kResultsSchema = "pymembench-results/1";

// Writes `text` to `path` through a temporary file in the same directory and rename(2).
// Throws std::runtime_error naming the path and the reason.
void write_file_atomic(const std::string& path, const std::string& text);
// Throws std::runtime_error unless a file can be created in `path`'s directory.
void check_writable(const std::string& path);
// Reads and parses a results file; throws std::runtime_error with a one-line reason.
nlohmann::json read_results(const std::string& path);

}  // namespace pmb
