// The real pymembench binary, for end-to-end tests: run it, and name temporary files that cannot
// collide between test processes (CTest runs tests in parallel, each in its own process).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "harness/process_runner.h"

namespace pmb::test_support {

inline ProcessOutcome pymembench(std::vector<std::string> args, int timeout_s = 300) {
    args.insert(args.begin(), PMB_BINARY);
    return run_process(args, {}, {static_cast<double>(timeout_s), 0});
}

inline std::string temp_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() / ("pmb_" + std::to_string(getpid()) + "_" + name)).string();
}

}  // namespace pmb::test_support
