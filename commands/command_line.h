// pymembench's command line as a function: finds the command named by argv[1] in the table
// (commands/command_table.cpp), parses its options and runs it; returns the exit code. main.cpp
// is this and nothing else, and the tests call it in-process.
#pragma once

namespace pmb {

int run_command_line(int argc, char** argv);

}  // namespace pmb
