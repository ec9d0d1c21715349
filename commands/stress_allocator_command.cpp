// `stress-allocator --allocator SPEC [--ops N] [--seed S]` (internal): the allocator torture test
// of harness/allocator_stress.h against one backend; prints "LIBRARY: ok" or the first failure.
#include <cstdio>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "allocators/registry.h"
#include "commands/command.h"
#include "harness/allocator_stress.h"

namespace pmb {
namespace {

class StressAllocatorCommand final : public Command {
public:
    void declare(CLI::App& app) override {
        app.add_option("--allocator", spec_)->required();
        app.add_option("--ops", options_.ops);
        app.add_option("--seed", options_.seed);
    }

    int execute(const Invocation&) override {
        const AllocatorSpec spec = parse_allocator_spec(spec_);
        auto allocator = allocator_entry(spec.name).make(spec.options);
        const std::string failure = stress_allocator(allocator->ops(), options_);
        std::printf("%s: %s\n", allocator->identity().library.c_str(), failure.empty() ? "ok" : failure.c_str());
        return failure.empty() ? 0 : 1;
    }

private:
    std::string spec_;
    StressOptions options_;
};

}  // namespace

CommandEntry stress_allocator_command() {
    return {"stress-allocator", "", true, false,
            []() -> std::unique_ptr<Command> { return std::make_unique<StressAllocatorCommand>(); }};
}

}  // namespace pmb
