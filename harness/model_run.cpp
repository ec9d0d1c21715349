#include "harness/model_run.h"

#include <algorithm>
#include <memory>

#include "measure/clock.h"
#include "measure/latency_histogram.h"
#include "measure/memory_timeline.h"
#include "measure/mutator_utilization.h"
#include "measure/trash_timeline.h"
#include "measure/op_clock.h"
#include "objects/heap.h"
#include "objects/runtime.h"

namespace pmb {
namespace {

// What recording costs, measured inside one run: pairs of 256-op blocks, one with latency recorded
// and one without, in an order drawn at random for each pair, each block timed as a whole, so
// machine drift falls on both halves of every pair. The run reports the ratio of the on-blocks'
// total time to the off-blocks'. The draw is deterministic and so is the workload, so the two
// sets of blocks do different work; `polarity` swaps them: a run of each polarity, and the
// geometric mean of their two ratios cancels the work imbalance and leaves 1 + overhead.
// On-blocks record into `latency`.
template <typename RunOp>
nlohmann::json alternate_recording(std::uint64_t ops, RunOp& run_op, const OpClock& clock, LatencyHistogram& latency,
                                   bool polarity) {
    constexpr std::uint64_t kBlock = 256;
    double on = 0, off = 0;
    std::uint64_t pairs = 0, coin = 0x5eed;
    for (std::uint64_t op = 0; op + 2 * kBlock <= ops; ++pairs) {
        coin = coin * 6364136223846793005ull + 1442695040888963407ull;  // LCG: its top bit is a fair coin
        const bool on_first = ((coin >> 63) != 0) != polarity;
        for (int half = 0; half < 2; ++half) {
            const bool record = (half == 0) == on_first;
            const std::uint64_t end = op + kBlock;
            const std::uint64_t t0 = clock.ticks();
            if (record) {
                std::uint64_t prev = t0;
                for (; op < end; ++op) {
                    run_op(op);
                    const std::uint64_t t = clock.ticks();
                    latency.record(clock.elapsed(prev, t));
                    prev = t;
                }
            } else {
                for (; op < end; ++op) run_op(op);
            }
            (record ? on : off) += static_cast<double>(clock.elapsed(t0, clock.ticks()));
        }
    }
    for (std::uint64_t op = pairs * 2 * kBlock; op < ops; ++op) run_op(op);
    return {{"pairs", pairs},
            {"block_ops", kBlock},
            {"polarity", polarity ? 1 : 0},
            {"on_off_ratio", off > 0 ? nlohmann::json(on / off) : nlohmann::json(nullptr)}};
}

class ModelRun {
public:
    ModelRun(const RunSpec& spec, const WorkloadEntry& workload, const Params& params, Allocator& allocator,
             const CollectorEntry& collector, const std::string& collector_options)
        : spec_(spec), entry_(workload), params_(params), allocator_(allocator), identity_(allocator.identity()),
          heap_(allocator.ops()), collector_(collector.make(heap_, collector_options)) {}

    nlohmann::json run() {
        {
            Runtime rt(heap_, *collector_);
            std::unique_ptr<Workload> workload = entry_.make(params_, spec_.seed);
            set_up(rt, *workload);
            run_ops(rt, *workload);
            finish(rt, *workload);
        }  // the workload and the runtime are gone: what is still live now is the collector's
        timeline_.sample(now_ns(), heap_.live_bytes());  // no census: the collector has finished
        return results();
    }

private:
    void set_up(Runtime& rt, Workload& workload) {
        steps_ = workload.ops();
        ops_ = (steps_ + entry_.steps_per_op - 1) / entry_.steps_per_op;
        t_setup_ = now_ns();
        sample_memory(t_setup_, true);
        workload.setup(rt);
        rt.eval_breaker();  // the setup's last Python-level check
        collector_->setup_finished();  // gc.freeze() here, when the collector is asked to
        t_start_ = now_ns();
        sample_memory(t_start_, true);
        allocs_before_ops_ = heap_.allocations() + heap_.reallocations();
    }

