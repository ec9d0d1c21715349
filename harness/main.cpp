// pymembench: the command line. Subcommands:
//   list    every allocator, collector and workload, one line each;
//   run     the matrix allocators x collectors x workloads x reps, one process per run;
//   validate each workload's model against its Python twin under the real interpreter;
//   merge   join the shards of one matrix;
//   compare two results files, for CI regression checks;
//   plot    figures and an HTML report of a results file (plot/report.py, matplotlib);
//   record  a real Python program's allocations into a trace; trace-info: what a trace holds;
//   report  tables of a results file (report pauses: the collectors' pauses side by side; report
//           agreement: real programs' allocator times against their trace replays);
//   worker  (internal) one run inside this process, results as JSON on standard output.
// Exit codes: 0 success; 1 some run failed, or compare found a regression (every other run is
// kept); 2 bad input (one line on standard error naming what was wrong and what is accepted).
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <new>
#include <set>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "allocators/registry.h"
#include "collectors/registry.h"
#include "harness/allocator_stress.h"
#include "harness/build_info.h"
#include "harness/matrix_runner.h"
#include "harness/metadata.h"
#include "harness/single_run.h"
#include "harness/trace_commands.h"
#include "harness/validate.h"
#include "results/agreement_table.h"
#include "results/compare_results.h"
#include "results/merge_results.h"
#include "results/pause_table.h"
#include "results/results_csv.h"
#include "results/results_file.h"
#include "results/run_summaries.h"
#include "workloads/registry.h"

