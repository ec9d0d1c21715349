#include "workloads/trace/trace_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include <zlib.h>

namespace pmb::trace {
namespace {

void put_u32(std::uint8_t* p, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

}  // namespace

TraceWriter::TraceWriter(const std::string& path, const nlohmann::json& meta) : path_(path) {
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::invalid_argument("cannot write the trace " + path + ": " + std::strerror(errno));
    const std::string text = meta.dump();
    if (text.size() > kMaxMetaBytes) throw std::invalid_argument("trace metadata too large");
    std::uint8_t header[16];
    std::memcpy(header, kMagic, 8);
    put_u32(header + 8, kVersion);
    put_u32(header + 12, static_cast<std::uint32_t>(text.size()));
    write_all(header, sizeof header);
    write_all(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
    chunk_.resize(kChunkTarget + kFooterBytes + kMaxEventBytes);
}

TraceWriter::~TraceWriter() {
    if (fd_ >= 0) close(fd_);
}

void TraceWriter::write_all(const std::uint8_t* data, std::size_t size) {
    while (size > 0 && fd_ >= 0 && !failed_) {
        const ssize_t n = ::write(fd_, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            failed_ = true;
            errno_ = n < 0 ? errno : ENOSPC;
            break;
        }
        data += n;
        size -= static_cast<std::size_t>(n);
    }
}

void TraceWriter::flush_chunk(std::uint8_t tag) {
    std::uint8_t header[kChunkHeaderBytes];
    header[0] = tag;
    put_u32(header + 1, static_cast<std::uint32_t>(used_));
    put_u32(header + 5, chunk_events_);
    put_u32(header + 9, static_cast<std::uint32_t>(crc32(0, chunk_.data(), static_cast<uInt>(used_))));
    write_all(header, sizeof header);
    write_all(chunk_.data(), used_);
    used_ = 0;
    chunk_events_ = 0;
}

void TraceWriter::finish(const Ending& ending) {
    if (used_ > 0) flush_chunk(kEventsTag);
    std::uint64_t fields[kFooterFields] = {};
    fields[kMallocs] = counts_[0];
    fields[kCallocs] = counts_[1];
    fields[kReallocs] = counts_[2];
    fields[kFrees] = counts_[3];
    fields[kPeakLiveBytes] = peak_live_bytes_;
    fields[kPeakLiveBlocks] = peak_live_blocks_;
    fields[kLiveBlocksAtEnd] = live_blocks_;
    fields[kLiveBytesAtEnd] = live_bytes_;
    fields[kDurationNs] = ending.duration_ns;
    fields[kProgramStartEvent] = ending.program_start_event;
    fields[kUnknownBlocks] = ending.unknown_blocks;
    fields[kExitStatus] = static_cast<std::uint64_t>(ending.exit_status);
    for (std::uint64_t v : fields)
        for (int i = 0; i < 8; ++i) chunk_[used_++] = static_cast<std::uint8_t>(v >> (8 * i));
    flush_chunk(kFooterTag);
    if (fd_ >= 0 && close(fd_) != 0 && !failed_) {
        failed_ = true;
        errno_ = errno;
    }
    fd_ = -1;
    if (failed_) throw std::runtime_error("writing the trace " + path_ + " failed: " + std::strerror(errno_));
}

}  // namespace pmb::trace
