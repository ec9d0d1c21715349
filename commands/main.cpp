// pymembench: the command line (commands/command_line.h); what each command does is in its own file.
#include "commands/command_line.h"

int main(int argc, char** argv) { return pmb::run_command_line(argc, argv); }
