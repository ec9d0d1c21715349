// TraceReader: reads and checks a trace (trace_format.h, version 1 or 2), one event at a time, in
// constant memory beyond the slot table. Version 1 events are all of the object domain.
//
// A file is mapped read-only and decoded in place: no copy, no read call in the event loop, a
// page fault per 4 KiB of trace (about a thousand events) instead of a pause per chunk. Pages
// already decoded are dropped from the process (madvise) every kReleaseBytes, so the trace adds
// about that much to the resident set however long it is. A replay reads a file twice: first
// with every check (the CRCs included), then with checksums off (set_verify_checksums(false)),
// which keeps every structural check and so stays memory-safe, but skips the one pass over the
// bytes that would stall an op now and then.
//
// Everything is checked before it is used: the header (magic, version, metadata JSON), every
// chunk's length against the bytes left in the file, its CRC, its event count against the events
// decoded, every varint, every ref against the live slots, every size against kMaxRequestBytes,
// and at the end the footer's totals against the recomputed ones and that nothing follows it. A
// failure throws TraceError with one line: the file, what is wrong, and where (byte offset or
// event number). So a corrupt, truncated or foreign file is refused, never misread, whatever its
// bytes (tests/fuzz/trace_reader_fuzz.cpp holds the reader to that).
//
// Invariants: events_read() events have been returned; slots() is the live set after them; after
// next() returned false the footer has been checked and footer() holds it.
#pragma once

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "workloads/trace/slot_table.h"
#include "workloads/trace/trace_format.h"

namespace pmb::trace {

struct TraceError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class TraceReader {
public:
    static constexpr std::uint64_t kReleaseBytes = 256u << 10;

    // Maps `path` and reads the header; throws TraceError.
    explicit TraceReader(const std::string& path);
    // Reads `size` bytes at `data` (not copied: they must outlive the reader), named `name` in errors.
    TraceReader(const std::uint8_t* data, std::size_t size, std::string name);
    ~TraceReader();
    TraceReader(const TraceReader&) = delete;
    TraceReader& operator=(const TraceReader&) = delete;

    const nlohmann::json& meta() const { return meta_; }
    std::uint32_t version() const { return version_; }

    // The next event into `e`; false once the footer has been read and checked.
    bool next(Event& e) {
        if (pos_ == end_ && !load_chunk()) return false;
        decode(e);
        return true;
    }
    // Back to the first event, with a fresh slot table (the footer already read is kept).
    void rewind();
    void set_verify_checksums(bool verify) { verify_checksums_ = verify; }

    std::uint64_t events_read() const { return events_read_; }
    const SlotTable& slots() const { return slots_; }
    SlotTable& slots() { return slots_; }
    const std::array<std::uint64_t, kFooterFields>& footer() const { return footer_; }
    std::uint64_t file_bytes() const { return file_bytes_; }

private:
    void read_header();
    bool load_chunk();
    void check_footer();
    [[noreturn]] void fail(const std::string& what) const;
    [[noreturn]] void fail_event(const std::string& what) const;

