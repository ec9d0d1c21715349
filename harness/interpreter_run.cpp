#include "harness/interpreter_run.h"

#include <Python.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <new>
#include <stdexcept>
#include <thread>

#include "harness/clock.h"
#include "harness/memory_timeline.h"
#include "harness/mutator_utilization.h"
#include "workloads/interpreter/allocator_domains.h"
#include "workloads/interpreter/embedded_python.h"
#include "workloads/interpreter/gc_monitor.h"
#include "workloads/interpreter/program_command.h"

namespace pmb {
namespace {

// The resident set sampled by a thread of its own on the timeline's schedule.
class RssSampler {
public:
    RssSampler() : thread_([this] { loop(); }) {}
    ~RssSampler() { stop(); }
    void stop() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_one();
        if (thread_.joinable()) thread_.join();
    }
    // After stop(): the samples, times relative to `origin_ns`.
    nlohmann::json to_json(std::uint64_t origin_ns) {
        timeline_.sample(now_ns(), 0);
        nlohmann::json j = timeline_.to_json(origin_ns);
        j["live_bytes"] = nullptr;
        return j;
    }

private:
    void loop() {
        std::unique_lock<std::mutex> lock(mutex_);
        while (!stopping_) {
            timeline_.sample(now_ns(), 0);
            const std::uint64_t wait = timeline_.next_sample_ns() - std::min(timeline_.next_sample_ns(), now_ns());
            wake_.wait_for(lock, std::chrono::nanoseconds(wait), [this] { return stopping_; });
        }
    }

    MemoryTimeline timeline_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

// The ops the program declared (an int PYMEMBENCH_OPS left in __main__), or 1: one run.
std::uint64_t declared_ops(bool& declared) {
    PyObject* main = PyImport_AddModule("__main__");
    PyObject* ops = main != nullptr ? PyDict_GetItemString(PyModule_GetDict(main), "PYMEMBENCH_OPS") : nullptr;
    declared = ops != nullptr && PyLong_Check(ops) && PyLong_AsLongLong(ops) > 0;
    return declared ? static_cast<std::uint64_t>(PyLong_AsLongLong(ops)) : 1;
}

// The program's output goes where the worker's diagnostics go; the results keep standard output.
class ProgramOutputRedirect {
public:
    ProgramOutputRedirect() {
        std::fflush(stdout);
        results_fd_ = dup(STDOUT_FILENO);
        if (results_fd_ < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
            throw std::runtime_error("cannot redirect the program's standard output");
    }
    ~ProgramOutputRedirect() {
        std::fflush(stdout);
        dup2(results_fd_, STDOUT_FILENO);
        close(results_fd_);
    }
    ProgramOutputRedirect(const ProgramOutputRedirect&) = delete;
    ProgramOutputRedirect& operator=(const ProgramOutputRedirect&) = delete;

private:
    int results_fd_ = -1;
};

}  // namespace

nlohmann::json execute_interpreter_run(const Params& params, const Allocator& allocator,
                                       const std::string& collector, const std::string& collector_options) {
    const python::ProgramCommand program = python::program_command(params);
    const python::GcPolicy policy = python::parse_gc_policy(collector, collector_options);
    const bool count = params.get("count_allocations") != 0;
    const AllocatorIdentity identity = allocator.identity();

    ProgramOutputRedirect redirect;
    RssSampler sampler;
    const std::uint64_t t_setup = now_ns();
    python::start_interpreter(program, [&] { python::install_allocator_domains(allocator, count); });
    python::GcMonitor monitor(policy);
    python::guard_os_exit();
    const std::uint64_t allocs_before = python::domain_allocations();

    const std::uint64_t t_start = now_ns();
    const python::ProgramOutcome outcome = python::run_program(program);
    const std::uint64_t t_end = now_ns();
    python::flush_standard_streams();
    const std::uint64_t allocs = python::domain_allocations() - allocs_before;
    const std::uint64_t vm_hwm = process_peak_rss_bytes();
    const nlohmann::json stats_at_end = allocator.stats();
    sampler.stop();

    if (outcome.exception == "MemoryError") throw std::bad_alloc();
    if (!outcome.exception.empty()) throw std::runtime_error("the program raised " + outcome.message);
    if (outcome.exit_status != 0)
        throw std::runtime_error("the program exited with status " + std::to_string(outcome.exit_status));

    monitor.finish();
    bool ops_declared = false;
    const std::uint64_t ops = declared_ops(ops_declared);
    const double wall_s = static_cast<double>(t_end - t_start) * 1e-9;
    nlohmann::json gc = monitor.stats_json();
    nlohmann::json mmu = nlohmann::json::object();
    for (const auto& [label, window] : {std::pair{"1ms", 1'000'000ull}, {"10ms", 10'000'000ull},
                                        {"100ms", 100'000'000ull}}) {
        const auto value = minimum_mutator_utilization(monitor.pauses().pauses(), t_start, t_end, window);
        mmu[label] = value ? nlohmann::json(*value) : nlohmann::json(nullptr);
    }
    gc["mmu"] = mmu;
    for (nlohmann::json& pause : gc["pauses"]) pause[0] = pause[0].get<std::uint64_t>() - t_setup;

    nlohmann::json out = {
        {"params", params.to_json()},
        {"wall_s", wall_s},
        {"setup_s", static_cast<double>(t_start - t_setup) * 1e-9},
        {"ops", ops},
        {"steps", ops},
        {"steps_per_op", 1},
        {"steps_per_s", wall_s > 0 ? static_cast<double>(ops) / wall_s : 0.0},
        {"ops_per_s", wall_s > 0 ? static_cast<double>(ops) / wall_s : 0.0},
        {"latency_recorded", false},
        {"latency_clock", "none"},
        {"leaked_objects", monitor.leaked_objects()},
        {"leaked_bytes", monitor.leaked_bytes()},
        {"gc", gc},
        {"allocator_lib", identity.library},
        {"allocator_version", identity.version},
        {"allocator_stats_at_end_of_ops", stats_at_end},
        {"counters",
         {{"program", program},
          {"python_version", Py_GetVersion()},
          {"ops_declared", ops_declared},
          {"domain_calls", python::domain_calls_json()}}},
        {"memory_timeline", sampler.to_json(t_setup)},
        {"vm_hwm_bytes", vm_hwm},
    };
    if (count) {
        out["allocs"] = allocs;
        out["allocs_per_s"] = wall_s > 0 ? static_cast<double>(allocs) / wall_s : 0.0;
    }
    out["allocator_stats_at_exit"] = allocator.stats();
    return out;
}

}  // namespace pmb
