// ResultsSaver: where a running matrix keeps its results, so that no measured run is lost to a
// full disk or a vanished directory.
//
// save() rewrites the results file and its CSV (write_file_atomic) after every run. A write that
// fails is retried (3 attempts, 0.5 s then 2 s apart: a full disk may be freed meanwhile). When
// the named path still cannot be written, the document goes to a rescue file instead, the first
// of $TMPDIR, /tmp and /dev/shm that takes it (pymembench-unsaved-PID.json and .csv), and every
// later save goes there too. When no rescue file can be written either, the last document is
// printed on standard output, which is then its only copy.
//
// Invariants: failed() is false until a save has failed for good, then stays true; rescue_path()
// is "" unless a rescue file holds the latest document. The caller reports the failure with
// failure_message() and exits with kExitResultsUnwritten, which is not "bad input".
#pragma once

#include <stdexcept>
#include <string>

namespace pmb {

inline constexpr int kExitResultsUnwritten = 4;

// Thrown once the matrix has ended when its results could not be written where asked.
class ResultsWriteError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ResultsSaver {
public:
    ResultsSaver(std::string json_path, std::string csv_path);
    void save(const std::string& json_text, const std::string& csv_text);
    bool failed() const { return !failure_.empty(); }
    const std::string& rescue_path() const { return rescue_json_; }
    // One line: what could not be written and why, and where the runs are instead.
    std::string failure_message(std::size_t runs) const;

private:
    bool write_retrying(const std::string& json_path, const std::string& csv_path, const std::string& json_text,
                        const std::string& csv_text, std::string& reason, int attempts);
    std::string json_path_, csv_path_;
    std::string failure_;                   // why the named path could not be written
    std::string rescue_json_, rescue_csv_;  // where the document is instead ("" when nowhere)
    bool on_stdout_ = false;
};

}  // namespace pmb