namespace {

using namespace pmb;

std::atomic<bool> g_stop{false};

void on_interrupt(int) { g_stop = true; }

std::vector<std::string> all_names(const auto& registry) {
    std::vector<std::string> names;
    for (const auto& e : registry) names.push_back(e.name);
    return names;
}

int command_list() {
    std::printf("allocators:\n");
    for (const AllocatorEntry& e : allocator_registry()) std::printf("  %-10s %s\n", e.name.c_str(), e.description.c_str());
    std::printf("collectors:\n");
    for (const CollectorEntry& e : collector_registry()) std::printf("  %-10s %s\n", e.name.c_str(), e.description.c_str());
    std::printf("workloads:\n");
    auto print_workload = [](const WorkloadEntry& e, const char* note) {
        std::printf("  %-10s %s%s\n", e.name.c_str(), e.description.c_str(), note);
        for (const ParamSpec& p : e.params)
            std::printf("  %10s   %s=%s  %s\n", "", p.name.c_str(),
                        p.is_text ? p.default_text.c_str() : std::to_string(p.default_value).c_str(), p.help.c_str());
    };
    for (const WorkloadEntry& e : workload_registry()) print_workload(e, "");
    for (const WorkloadEntry& e : extra_workload_registry()) print_workload(e, " (run only when named)");
    return 0;
}

std::string self_executable() {
    std::error_code ec;
    auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string("/proc/self/exe") : p.string();
}

int command_run(MatrixOptions options, const std::vector<std::string>& command_line) {
    const bool default_out = options.out.empty();
    if (default_out) {
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

int command_worker(const RunSpec& spec) {
    try {
        const nlohmann::json result = execute_run(spec);
        std::cout << result.dump() << std::endl;
        // A worker's memory dies with it: leaving now skips freeing what the run deliberately
        // leaked (cycles under rc, reported as leaked_objects), which LeakSanitizer would
        // otherwise report at exit in sanitizer builds.
        std::_Exit(0);
    } catch (const std::invalid_argument& e) {  // failures leave at once too: what an embedded
        std::fprintf(stderr, "pymembench worker: %s\n", e.what());  // program left is not ours
        std::_Exit(2);
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr, "pymembench worker: out of memory\n");
        std::_Exit(3);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pymembench worker: %s\n", e.what());
        std::_Exit(1);
    }
}

// Percent ("5%" or "5") as a fraction.
double parse_percent(const std::string& text, const std::string& what) {
    std::string t = text;
    if (!t.empty() && t.back() == '%') t.pop_back();
    std::size_t used = 0;
    double v = -1;
    try {
        v = std::stod(t, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (t.empty() || used != t.size() || !(v >= 0) || v >= 1000)
        throw std::invalid_argument(what + " '" + text + "' is not a percentage (e.g. 5% or 12.5%)");
    return v / 100;
}

int command_compare(const std::string& base_path, const std::string& cand_path, const std::vector<std::string>& thresholds,
                    const std::vector<std::string>& metrics, double alpha, bool no_correction, bool markdown, bool json,
                    bool all_rows) {
    CompareOptions options;
    options.alpha = alpha;
    options.holm = !no_correction;
    if (!metrics.empty()) options.metrics = metrics;
    for (const std::string& t : thresholds) {
        const auto eq = t.find('=');
        if (eq == std::string::npos) options.threshold = parse_percent(t, "--threshold");
        else options.thresholds[resolve_metric_name(t.substr(0, eq))] = parse_percent(t.substr(eq + 1), "--threshold");
    }
    const nlohmann::json base = read_results(base_path), candidate = read_results(cand_path);
    nlohmann::json comparison = compare_results(base, candidate, options);
    comparison["base"] = base_path;
    comparison["candidate"] = cand_path;
    if (json) std::cout << comparison.dump(1) << "\n";
    else if (markdown) std::cout << comparison_markdown(comparison);
    else std::cout << comparison_table(comparison, all_rows);
    return comparison["regressions"].get<std::size_t>() > 0 ? 1 : 0;
}

// `plot`: the plotting code is Python (plot/report.py, matplotlib); run it under the Python this
// build was configured with, passing the arguments through.
int command_plot(const std::vector<std::string>& args) {
    const std::string script = std::string(kSourceDir) + "/plot/report.py";
    std::vector<std::string> argv = {kPythonExecutable, script};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> c_argv;
    for (std::string& a : argv) c_argv.push_back(a.data());
    c_argv.push_back(nullptr);
    execv(kPythonExecutable, c_argv.data());
    std::fprintf(stderr, "pymembench plot: cannot run %s: %s\n", kPythonExecutable, std::strerror(errno));
    return 2;
}

int command_merge(const std::vector<std::string>& inputs, const std::string& out, bool repetitions) {
    check_writable(out);
    std::vector<std::pair<std::string, nlohmann::json>> files;
    for (const std::string& path : inputs) files.emplace_back(path, read_results(path));
    const nlohmann::json merged = repetitions ? merge_repetitions(files) : merge_results(files);
    std::set<std::string> cpus;
    for (const auto& shard : merged["meta"].value("shards", nlohmann::json::array()))
        cpus.insert(shard["host"].value("cpu_model", "unknown"));
    if (cpus.size() > 1)
        std::fprintf(stderr, "pymembench: note: the shards ran on %zu different CPU models; figures across shards "
                     "compare machines too\n", cpus.size());
    write_file_atomic(out, merged.dump(1) + "\n");
    write_file_atomic(csv_path_for(out), runs_csv(merged["runs"]));
    std::fprintf(stderr, "pymembench: %zu runs from %zu files written to %s%s\n", merged["runs"].size(), files.size(),
                 out.c_str(), merged["meta"]["complete"].get<bool>() ? "" : " (some shards are missing or unfinished)");
    return 0;
}

// "all" in an axis' list stands for that axis' default (the whole default matrix's names).
std::vector<std::string> expand_all(const std::vector<std::string>& names, const std::vector<std::string>& all) {
    std::vector<std::string> out;
    for (const std::string& n : names) {
        if (n == "all") out.insert(out.end(), all.begin(), all.end());
        else out.push_back(n);
    }
    return out;
}

std::map<std::string, std::string> parse_params(const std::vector<std::string>& kvs) {
    std::map<std::string, std::string> out;
    for (const std::string& kv : kvs) {
        auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0)
            throw std::invalid_argument("--param '" + kv + "' is not of the form key=value");
        out[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    const std::vector<std::string> command_line(argv, argv + argc);
    CLI::App app{"pymembench: which allocator and which reclamation strategy serve Python-shaped programs best"};
    app.require_subcommand(1);

    app.add_subcommand("list", "print every allocator, collector and workload, one line each");

    MatrixOptions matrix;
    matrix.allocators = all_names(allocator_registry());
    std::erase(matrix.allocators, "preload");  // needs a path: only when asked for
    std::erase(matrix.allocators, "slow");     // a decorator: only when asked for
    matrix.collectors = all_names(collector_registry());
    matrix.workloads = all_names(workload_registry());
    const MatrixOptions defaults = matrix;
    matrix.reps = 3;
    matrix.limits.timeout_s = 600;
#ifndef PMB_SANITIZER_BUILD
    matrix.limits.memory_bytes = std::size_t{16} << 30;
#endif
    double memory_limit_gib = static_cast<double>(matrix.limits.memory_bytes) / (1 << 30);
    CLI::App* run = app.add_subcommand("run", "run the matrix allocators x collectors x workloads, one process per run");
    run->add_option("--allocator,-a", matrix.allocators,
                    "allocator specs, comma-separated; 'all' is the default matrix's (default: all)")
        ->delimiter(',');
    run->add_option("--collector,-c", matrix.collectors, "collectors, comma-separated (default: all)")->delimiter(',');
    run->add_option("--workload,-w", matrix.workloads,
                    "workloads, comma-separated; 'all' is the default matrix's, e.g. all,trace (default: all)")
        ->delimiter(',');
    run->add_option("--param,-p", matrix.params,
                    "workload parameter key=value or workload.key=value (repeatable; a key repeated is swept)");
    run->add_option("--reps,-r", matrix.reps, "repetitions per combination, each in a fresh process (default 3)")
        ->check(CLI::PositiveNumber);
    run->add_option("--seed", matrix.seed, "seed for every workload's random choices (default 0)");
    run->add_flag("--quick", matrix.quick, "small scale, one repetition, no warm-up: a smoke test of the whole matrix");
    matrix.warmup = 1;
    run->add_option("--warmup", matrix.warmup,
                    "unrecorded runs of each combination before its first repetition (default 1; 0 with --quick)")
        ->check(CLI::NonNegativeNumber);
    std::string shard_text;
    run->add_option("--shard", shard_text, "run only shard I of N (I/N, 1 <= I <= N) of the matrix; see merge");
    bool no_latency = false;
    run->add_flag("--no-latency", no_latency, "do not time each op (only to measure what timing costs)");
    run->add_option("--out,-o", matrix.out, "results file (JSON; default results/latest.json)");
    run->add_option("--timeout", matrix.limits.timeout_s, "per-run time limit in seconds, 0 = none (default 600)")
        ->check(CLI::NonNegativeNumber);
    run->add_option("--memory-limit", memory_limit_gib, "per-run address-space limit in GiB, 0 = none (default 16)")
        ->check(CLI::NonNegativeNumber);

    RunSpec worker_spec;
    std::vector<std::string> worker_params;
    CLI::App* worker = app.add_subcommand("worker", "");  // internal: one run in this process
    worker->group("");
    worker->add_option("--allocator", worker_spec.allocator)->required();
    worker->add_option("--collector", worker_spec.collector)->required();
    worker->add_option("--workload", worker_spec.workload)->required();
    worker->add_option("--param", worker_params);
    worker->add_option("--seed", worker_spec.seed);
    worker->add_option("--rep", worker_spec.rep);
    bool worker_no_latency = false, worker_alternate = false;
    worker->add_flag("--no-latency", worker_no_latency);
    worker->add_flag("--latency-alternate", worker_alternate);

    const std::string first = argc > 1 ? argv[1] : "";
    if (first == "plot") return command_plot(std::vector<std::string>(argv + 2, argv + argc));
    // record's arguments end with a whole command line of the program's own: parsed here.
    if (first == "record") return command_record(std::vector<std::string>(argv + 2, argv + argc), command_line);
    if (!first.empty() && first[0] != '-' && first != "list" && first != "run" && first != "worker" &&
        first != "stress-allocator" && first != "validate" && first != "merge" && first != "compare" &&
        first != "record" && first != "trace-info" && first != "report") {
        std::fprintf(stderr,
                     "pymembench: unknown command '%s' (accepted: list, run, validate, merge, compare, plot, record, "
                     "trace-info, report)\n",
                     argv[1]);
        return 2;
    }
    ValidateOptions validate;
    bool validate_json = false;
    CLI::App* validate_cmd = app.add_subcommand(
        "validate", "check each workload's model against its Python twin under the real interpreter");
    validate_cmd->add_option("--workload,-w", validate.workloads, "workloads, comma-separated (default: all)")
        ->delimiter(',');
    validate_cmd->add_option("--param,-p", validate.params, "parameter key=value or workload.key=value (repeatable)");
    validate_cmd->add_option("--seed", validate.seed, "seed (default 0)");
    validate_cmd->add_option("--python", validate.python, "Python 3.11 interpreter (default: the system's)");
    validate_cmd->add_flag("--json", validate_json, "print the table as JSON");
    validate_cmd->add_flag("--quick", validate.quick, "each workload's small-scale parameters");

    std::vector<std::string> merge_inputs;
    std::string merge_out;
    CLI::App* merge_cmd =
        app.add_subcommand("merge", "join the shards of one matrix (run --shard I/N) into one results file");
    merge_cmd->add_option("files", merge_inputs, "the shards' results files")->required();
    merge_cmd->add_option("--out,-o", merge_out, "the merged results file (JSON; CSV beside it)")->required();
    bool merge_as_repetitions = false;
    merge_cmd->add_flag("--repetitions", merge_as_repetitions,
                        "the files are repeated runs of one matrix, not shards: renumber their repetitions");

    std::string compare_base, compare_cand;
    std::vector<std::string> compare_thresholds, compare_metrics;
    double compare_alpha = 0.05;
    bool compare_markdown = false, compare_json = false, compare_all = false;
    CLI::App* compare_cmd = app.add_subcommand(
        "compare", "compare two results files; exit 1 when a change is a significant regression beyond its threshold");
    compare_cmd->add_option("base", compare_base, "the baseline results file")->required();
    compare_cmd->add_option("candidate", compare_cand, "the candidate results file")->required();
    compare_cmd->add_option("--threshold,-t", compare_thresholds,
                            "relative change that matters: P% for every metric, or METRIC=P% (repeatable; default 5%)");
    compare_cmd->add_option("--metric,-m", compare_metrics,
                            "metrics compared (default: throughput,p99,gc_pause,rss)")->delimiter(',');
    compare_cmd->add_option("--alpha", compare_alpha, "significance level of the Mann-Whitney U test (default 0.05)");
    bool compare_no_correction = false;
    compare_cmd->add_flag("--no-correction", compare_no_correction,
                          "judge each figure on its own p-value (default: Holm-adjusted over every figure compared)");
    compare_cmd->add_flag("--markdown", compare_markdown, "Markdown for a CI job summary");
    compare_cmd->add_flag("--json", compare_json, "JSON");
    compare_cmd->add_flag("--all", compare_all, "every compared figure, not only the changes");

    std::string trace_info_path;
    bool trace_info_json = false;
    CLI::App* trace_info_cmd =
        app.add_subcommand("trace-info", "what a trace holds: events, sizes, lifetimes, peak live bytes");
    trace_info_cmd->add_option("trace", trace_info_path, "the trace file")->required();
    trace_info_cmd->add_flag("--json", trace_info_json, "print it as JSON");

    std::string report_kind, report_file, report_allocator;
    bool report_markdown = false, report_json = false;
    CLI::App* report_cmd = app.add_subcommand("report", "tables of a results file: report pauses|agreement RESULTS.json");
    report_cmd->add_option("kind", report_kind, "the table: pauses, agreement")->required();
    report_cmd->add_option("results", report_file, "the results file")->required();
    report_cmd->add_option("--allocator,-a", report_allocator, "report pauses: the allocator whose runs are "
                           "shown (default: pool, else the first)");
    report_cmd->add_flag("--markdown", report_markdown, "Markdown");
    report_cmd->add_flag("--json", report_json, "JSON");

    std::string stress_spec;
    StressOptions stress;
    CLI::App* stress_cmd = app.add_subcommand("stress-allocator", "");  // internal: allocator torture test
    stress_cmd->group("");
    stress_cmd->add_option("--allocator", stress_spec)->required();
    stress_cmd->add_option("--ops", stress.ops);
    stress_cmd->add_option("--seed", stress.seed);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "pymembench: %s (see pymembench --help)\n", e.what());
        return 2;
    }

    try {
        if (app.got_subcommand("list")) return command_list();
        if (app.got_subcommand("worker")) {
            worker_spec.params = parse_params(worker_params);
            worker_spec.latency = worker_alternate    ? LatencyMode::alternate
                                  : worker_no_latency ? LatencyMode::off
                                                      : LatencyMode::record;
            return command_worker(worker_spec);
        }
        if (app.got_subcommand("validate")) {
            if (validate.workloads.empty()) validate.workloads = all_names(workload_registry());
            const nlohmann::json rows = validate_workloads(validate);
            std::cout << (validate_json ? rows.dump(1) + "\n" : validate_table(rows));
            bool ok = true;
            for (const auto& r : rows) ok &= r["ok"].get<bool>();
            return ok ? 0 : 1;
        }
        if (app.got_subcommand("stress-allocator")) {
            const AllocatorSpec spec = parse_allocator_spec(stress_spec);
            const AllocatorEntry* entry = find_allocator(spec.name);
            if (entry == nullptr) throw std::invalid_argument("unknown allocator '" + stress_spec + "'");
            auto allocator = entry->make(spec.options);
            const std::string failure = stress_allocator(allocator->ops(), stress);
            std::printf("%s: %s\n", allocator->identity().library.c_str(), failure.empty() ? "ok" : failure.c_str());
            return failure.empty() ? 0 : 1;
        }
        if (app.got_subcommand("report")) {
            if (report_kind == "agreement") {
                if (!report_allocator.empty())
                    throw std::invalid_argument("--allocator applies to report pauses only (agreement compares every "
                                                "allocator)");
                const nlohmann::json table = agreement_table(read_results(report_file));
                std::cout << (report_json       ? table.dump(1) + "\n"
                              : report_markdown ? agreement_table_markdown(table)
                                                : agreement_table_text(table));
                return 0;
            }
            if (report_kind != "pauses")
                throw std::invalid_argument("unknown report '" + report_kind + "' (accepted: pauses, agreement)");
            const nlohmann::json table = pause_table(read_results(report_file), report_allocator);
            std::cout << (report_json ? table.dump(1) + "\n" : report_markdown ? pause_table_markdown(table)
                                                                              : pause_table_text(table));
            return 0;
        }
        if (app.got_subcommand("trace-info")) return command_trace_info(trace_info_path, trace_info_json);
        if (app.got_subcommand("merge")) return command_merge(merge_inputs, merge_out, merge_as_repetitions);
        if (app.got_subcommand("compare"))
            return command_compare(compare_base, compare_cand, compare_thresholds, compare_metrics, compare_alpha,
                                   compare_no_correction, compare_markdown, compare_json, compare_all);
        if (matrix.quick && run->count("--reps") == 0) matrix.reps = 1;
        if (matrix.quick && run->count("--warmup") == 0) matrix.warmup = 0;
        if (!shard_text.empty()) matrix.shard = parse_shard(shard_text);
        matrix.allocators = expand_all(matrix.allocators, defaults.allocators);
        matrix.collectors = expand_all(matrix.collectors, defaults.collectors);
        matrix.workloads = expand_all(matrix.workloads, defaults.workloads);
        matrix.record_latency = !no_latency;
        matrix.limits.memory_bytes = static_cast<std::size_t>(memory_limit_gib * (1 << 30));
        return command_run(matrix, command_line);
    } catch (const std::invalid_argument& e) {
        std::fprintf(stderr, "pymembench: %s\n", e.what());
        return 2;
    } catch (const std::runtime_error& e) {
        std::fprintf(stderr, "pymembench: %s\n", e.what());
        return 2;
    }
}
