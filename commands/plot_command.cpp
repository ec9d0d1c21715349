// `plot ARGS..`: figures and the HTML report of a results file. The plotting code is Python
// (plot/report.py, matplotlib); it runs under the Python this build was configured with, with the
// arguments passed through.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "commands/command.h"
#include "measure/build_info.h"

namespace pmb {
namespace {

class PlotCommand final : public Command {
public:
    int execute(const Invocation& invocation) override {
        const std::string script = std::string(kSourceDir) + "/plot/report.py";
        std::vector<std::string> argv = {kPythonExecutable, script};
        argv.insert(argv.end(), invocation.arguments.begin(), invocation.arguments.end());
        std::vector<char*> c_argv;
        for (std::string& a : argv) c_argv.push_back(a.data());
        c_argv.push_back(nullptr);
        execv(kPythonExecutable, c_argv.data());
        std::fprintf(stderr, "pymembench plot: cannot run %s: %s\n", kPythonExecutable, std::strerror(errno));
        return 2;
    }
};

}  // namespace

CommandEntry plot_command() {
    return {"plot", "figures and an HTML report of a results file (plot/report.py; see plot --help)", false, true,
            []() -> std::unique_ptr<Command> { return std::make_unique<PlotCommand>(); }};
}

}  // namespace pmb
