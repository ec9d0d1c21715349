#include "workloads/trace/trace_reader.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <zlib.h>

namespace pmb::trace {
namespace {

std::uint32_t get_u32(const std::uint8_t* p) {
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[3]} << 24;
}

std::uint64_t get_u64(const std::uint8_t* p) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = v << 8 | p[i];
    return v;
}

const char* kFooterNames[kFooterFields] = {
    "mallocs", "callocs", "reallocs", "frees", "peak live bytes", "peak live blocks", "live blocks at end",
    "live bytes at end", "duration", "program start event", "unknown blocks", "exit status"};

}  // namespace

TraceReader::TraceReader(const std::string& path) : name_(path) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw TraceError("cannot read the trace " + path + ": " + std::strerror(errno));
    struct stat st {};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        throw TraceError("cannot read the trace " + path + ": not a regular file");
    }
    file_bytes_ = static_cast<std::uint64_t>(st.st_size);
    if (file_bytes_ > 0) {
        void* m = mmap(nullptr, file_bytes_, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED) {
            close(fd);
            throw TraceError("cannot map the trace " + path + ": " + std::strerror(errno));
        }
        madvise(m, file_bytes_, MADV_SEQUENTIAL);
        data_ = static_cast<const std::uint8_t*>(m);
        mapped_ = true;
    }
    close(fd);
    read_header();
}

TraceReader::TraceReader(const std::uint8_t* data, std::size_t size, std::string name)
    : data_(data), name_(std::move(name)), file_bytes_(size) {
    read_header();
}

TraceReader::~TraceReader() {
    if (mapped_) munmap(const_cast<std::uint8_t*>(data_), file_bytes_);
}

void TraceReader::fail(const std::string& what) const {
    throw TraceError("trace " + name_ + ": " + what + " (expected a pymembench trace, version " +
                     std::to_string(kOldestVersion) + " to " + std::to_string(kVersion) +
                     ", as `pymembench record` writes)");
}

void TraceReader::fail_event(const std::string& what) const {
    fail("event " + std::to_string(events_read_) + " (in the chunk at byte " + std::to_string(chunk_offset_) + ") " +
         what);
}

void TraceReader::fail_not_live(std::uint64_t slot) const {
    fail_event("refers to block " + std::to_string(slot) + ", which is not live");
}

void TraceReader::read_header() {
    constexpr std::size_t kHeader = 16;
    if (file_bytes_ < kHeader) fail("too short for a header (" + std::to_string(file_bytes_) + " bytes)");
    if (std::memcmp(data_, kMagic, sizeof kMagic) != 0) fail("not a trace (its first bytes are not PMBTRACE)");
    const std::uint32_t version = get_u32(data_ + 8);
    if (version < kOldestVersion || version > kVersion) fail("unsupported version " + std::to_string(version));
    version_ = version;
    const std::uint32_t meta_bytes = get_u32(data_ + 12);
    if (meta_bytes > kMaxMetaBytes || meta_bytes > file_bytes_ - kHeader)
        fail("metadata of " + std::to_string(meta_bytes) + " bytes runs past the end of the file");
    meta_ = nlohmann::json::parse(data_ + kHeader, data_ + kHeader + meta_bytes, nullptr, false);
    if (!meta_.is_object()) fail("its metadata is not a JSON object");
    data_start_ = kHeader + meta_bytes;
    next_offset_ = data_start_;
    chunk_offset_ = data_start_;
}

void TraceReader::rewind() {
    next_offset_ = chunk_offset_ = data_start_;
    released_to_ = 0;
    pos_ = end_ = nullptr;
    chunk_events_left_ = 0;
    done_ = false;
    time_ns_ = 0;
    domain_ = Domain::object;
    thread_ = 0;
    events_read_ = 0;
    counts_ = {};
    slots_ = SlotTable();
}

bool TraceReader::load_chunk() {
    if (done_) return false;
    if (chunk_events_left_ != 0)
        fail("the chunk at byte " + std::to_string(chunk_offset_) + " holds fewer events than its count");
    while (true) {
        chunk_offset_ = next_offset_;
        if (mapped_ && chunk_offset_ - released_to_ >= kReleaseBytes) {
            // Drop the pages decoded so far: the trace's share of the resident set stays small.
            const std::uint64_t upto = chunk_offset_ & ~std::uint64_t{4095};
            madvise(const_cast<std::uint8_t*>(data_) + released_to_, upto - released_to_, MADV_DONTNEED);
            released_to_ = upto;
        }
        const std::uint64_t left = file_bytes_ - chunk_offset_;
        if (left == 0) fail("truncated: no footer after " + std::to_string(events_read_) + " events");
        if (left < kChunkHeaderBytes)
            fail("truncated: a chunk header at byte " + std::to_string(chunk_offset_) + " is cut short");
        const std::uint8_t* header = data_ + chunk_offset_;
        const std::uint8_t tag = header[0];
        const std::uint32_t length = get_u32(header + 1), count = get_u32(header + 5), crc = get_u32(header + 9);
        if (tag != kEventsTag && tag != kFooterTag)
            fail("unknown chunk tag " + std::to_string(tag) + " at byte " + std::to_string(chunk_offset_));
        if (length > kMaxChunkPayload) fail("a chunk of " + std::to_string(length) + " bytes (at most 1 MiB)");
        if (length > left - kChunkHeaderBytes)
            fail("truncated: the chunk at byte " + std::to_string(chunk_offset_) + " runs past the end of the file");
        const std::uint8_t* payload = header + kChunkHeaderBytes;
        next_offset_ = chunk_offset_ + kChunkHeaderBytes + length;
#ifndef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION  // the fuzzer explores what follows the check
        if (verify_checksums_ && crc32(0, payload, length) != crc)
            fail("the chunk at byte " + std::to_string(chunk_offset_) + " is damaged (CRC mismatch)");
#else
        (void)crc;
#endif
        if (tag == kFooterTag) {
            if (length != kFooterBytes || count != 0)
                fail("a footer of " + std::to_string(length) + " bytes (expected " + std::to_string(kFooterBytes) + ")");
            for (std::size_t i = 0; i < kFooterFields; ++i) footer_[i] = get_u64(payload + 8 * i);
            check_footer();
            done_ = true;
            pos_ = end_ = nullptr;
            return false;
        }
        if (length == 0) {
            if (count != 0) fail("an empty chunk claims " + std::to_string(count) + " events");
            continue;
        }
        pos_ = payload;
        end_ = pos_ + length;
        chunk_events_left_ = count;
        return true;
    }
}

void TraceReader::check_footer() {
    if (next_offset_ != file_bytes_)
        fail(std::to_string(file_bytes_ - next_offset_) + " bytes follow the footer");
    const std::uint64_t mine[] = {counts_[0],
                                  counts_[1],
                                  counts_[2],
                                  counts_[3],
                                  slots_.peak_live_bytes(),
                                  slots_.peak_live_blocks(),
                                  slots_.live_blocks(),
                                  slots_.live_bytes()};
    for (std::size_t i = 0; i < std::size(mine); ++i)
        if (footer_[i] != mine[i])
            fail(std::string("the footer's ") + kFooterNames[i] + " (" + std::to_string(footer_[i]) +
                 ") differs from the events' (" + std::to_string(mine[i]) + ")");
    if (footer_[kProgramStartEvent] > events_read_)
        fail("the footer's program start event is beyond the last event");
}

}  // namespace pmb::trace
