// Command: one subcommand of pymembench. Each lives in its own file under commands/ and is listed
// once, in command_table.cpp; command_line.cpp dispatches (main.cpp only calls it).
//
// A command declares its options on the CLI11 subcommand it is given, then runs once the command
// line has parsed. The two whose arguments end with another program's command line (`record`'s
// program, `plot`'s pass-through to plot/report.py) parse their arguments themselves.
//
// Exit codes, for every command: 0 success; 1 some run failed, a check failed or `compare` found a
// regression (every other run is kept); 2 bad input (one line on standard error naming what was
// wrong and what is accepted); 4 a matrix's results could not be written where asked (every run
// is kept in a rescue file the line names: results/results_saver.h). A command reports bad input by
// throwing std::invalid_argument (or std::runtime_error for what it could not do);
// run_command_line prints the one line.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace pmb {

struct Invocation {
    std::vector<std::string> command_line;  // the whole of argv, recorded in results files
    std::vector<std::string> arguments;     // what follows the command's name (raw commands only)
};

class Command {
public:
    virtual ~Command() = default;
    virtual void declare(CLI::App& app) { (void)app; }
    virtual int execute(const Invocation& invocation) = 0;
};

struct CommandEntry {
    std::string name;
    std::string summary;          // the line in --help
    bool internal = false;        // run by pymembench itself and its tests: not in --help or lists
    bool raw_arguments = false;   // parses its own arguments (Invocation::arguments)
    std::unique_ptr<Command> (*make)() = nullptr;
};

// Every command, in the order --help and error messages list them.
const std::vector<CommandEntry>& command_table();
const CommandEntry* find_command(const std::string& name);
// The names a user may type, comma-separated (internal commands left out).
std::string public_command_names();

}  // namespace pmb
