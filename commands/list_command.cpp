// `list`: every allocator, collector and workload, one line each, with each workload's parameters.
#include <cstdio>

#include "allocators/registry.h"
#include "collectors/registry.h"
#include "commands/command.h"
#include "workloads/registry.h"

namespace pmb {
namespace {

class ListCommand final : public Command {
public:
    int execute(const Invocation&) override {
        std::printf("allocators:\n");
        for (const AllocatorEntry& e : allocator_registry())
            std::printf("  %-10s %s\n", e.name.c_str(), e.description.c_str());
        std::printf("collectors:\n");
        for (const CollectorEntry& e : collector_registry())
            std::printf("  %-10s %s\n", e.name.c_str(), e.description.c_str());
        std::printf("workloads:\n");
        auto print_workload = [](const WorkloadEntry& e, const char* note) {
            std::printf("  %-10s %s%s\n", e.name.c_str(), e.description.c_str(), note);
            for (const ParamSpec& p : e.params)
                std::printf("  %10s   %s=%s  %s\n", "", p.name.c_str(),
                            p.is_text ? p.default_text.c_str() : std::to_string(p.default_value).c_str(),
                            p.help.c_str());
        };
        for (const WorkloadAvailability a : {WorkloadAvailability::default_matrix, WorkloadAvailability::when_named})
            for (const WorkloadEntry& e : workload_registry())
                if (e.availability == a)
                    print_workload(e, a == WorkloadAvailability::when_named ? " (run only when named)" : "");
        return 0;
    }
};

}  // namespace

CommandEntry list_command() {
    return {"list", "print every allocator, collector and workload, one line each", false, false,
            []() -> std::unique_ptr<Command> { return std::make_unique<ListCommand>(); }};
}

}  // namespace pmb
