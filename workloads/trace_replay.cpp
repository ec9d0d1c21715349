// trace: replays an allocation trace recorded from a real Python program (`pymembench record`)
// through the run's allocator, exactly: every malloc, calloc, realloc and free of the recording,
// both domains (in 3.11 one allocator serves both, so the run's serves both), in order, with the
// recorded sizes, as fast as the allocator serves them (the recorded times are not waited for),
// writing the memory as the program did (touch=, trace/memory_touch.h).
//   `--workload trace --param file=TRACE [--param touch=none|first-line|all]`.
//
// A step is one event and an op is kEventsPerOp events, so the per-op latency is that of a batch
// and steps_per_s is events per second. Before anything is timed the workload reads the whole file
// with every check (a damaged one fails first) and compiles it (trace/replay_program.h) into one
// word per event: kind, slot, size, the old size of a realloc. The op loop then costs the
// allocator's call, a table of one address per slot, the touches, and the Heap's accounting, whose
// peak_live_bytes therefore equals the recording's. free(NULL) events are counted and skipped.
// teardown() frees what the recording left live, so nothing is leaked. The collector plays no part
// (no objects are made): a matrix runs this workload under its first collector only.
//
// Bookkeeping beyond the allocator's, in the resident set: the address table (8 bytes a slot;
// slots = peak live blocks) and the compiled program's 256 KiB read buffer, reported as
// counters.replay_bookkeeping_bytes. bench/replay_overhead.py measures what it all costs per event
// against a bare loop of the same allocator calls and touches.
#include <sys/stat.h>

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <tuple>
#include <vector>

#include "workloads/registry.h"
#include "workloads/trace/memory_touch.h"
#include "workloads/trace/replay_program.h"
#include "workloads/trace/trace_reader.h"

namespace pmb {
namespace {

constexpr std::uint64_t kEventsPerOp = 256;
// Chosen by the agreement of replays with the real interpreter (docs/methodology.md).
constexpr const char* kDefaultTouch = "all";

trace::TouchMode touch_mode(const Params& p) {
    const auto mode = trace::parse_touch_mode(p.text("touch"));
    if (!mode)
        throw std::invalid_argument("workload 'trace': unknown touch '" + p.text("touch") + "' (accepted: " +
                                    trace::kTouchModes + ")");
    return *mode;
}

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
    // Reads, checks and compiles the whole trace (the harness asks for ops() before setup()).
    TraceReplay(const std::string& path, trace::TouchMode touch) : touch_(touch) {
        TraceReader reader(path);
        program_ = std::make_unique<trace::ReplayProgram>(reader);
        footer_ = program_->footer();
        cursor_ = std::make_unique<trace::ReplayProgram::Cursor>(*program_);
        blocks_.assign(program_->slots(), nullptr);
    }

    void setup(Runtime& rt) override { heap_ = &rt.heap(); }
    std::uint64_t ops() const override { return program_->events(); }

