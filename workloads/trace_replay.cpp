// trace: replays an allocation trace recorded from a real Python program (`pymembench record`)
// through the run's allocator, exactly: every malloc, calloc, realloc and free of the recording,
// in order, with the recorded sizes, as fast as the allocator serves them (the recorded times are
// not waited for). `--workload trace --param file=TRACE`.
//
// A step is one event and an op is kEventsPerOp events, so the per-op latency is that of a batch
// and steps_per_s is events per second. The workload first reads and checks the whole file (a
// damaged one fails before anything is timed), then the op loop decodes the mapped file in place
// (trace_reader.h: no copies, a page fault per thousand events, a constant share of the resident
// set), keeps each block's address in the reader's slot table and calls the allocator through the
// Heap, whose peak_live_bytes therefore equals the recording's. free(NULL) events are counted and
// skipped. teardown() frees what the recording left live, so nothing is leaked. The collector
// plays no part (no objects are made): a matrix runs this workload under its first collector only.
//
// Bookkeeping beyond the allocator's: the reader's slot table, about 12 bytes per slot (the
// block's address and size in one word, a live bit, the free-slot stack; slots = peak live
// blocks), reported as
// counters.replay_bookkeeping_bytes. bench/replay_overhead.py measures the time it all costs per
// event against a bare loop of the same allocator calls.
#include <sys/stat.h>

#include <map>
#include <mutex>
#include <stdexcept>
#include <tuple>

#include "workloads/registry.h"
#include "workloads/trace/trace_reader.h"

namespace pmb {
namespace {

constexpr std::uint64_t kEventsPerOp = 256;

using trace::Event;
using trace::EventKind;
using trace::TraceReader;

// Reads `path` to its end (every check), once per file version per process.
void check_trace_file(const std::string& path) {
    if (path.empty())
        throw std::invalid_argument("workload 'trace' needs --param file=TRACE (a file written by pymembench record)");
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) throw std::invalid_argument("cannot read the trace " + path);
    static std::mutex mutex;
    static std::map<std::string, std::tuple<off_t, time_t, long>> checked;
    std::lock_guard lock(mutex);
    const auto version = std::make_tuple(st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    if (auto it = checked.find(path); it != checked.end() && it->second == version) return;
    try {
        TraceReader reader(path);
        Event e;
        while (reader.next(e)) {
        }
    } catch (const trace::TraceError& e) {
        throw std::invalid_argument(e.what());
    }
    checked[path] = version;
}

class TraceReplay final : public Workload {
public:
    // Reads and checks the whole trace (the harness asks for ops() before setup()).
    explicit TraceReplay(const std::string& path) : reader_(path) {
        Event e;
        while (reader_.next(e)) {
        }
        const auto& f = reader_.footer();
        events_ = f[trace::kMallocs] + f[trace::kCallocs] + f[trace::kReallocs] + f[trace::kFrees];
        reader_.rewind();
        reader_.set_verify_checksums(false);  // checked just now; the op loop does not pause for it
    }

    void setup(Runtime& rt) override { heap_ = &rt.heap(); }
    std::uint64_t ops() const override { return events_; }

    void step(Runtime&, std::uint64_t) override { replay_one(); }
    void run_steps(Runtime&, std::uint64_t begin, std::uint64_t end) override {
        for (std::uint64_t i = begin; i < end; ++i) replay_one();
    }

    void teardown(Runtime&) override {
        trace::SlotTable& live = reader_.slots();
        bookkeeping_ = live.bookkeeping_bytes();
        for (std::uint32_t slot = 0; slot < live.slots_used(); ++slot)
            if (live.is_live(slot)) {
                heap_->release(live.user(slot), live.size_of(slot));
                ++left_live_;
            }
    }

    nlohmann::json counters() const override {
        const auto& f = reader_.footer();
        return {{"events", reader_.events_read()},
                {"recorded_peak_live_bytes", f[trace::kPeakLiveBytes]},
                {"recorded_peak_live_blocks", f[trace::kPeakLiveBlocks]},
                {"null_frees_skipped", null_frees_},
                {"blocks_live_at_end_of_trace", left_live_},
                {"replay_bookkeeping_bytes", bookkeeping_}};
    }

private:
    void replay_one() {
        Event e;
        if (!reader_.next(e)) throw std::runtime_error("the trace ended before its event count");
        trace::SlotTable& blocks = reader_.slots();
        switch (e.kind) {
        case EventKind::malloc:
            blocks.set_user(e.slot, heap_->allocate(e.size));
            break;
        case EventKind::calloc:
            blocks.set_user(e.slot, heap_->allocate_zeroed(e.nelem, e.elsize));
            break;
        case EventKind::realloc:
            blocks.set_user(e.slot, heap_->reallocate(blocks.user(e.slot), e.old_size, e.size));
            break;
        case EventKind::free:
            if (e.slot == trace::kNoSlot) {
                ++null_frees_;
                break;
            }
            heap_->release(blocks.user(e.slot), e.old_size);
            break;
        }
    }

    TraceReader reader_;
    Heap* heap_ = nullptr;
    std::uint64_t events_ = 0;
    std::uint64_t null_frees_ = 0, left_live_ = 0, bookkeeping_ = 0;
};

}  // namespace

WorkloadEntry trace_replay_workload() {
    WorkloadEntry e{"trace",
                    "replay of an allocation trace recorded from a real Python program (pymembench record)",
                    {text_param("file", "the trace file (pymembench record --out FILE -- script.py)")},
                    {},
                    [](const Params& p, std::uint64_t) { return std::make_unique<TraceReplay>(p.text("file")); },
                    kEventsPerOp};
    e.check = [](const Params& p) { check_trace_file(p.text("file")); };
    e.uses_collector = false;
    return e;
}

}  // namespace pmb