    std::uint64_t varint() {
        if (end_ - pos_ >= 2) {  // the common cases, one or two bytes, without the loop
            if (pos_[0] < 0x80) return *pos_++;
            if (pos_[1] < 0x80) {
                const std::uint64_t v = (pos_[0] & 0x7fu) | std::uint64_t{pos_[1]} << 7;
                pos_ += 2;
                return v;
            }
        }
        return varint_long();
    }
    std::uint64_t varint_long() {
        std::uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos_ == end_) fail_event("ends inside a number");
            const std::uint8_t byte = *pos_++;
            if (shift == 63 && byte > 1) fail_event("a number beyond 64 bits");
            v |= std::uint64_t{byte & 0x7fu} << shift;
            if (byte < 0x80) return v;
        }
        fail_event("a number longer than 10 bytes");
    }
    std::uint32_t live_ref() {
        const std::uint64_t ref = varint();
        if (ref == 0) return kNoSlot;
        if (ref - 1 >= kNoSlot || !slots_.is_live(static_cast<std::uint32_t>(ref - 1))) fail_not_live(ref - 1);
        return static_cast<std::uint32_t>(ref - 1);
    }
    [[noreturn]] void fail_not_live(std::uint64_t slot) const;
    std::uint64_t request_size(std::uint64_t size) {
        if (size > kMaxRequestBytes) fail_event("asks for " + std::to_string(size) + " bytes (at most 2^47)");
        return size;
    }
    std::uint32_t open_block(std::uint64_t size) {
        if (slots_.full()) fail_event("more live blocks than slots can name");
        return slots_.open(size);
    }

    void decode(Event& e) {
        if (chunk_events_left_ == 0) fail_event("is beyond the chunk's event count");
        --chunk_events_left_;
        const std::uint64_t h = varint();
        if (version_ == 1) {
            time_ns_ += h >> 2;
        } else {
            time_ns_ += h >> 4;
            domain_ = static_cast<Domain>(h >> 2 & 1);
            if ((h & 8) != 0) {
                const std::uint64_t thread = varint();
                if (thread > UINT32_MAX) fail_event("names thread " + std::to_string(thread) + " (at most 2^32 - 1)");
                thread_ = static_cast<std::uint32_t>(thread);
            }
        }
        e.time_ns = time_ns_;
        e.domain = domain_;
        e.thread = thread_;
        e.kind = static_cast<EventKind>(h & 3);
        e.nelem = e.elsize = e.old_size = 0;
        e.new_block = false;
        switch (e.kind) {
        case EventKind::malloc:
            e.size = request_size(varint());
            e.slot = open_block(e.size);
            e.new_block = true;
            break;
        case EventKind::calloc:
            e.nelem = varint();
            e.elsize = varint();
            if (e.elsize != 0 && e.nelem > kMaxRequestBytes / e.elsize)
                fail_event("calloc of " + std::to_string(e.nelem) + " x " + std::to_string(e.elsize) + " bytes");
            e.size = e.nelem * e.elsize;
            e.slot = open_block(e.size);
            e.new_block = true;
            break;
        case EventKind::realloc: {
            const std::uint32_t slot = live_ref();
            e.size = request_size(varint());
            if (slot == kNoSlot) {
                e.slot = open_block(e.size);
                e.new_block = true;
            } else {
                e.slot = slot;
                e.old_size = slots_.size_of(slot);
                slots_.resize(slot, e.size);
            }
            break;
        }
        case EventKind::free:
            e.slot = live_ref();
            e.size = 0;
            if (e.slot != kNoSlot) {
                e.old_size = slots_.size_of(e.slot);
                slots_.close(e.slot);
            }
            break;
        }
        ++counts_[h & 3];
        ++events_read_;
    }

    const std::uint8_t* data_ = nullptr;
    bool mapped_ = false;             // data_ is our mapping of the file (unmapped, pages released)
    bool verify_checksums_ = true;
    std::string name_;
    nlohmann::json meta_;
    std::uint64_t file_bytes_ = 0;
    std::uint64_t data_start_ = 0;   // offset of the first chunk
    std::uint64_t chunk_offset_ = 0;  // offset of the chunk being decoded
    std::uint64_t next_offset_ = 0;   // offset of the next chunk
    std::uint64_t released_to_ = 0;   // pages before this offset have been dropped
    const std::uint8_t* pos_ = nullptr;
    const std::uint8_t* end_ = nullptr;
    std::uint32_t chunk_events_left_ = 0;
    bool done_ = false;
    std::uint64_t time_ns_ = 0;
    std::uint32_t version_ = kVersion;
    Domain domain_ = Domain::object;  // version 1 has only the object domain
    std::uint32_t thread_ = 0;
    std::uint64_t events_read_ = 0;
    std::array<std::uint64_t, 4> counts_{};
    std::array<std::uint64_t, kFooterFields> footer_{};
    SlotTable slots_;
};

}  // namespace pmb::trace
