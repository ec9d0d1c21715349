// The allocation trace format (version 2; version 1 still read): every request a Python program
// made of the allocator CPython's pymalloc serves, its object domain (PyObject_Malloc, _Calloc,
// _Realloc, _Free) and its mem domain (PyMem_Malloc and friends), in order, each event tagged
// with its domain, compact enough that a second of Python is a few tens of megabytes, and checked
// so that a damaged or foreign file is refused rather than misread. docs/trace-format.md is the
// same specification with an example; tests/fuzz/make_seeds.py is an independent writer of it in
// Python.
//
// All integers are little-endian. A file is a header, then chunks, the last of which is the
// footer, then end of file:
//
//   header   magic "PMBTRACE" (8 bytes), version u32 (1 or 2), meta length u32 (<= 1 MiB), then
//            that many bytes of JSON text (an object): "python_version", "command" (the
//            program's argv), "recorder" (pymembench's), "start_time", "domains" (["object",
//            "mem"]; version 1: "domain": "object"), "clock"; readers ignore keys they do not know.
//   chunk    tag u8 ('E' events, 'F' footer), payload length u32 (<= 1 MiB), event count u32
//            (0 for the footer), CRC-32 of the payload u32 (zlib's crc32), then the payload.
//   footer   payload of kFooterFields u64s, in FooterField order: totals the reader recomputes
//            and must match, plus what only the recorder knew.
//
// An event is unsigned LEB128 varints (at most 10 bytes each, no overlong final byte):
//
//   head = dt << 4 | thread << 3 | domain << 2 | kind        (version 1: dt << 2 | kind)
//            dt: nanoseconds since the previous event (the first: since the start of recording)
//            kind: 0 malloc, 1 calloc, 2 realloc, 3 free
//            domain: 0 object, 1 mem (version 1: always object)
//            thread: 1 if a varint thread id follows the head; the event and those after it are
//            that thread's until the next id (the first events are thread 0's). Room for
//            multi-threaded programs: pymembench's recorder is single-threaded and never sets it.
//   malloc   head, size
//   calloc   head, nelem, elsize            (nelem * elsize must not overflow)
//   realloc  head, ref, new_size            ref: 0 = NULL (a new block), else slot + 1
//   free     head, ref                      ref: 0 = free(NULL), else slot + 1
//
// Blocks are named by slots, which are never written for a new block: both sides derive them.
// A new block (malloc, calloc, realloc of NULL) takes the most recently freed slot (a LIFO stack
// of free slots), or the next never-used slot when none is free; free pushes its slot; realloc of
// a live block keeps its slot. So the slot count is the peak number of live blocks, and a replay
// needs a table of that many pointers, not one per allocation. One slot space serves both domains
// (in CPython 3.11 one allocator serves both); an event's domain is the one it was called in. A
// ref to a slot that is not live (never used, or freed) makes the file invalid. Requests that
// failed (NULL returned for a non-zero size) are not events.
//
// Sizes are at most kMaxRequestBytes (2^47: beyond any address space), thread ids fit in 32 bits,
// and every limit above is checked by the reader, which never trusts a length before checking it
// against the bytes left.
#pragma once

#include <cstddef>
#include <cstdint>

namespace pmb::trace {

inline constexpr char kMagic[8] = {'P', 'M', 'B', 'T', 'R', 'A', 'C', 'E'};
inline constexpr std::uint32_t kVersion = 2;     // written
inline constexpr std::uint32_t kOldestVersion = 1;  // still read
inline constexpr std::uint32_t kMaxMetaBytes = 1u << 20;
inline constexpr std::uint32_t kMaxChunkPayload = 1u << 20;
// The writer ends a chunk once its payload reaches this (readers accept up to kMaxChunkPayload).
inline constexpr std::uint32_t kChunkTarget = 64u << 10;
inline constexpr std::uint64_t kMaxRequestBytes = std::uint64_t{1} << 47;
inline constexpr std::size_t kChunkHeaderBytes = 13;  // tag, length, count, crc
inline constexpr std::size_t kMaxEventBytes = 4 * 10;  // head, thread id, two fields
inline constexpr std::uint8_t kEventsTag = 'E';
inline constexpr std::uint8_t kFooterTag = 'F';

enum class EventKind : std::uint8_t { malloc = 0, calloc = 1, realloc = 2, free = 3 };
// The interpreter's allocator domain an event was called in.
enum class Domain : std::uint8_t { object = 0, mem = 1 };
inline constexpr std::size_t kDomains = 2;
inline constexpr const char* kDomainNames[kDomains] = {"object", "mem"};
inline constexpr std::uint32_t kNoSlot = UINT32_MAX;  // free(NULL), realloc(NULL, n)'s old block

// One decoded event. `slot` is the block's slot after the event (for free: the freed slot, or
// kNoSlot for free(NULL)); `old_size` is the block's size before a realloc or free.
struct Event {
    EventKind kind;
    std::uint32_t slot;
    bool new_block;          // malloc, calloc, realloc of NULL
    std::uint64_t size;      // bytes after the event (malloc, realloc; calloc: nelem * elsize; free: 0)
    std::uint64_t nelem;     // calloc's arguments (nelem * elsize == size)
    std::uint64_t elsize;
    std::uint64_t old_size;  // realloc, free: the block's size before
    std::uint64_t time_ns;   // since the start of recording
    Domain domain;
    std::uint32_t thread;    // 0 unless the file names threads
};

enum FooterField : std::size_t {
    kMallocs,             // events of each kind
    kCallocs,
    kReallocs,
    kFrees,
    kPeakLiveBytes,       // high-water mark of the sum of live blocks' sizes
    kPeakLiveBlocks,      // high-water mark of live blocks (== slots used)
    kLiveBlocksAtEnd,     // blocks still live when recording stopped
    kLiveBytesAtEnd,
    kDurationNs,          // start of recording to its end
    kProgramStartEvent,   // events before the program's own code began (interpreter start-up)
    kUnknownBlocks,       // frees and reallocs of blocks allocated before recording began (a realloc
                          // of one is written as realloc of NULL, a free of one not at all)
    kExitStatus,          // the program's exit status
    kFooterFields
};
inline constexpr std::size_t kFooterBytes = kFooterFields * 8;

}  // namespace pmb::trace
