#include "workloads/trace/trace_writer.h"

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
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr)
        throw std::invalid_argument("cannot write the trace " + path + ": " + std::strerror(errno));
    stream_buffer_.resize(1 << 20);
    std::setvbuf(file_, stream_buffer_.data(), _IOFBF, stream_buffer_.size());
    const std::string text = meta.dump();
    if (text.size() > kMaxMetaBytes) throw std::invalid_argument("trace metadata too large");
    std::uint8_t header[16];
    std::memcpy(header, kMagic, 8);
    put_u32(header + 8, kVersion);
    put_u32(header + 12, static_cast<std::uint32_t>(text.size()));
    failed_ |= std::fwrite(header, 1, sizeof header, file_) != sizeof header;
    failed_ |= std::fwrite(text.data(), 1, text.size(), file_) != text.size();
    chunk_.resize(kChunkTarget + kFooterBytes + kMaxEventBytes);
}

TraceWriter::~TraceWriter() {
    if (file_ != nullptr) std::fclose(file_);
}

void TraceWriter::flush_chunk(std::uint8_t tag) {
    std::uint8_t header[kChunkHeaderBytes];
    header[0] = tag;
    put_u32(header + 1, static_cast<std::uint32_t>(used_));
    put_u32(header + 5, chunk_events_);
    put_u32(header + 9, static_cast<std::uint32_t>(crc32(0, chunk_.data(), static_cast<uInt>(used_))));
    failed_ |= std::fwrite(header, 1, sizeof header, file_) != sizeof header;
    failed_ |= std::fwrite(chunk_.data(), 1, used_, file_) != used_;
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
    fields[kPeakLiveBytes] = slots_.peak_live_bytes();
    fields[kPeakLiveBlocks] = slots_.peak_live_blocks();
    fields[kLiveBlocksAtEnd] = slots_.live_blocks();
    fields[kLiveBytesAtEnd] = slots_.live_bytes();
    fields[kDurationNs] = ending.duration_ns;
    fields[kProgramStartEvent] = ending.program_start_event;
    fields[kUnknownBlocks] = ending.unknown_blocks;
    fields[kExitStatus] = static_cast<std::uint64_t>(ending.exit_status);
    for (std::uint64_t v : fields)
        for (int i = 0; i < 8; ++i) chunk_[used_++] = static_cast<std::uint8_t>(v >> (8 * i));
    flush_chunk(kFooterTag);
    failed_ |= std::fclose(file_) != 0;
    file_ = nullptr;
    if (failed_) throw std::runtime_error("writing the trace " + path_ + " failed: " + std::strerror(errno));
}

}  // namespace pmb::trace
