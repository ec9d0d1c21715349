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
// before: its peak live bytes still equal the recording's. The words are read through a mapping of
// the memfd a window at a time: the window ahead is populated in one call (MADV_POPULATE_READ, no
// page fault per 4 KiB), the windows behind are dropped (MADV_DONTNEED), so the program adds about
// two windows to the replay's resident set however long the trace is. The memfd's pages are the
// kernel's shared memory, not the process's resident set, and go with the program.
//
// Invariants: the words are a valid encoding of every event of the trace, in order (every slot a
// free or realloc names is live, and the sizes are those the trace recorded); events() equals the
// trace's event count, null frees included.
#pragma once

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
    // Reads `reader` from its first event to its footer, checking everything; throws TraceError
    // on an invalid trace (or one with 2^30 live blocks or more), std::runtime_error when the
    // memory file cannot be made.
    explicit ReplayProgram(TraceReader& reader);
    ~ReplayProgram();
    ReplayProgram(const ReplayProgram&) = delete;
    ReplayProgram& operator=(const ReplayProgram&) = delete;

    std::uint64_t events() const { return events_; }
    std::uint64_t words() const { return words_; }
    std::uint64_t slots() const { return slots_; }

    // Reads the words in order, a window at a time.
    class Cursor {
    public:
        explicit Cursor(const ReplayProgram& program);
        ~Cursor();
        Cursor(const Cursor&) = delete;
        Cursor& operator=(const Cursor&) = delete;
        // The next word; the caller reads no more than the program holds.
        std::uint64_t next() {
            if (pos_ == window_end_) advance();
            return *pos_++;
        }

    private:
        void advance();
        const std::uint64_t* base_ = nullptr;
        std::size_t mapped_bytes_ = 0;
        const std::uint64_t* pos_ = nullptr;
        const std::uint64_t* window_end_ = nullptr;
        const std::uint64_t* end_ = nullptr;
        const std::uint64_t* released_to_ = nullptr;
    };

    // Every word, copied into `out` (the bare loop of bench/replay_baseline.cpp holds them all).
    void read_all(std::uint64_t* out) const;
    // The blocks the trace leaves live, (slot, size) in slot order: kept in the memory file after
    // the words, read when the replay frees them.
    std::vector<std::pair<std::uint32_t, std::uint64_t>> live_at_end() const;

private:
    void read_words(std::uint64_t first, std::uint64_t count, std::uint64_t* out) const;

    int fd_ = -1;
    std::uint64_t events_ = 0;
    std::uint64_t words_ = 0;
    std::uint64_t slots_ = 0;
    std::uint64_t live_at_end_ = 0;  // entries (two words each) after the words
};

}  // namespace pmb::trace