    void run_ops(Runtime& rt, Workload& workload) {
        // Op `op` is steps [op * steps_per_op, min(steps, (op + 1) * steps_per_op)).
        const std::uint64_t per_op = entry_.steps_per_op, steps = steps_;
        auto run_op = [&](std::uint64_t op) { workload.run_steps(rt, op * per_op, std::min(steps, (op + 1) * per_op)); };
        if (spec_.latency == LatencyMode::record) {
            ops_timed_each(run_op);
            latency_clock_ = clock_.name();
        } else if (spec_.latency == LatencyMode::off) {
            // Only the clock reads the timeline needs, every 64 ops: the baseline against which
            // recording's cost is measured.
            for (std::uint64_t op = 0; op < ops_; ++op) {
                run_op(op);
                if ((op & 63) == 63) {
                    const std::uint64_t t = now_ns();
                    if (t >= timeline_.next_sample_ns()) sample_memory(t, false);
                }
            }
        } else {
            recording_overhead_ = alternate_recording(ops_, run_op, clock_, latency_, spec_.rep % 2 != 0);
            latency_clock_ = clock_.name();
        }
        t_end_ = now_ns();
        sample_memory(t_end_, true);
    }

    // A memory timeline sample at run time `t`, and a trash census with it when one is allowed
    // (`forced`: phase boundaries). The census's time is excluded from every timing, and its
    // scratch memory (mmap'ed, then unmapped) from the peak RSS: if the kernel's high-water mark
    // rose during the census, the mark from before it is kept and the kernel's is reset.
    void sample_memory(std::uint64_t t, bool forced) {
        timeline_.sample(t, heap_.live_bytes());
        if (!spec_.trash) return;
        const std::uint64_t start = monotonic_ns();
        if (!forced && !trash_.due(start)) return;
        const std::uint64_t hwm_before = process_peak_rss_bytes();
        const std::optional<TrashCount> trash = collector_->measure_trash();
        if (process_peak_rss_bytes() > hwm_before && reset_peak_rss())
            peak_rss_before_censuses_ = std::max(peak_rss_before_censuses_, hwm_before);
        const std::uint64_t end = monotonic_ns();
        excluded_ns() += end - start;
        if (trash) trash_.add(t, trash->objects, trash->bytes, end - start, end);
    }

    // Every op timed. The timeline's deadline is kept in ticks, so an op costs one clock read and
    // one comparison beyond its own work; the harness clock is read only when a sample is due.
    template <typename RunOp>
    void ops_timed_each(RunOp& run_op) {
        // The ticks at which the next sample is due, from the harness clock's time `t` (which
        // stands still during a census, unlike the ticks).
        auto deadline = [&](std::uint64_t t) {
            const std::uint64_t next = timeline_.next_sample_ns();
            return clock_.ticks() + (next > t ? clock_.from_ns(next - t) : 0);
        };
        std::uint64_t next_sample_ticks = deadline(now_ns());
        std::uint64_t ticks_prev = clock_.ticks();
        for (std::uint64_t op = 0; op < ops_; ++op) {
            run_op(op);
            const std::uint64_t ticks = clock_.ticks();
            latency_.record(clock_.elapsed(ticks_prev, ticks));  // in ticks: converted once, at the end
            ticks_prev = ticks;
            if (ticks >= next_sample_ticks) {
                sample_memory(now_ns(), false);
                next_sample_ticks = deadline(now_ns());
                ticks_prev = clock_.ticks();  // the sample's cost is not the next op's
            }
        }
    }

    void finish(Runtime& rt, Workload& workload) {
        allocs_after_ops_ = heap_.allocations() + heap_.reallocations();
        // The allocator's own view while the workload still holds its live set: evidence that the
        // workload's bytes really went to this allocator.
        live_at_end_of_ops_ = heap_.live_bytes();
        stats_at_end_of_ops_ = allocator_.stats();
        workload.teardown(rt);
        counters_ = workload.counters();
        // The run's peak, read before the results are built: building them is not the run.
        vm_hwm_ = std::max(peak_rss_before_censuses_, process_peak_rss_bytes());
        report_ = collector_->finish();
    }

    // MMU over setup and ops: the span in which the workload's program runs.
    nlohmann::json mutator_utilization() const {
        nlohmann::json mmu = nlohmann::json::object();
        for (const auto& [label, window] : {std::pair{"1ms", 1'000'000ull}, {"10ms", 10'000'000ull},
                                            {"100ms", 100'000'000ull}}) {
            const auto value = minimum_mutator_utilization(report_.pauses, t_setup_, t_end_, window);
            mmu[label] = value ? nlohmann::json(*value) : nlohmann::json(nullptr);
        }
        return mmu;
    }

