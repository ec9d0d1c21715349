// ReplayProgram: a checked trace compiled to what a replay loop must read per event, and nothing
// more, so that replaying costs the allocator calls and little else.
//
// A trace (trace_format.h) is compact but costs several nanoseconds an event to decode: varints,
// the slot rule (a free-slot stack, a live bitmap), the sizes of live blocks. The replay needs
// none of that work done again in its timed loop. Compiling reads the trace once with every check
// of TraceReader, and writes one 8-byte word per event (two or three for the rare calloc, a
// realloc, a size of 512 MiB or more) into an anonymous memory file (memfd):
//
//   bits 0-1   kind (trace::EventKind)          bit 2   domain (trace::Domain)
//   bit 3      malloc/calloc: -; realloc: of NULL (a new block); free: of NULL (skipped)
//   bit 4      the size is in the next word (it does not fit in 29 bits)
//   bits 5-34  slot (fewer than 2^30 live blocks)
//   bits 35-63 size: malloc's, realloc's new size, the size of the block a free releases
//   then       calloc: nelem, elsize (two words); realloc of a live block: its old size (one word)
//
// So the replay keeps a table of one pointer per slot and the Heap's accounting, exactly as
// before: its peak live bytes still equal the recording's. The words are read from the memfd into
// a buffer of kBufferWords (256 KiB, small enough to stay in the core's cache), a pread at a
// time: the same physical pages serve the whole replay, so the program adds 256 KiB to the
// resident set however long the trace is, and reading it costs a kernel copy per 32 k words, no
// page fault or mapping (mapping the memfd a window at a time cost 1-2 ns an event in page-table
// work alone). The memfd's pages are the kernel's shared memory, not the process's resident set.
// A helper process reading the words ahead into shared buffers (so that the copy would happen on
// the other core) was built and measured against this, side by side: it was no faster, and
// slower on most programs and backends, so the copy stays in the replaying process.
//
// Invariants: the words are a valid encoding of every event of the trace, in order (every slot a
// free or realloc names is live, and the sizes are those the trace recorded); events() equals the
// trace's event count, null frees included.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "workloads/trace/trace_reader.h"

namespace pmb::trace {

namespace replay_word {
inline constexpr std::uint64_t kKindMask = 3;
inline constexpr std::uint64_t kDomainBit = 1u << 2;
inline constexpr std::uint64_t kNullBit = 1u << 3;  // realloc(NULL, n), free(NULL)
inline constexpr std::uint64_t kLongSizeBit = 1u << 4;
inline constexpr int kSlotShift = 5;
inline constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << 30) - 1;
inline constexpr int kSizeShift = 35;
inline constexpr std::uint64_t kMaxShortSize = (std::uint64_t{1} << 29) - 1;
}  // namespace replay_word

class ReplayProgram {
public:
    // Reads `reader` from its first event to its footer, checking everything, in a child process
    // (the compiler's memory is never this process's); throws TraceError on an invalid trace (or
    // one with 2^30 live blocks or more), std::runtime_error when the memory file or the child
    // cannot be made. `reader` is left as it was (the child read it).
    explicit ReplayProgram(TraceReader& reader);
    ~ReplayProgram();
    ReplayProgram(const ReplayProgram&) = delete;
    ReplayProgram& operator=(const ReplayProgram&) = delete;

    std::uint64_t events() const { return events_; }
    std::uint64_t words() const { return words_; }
    std::uint64_t slots() const { return slots_; }
    // The trace's footer, checked.
    const std::array<std::uint64_t, kFooterFields>& footer() const { return footer_; }

    // Reads the words in order, a buffer at a time. A loop that reads many words keeps its own
    // position: it reads freely below window_end(), and calls refill(position) before a run of
    // events that might need more words than are left (at most kMaxEventWords an event; the last
    // buffer ends with the program).
    class Cursor {
    public:
        static constexpr std::ptrdiff_t kMaxEventWords = 4;
        static constexpr std::size_t kBufferWords = (256u << 10) / sizeof(std::uint64_t);

        explicit Cursor(const ReplayProgram& program);
        // The next word; the caller reads no more than the program holds.
        std::uint64_t next() {
            if (pos_ == window_end_) refill(pos_);
            return *pos_++;
        }
        const std::uint64_t* position() const { return pos_; }
        const std::uint64_t* window_end() const { return window_end_; }
        // The reader is at `position` (below window_end()): the words from there on are moved to
        // the buffer's start and the buffer filled up behind them.
        void refill(const std::uint64_t* position);
        // Where a loop that kept its own position stopped (below window_end()).
        void set_position(const std::uint64_t* position) { pos_ = position; }

    private:
        const ReplayProgram& program_;
        std::vector<std::uint64_t> buffer_;
        std::uint64_t next_word_ = 0;  // the first word not yet in the buffer
        const std::uint64_t* pos_ = nullptr;
        const std::uint64_t* window_end_ = nullptr;
    };

    // Every word, copied into `out` (the bare loop of bench/replay_baseline.cpp holds them all).
    void read_all(std::uint64_t* out) const;
    // The blocks the trace leaves live, (slot, size) in slot order: kept in the memory file after
    // the words, read a few thousand at a time when the replay frees them (reading them all at
    // once would add megabytes to the resident set just when the replay's heap is at its fullest).
    template <typename Visit>
    void for_each_live_at_end(Visit visit) const {
        constexpr std::uint64_t kBatch = 4096;
        std::vector<std::uint64_t> w(2 * kBatch);
        for (std::uint64_t first = 0; first < live_at_end_; first += kBatch) {
            const std::uint64_t n = std::min(kBatch, live_at_end_ - first);
            read_words(words_ + 2 * first, 2 * n, w.data());
            for (std::uint64_t i = 0; i < n; ++i) visit(static_cast<std::uint32_t>(w[2 * i]), w[2 * i + 1]);
        }
    }
    std::vector<std::pair<std::uint32_t, std::uint64_t>> live_at_end() const;

private:
    void compile(TraceReader& reader);  // in the child process: the words into fd_, the counts
    void read_words(std::uint64_t first, std::uint64_t count, std::uint64_t* out) const;

    int fd_ = -1;
    std::uint64_t events_ = 0;
    std::uint64_t words_ = 0;
    std::uint64_t slots_ = 0;
    std::uint64_t live_at_end_ = 0;  // entries (two words each) after the words
    std::array<std::uint64_t, kFooterFields> footer_{};
};

}  // namespace pmb::trace