    void step(Runtime& rt, std::uint64_t i) override { run_steps(rt, i, i + 1); }
    // The op loop's inner loop: the position in the words, the address table and the Heap's
    // ledger live in locals (registers) across the allocator's calls, and are written back once.
    void run_steps(Runtime&, std::uint64_t begin, std::uint64_t end) override {
        using namespace trace::replay_word;
        Heap::Batch heap(*heap_);
        void** const blocks = blocks_.data();
        const trace::TouchMode touch = touch_;
        const std::uint64_t* pos = cursor_->position();
        const std::uint64_t* window_end = cursor_->window_end();
        std::uint64_t null_frees = 0;
        // The buffer is refilled between runs of events, never inside one: a run of n events needs
        // at most n * kMaxEventWords words, so the inner loop has no bounds check.
        constexpr std::uint64_t kRun = trace::ReplayProgram::Cursor::kBufferWords / 2 /
                                       trace::ReplayProgram::Cursor::kMaxEventWords;
        for (std::uint64_t run_begin = begin; run_begin < end;) {
            const std::uint64_t run_end = std::min(end, run_begin + kRun);
            if (static_cast<std::uint64_t>(window_end - pos) < (run_end - run_begin) * trace::ReplayProgram::Cursor::kMaxEventWords) {
                cursor_->refill(pos);
                pos = cursor_->position();
                window_end = cursor_->window_end();
            }
            for (std::uint64_t i = run_begin; i < run_end; ++i) {
                const std::uint64_t w = *pos++;
                const auto slot = static_cast<std::uint32_t>(w >> kSlotShift & kSlotMask);
                const std::size_t size = (w & kLongSizeBit) != 0 ? *pos++ : w >> kSizeShift;
                void*& block = blocks[slot];
                switch (static_cast<EventKind>(w & kKindMask)) {
                case EventKind::malloc:
                    block = heap.allocate(size);
                    trace::touch_added(touch, block, 0, size);
                    break;
                case EventKind::calloc: {
                    const std::uint64_t nelem = pos[0], elsize = pos[1];
                    pos += 2;
                    block = heap.allocate_zeroed(nelem, elsize);
                    trace::touch_added(touch, block, 0, nelem * elsize);
                    break;
                }
                case EventKind::realloc: {
                    const bool of_null = (w & kNullBit) != 0;
                    const std::size_t old_size = of_null ? 0 : *pos++;
                    block = heap.reallocate(of_null ? nullptr : block, old_size, size);
                    trace::touch_added(touch, block, old_size, size);
                    break;
                }
                case EventKind::free:
                    if ((w & kNullBit) != 0) {
                        ++null_frees;
                        break;
                    }
                    trace::touch_before_free(touch, block, size);
                    heap.release(block, size);
                    break;
                }
            }
            run_begin = run_end;
        }
        heap.commit();
        cursor_->set_position(pos);
        null_frees_ += null_frees;
        events_read_ = end;
    }

    void teardown(Runtime&) override {
        program_->for_each_live_at_end([&](std::uint32_t slot, std::uint64_t size) {  // what the recording left live
            heap_->release(blocks_[slot], size);
            ++left_live_;
        });
    }

    nlohmann::json counters() const override {
        return {{"events", events_read_},
                {"recorded_peak_live_bytes", footer_[trace::kPeakLiveBytes]},
                {"recorded_peak_live_blocks", footer_[trace::kPeakLiveBlocks]},
                {"null_frees_skipped", null_frees_},
                {"blocks_live_at_end_of_trace", left_live_},
                {"replay_bookkeeping_bytes",
                 blocks_.capacity() * sizeof(void*) + trace::ReplayProgram::Cursor::kBufferWords * sizeof(std::uint64_t)}};
    }

private:
    trace::TouchMode touch_;
    std::unique_ptr<trace::ReplayProgram> program_;
    std::unique_ptr<trace::ReplayProgram::Cursor> cursor_;
    std::array<std::uint64_t, trace::kFooterFields> footer_{};
    std::vector<void*> blocks_;  // by slot: the live block's address
    Heap* heap_ = nullptr;
    std::uint64_t events_read_ = 0;
    std::uint64_t null_frees_ = 0, left_live_ = 0;
};

}  // namespace

WorkloadEntry trace_replay_workload() {
    WorkloadEntry e{"trace",
                    "replay of an allocation trace recorded from a real Python program (pymembench record)",
                    {text_param("file", "the trace file (pymembench record --out FILE -- script.py)"),
                     text_param("touch",
                                "how new blocks are written and freed ones read: none, first-line or all "
                                "(workloads/trace/memory_touch.h)",
                                kDefaultTouch)},
                    {},
                    [](const Params& p, std::uint64_t) {
                        return std::make_unique<TraceReplay>(p.text("file"), touch_mode(p));
                    },
                    kEventsPerOp};
    e.check = [](const Params& p) {
        touch_mode(p);
        check_trace_file(p.text("file"));
    };
    e.uses_collector = false;
    e.availability = WorkloadAvailability::when_named;
    return e;
}

}  // namespace pmb