    nlohmann::json results() {
        const double wall_s = static_cast<double>(t_end_ - t_start_) * 1e-9;
        const std::uint64_t allocs = allocs_after_ops_ - allocs_before_ops_;
        report_.gc["mmu"] = mutator_utilization();
        // Pause start times relative to the start of setup, the origin of the memory timeline.
        for (nlohmann::json& pause : report_.gc["pauses"]) pause[0] = pause[0].get<std::uint64_t>() - t_setup_;
        auto per_s = [&](std::uint64_t n) { return wall_s > 0 ? static_cast<double>(n) / wall_s : 0.0; };
        nlohmann::json out = {
            {"params", params_.to_json()},
            {"wall_s", wall_s},
            {"setup_s", static_cast<double>(t_start_ - t_setup_) * 1e-9},
            {"ops", ops_},
            {"steps", steps_},
            {"steps_per_op", entry_.steps_per_op},
            {"steps_per_s", per_s(steps_)},
            {"ops_per_s", per_s(ops_)},
            {"allocs", allocs},
            {"allocs_per_s", per_s(allocs)},
            {"allocs_total", heap_.allocations() + heap_.reallocations()},
            {"frees_total", heap_.releases()},
            {"latency_recorded", spec_.latency == LatencyMode::record},
            {"latency_clock", latency_clock_},
            {"latency_clock_why", clock_.why()},
            {"latency_clock_backwards", clock_.backwards()},
            {"latency_ns", latency_.summary_json(clock_.ns_per_tick())},
            {"latency_histogram_ns", latency_.buckets_json(clock_.ns_per_tick())},
            {"peak_live_bytes", heap_.peak_live_bytes()},
            {"live_bytes_at_end_of_ops", live_at_end_of_ops_},
            {"leaked_objects", report_.leaked_objects},
            {"leaked_bytes", report_.leaked_bytes},
            {"gc", report_.gc},
            {"allocator_lib", identity_.library},
            {"allocator_version", identity_.version},
            {"allocator_stats_at_end_of_ops", stats_at_end_of_ops_},
            {"counters", counters_},
        };
        out["memory_timeline"] = timeline_.to_json(t_setup_);
        // Garbage awaiting collection; null when not counted (--no-trash, or a collector that keeps
        // no list of its objects: rc, whose garbage is all leaked_*).
        out["trash"] = trash_.censuses() > 0 ? trash_.to_json(t_setup_) : nlohmann::json(nullptr);
        if (!recording_overhead_.is_null()) out["recording_overhead"] = recording_overhead_;
        out["vm_hwm_bytes"] = vm_hwm_;
        return out;
    }

    const RunSpec& spec_;
    const WorkloadEntry& entry_;
    const Params& params_;
    Allocator& allocator_;
    const AllocatorIdentity identity_;
    LatencyHistogram latency_;
    MemoryTimeline timeline_;
    TrashTimeline trash_;
    const OpClock clock_;  // calibrated before anything is timed
    Heap heap_;
    std::unique_ptr<Collector> collector_;  // after heap_: it dies first
    CollectorReport report_;
    std::uint64_t ops_ = 0, steps_ = 0;
    std::uint64_t t_setup_ = 0, t_start_ = 0, t_end_ = 0;
    std::uint64_t allocs_before_ops_ = 0, allocs_after_ops_ = 0;
    std::size_t live_at_end_of_ops_ = 0;
    std::uint64_t vm_hwm_ = 0;
    std::uint64_t peak_rss_before_censuses_ = 0;  // the high-water mark kept across resets
    std::string latency_clock_ = "none";
    nlohmann::json recording_overhead_, stats_at_end_of_ops_, counters_;
};

}  // namespace

nlohmann::json execute_model_run(const RunSpec& spec, const WorkloadEntry& workload, const Params& params,
                                 Allocator& allocator, const CollectorEntry& collector,
                                 const std::string& collector_options) {
    nlohmann::json out = ModelRun(spec, workload, params, allocator, collector, collector_options).run();
    out["allocator_stats_at_exit"] = allocator.stats();  // the heap and the collector are gone
    return out;
}

}  // namespace pmb
