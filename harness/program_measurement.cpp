#include "harness/program_measurement.h"

#include <Python.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "harness/clock.h"
#include "harness/memory_timeline.h"
#include "harness/mutator_utilization.h"
#include "workloads/interpreter/allocator_domains.h"
#include "workloads/interpreter/embedded_python.h"

namespace pmb {

// The resident set sampled by a thread of its own on the timeline's schedule.
class ProgramMeasurement::RssSampler {
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

namespace {

// The ops the program declared (an int PYMEMBENCH_OPS left in __main__), or 1: one run.
std::uint64_t declared_ops(bool& declared) {
    PyObject* main = PyImport_AddModule("__main__");
    PyObject* ops = main != nullptr ? PyDict_GetItemString(PyModule_GetDict(main), "PYMEMBENCH_OPS") : nullptr;
    declared = ops != nullptr && PyLong_Check(ops) && PyLong_AsLongLong(ops) > 0;
    return declared ? static_cast<std::uint64_t>(PyLong_AsLongLong(ops)) : 1;
}

}  // namespace

ProgramMeasurement::ProgramMeasurement(const Allocator& allocator, bool count_allocations)
    : allocator_(allocator), count_(count_allocations), sampler_(std::make_unique<RssSampler>()),
      t_setup_(now_ns()) {}

ProgramMeasurement::~ProgramMeasurement() = default;

void ProgramMeasurement::program_starts(const python::GcPolicy& policy, void (*on_os_exit)(long status)) {
    monitor_ = std::make_unique<python::GcMonitor>(policy);
    python::guard_os_exit(on_os_exit);
    allocs_before_ = python::domain_allocations();
    t_start_ = now_ns();
}

nlohmann::json ProgramMeasurement::program_ended(const std::vector<std::string>& program) {
    const std::uint64_t t_end = now_ns();
    python::flush_standard_streams();
    const std::uint64_t allocs = python::domain_allocations() - allocs_before_;
    const std::uint64_t vm_hwm = process_peak_rss_bytes();
    const nlohmann::json stats_at_end = allocator_.stats();
    sampler_->stop();
    monitor_->finish();

    bool ops_declared = false;
    const std::uint64_t ops = declared_ops(ops_declared);
    const double wall_s = static_cast<double>(t_end - t_start_) * 1e-9;
    nlohmann::json gc = monitor_->stats_json();
    nlohmann::json mmu = nlohmann::json::object();
    for (const auto& [label, window] : {std::pair{"1ms", 1'000'000ull}, {"10ms", 10'000'000ull},
                                        {"100ms", 100'000'000ull}}) {
        const auto value = minimum_mutator_utilization(monitor_->pauses().pauses(), t_start_, t_end, window);
        mmu[label] = value ? nlohmann::json(*value) : nlohmann::json(nullptr);
    }
    gc["mmu"] = mmu;
    for (nlohmann::json& pause : gc["pauses"]) pause[0] = pause[0].get<std::uint64_t>() - t_setup_;

    const AllocatorIdentity identity = allocator_.identity();
    nlohmann::json out = {
        {"wall_s", wall_s},
        {"setup_s", static_cast<double>(t_start_ - t_setup_) * 1e-9},
        {"ops", ops},
        {"steps", ops},
        {"steps_per_op", 1},
        {"steps_per_s", wall_s > 0 ? static_cast<double>(ops) / wall_s : 0.0},
        {"ops_per_s", wall_s > 0 ? static_cast<double>(ops) / wall_s : 0.0},
        {"latency_recorded", false},
        {"latency_clock", "none"},
        {"leaked_objects", monitor_->leaked_objects()},
        {"leaked_bytes", monitor_->leaked_bytes()},
        {"gc", gc},
        {"allocator_lib", identity.library},
        {"allocator_version", identity.version},
        {"allocator_stats_at_end_of_ops", stats_at_end},
        {"counters",
         {{"program", program},
          {"python_version", Py_GetVersion()},
          {"ops_declared", ops_declared},
          {"domain_calls", python::domain_calls_json()}}},
        {"memory_timeline", sampler_->to_json(t_setup_)},
        {"vm_hwm_bytes", vm_hwm},
    };
    if (count_) {
        out["allocs"] = allocs;
        out["allocs_per_s"] = wall_s > 0 ? static_cast<double>(allocs) / wall_s : 0.0;
    }
    out["allocator_stats_at_exit"] = allocator_.stats();
    return out;
}

}  // namespace pmb
