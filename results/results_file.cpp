#include "results/results_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace pmb {
namespace {

std::string directory_of(const std::string& path) {
    std::filesystem::path p(path);
    return p.has_parent_path() ? p.parent_path().string() : ".";
}

}  // namespace

void check_writable(const std::string& path) {
    const std::string dir = directory_of(path);
    if (!std::filesystem::is_directory(dir))
        throw std::runtime_error("cannot write '" + path + "': directory '" + dir + "' does not exist");
    if (access(dir.c_str(), W_OK) != 0)
        throw std::runtime_error("cannot write '" + path + "': directory '" + dir + "' is not writable");
    if (std::filesystem::is_directory(path))
        throw std::runtime_error("cannot write '" + path + "': it is a directory");
}

void write_file_atomic(const std::string& path, const std::string& text) {
    const std::string tmp = path + ".tmp." + std::to_string(getpid());
    int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot write '" + path + "': " + std::strerror(errno));
    const char* p = text.data();
    std::size_t left = text.size();
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            const std::string reason = std::strerror(errno);
            close(fd);
            unlink(tmp.c_str());
            throw std::runtime_error("cannot write '" + path + "': " + reason);
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp.c_str(), path.c_str()) != 0) {
        const std::string reason = std::strerror(errno);
        unlink(tmp.c_str());
        throw std::runtime_error("cannot write '" + path + "': " + reason);
    }
}

nlohmann::json read_results(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read '" + path + "': " + std::strerror(errno));
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
        throw std::runtime_error("'" + path + "' is not valid JSON (byte " + std::to_string(e.byte) + ")");
    }
    if (!j.is_object() || !j.contains("schema") || !j["schema"].is_string())
        throw std::runtime_error("'" + path + "' is not a pymembench results file (no \"schema\")");
    if (j["schema"] != kResultsSchema)
        throw std::runtime_error("'" + path + "' has schema " + j["schema"].get<std::string>() + " (accepted: " +
                                 kResultsSchema + ")");
    if (!j.contains("runs") || !j["runs"].is_array())
        throw std::runtime_error("'" + path + "' has no \"runs\" array");
    return j;
}

}  // namespace pmb
