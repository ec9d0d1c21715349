#include "workloads/trace/replay_program.h"

#include <fcntl.h>
#include <sys/mman.h>  // memfd_create
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>


namespace pmb::trace {
namespace {

constexpr std::size_t kSummaryWords = 4 + kFooterFields;  // the child's counts, then the footer
constexpr std::size_t kWriteBufferWords = (1u << 20) / sizeof(std::uint64_t);  // 1 MiB

[[noreturn]] void fail_system(const char* what) {
    throw std::runtime_error(std::string("cannot hold the compiled trace in memory (") + what +
                             "): " + std::strerror(errno));
}

// Buffers words and writes them to the memory file a megabyte at a time.
class WordWriter {
public:
    explicit WordWriter(int fd) : fd_(fd) { buffer_.reserve(kWriteBufferWords); }
    void put(std::uint64_t w) {
        buffer_.push_back(w);
        if (buffer_.size() == kWriteBufferWords) flush();
    }
    void flush() {
        const auto* p = reinterpret_cast<const char*>(buffer_.data());
        std::size_t left = buffer_.size() * sizeof(std::uint64_t);
        while (left > 0) {
            const ssize_t n = write(fd_, p, left);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) fail_system("write");
            p += n;
            left -= static_cast<std::size_t>(n);
        }
        written_ += buffer_.size();
        buffer_.clear();
    }
    std::uint64_t written() const { return written_ + buffer_.size(); }

private:
    int fd_;
    std::vector<std::uint64_t> buffer_;
    std::uint64_t written_ = 0;
};

}  // namespace

ReplayProgram::ReplayProgram(TraceReader& reader) {
    fd_ = memfd_create("pymembench-replay", MFD_CLOEXEC);
    if (fd_ < 0) fail_system("memfd_create");
    // Compiled in a child process: the reader's slot table and the file's pages are the child's,
    // so none of the compiler's memory (nor what the allocator keeps of it once freed) is in this
    // process's resident set, which a replay measures.
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) fail_system("pipe");
    const pid_t child = fork();
    if (child < 0) fail_system("fork");
    if (child == 0) {
        close(pipe_fds[0]);
        std::string message = "K";
        try {
            compile(reader);
            std::uint64_t summary[kSummaryWords] = {events_, words_, slots_, live_at_end_};
            std::copy(reader.footer().begin(), reader.footer().end(), summary + 4);
            message.append(reinterpret_cast<const char*>(summary), sizeof summary);
        } catch (const TraceError& e) {
            message = std::string("T") + e.what();
        } catch (const std::exception& e) {
            message = std::string("E") + e.what();
        }
        for (std::size_t done = 0; done < message.size();) {
            const ssize_t n = write(pipe_fds[1], message.data() + done, message.size() - done);
            if (n <= 0 && errno != EINTR) break;
            if (n > 0) done += static_cast<std::size_t>(n);
        }
        _exit(0);
    }
    close(pipe_fds[1]);
    std::string message;
    char buf[4096];
    for (ssize_t n; (n = read(pipe_fds[0], buf, sizeof buf)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        message.append(buf, static_cast<std::size_t>(n));
    }
    close(pipe_fds[0]);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (message.size() == 1 + kSummaryWords * sizeof(std::uint64_t) && message[0] == 'K') {
        std::uint64_t summary[kSummaryWords];
        std::memcpy(summary, message.data() + 1, sizeof summary);
        events_ = summary[0];
        words_ = summary[1];
        slots_ = summary[2];
        live_at_end_ = summary[3];
        std::copy(summary + 4, summary + kSummaryWords, footer_.begin());
        return;
    }
    if (!message.empty() && message[0] == 'T') throw TraceError(message.substr(1));
    if (!message.empty() && message[0] == 'E') throw std::runtime_error(message.substr(1));
    throw std::runtime_error("compiling the trace failed: its process " +
                             std::string(WIFSIGNALED(status) ? "was killed by signal " + std::to_string(WTERMSIG(status))
                                                             : "ended with status " + std::to_string(WEXITSTATUS(status))));
}

void ReplayProgram::compile(TraceReader& reader) {
    using namespace replay_word;
    WordWriter out(fd_);
    Event e;
    while (reader.next(e)) {
        std::uint64_t w = static_cast<std::uint64_t>(e.kind) | (e.domain == Domain::mem ? kDomainBit : 0);
        std::uint64_t size = e.size;
        if (e.slot != kNoSlot) {
            if (e.slot > kSlotMask)
                throw TraceError("the trace has more than 2^30 live blocks, more than a replay can name");
            w |= std::uint64_t{e.slot} << kSlotShift;
        }
        switch (e.kind) {
        case EventKind::malloc:
        case EventKind::calloc:
            break;
        case EventKind::realloc:
            if (e.new_block) w |= kNullBit;
            break;
        case EventKind::free:
            if (e.slot == kNoSlot) w |= kNullBit;
            size = e.old_size;
            break;
        }
        if (size > kMaxShortSize) w |= kLongSizeBit;
        else w |= size << kSizeShift;
        out.put(w);
        if (size > kMaxShortSize) out.put(size);
        if (e.kind == EventKind::calloc) {
            out.put(e.nelem);
            out.put(e.elsize);
        } else if (e.kind == EventKind::realloc && !e.new_block) {
            out.put(e.old_size);
        }
        ++events_;
    }
    words_ = out.written();
    const SlotTable& live = reader.slots();
    slots_ = live.slots_used();
    for (std::uint32_t slot = 0; slot < slots_; ++slot)
        if (live.is_live(slot)) {
            out.put(slot);
            out.put(live.size_of(slot));
            ++live_at_end_;
        }
    out.flush();
}

ReplayProgram::~ReplayProgram() {
    if (fd_ >= 0) close(fd_);
}

void ReplayProgram::read_words(std::uint64_t first, std::uint64_t count, std::uint64_t* out) const {
    std::size_t done = 0;
    const std::size_t bytes = count * sizeof(std::uint64_t);
    const auto offset = static_cast<off_t>(first * sizeof(std::uint64_t));
    while (done < bytes) {
        const ssize_t n = pread(fd_, reinterpret_cast<char*>(out) + done, bytes - done, offset + static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail_system("read");
        done += static_cast<std::size_t>(n);
    }
}

void ReplayProgram::read_all(std::uint64_t* out) const { read_words(0, words_, out); }

std::vector<std::pair<std::uint32_t, std::uint64_t>> ReplayProgram::live_at_end() const {
    std::vector<std::pair<std::uint32_t, std::uint64_t>> out;
    out.reserve(live_at_end_);
    for_each_live_at_end([&](std::uint32_t slot, std::uint64_t size) { out.emplace_back(slot, size); });
    return out;
}

ReplayProgram::Cursor::Cursor(const ReplayProgram& program) : program_(program), buffer_(kBufferWords) {
    pos_ = window_end_ = buffer_.data();
}

void ReplayProgram::Cursor::refill(const std::uint64_t* position) {
    pos_ = position;
    if (next_word_ == program_.words_) return;
    const auto left = static_cast<std::size_t>(window_end_ - pos_);
    std::memmove(buffer_.data(), pos_, left * sizeof(std::uint64_t));
    const std::uint64_t more = std::min<std::uint64_t>(kBufferWords - left, program_.words_ - next_word_);
    program_.read_words(next_word_, more, buffer_.data() + left);
    next_word_ += more;
    pos_ = buffer_.data();
    window_end_ = pos_ + left + more;
}

}  // namespace pmb::trace
