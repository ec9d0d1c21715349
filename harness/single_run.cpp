#include "harness/single_run.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "allocators/registry.h"
#include "collectors/registry.h"
#include "measure/clock.h"
#include "harness/interpreter_run.h"
#include "measure/latency_histogram.h"
#include "measure/memory_timeline.h"
#include "measure/mutator_utilization.h"
#include "measure/op_clock.h"
#include "objects/heap.h"
#include "objects/runtime.h"
#include "workloads/registry.h"

namespace pmb {
namespace {

std::pair<std::string, std::string> split_spec(const std::string& text) {
    auto colon = text.find(':');
    if (colon == std::string::npos) return {text, ""};
    return {text.substr(0, colon), text.substr(colon + 1)};
}

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
                    latency.record(t - prev);
                    prev = t;
                }
            } else {
                for (; op < end; ++op) run_op(op);
            }
            (record ? on : off) += static_cast<double>(clock.ticks() - t0);
        }
    }
    for (std::uint64_t op = pairs * 2 * kBlock; op < ops; ++op) run_op(op);
    return {{"pairs", pairs},
            {"block_ops", kBlock},
            {"polarity", polarity ? 1 : 0},
            {"on_off_ratio", off > 0 ? nlohmann::json(on / off) : nlohmann::json(nullptr)}};
}

}  // namespace

void validate_run_spec(const RunSpec& spec, bool check_params) {
    const AllocatorSpec aspec = parse_allocator_spec(spec.allocator);
    allocator_entry(aspec.name).check(aspec.options);
    const auto [cname, coptions] = split_spec(spec.collector);
    // Creating a collector allocates nothing, so building one over an unused Heap checks options.
    Heap unused({nullptr, nullptr, nullptr, nullptr, nullptr});
    collector_entry(cname).make(unused, coptions);
    const WorkloadEntry& w = workload_entry(spec.workload);
    check_collector_applies(w, cname);
    const Params params = Params::resolve(w.name, w.params, spec.params);
    if (check_params && w.check) w.check(params);
}

void check_collector_applies(const WorkloadEntry& workload, const std::string& collector) {
    const std::string name = split_spec(collector).first;
    if (collector_applies(workload, name)) return;
    std::string accepted;
    for (const std::string& c : workload.collectors) accepted += (accepted.empty() ? "" : ", ") + c;
    throw std::invalid_argument("collector '" + name + "' does not apply to workload '" + workload.name +
                                "': a real program runs under CPython 3.11's own collector (accepted: " + accepted +
                                ")");
}

bool collector_applies(const WorkloadEntry& workload, const std::string& collector) {
    const std::string name = split_spec(collector).first;
    return workload.collectors.empty() ||
           std::find(workload.collectors.begin(), workload.collectors.end(), name) != workload.collectors.end();
}

