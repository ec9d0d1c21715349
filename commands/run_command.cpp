// `run`: the matrix allocators x collectors x workloads x repetitions, one process per run
// (harness/matrix_runner.h); a summary table, and the results as JSON and CSV. SIGINT or SIGTERM
// stops it after the run in progress, keeping every finished run (exit 130).
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

#include "allocators/registry.h"
#include "collectors/registry.h"
#include "commands/command.h"
#include "commands/option_checks.h"
#include "harness/matrix_runner.h"
#include "measure/metadata.h"
#include "results/results_csv.h"
#include "results/results_file.h"
#include "results/run_summaries.h"
#include "workloads/registry.h"

namespace pmb {
namespace {

std::atomic<bool> g_stop{false};

void on_interrupt(int) { g_stop = true; }

// "all" in an axis' list stands for that axis' default (the whole default matrix's names).
std::vector<std::string> expand_all(const std::vector<std::string>& names, const std::vector<std::string>& all) {
    std::vector<std::string> out;
    for (const std::string& n : names) {
        if (n == "all") out.insert(out.end(), all.begin(), all.end());
        else out.push_back(n);
    }
    return out;
}

std::string self_executable() {
    std::error_code ec;
    auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("/proc/self/exe") : p.string();
}

class RunCommand final : public Command {
public:
    RunCommand() {
        for (const AllocatorEntry& e : allocator_registry())
            if (e.in_default_matrix) matrix_.allocators.push_back(e.name);
        matrix_.collectors = default_matrix_collectors();
        matrix_.workloads = workload_names(WorkloadAvailability::default_matrix);
        defaults_ = matrix_;
        matrix_.reps = 3;
        matrix_.warmup = 1;
        matrix_.limits.timeout_s = 600;
#ifndef PMB_SANITIZER_BUILD
        matrix_.limits.memory_bytes = std::size_t{16} << 30;
#endif
        memory_limit_gib_ = static_cast<double>(matrix_.limits.memory_bytes) / (1 << 30);
    }

    void declare(CLI::App& run) override {
        app_ = &run;
        run.add_option("--allocator,-a", matrix_.allocators,
                       "allocator specs, comma-separated; 'all' is the default matrix's (default: all)")
            ->delimiter(',');
        run.add_option("--collector,-c", matrix_.collectors, "collectors, comma-separated (default: all)")
            ->delimiter(',');
        run.add_option("--workload,-w", matrix_.workloads,
                       "workloads, comma-separated; 'all' is the default matrix's, e.g. all,trace (default: all)")
            ->delimiter(',');
        run.add_option("--param,-p", matrix_.params,
                       "workload parameter key=value or workload.key=value (repeatable; a key repeated is swept)");
        run.add_option("--reps,-r", matrix_.reps, "repetitions per combination, each in a fresh process (default 3)")
            ->check(number_at_least(1, true, "a whole number of repetitions, 1 or more"));
        run.add_option("--seed", matrix_.seed, "seed for every workload's random choices (default 0)");
        run.add_flag("--quick", matrix_.quick,
                     "small scale, one repetition, no warm-up: a smoke test of the whole matrix");
        run.add_option("--warmup", matrix_.warmup,
                       "unrecorded runs of each combination before its first repetition (default 1; 0 with --quick)")
            ->check(number_at_least(0, true, "a whole number of runs, 0 or more"));
        run.add_option("--shard", shard_text_, "run only shard I of N (I/N, 1 <= I <= N) of the matrix; see merge");
        run.add_flag("--no-latency", no_latency_, "do not time each op (only to measure what timing costs)");
        run.add_flag("--no-trash", no_trash_,
                     "no trash censuses (garbage awaiting collection); only to measure what they cost");
        run.add_option("--out,-o", matrix_.out, "results file (JSON; default results/latest.json)");
        run.add_option("--timeout", matrix_.limits.timeout_s, "per-run time limit in seconds, 0 = none (default 600)")
            ->check(number_at_least(0, false, "a number of seconds, 0 (none) or more"));
        run.add_option("--memory-limit", memory_limit_gib_,
                       "per-run address-space limit in GiB, 0 = none (default 16)")
            ->check(number_at_least(0, false, "a number of GiB, 0 (none) or more"));
    }

    int execute(const Invocation& invocation) override {
        MatrixOptions options = matrix_;
        if (options.quick && app_->count("--reps") == 0) options.reps = 1;
        if (options.quick && app_->count("--warmup") == 0) options.warmup = 0;
        if (!shard_text_.empty()) options.shard = parse_shard(shard_text_);
        options.allocators = expand_all(options.allocators, defaults_.allocators);
        options.collectors = expand_all(options.collectors, defaults_.collectors);
        options.workloads = expand_all(options.workloads, defaults_.workloads);
        options.record_latency = !no_latency_;
        options.count_trash = !no_trash_;
        options.limits.memory_bytes = static_cast<std::size_t>(memory_limit_gib_ * (1 << 30));
        return run(options, invocation.command_line);
    }

private:
    static int run(MatrixOptions options, const std::vector<std::string>& command_line) {
        if (options.out.empty()) {
            std::filesystem::create_directories("results");
            options.out = "results/latest.json";
        }
        check_writable(options.out);
        options.worker_executable = self_executable();
        const std::vector<RunSpec> all_specs = expand_matrix(options);
        const std::vector<RunSpec> specs = select_shard(all_specs, options.shard);
        struct sigaction sa {};
        sa.sa_handler = on_interrupt;
        sigaction(SIGINT, &sa, nullptr);
        sigaction(SIGTERM, &sa, nullptr);
        nlohmann::json meta = collect_metadata(command_line, options.seed);
        meta["matrix"] = {{"allocators", options.allocators},
                          {"collectors", options.collectors},
                          {"workloads", options.workloads},
                          {"params", options.params},
                          {"reps", options.reps},
                          {"warmup", options.warmup},
                          {"quick", options.quick},
                          {"seed", options.seed},
                          {"record_latency", options.record_latency},
                          {"timeout_s", options.limits.timeout_s},
                          {"memory_limit_bytes", options.limits.memory_bytes},
                          {"runs_in_matrix", all_specs.size()}};
        if (options.shard.count > 1)
            meta["matrix"]["shard"] = {{"index", options.shard.index}, {"count", options.shard.count}};
        const nlohmann::json doc = run_matrix(options, specs, meta, g_stop);
        if (!doc["summaries"].empty()) std::cout << summaries_table(doc["summaries"]);
        std::size_t failed = 0;
        for (const auto& run : doc["runs"]) failed += run["status"] != "ok";
        std::fprintf(stderr, "pymembench: %zu runs (%zu failed) written to %s and %s\n", doc["runs"].size(), failed,
                     options.out.c_str(), csv_path_for(options.out).c_str());
        if (g_stop) {
            std::fprintf(stderr, "pymembench: interrupted; the %zu finished runs are kept\n", doc["runs"].size());
            return 130;
        }
        return failed ? 1 : 0;
    }

    MatrixOptions matrix_, defaults_;
    double memory_limit_gib_ = 0;
    std::string shard_text_;
    bool no_latency_ = false, no_trash_ = false;
    CLI::App* app_ = nullptr;
};

}  // namespace

CommandEntry run_command() {
    return {"run", "run the matrix allocators x collectors x workloads, one process per run", false, false,
            []() -> std::unique_ptr<Command> { return std::make_unique<RunCommand>(); }};
}

}  // namespace pmb
