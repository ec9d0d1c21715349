// TraceWriter: writes the trace format of trace_format.h (version 2), one event at a time.
//
// The caller names existing blocks by the slot the writer returned when they were created (the
// recorder keeps pointer -> slot), and passes event times in nanoseconds since the start of
// recording, non-decreasing. Events are encoded into a chunk buffer and written (straight to the
// file descriptor) when it reaches kChunkTarget bytes, so an event costs a few varint stores and,
// rarely, a CRC and two system calls. Nothing is buffered outside the chunk, so a
// forked child that abandon()s its copy of the writer never writes to the parent's file.
//
// Invariants: every chunk written has its true payload length, event count and CRC; the file is
// a valid trace only once finish() has written the footer (a writer destroyed without finish()
// leaves a truncated file, which readers refuse).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "workloads/trace/trace_format.h"

namespace pmb::trace {

class TraceWriter {
public:
    // Creates (truncates) `path` and writes the header; throws std::invalid_argument naming the path
    // and the reason when it cannot be written.
    TraceWriter(const std::string& path, const nlohmann::json& meta);
    ~TraceWriter();
    TraceWriter(const TraceWriter&) = delete;
    TraceWriter& operator=(const TraceWriter&) = delete;

    // The events, inline: the recorder calls them on every allocation of the program. The caller
    // names a block by its slot and gives its size as last made (the recorder keeps both by
    // address), so the writer keeps no table by slot: only the numbering, the totals and peaks.
    std::uint32_t malloc(Domain domain, std::uint64_t time_ns, std::uint64_t size) {
        head(EventKind::malloc, domain, time_ns);
        put(size);
        end_event();
        return open(size);
    }
    std::uint32_t calloc(Domain domain, std::uint64_t time_ns, std::uint64_t nelem, std::uint64_t elsize) {
        head(EventKind::calloc, domain, time_ns);
        put(nelem);
        put(elsize);
        end_event();
        return open(nelem * elsize);
    }
    // `slot` is the block's (of `old_size` bytes), or kNoSlot for realloc(NULL, n); returns the
    // block's slot afterwards.
    std::uint32_t realloc(Domain domain, std::uint64_t time_ns, std::uint32_t slot, std::uint64_t old_size,
                          std::uint64_t new_size) {
        head(EventKind::realloc, domain, time_ns);
        put(slot == kNoSlot ? 0 : std::uint64_t{slot} + 1);
        put(new_size);
        end_event();
        if (slot == kNoSlot) return open(new_size);
        live_bytes_ -= old_size;
        grow(new_size);
        return slot;
    }
    // `slot` is the block's (of `size` bytes), or kNoSlot for free(NULL).
    void free(Domain domain, std::uint64_t time_ns, std::uint32_t slot, std::uint64_t size) {
        head(EventKind::free, domain, time_ns);
        put(slot == kNoSlot ? 0 : std::uint64_t{slot} + 1);
        end_event();
        if (slot == kNoSlot) return;
        free_slots_.push_back(slot);
        --live_blocks_;
        live_bytes_ -= size;
    }

    // The footer's recorder-only fields; the totals come from the events written.
    struct Ending {
        std::uint64_t duration_ns = 0;
        std::uint64_t program_start_event = 0;
        std::uint64_t unknown_blocks = 0;
        std::int64_t exit_status = 0;
    };
    // Writes the last chunk and the footer and closes the file; throws std::runtime_error when the
    // file system refused a write (disk full) at any point.
    void finish(const Ending& ending);

    // Never writes again (a forked child's copy): the chunk in memory is dropped, the descriptor left
    // to close with the process.
    void abandon() { fd_ = -1; }

    std::uint64_t events() const { return counts_[0] + counts_[1] + counts_[2] + counts_[3]; }
    std::uint64_t peak_live_bytes() const { return peak_live_bytes_; }

private:
    void head(EventKind kind, Domain domain, std::uint64_t time_ns) {
        const std::uint64_t dt = time_ns >= last_time_ns_ ? time_ns - last_time_ns_ : 0;
        last_time_ns_ += dt;
        put(dt << 4 | static_cast<std::uint64_t>(domain) << 2 | static_cast<std::uint64_t>(kind));
        ++counts_[static_cast<std::size_t>(kind)];
    }
    void put(std::uint64_t v) {  // unsigned LEB128; the buffer has room for a whole event
        std::uint8_t* p = chunk_.data() + used_;
        while (v >= 0x80) {
            *p++ = static_cast<std::uint8_t>(v | 0x80);
            v >>= 7;
        }
        *p++ = static_cast<std::uint8_t>(v);
        used_ = static_cast<std::size_t>(p - chunk_.data());
    }
    void end_event() {
        ++chunk_events_;
        if (used_ >= kChunkTarget) flush_chunk(kEventsTag);
    }
    // A new block's slot: the last freed first, else a new one.
    std::uint32_t open(std::uint64_t size) {
        std::uint32_t slot;
        if (!free_slots_.empty()) {
            slot = free_slots_.back();
            free_slots_.pop_back();
        } else {
            slot = next_slot_++;
        }
        if (++live_blocks_ > peak_live_blocks_) peak_live_blocks_ = live_blocks_;
        grow(size);
        return slot;
    }
    void grow(std::uint64_t size) {
        live_bytes_ += size;
        if (live_bytes_ > peak_live_bytes_) peak_live_bytes_ = live_bytes_;
    }
    void flush_chunk(std::uint8_t tag);
    void write_all(const std::uint8_t* data, std::size_t size);

    int fd_ = -1;
    std::string path_;
    std::vector<std::uint8_t> chunk_;  // kChunkTarget + kMaxEventBytes bytes, used_ of them filled
    std::size_t used_ = 0;
    std::uint32_t chunk_events_ = 0;
    std::uint64_t last_time_ns_ = 0;
    std::array<std::uint64_t, 4> counts_{};
    std::vector<std::uint32_t> free_slots_;
    std::uint32_t next_slot_ = 0;
    std::uint64_t live_blocks_ = 0, live_bytes_ = 0, peak_live_blocks_ = 0, peak_live_bytes_ = 0;
    bool failed_ = false;
    int errno_ = 0;  // why the first failed write failed
};

}  // namespace pmb::trace
