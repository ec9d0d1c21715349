// The dispatch of pymembench's command line (commands/command_line.h).
#include "commands/command_line.h"

#include <cstdio>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "commands/command.h"
#include "results/results_saver.h"

namespace pmb {

int run_command_line(int argc, char** argv) {
    const std::vector<std::string> command_line(argv, argv + argc);
    const std::string first = argc > 1 ? argv[1] : "";
    const CommandEntry* named = find_command(first);
    if (named == nullptr && !first.empty() && first[0] != '-') {
        std::fprintf(stderr, "pymembench: unknown command '%s' (accepted: %s)\n", first.c_str(),
                     public_command_names().c_str());
        return 2;
    }
    try {
        if (named != nullptr && named->raw_arguments)
            return named->make()->execute({command_line, std::vector<std::string>(argv + 2, argv + argc)});

        CLI::App app{"pymembench: which allocator and which reclamation strategy serve Python-shaped programs best"};
        app.require_subcommand(1);
        std::vector<std::pair<CLI::App*, std::unique_ptr<Command>>> commands;
        for (const CommandEntry& e : command_table()) {
            CLI::App* sub = app.add_subcommand(e.name, e.internal ? "" : e.summary);
            if (e.internal) sub->group("");
            if (e.raw_arguments) {  // listed in --help; never parsed here (handled above)
                commands.emplace_back(sub, nullptr);
                continue;
            }
            commands.emplace_back(sub, e.make());
            commands.back().second->declare(*sub);
        }
        try {
            app.parse(argc, argv);
        } catch (const CLI::CallForHelp& e) {
            return app.exit(e);
        } catch (const CLI::CallForAllHelp& e) {
            return app.exit(e);
        } catch (const CLI::ParseError& e) {
            std::fprintf(stderr, "pymembench: %s (see pymembench --help)\n", e.what());
            return 2;
        }
        for (auto& [sub, command] : commands)
            if (sub->parsed() && command != nullptr) return command->execute({command_line, {}});
        return 2;
    } catch (const ResultsWriteError& e) {
        std::fprintf(stderr, "pymembench: %s\n", e.what());
        return kExitResultsUnwritten;
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "pymembench: %s\n", e.what());
        return 2;
    } catch (const std::runtime_error& e) {
        std::fprintf(stderr, "pymembench: %s\n", e.what());
        return 2;
    }
}

}  // namespace pmb
