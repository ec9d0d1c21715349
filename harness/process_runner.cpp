#include "harness/process_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include "measure/clock.h"

extern char** environ;

namespace pmb {
namespace {

std::vector<std::string> merged_environment(const std::vector<std::string>& extra) {
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
        std::string entry(*e);
        std::string key = entry.substr(0, entry.find('='));
        bool replaced = false;
        for (const std::string& x : extra)
            if (x.substr(0, x.find('=')) == key) replaced = true;
        if (!replaced) env.push_back(entry);
    }
    env.insert(env.end(), extra.begin(), extra.end());
    return env;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (std::string& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

bool drain(int fd, std::string& into, std::size_t keep) {
    char buf[65536];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
        into.append(buf, static_cast<std::size_t>(n));
        if (into.size() > 2 * keep) into.erase(0, into.size() - keep);
        return true;
    }
    return n < 0 && (errno == EINTR || errno == EAGAIN);
}

}  // namespace

ProcessOutcome run_process(const std::vector<std::string>& argv_in, const std::vector<std::string>& extra_env,
                           const ProcessLimits& limits, const std::atomic<bool>* stop) {
    ProcessOutcome result;
    std::vector<std::string> argv_copy = argv_in;
    std::vector<std::string> env_copy = merged_environment(extra_env);
    std::vector<char*> argv = c_strings(argv_copy);
    std::vector<char*> envp = c_strings(env_copy);

    int out_pipe[2], err_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) != 0) return result;
    if (pipe2(err_pipe, O_CLOEXEC) != 0) {
        close(out_pipe[0]);
        close(out_pipe[1]);
        return result;
    }
    const std::uint64_t t0 = now_ns();
    const pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        // Child: only async-signal-safe calls until execve.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);  // the parent died before prctl
        dup2(out_pipe[1], STDOUT_FILENO);
        dup2(err_pipe[1], STDERR_FILENO);
        if (limits.memory_bytes != 0) {
            rlimit rl{limits.memory_bytes, limits.memory_bytes};
            setrlimit(RLIMIT_AS, &rl);
        }
        rlimit no_core{0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        execve(argv[0], argv.data(), envp.data());
        const char msg[] = "pymembench: could not start the worker process\n";
        ssize_t ignored = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)ignored;
        _exit(127);
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (pid < 0) {
        close(out_pipe[0]);
        close(err_pipe[0]);
        return result;
    }
    result.started = true;

    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    // Standard output is kept whole (a worker's results); standard error only its last MiB.
    const std::size_t keep[2] = {SIZE_MAX / 4, std::size_t{1} << 20};
    int open_fds = 2;
    while (open_fds > 0) {
        if (stop != nullptr && *stop) {
            result.stopped = true;
            kill(pid, SIGKILL);
            break;
        }
        int wait_ms = stop != nullptr ? 100 : -1;
        if (limits.timeout_s > 0) {
            const double left = limits.timeout_s - static_cast<double>(now_ns() - t0) * 1e-9;
            if (left <= 0) {
                result.timed_out = true;
                kill(pid, SIGKILL);
                break;
            }
            const int left_ms = static_cast<int>(left * 1000) + 1;
            wait_ms = wait_ms < 0 ? left_ms : std::min(wait_ms, left_ms);
        }
        int n = poll(fds, 2, wait_ms);
        if (n < 0 && errno != EINTR) break;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd >= 0 && (fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
                if (!drain(fds[i].fd, *sinks[i], keep[i])) {
                    close(fds[i].fd);
                    fds[i].fd = -1;
                    --open_fds;
                }
            }
        }
    }
    for (pollfd& f : fds)
        if (f.fd >= 0) close(f.fd);
    int status = 0;
    while (wait4(pid, &status, 0, &result.usage) < 0 && errno == EINTR) {
    }
    result.wall_s = static_cast<double>(now_ns() - t0) * 1e-9;
    if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.term_signal = WTERMSIG(status);
    return result;
}

}  // namespace pmb
