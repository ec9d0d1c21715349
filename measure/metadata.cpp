#include "measure/metadata.h"

#include <Python.h>
#include <gnu/libc-version.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>

#include "measure/build_info.h"
#include "measure/git_state.h"

namespace pmb {
namespace {

std::string read_first_line(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
    return "unknown";
}

std::string or_unreadable(const std::string& value) { return value.empty() ? "unreadable" : value; }

// The first core's current frequency as /proc/cpuinfo reports it, or 0 when it does not.
double cpu_mhz() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("cpu MHz", 0) == 0) return std::stod(line.substr(line.find(':') + 1));
    return 0;
}

}  // namespace

std::string utc_timestamp() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

nlohmann::json collect_metadata(const std::vector<std::string>& command_line, std::uint64_t seed) {
    utsname u{};
    uname(&u);
    return {
        {"start_time", utc_timestamp()},
        {"host",
         {{"cpu_model", cpu_model()},
          {"cores", sysconf(_SC_NPROCESSORS_ONLN)},
          {"frequency_governor", or_unreadable(read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"))},
          {"cpu_mhz_at_start", cpu_mhz()},
          {"load_average_at_start", or_unreadable(read_first_line("/proc/loadavg"))},
          {"aslr", or_unreadable(read_first_line("/proc/sys/kernel/randomize_va_space"))},
          {"clocksource",
           or_unreadable(read_first_line("/sys/devices/system/clocksource/clocksource0/current_clocksource"))},
          {"kernel", std::string(u.sysname) + " " + u.release},
          {"hostname", u.nodename}}},
        {"build",
         {{"compiler", kCompiler},
          {"flags", kCompilerFlags},
          {"build_type", kBuildType},
          {"version", kProjectVersion}}},
        {"git", {{"commit", kGitCommit}, {"dirty", kGitDirty}}},  // as of the build
        {"libraries",
         {{"glibc", gnu_get_libc_version()},
          {"python", std::string(Py_GetVersion()).substr(0, std::string(Py_GetVersion()).find(' '))},
          {"libstdcxx", std::to_string(_GLIBCXX_RELEASE)},
          {"nlohmann_json", std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." +
                                std::to_string(NLOHMANN_JSON_VERSION_MINOR) + "." +
                                std::to_string(NLOHMANN_JSON_VERSION_PATCH)}}},
        {"command_line", command_line},
        {"seed", seed},
    };
}

}  // namespace pmb
