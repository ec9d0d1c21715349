// The one list of pymembench's commands: a new command is one file under commands/ and one line
// here (its entry function's declaration beside it).
#include "commands/command.h"

namespace pmb {

CommandEntry list_command();
CommandEntry run_command();
CommandEntry validate_command();
CommandEntry merge_command();
CommandEntry compare_command();
CommandEntry plot_command();
CommandEntry record_command();
CommandEntry trace_info_command();
CommandEntry report_command();
CommandEntry worker_command();
CommandEntry stress_allocator_command();

const std::vector<CommandEntry>& command_table() {
    static const std::vector<CommandEntry> table = {
        list_command(),   run_command(),    validate_command(),   merge_command(),
        compare_command(), plot_command(),  record_command(),     trace_info_command(),
        report_command(), worker_command(), stress_allocator_command(),
    };
    return table;
}

const CommandEntry* find_command(const std::string& name) {
    for (const CommandEntry& e : command_table())
        if (e.name == name) return &e;
    return nullptr;
}

std::string public_command_names() {
    std::string out;
    for (const CommandEntry& e : command_table()) {
        if (e.internal) continue;
        out += (out.empty() ? "" : ", ") + e.name;
    }
    return out;
}

}  // namespace pmb