nlohmann::json execute_run(const RunSpec& spec) {
    const AllocatorSpec aspec = parse_allocator_spec(spec.allocator);
    const AllocatorEntry& aentry = allocator_entry(aspec.name);
    const auto [cname, coptions] = split_spec(spec.collector);
    const CollectorEntry& centry = collector_entry(cname);
    const WorkloadEntry& wentry = workload_entry(spec.workload);
    const Params params = Params::resolve(wentry.name, wentry.params, spec.params);

    std::unique_ptr<Allocator> allocator = aentry.make(aspec.options);
    if (wentry.runs_interpreter) {
        check_collector_applies(wentry, cname);
        if (wentry.check) wentry.check(params);
        return execute_interpreter_run(spec.allocator, params, *allocator, cname, coptions);
    }
    const AllocatorIdentity identity = allocator->identity();
    nlohmann::json out;
    LatencyHistogram latency;
    MemoryTimeline timeline;
    const OpClock clock;  // calibrated before anything is timed
    {
        Heap heap(allocator->ops());
        std::unique_ptr<Collector> collector = centry.make(heap, coptions);
        CollectorReport report;
        std::uint64_t ops = 0, steps = 0, steps_per_op = 1;
        std::uint64_t t_setup = 0, t_start = 0, t_end = 0;
        std::string latency_clock = "none";
        std::uint64_t vm_hwm = 0;
        nlohmann::json recording_overhead;
        std::uint64_t allocs_before_ops = 0, allocs_after_ops = 0;
        nlohmann::json stats_at_end_of_ops;
        std::size_t live_at_end_of_ops = 0;
        nlohmann::json counters;
        {
            Runtime rt(heap, *collector);
            std::unique_ptr<Workload> workload = wentry.make(params, spec.seed);
            steps = workload->ops();
            steps_per_op = wentry.steps_per_op;
            ops = (steps + steps_per_op - 1) / steps_per_op;
            // Op `op` is steps [op * steps_per_op, min(steps, (op + 1) * steps_per_op)).
            auto run_op = [&](std::uint64_t op) {
                workload->run_steps(rt, op * steps_per_op, std::min(steps, (op + 1) * steps_per_op));
            };
            t_setup = now_ns();
            timeline.sample(t_setup, heap.live_bytes());
            workload->setup(rt);
            collector->setup_finished();  // gc.freeze() here, when the collector is asked to
            std::uint64_t t_prev = now_ns();
            timeline.sample(t_prev, heap.live_bytes());
            allocs_before_ops = heap.allocations() + heap.reallocations();
            t_start = t_prev;
            if (spec.latency == LatencyMode::record) {
                // The timeline's deadline is kept in ticks, so an op costs one clock read, one
                // conversion and one comparison beyond its own work.
                const std::uint64_t ticks_start = clock.ticks();
                auto deadline = [&] { return ticks_start + clock.from_ns(timeline.next_sample_ns() - t_start); };
                std::uint64_t ticks_prev = ticks_start, next_sample_ticks = deadline();
                for (std::uint64_t op = 0; op < ops; ++op) {
                    run_op(op);
                    const std::uint64_t ticks = clock.ticks();
                    latency.record(ticks - ticks_prev);  // in ticks: converted once, at the end
                    ticks_prev = ticks;
                    if (ticks >= next_sample_ticks) {
                        timeline.sample(t_start + clock.to_ns(ticks - ticks_start), heap.live_bytes());
                        next_sample_ticks = deadline();
                        ticks_prev = clock.ticks();  // the sample's cost is not the next op's
                    }
                }
                latency_clock = clock.name();
            } else if (spec.latency == LatencyMode::off) {
                // Only the clock reads the timeline needs, every 64 ops: the baseline against
                // which recording's cost is measured.
                for (std::uint64_t op = 0; op < ops; ++op) {
                    run_op(op);
                    if ((op & 63) == 63) timeline.maybe_sample(now_ns(), heap.live_bytes());
                }
            } else {
                recording_overhead = alternate_recording(ops, run_op, clock, latency, spec.rep % 2 != 0);
                latency_clock = clock.name();
            }
            t_prev = now_ns();
            t_end = t_prev;
            timeline.sample(t_end, heap.live_bytes());
            allocs_after_ops = heap.allocations() + heap.reallocations();
            // The allocator's own view while the workload still holds its live set: evidence that
            // the workload's bytes really went to this allocator.
            live_at_end_of_ops = heap.live_bytes();
            stats_at_end_of_ops = allocator->stats();
            workload->teardown(rt);
            counters = workload->counters();
            // The run's peak, read before the results are built: building them is not the run.
            vm_hwm = process_peak_rss_bytes();
            report = collector->finish();
        }
        timeline.sample(now_ns(), heap.live_bytes());
        const double wall_s = static_cast<double>(t_end - t_start) * 1e-9;
        const std::uint64_t allocs = allocs_after_ops - allocs_before_ops;
        // MMU over setup and ops: the span in which the workload's program runs.
        nlohmann::json mmu = nlohmann::json::object();
        for (const auto& [label, window] : {std::pair{"1ms", 1'000'000ull}, {"10ms", 10'000'000ull},
                                            {"100ms", 100'000'000ull}}) {
            const auto value = minimum_mutator_utilization(report.pauses, t_setup, t_end, window);
            mmu[label] = value ? nlohmann::json(*value) : nlohmann::json(nullptr);
        }
        report.gc["mmu"] = mmu;
        // Pause start times relative to the start of setup, the origin of the memory timeline.
        for (nlohmann::json& pause : report.gc["pauses"]) pause[0] = pause[0].get<std::uint64_t>() - t_setup;
        out = {
            {"params", params.to_json()},
            {"wall_s", wall_s},
            {"setup_s", static_cast<double>(t_start - t_setup) * 1e-9},
            {"ops", ops},
            {"steps", steps},
            {"steps_per_op", steps_per_op},
            {"steps_per_s", wall_s > 0 ? static_cast<double>(steps) / wall_s : 0.0},
            {"ops_per_s", wall_s > 0 ? static_cast<double>(ops) / wall_s : 0.0},
            {"allocs", allocs},
            {"allocs_per_s", wall_s > 0 ? static_cast<double>(allocs) / wall_s : 0.0},
            {"allocs_total", heap.allocations() + heap.reallocations()},
            {"frees_total", heap.releases()},
            {"latency_recorded", spec.latency == LatencyMode::record},
            {"latency_clock", latency_clock},
            {"latency_ns", latency.summary_json(clock.ns_per_tick())},
            {"latency_histogram_ns", latency.buckets_json(clock.ns_per_tick())},
            {"peak_live_bytes", heap.peak_live_bytes()},
            {"live_bytes_at_end_of_ops", live_at_end_of_ops},
            {"leaked_objects", report.leaked_objects},
            {"leaked_bytes", report.leaked_bytes},
            {"gc", report.gc},
            {"allocator_lib", identity.library},
            {"allocator_version", identity.version},
            {"allocator_stats_at_end_of_ops", stats_at_end_of_ops},
            {"counters", counters},
        };
        out["memory_timeline"] = timeline.to_json(t_setup);
        if (!recording_overhead.is_null()) out["recording_overhead"] = recording_overhead;
        out["vm_hwm_bytes"] = vm_hwm;
    }
    out["allocator_stats_at_exit"] = allocator->stats();
    return out;
}

}  // namespace pmb
