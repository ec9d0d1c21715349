#include "harness/program_measurement.h"

#include <Python.h>

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

#include "measure/clock.h"
#include "measure/memory_timeline.h"
#include "measure/mutator_utilization.h"
#include "workloads/interpreter/allocator_domains.h"
#include "workloads/interpreter/embedded_python.h"

namespace pmb {

// The resident set sampled on the timeline's schedule by a POSIX timer's signal, delivered to the
// main thread (which stop() then blocks it in). Not a thread of its own:
// glibc's malloc takes its single-thread fast path only while a process has one thread, and
// a sampler thread would slow the `system` backend by several per cent. The handler does only
// async-signal-safe work (clock_gettime, pread, stores into vectors reserved in advance,
// timer_settime); SA_RESTART restarts interrupted system calls, and Python retries the rest.
class ProgramMeasurement::RssSampler {
public:
    static constexpr int kSignalOffset = 7;  // SIGRTMIN + 7: no one else's

    RssSampler() {
        g_sampler = this;
        struct sigaction action {};
        action.sa_handler = &RssSampler::on_signal;
        action.sa_flags = SA_RESTART;
        sigemptyset(&action.sa_mask);
        sigaction(SIGRTMIN + kSignalOffset, &action, nullptr);
        sigevent event{};
        event.sigev_notify = SIGEV_THREAD_ID;  // this (the main) thread, whatever threads come
        event.sigev_signo = SIGRTMIN + kSignalOffset;
        event._sigev_un._tid = gettid();  // sigev_notify_thread_id, which glibc 2.36 does not name
        armed_ = timer_create(CLOCK_MONOTONIC, &event, &timer_) == 0;
        take_sample();
    }
    ~RssSampler() { stop(); }
    void stop() {
        if (!armed_) return;
        sigset_t block;
        sigemptyset(&block);
        sigaddset(&block, SIGRTMIN + kSignalOffset);
        sigprocmask(SIG_BLOCK, &block, nullptr);  // a signal still pending stays so
        timer_delete(timer_);
        armed_ = false;
    }
    // After stop(): the samples, times relative to `origin_ns`.
    nlohmann::json to_json(std::uint64_t origin_ns) {
        timeline_.sample(now_ns(), 0);
        nlohmann::json j = timeline_.to_json(origin_ns);
        j["live_bytes"] = nullptr;
        return j;
    }

private:
    static void on_signal(int) {
        const int saved = errno;
        if (g_sampler != nullptr && g_sampler->armed_) g_sampler->take_sample();
        errno = saved;
    }
    void take_sample() {
        timeline_.sample(now_ns(), 0);
        if (!armed_) return;
        const std::uint64_t at = timeline_.next_sample_ns();
        itimerspec when{};
        when.it_value.tv_sec = static_cast<time_t>(at / 1'000'000'000);
        when.it_value.tv_nsec = static_cast<long>(at % 1'000'000'000);
        timer_settime(timer_, TIMER_ABSTIME, &when, nullptr);
    }

    static inline RssSampler* g_sampler = nullptr;
    // Every 10 ms at first (an interrupted program pays a few tens of microseconds a sample in
    // cold caches: at 1 ms that was 2 % of a run), at most 256 samples.
    MemoryTimeline timeline_{256, 10'000'000};
    timer_t timer_{};
    volatile bool armed_ = false;
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
