// How the agent (harness/python_agent.cpp, harness/agent_recording.cpp) sends what it measured to
// the pymembench process that started python3.11 (harness/python_child.h): one JSON object and a
// newline on the results descriptor, which is then closed (the reader reads to end of file).
#pragma once

#include <unistd.h>

#include <string>

#include <nlohmann/json.hpp>

namespace pmb {

// Writes `results` to `fd` and closes it; `fd` becomes -1, so a second call sends nothing.
inline void send_results(int& fd, const nlohmann::json& results) {
    if (fd < 0) return;
    const std::string text = results.dump() + "\n";
    for (std::size_t done = 0; done < text.size();) {
        const ssize_t n = write(fd, text.data() + done, text.size() - done);
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    close(fd);
    fd = -1;
}

}  // namespace pmb
