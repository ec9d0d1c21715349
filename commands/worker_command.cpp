// `worker` (internal): one run of the matrix inside this process (harness/single_run.h), its
// result as one line of JSON on standard output. The matrix runner starts one per run.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <new>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "commands/command.h"
#include "harness/run_spec.h"
#include "harness/single_run.h"
#include "measure/key_value.h"

namespace pmb {
namespace {

std::map<std::string, std::string> parse_params(const std::vector<std::string>& kvs) {
    std::map<std::string, std::string> out;
    for (const std::string& kv : kvs) {
        const KeyValue item = split_key_value(kv);
        if (!item.has_value || item.key.empty())
            throw std::invalid_argument("--param '" + kv + "' is not of the form key=value");
        out[item.key] = item.value;
    }
    return out;
}

class WorkerCommand final : public Command {
public:
    void declare(CLI::App& worker) override {
        worker.add_option("--allocator", spec_.allocator)->required();
        worker.add_option("--collector", spec_.collector)->required();
        worker.add_option("--workload", spec_.workload)->required();
        worker.add_option("--param", params_);
        worker.add_option("--seed", spec_.seed);
        worker.add_option("--rep", spec_.rep);
        worker.add_flag("--no-latency", no_latency_);
        worker.add_flag("--latency-alternate", alternate_);
        worker.add_flag("--no-trash", no_trash_);
    }

    int execute(const Invocation&) override {
        spec_.params = parse_params(params_);
        spec_.latency = alternate_ ? LatencyMode::alternate : no_latency_ ? LatencyMode::off : LatencyMode::record;
        spec_.trash = !no_trash_;
        try {
            const nlohmann::json result = execute_run(spec_);
            std::cout << result.dump() << std::endl;
            // A worker's memory dies with it: leaving now skips freeing what the run deliberately
            // leaked (cycles under rc, reported as leaked_objects), which LeakSanitizer would
            // otherwise report at exit in sanitizer builds.
            std::_Exit(0);
        } catch (const std::invalid_argument& e) {  // failures leave at once too: what an embedded
            std::fprintf(stderr, "pymembench worker: %s\n", e.what());  // program left is not ours
            std::_Exit(2);
        } catch (const std::bad_alloc&) {
            std::fprintf(stderr, "pymembench worker: out of memory\n");
            std::_Exit(3);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "pymembench worker: %s\n", e.what());
            std::_Exit(1);
        }
    }

private:
    RunSpec spec_;
    std::vector<std::string> params_;
    bool no_latency_ = false, alternate_ = false, no_trash_ = false;
};

}  // namespace

CommandEntry worker_command() {
    return {"worker", "", true, false, []() -> std::unique_ptr<Command> { return std::make_unique<WorkerCommand>(); }};
}

}  // namespace pmb
