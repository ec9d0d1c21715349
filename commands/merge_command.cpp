// `merge FILES.. --out MERGED`: the shards of one matrix (run --shard I/N), or with --repetitions
// repeated runs of one matrix, joined into one results file and its CSV.
#include <cstdio>
#include <set>

#include <CLI/CLI.hpp>

#include "commands/command.h"
#include "results/results_saver.h"
#include "results/merge_results.h"
#include "results/results_csv.h"
#include "results/results_file.h"

namespace pmb {
namespace {

class MergeCommand final : public Command {
public:
    void declare(CLI::App& merge) override {
        merge.add_option("files", inputs_, "the shards' results files")->required();
        merge.add_option("--out,-o", out_, "the merged results file (JSON; CSV beside it)")->required();
        merge.add_flag("--repetitions", repetitions_,
                       "the files are repeated runs of one matrix, not shards: renumber their repetitions");
    }

    int execute(const Invocation&) override {
        check_writable(out_);
        std::vector<std::pair<std::string, nlohmann::json>> files;
        for (const std::string& path : inputs_) files.emplace_back(path, read_results(path));
        const nlohmann::json merged = repetitions_ ? merge_repetitions(files) : merge_results(files);
        std::set<std::string> cpus;
        for (const auto& shard : merged["meta"].value("shards", nlohmann::json::array()))
            cpus.insert(shard["host"].value("cpu_model", "unknown"));
        if (cpus.size() > 1)
            std::fprintf(stderr, "pymembench: note: the shards ran on %zu different CPU models; figures across shards "
                         "compare machines too\n", cpus.size());
        try {  // nothing measured is lost: the inputs are untouched; but it is no bad input either
            write_file_atomic(out_, merged.dump(1) + "\n");
            write_file_atomic(csv_path_for(out_), runs_csv(merged["runs"]));
        } catch (const std::runtime_error& e) {
            throw ResultsWriteError(std::string(e.what()) + "; the input files are unchanged");
        }
        std::fprintf(stderr, "pymembench: %zu runs from %zu files written to %s%s\n", merged["runs"].size(),
                     files.size(), out_.c_str(),
                     merged["meta"]["complete"].get<bool>() ? "" : " (some shards are missing or unfinished)");
        return 0;
    }

private:
    std::vector<std::string> inputs_;
    std::string out_;
    bool repetitions_ = false;
};

}  // namespace

CommandEntry merge_command() {
    return {"merge", "join the shards of one matrix (run --shard I/N) into one results file", false, false,
            []() -> std::unique_ptr<Command> { return std::make_unique<MergeCommand>(); }};
}

}  // namespace pmb
