#include "harness/matrix_runner.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <stdexcept>

#include "allocators/registry.h"
#include "measure/key_value.h"
#include "measure/metadata.h"
#include "harness/progress_display.h"
#include "harness/single_run.h"
#include "results/results_csv.h"
#include "results/results_file.h"
#include "results/results_saver.h"
#include "results/run_summaries.h"
#include "workloads/registry.h"

namespace pmb {
namespace {

// The parameter settings `w` runs with: its quick values under --quick, then every --param that
// applies to it. A key given more than once is swept: one setting per value, in the order given
// (and for several swept keys, every combination of their values).
std::vector<std::map<std::string, std::string>> params_for(const WorkloadEntry& w, const MatrixOptions& options) {
    std::map<std::string, std::vector<std::string>> given;
    std::vector<std::string> order;
    for (const std::string& kv : options.params) {
        const KeyValue item = split_key_value(kv);
        if (!item.has_value || item.key.empty())
            throw std::invalid_argument("--param '" + kv + "' is not of the form key=value or workload.key=value");
        std::string key = item.key;
        const std::string& value = item.value;
        auto dot = key.find('.');
        if (dot != std::string::npos) {
            if (key.substr(0, dot) != w.name) continue;
            key = key.substr(dot + 1);
        } else {
            bool declared = false;
            for (const ParamSpec& s : w.params) declared |= s.name == key;
            if (!declared) continue;
        }
        auto& values = given[key];
        if (values.empty()) order.push_back(key);
        if (std::find(values.begin(), values.end(), value) == values.end()) values.push_back(value);
    }
    std::vector<std::map<std::string, std::string>> settings = {options.quick ? w.quick : std::map<std::string, std::string>{}};
    for (const std::string& key : order) {
        std::vector<std::map<std::string, std::string>> next;
        for (const auto& base : settings)
            for (const std::string& value : given[key]) {
                auto setting = base;
                setting[key] = value;
                next.push_back(setting);
            }
        settings = std::move(next);
    }
    return settings;
}

// A bare key must belong to at least one selected workload, or it is a typo.
void check_bare_params(const MatrixOptions& options) {
    for (const std::string& kv : options.params) {
        const KeyValue item = split_key_value(kv);
        const std::string& key = item.key;
        if (key.find('.') != std::string::npos) {
            const std::string wname = key.substr(0, key.find('.'));
            bool selected = false;
            for (const std::string& w : options.workloads) selected |= (w == wname);
            if (!selected)
                throw std::invalid_argument("--param '" + kv + "' names workload '" + wname + "', which is not selected");
            const WorkloadEntry* w = find_workload(wname);
            Params::resolve(wname, w->params, {{key.substr(key.find('.') + 1), item.value}});
            continue;
        }
        bool known = false;
        std::string accepted;
        for (const std::string& wname : options.workloads) {
            const WorkloadEntry* w = find_workload(wname);
            if (w == nullptr) continue;
            for (const ParamSpec& s : w->params) {
                known |= (s.name == key);
                accepted += (accepted.empty() ? "" : ", ") + w->name + "." + s.name;
            }
        }
        if (!known)
            throw std::invalid_argument("unknown parameter '" + key + "' for the selected workloads (accepted: " +
                                        accepted + ")");
    }
}

std::string signal_name(int sig) {
    const char* abbrev = sigabbrev_np(sig);
    return abbrev != nullptr ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

std::string last_line(const std::string& text) {
    std::string t = text;
    while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
    auto nl = t.rfind('\n');
    return nl == std::string::npos ? t : t.substr(nl + 1);
}

}  // namespace

std::vector<RunSpec> expand_matrix(const MatrixOptions& options) {
    if (options.reps < 1) throw std::invalid_argument("--reps must be at least 1");
    if (options.allocators.empty() || options.collectors.empty() || options.workloads.empty())
        throw std::invalid_argument("the matrix needs at least one allocator, collector and workload");
    // Names first, so a typo is reported as such rather than as a parameter problem.
    // A collector that does not apply to a workload (incremental for a real program) is skipped
    // for it, unless no selected collector applies.
    for (const std::string& w : options.workloads) {
        const WorkloadEntry* entry = find_workload(w);
        bool any = entry == nullptr;
        for (const std::string& c : options.collectors) any |= entry == nullptr || collector_applies(*entry, c);
        for (const std::string& a : options.allocators)
            for (const std::string& c : options.collectors)
                if (!any || entry == nullptr || collector_applies(*entry, c)) validate_run_spec({a, c, w, {}, 0, 0}, false);
    }
    check_bare_params(options);
    std::vector<RunSpec> combos;
    for (const std::string& wname : options.workloads) {
        const WorkloadEntry* w = find_workload(wname);
        // A workload that makes no objects runs under the first collector only.
        std::vector<std::string> collectors;
        for (const std::string& c : options.collectors)
            if (collector_applies(*w, c)) collectors.push_back(c);
        if (!w->uses_collector) collectors.resize(1);
        for (const auto& params : params_for(*w, options))
            for (const std::string& a : options.allocators)
                for (const std::string& c : collectors) {
                    RunSpec spec{a, c, wname, params, options.seed, 0};
                    validate_run_spec(spec);
                    combos.push_back(spec);
                }
    }
    std::vector<RunSpec> specs;
    for (int rep = 0; rep < options.reps; ++rep)
        for (std::size_t c = 0; c < combos.size(); ++c) {
            RunSpec spec = combos[c];
            spec.rep = rep;
            spec.latency = options.record_latency ? LatencyMode::record : LatencyMode::off;
            spec.trash = options.count_trash;
            spec.combination = c;
            spec.index = specs.size();
            specs.push_back(spec);
        }
    return specs;
}

Shard parse_shard(const std::string& text) {
    const auto slash = text.find('/');
    auto number = [&](const std::string& part) {
        if (part.empty() || part.size() > 6 || part.find_first_not_of("0123456789") != std::string::npos) return -1;
        return std::stoi(part);
    };
    const int index = slash == std::string::npos ? -1 : number(text.substr(0, slash));
    const int count = slash == std::string::npos ? -1 : number(text.substr(slash + 1));
    if (index < 1 || count < 1 || index > count)
        throw std::invalid_argument("--shard '" + text + "' is not of the form I/N with 1 <= I <= N (e.g. 2/4)");
    return {index, count};
}

std::vector<RunSpec> select_shard(const std::vector<RunSpec>& specs, Shard shard) {
    std::vector<RunSpec> out;
    for (const RunSpec& spec : specs)
        if (spec.combination % static_cast<std::size_t>(shard.count) == static_cast<std::size_t>(shard.index - 1))
            out.push_back(spec);
    return out;
}

nlohmann::json run_record(const RunSpec& spec, const ProcessOutcome& outcome) {
    nlohmann::json run = {{"index", spec.index},   {"allocator", spec.allocator}, {"collector", spec.collector},
                          {"workload", spec.workload}, {"params", spec.params},       {"seed", spec.seed},
                          {"rep", spec.rep},           {"status", "ok"},              {"error", nullptr}};
    run["process"] = {{"wall_s", outcome.wall_s},
                      {"user_s", static_cast<double>(outcome.usage.ru_utime.tv_sec) +
                                     static_cast<double>(outcome.usage.ru_utime.tv_usec) * 1e-6},
                      {"sys_s", static_cast<double>(outcome.usage.ru_stime.tv_sec) +
                                    static_cast<double>(outcome.usage.ru_stime.tv_usec) * 1e-6},
                      {"rusage_maxrss_bytes", static_cast<std::uint64_t>(outcome.usage.ru_maxrss) * 1024},
                      {"minor_faults", outcome.usage.ru_minflt},
                      {"major_faults", outcome.usage.ru_majflt},
                      {"exit_code", outcome.exit_code},
                      {"signal", outcome.term_signal}};
    auto fail = [&](const std::string& status, const std::string& error) {
        run["status"] = status;
        run["error"] = error;
        // What the worker (and a real program run in it) last wrote to standard error.
        constexpr std::size_t kTail = 4096;
        const std::string& err = outcome.err;
        run["stderr_tail"] = err.size() > kTail ? err.substr(err.size() - kTail) : err;
    };
    if (!outcome.started) {
        fail("error", "could not start the worker process");
    } else if (outcome.timed_out) {
        fail("timeout", "exceeded the time limit");
    } else if (outcome.term_signal != 0) {
        std::string detail = last_line(outcome.err);
        fail("crashed", "killed by " + signal_name(outcome.term_signal) + (detail.empty() ? "" : ": " + detail));
    } else if (outcome.exit_code != 0) {
        std::string detail = last_line(outcome.err);
        fail(outcome.exit_code == 3 ? "out_of_memory" : "error",
             detail.empty() ? "worker exited with code " + std::to_string(outcome.exit_code) : detail);
    } else {
        try {
            nlohmann::json measured = nlohmann::json::parse(outcome.out);
            // "params" stays the combination's overrides (what identifies it, whether or not
            // the run succeeded); the worker's complete parameter set is "resolved_params".
            for (auto& [key, value] : measured.items()) run[key == "params" ? "resolved_params" : key] = value;
            // The kernel's high-water mark of the worker's own address space.
            const auto peak_rss = measured.value("vm_hwm_bytes", std::uint64_t{0});
            const auto peak_live = measured.value("peak_live_bytes", std::uint64_t{0});
            run["peak_rss_bytes"] = peak_rss;
            run["memory_overhead"] = peak_live ? nlohmann::json(static_cast<double>(peak_rss) / static_cast<double>(peak_live))
                                               : nlohmann::json(nullptr);
            run["minor_faults"] = outcome.usage.ru_minflt;
        } catch (const nlohmann::json::exception&) {
            fail("error", "worker printed no valid result");
        }
    }
    return run;
}

nlohmann::json run_matrix(const MatrixOptions& options, const std::vector<RunSpec>& specs, const nlohmann::json& meta,
                          const std::atomic<bool>& stop) {
    nlohmann::json doc = {{"schema", kResultsSchema}, {"meta", meta}, {"runs", nlohmann::json::array()}};
    doc["meta"]["allocator_versions"] = nlohmann::json::object();
    ResultsSaver saver(options.out, options.out.empty() ? "" : csv_path_for(options.out));
    auto save = [&] {
        doc["summaries"] = summarize_runs(doc["runs"]);
        if (options.out.empty()) return;
        saver.save(doc.dump(1) + "\n", runs_csv(doc["runs"]));
    };
    std::map<std::size_t, std::size_t> remaining;  // combination -> runs left, warm-ups included
    for (const RunSpec& spec : specs) remaining[spec.combination] += 1 + (spec.rep == 0 ? options.warmup : 0);
    std::size_t total = 0;
    for (const auto& [c, n] : remaining) total += n;
    ProgressDisplay progress(total, isatty(STDERR_FILENO) != 0);

    // One worker process for `spec`; nullopt when the run was cut short by the interrupt.
    auto run_one = [&](const RunSpec& spec, const std::string& label) -> std::optional<ProcessOutcome> {
        const AllocatorSpec aspec = parse_allocator_spec(spec.allocator);
        std::vector<std::string> env;
        const std::string preload = find_allocator(aspec.name)->preload(aspec.options);
        if (!preload.empty()) env.push_back("LD_PRELOAD=" + preload);
        std::vector<std::string> argv = {options.worker_executable};
        for (std::string& a : spec.worker_args()) argv.push_back(std::move(a));
        progress.begin(label, remaining);
        ProcessOutcome outcome = run_process(argv, env, options.limits, &stop);
        if (stop || outcome.stopped) return std::nullopt;
        --remaining[spec.combination];
        return outcome;
    };

    std::size_t done = 0;
    for (const RunSpec& spec : specs) {
        if (stop) break;
        bool interrupted = false;
        for (int w = 0; spec.rep == 0 && w < options.warmup && !interrupted; ++w) {
            auto outcome = run_one(spec, spec.label() + " warm-up");
            if (!outcome) interrupted = true;
            else progress.end(spec.combination, outcome->wall_s);
        }
        if (interrupted) break;
        auto outcome = run_one(spec, spec.label() + " rep " + std::to_string(spec.rep));
        if (!outcome) break;  // an interrupted run is not a measurement
        nlohmann::json run = run_record(spec, *outcome);
        const bool ok = run["status"] == "ok";
        progress.end(spec.combination, outcome->wall_s,
                     ok ? "" : run["status"].get<std::string>() + ": " + run["error"].get<std::string>());
        if (ok) doc["meta"]["allocator_versions"][run.value("allocator_lib", "")] = run.value("allocator_version", "");
        doc["runs"].push_back(std::move(run));
        ++done;
        save();
    }
    progress.finish();
    doc["meta"]["end_time"] = utc_timestamp();
    doc["meta"]["complete"] = done == specs.size();
    save();
    if (saver.failed()) throw ResultsWriteError(saver.failure_message(doc["runs"].size()));
    return doc;
}

}  // namespace pmb
