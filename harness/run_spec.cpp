#include "harness/run_spec.h"

namespace pmb {

std::vector<std::string> RunSpec::worker_args() const {
    std::vector<std::string> args = {"worker",      "--allocator", allocator,   "--collector", collector,
                                     "--workload",  workload,      "--seed",    std::to_string(seed),
                                     "--rep",       std::to_string(rep)};
    if (latency == LatencyMode::off) args.push_back("--no-latency");
    if (latency == LatencyMode::alternate) args.push_back("--latency-alternate");
    if (!trash) args.push_back("--no-trash");
    for (const auto& [key, value] : params) {
        args.push_back("--param");
        args.push_back(key + "=" + value);
    }
    return args;
}

std::string RunSpec::label() const { return allocator + "/" + collector + "/" + workload; }

}  // namespace pmb
