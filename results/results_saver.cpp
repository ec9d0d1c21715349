#include "results/results_saver.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "results/results_file.h"

namespace pmb {

ResultsSaver::ResultsSaver(std::string json_path, std::string csv_path)
    : json_path_(std::move(json_path)), csv_path_(std::move(csv_path)) {}

bool ResultsSaver::write_retrying(const std::string& json_path, const std::string& csv_path,
                                  const std::string& json_text, const std::string& csv_text, std::string& reason,
                                  int attempts) {
    static constexpr double kBackoff_s[] = {0.5, 2.0};
    for (int attempt = 0; attempt < attempts; ++attempt) {
        if (attempt > 0)
            std::this_thread::sleep_for(std::chrono::duration<double>(kBackoff_s[std::min(attempt - 1, 1)]));
        try {
            write_file_atomic(json_path, json_text);
            write_file_atomic(csv_path, csv_text);
            return true;
        } catch (const std::runtime_error& e) {
            reason = e.what();
        }
    }
    return false;
}

void ResultsSaver::save(const std::string& json_text, const std::string& csv_text) {
    std::string reason;
    if (!failed()) {
        if (write_retrying(json_path_, csv_path_, json_text, csv_text, reason, 3)) return;
        failure_ = reason;
    }
    if (!rescue_json_.empty() && write_retrying(rescue_json_, rescue_csv_, json_text, csv_text, reason, 1)) return;
    rescue_json_.clear();
    rescue_csv_.clear();
    const char* tmpdir = std::getenv("TMPDIR");
    for (const std::string& dir : {std::string(tmpdir ? tmpdir : ""), std::string("/tmp"), std::string("/dev/shm")}) {
        if (dir.empty()) continue;
        const std::string stem = dir + "/pymembench-unsaved-" + std::to_string(getpid());
        if (write_retrying(stem + ".json", stem + ".csv", json_text, csv_text, reason, 1)) {
            rescue_json_ = stem + ".json";
            rescue_csv_ = stem + ".csv";
            return;
        }
    }
    on_stdout_ = true;
    std::fwrite(json_text.data(), 1, json_text.size(), stdout);
    std::fflush(stdout);
}

std::string ResultsSaver::failure_message(std::size_t runs) const {
    const std::string where = !rescue_json_.empty() ? "they are in " + rescue_json_ + " and " + rescue_csv_
                              : on_stdout_          ? "no rescue file could be written either, so they were printed "
                                                      "on standard output"
                                                    : "nowhere";
    return failure_ + " (after 3 attempts); the " + std::to_string(runs) + " measured runs are kept: " + where;
}

}  // namespace pmb
