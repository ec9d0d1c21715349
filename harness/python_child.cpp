#include "harness/python_child.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "measure/build_info.h"

#ifndef PMB_PYTHON_AGENT
#define PMB_PYTHON_AGENT ""  // sanitizer builds have none
#endif

namespace pmb {
namespace {

constexpr const char* kPythonAgent = PMB_PYTHON_AGENT;

void set_environment(const std::string& name, const std::string& value) { setenv(name.c_str(), value.c_str(), 1); }

}  // namespace

bool have_python_agent() { return kPythonAgent[0] != '\0'; }

PythonChildOutcome run_python_child(const python::ProgramCommand& program, const PythonChildOptions& options) {
    if (!have_python_agent())
        throw std::invalid_argument("this build (with sanitizers) cannot preload its agent into " +
                                    std::string(kPythonExecutable) + " (use the embedded interpreter)");
    int results[2];
    if (pipe2(results, O_CLOEXEC) != 0) throw std::runtime_error("cannot create the results pipe");
    std::vector<std::string> argv = {kPythonExecutable};
    argv.insert(argv.end(), program.begin(), program.end());
    std::vector<char*> c_argv;
    for (std::string& a : argv) c_argv.push_back(a.data());
    c_argv.push_back(nullptr);
    std::fflush(nullptr);
    const pid_t parent = getpid();
    const pid_t child = fork();
    if (child < 0) {
        close(results[0]);
        close(results[1]);
        throw std::runtime_error("cannot start " + std::string(kPythonExecutable));
    }
    if (child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);
        if (options.output_to_stderr) dup2(STDERR_FILENO, STDOUT_FILENO);
        const int fd = dup(results[1]);  // without close-on-exec: the agent writes to it
        set_environment("PMB_AGENT_RESULTS_FD", std::to_string(fd));
        for (const auto& [name, value] : options.environment) set_environment(name, value);
        const char* preload = std::getenv("LD_PRELOAD");  // the run's malloc library, if any
        set_environment("LD_PRELOAD", std::string(kPythonAgent) + (preload != nullptr ? std::string(":") + preload : ""));
        unsetenv("PYTHONMALLOC");
        execv(c_argv[0], c_argv.data());
        std::fprintf(stderr, "pymembench: cannot run %s: %s\n", c_argv[0], std::strerror(errno));
        _exit(127);
    }
    close(results[1]);
    PythonChildOutcome outcome;
    char buf[65536];
    for (ssize_t n; (n = read(results[0], buf, sizeof buf)) != 0;) {
        if (n > 0) outcome.reported.append(buf, static_cast<std::size_t>(n));
        else if (errno != EINTR) break;
    }
    close(results[0]);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    outcome.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    outcome.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
    return outcome;
}

}  // namespace pmb
