#include "workloads/trace/word_prefetcher.h"

#include <linux/futex.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

extern char** environ;

namespace pmb::trace {

// The page both processes map. Chunk k lives in buffer k % 2 as its generation k / 2.
// released[b] > g: the caller no longer needs buffer b's generation g - 1, so the helper may fill
// generation g; filled[b] > g: the helper has read generation g. Each counter has a cache line.
struct WordPrefetcher::Shared {
    struct alignas(64) Counter {
        std::atomic<std::uint32_t> value;
    };
    Counter released[2];
    Counter filled[2];
    Counter failed;  // the helper's errno when a read failed
    alignas(64) std::uint64_t buffer[2][kSlackWords + kChunkWords];
};
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);

namespace {

// Futexes between processes: not FUTEX_PRIVATE, since the page is mapped in two address spaces.
void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t seen, long timeout_ns) {
    const timespec timeout{timeout_ns / 1'000'000'000, timeout_ns % 1'000'000'000};
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAIT, seen, &timeout, nullptr, 0);
}
void futex_wake(std::atomic<std::uint32_t>& word) {
    syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(&word), FUTEX_WAKE, 1, nullptr, nullptr, 0);
}

[[noreturn]] void fail_system(const char* what) {
    throw std::runtime_error(std::string("cannot read the compiled trace ahead (") + what + "): " + std::strerror(errno));
}

std::uint64_t words_in_chunk(std::uint64_t words, std::uint64_t chunk) {
    const std::uint64_t first = chunk * WordPrefetcher::kChunkWords;
    return std::min<std::uint64_t>(WordPrefetcher::kChunkWords, words - first);
}

}  // namespace

WordPrefetcher::WordPrefetcher(int fd, std::uint64_t words)
    : words_(words), chunks_((words + kChunkWords - 1) / kChunkWords) {
    const int shared_fd = memfd_create("pymembench-prefetch", MFD_CLOEXEC);
    if (shared_fd < 0) fail_system("memfd_create");
    if (ftruncate(shared_fd, sizeof(Shared)) != 0) {
        close(shared_fd);
        fail_system("ftruncate");
    }
    void* m = mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED, shared_fd, 0);
    if (m == MAP_FAILED) {
        close(shared_fd);
        fail_system("mmap");
    }
    shared_ = new (m) Shared{};
    shared_->released[0].value = shared_->released[1].value = 1;
    if (chunks_ == 0) {
        close(shared_fd);
        return;
    }
    // The helper gets the two files as descriptors 3 and 4 (dup2 clears their close-on-exec).
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fd, 3);
    posix_spawn_file_actions_adddup2(&actions, shared_fd, 4);
    const std::string words_arg = std::to_string(words), parent_arg = std::to_string(getpid());
    char* argv[] = {const_cast<char*>(PMB_WORD_READER), const_cast<char*>(words_arg.c_str()),
                    const_cast<char*>(parent_arg.c_str()), nullptr};
    const int rc = posix_spawn(&helper_, PMB_WORD_READER, &actions, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(shared_fd);
    if (rc != 0) {
        munmap(shared_, sizeof(Shared));
        errno = rc;
        fail_system("start " PMB_WORD_READER);
    }
}

WordPrefetcher::~WordPrefetcher() {
    if (helper_ > 0) {
        kill(helper_, SIGKILL);
        while (waitpid(helper_, nullptr, 0) < 0 && errno == EINTR) {
        }
    }
    if (shared_ != nullptr) munmap(shared_, sizeof(Shared));
}

std::uint64_t WordPrefetcher::words_in(std::uint64_t chunk) const { return words_in_chunk(words_, chunk); }

std::uint64_t* WordPrefetcher::acquire(std::uint64_t chunk) {
    auto& filled = shared_->filled[chunk % 2].value;
    const auto generation = static_cast<std::uint32_t>(chunk / 2);
    for (std::uint32_t seen; (seen = filled.load(std::memory_order_acquire)) <= generation;) {
        if (const std::uint32_t e = shared_->failed.value.load(); e != 0) {
            errno = static_cast<int>(e);
            fail_system("read");
        }
        if (waitpid(helper_, nullptr, WNOHANG) == helper_) {
            helper_ = -1;
            throw std::runtime_error("cannot read the compiled trace ahead: the word reader " PMB_WORD_READER " died");
        }
        futex_wait(filled, seen, 50'000'000);
    }
    return shared_->buffer[chunk % 2] + kSlackWords;
}

void WordPrefetcher::release(std::uint64_t chunk) {
    auto& released = shared_->released[chunk % 2].value;
    released.store(static_cast<std::uint32_t>(chunk / 2 + 2), std::memory_order_release);
    futex_wake(released);
}

int WordPrefetcher::serve(int words_fd, int shared_fd, std::uint64_t words, pid_t parent) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) return 1;  // the parent died before the line above
    void* m = mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE, MAP_SHARED, shared_fd, 0);
    if (m == MAP_FAILED) return 1;
    auto* shared = static_cast<Shared*>(m);
    const std::uint64_t chunks = (words + WordPrefetcher::kChunkWords - 1) / WordPrefetcher::kChunkWords;
    for (std::uint64_t chunk = 0; chunk < chunks; ++chunk) {
        const std::size_t b = chunk % 2;
        const auto generation = static_cast<std::uint32_t>(chunk / 2);
        auto& released = shared->released[b].value;
        for (std::uint32_t seen; (seen = released.load(std::memory_order_acquire)) <= generation;)
            futex_wait(released, seen, 1'000'000'000);
        auto* out = reinterpret_cast<char*>(shared->buffer[b] + WordPrefetcher::kSlackWords);
        const std::size_t bytes = words_in_chunk(words, chunk) * sizeof(std::uint64_t);
        const auto offset = static_cast<off_t>(chunk * WordPrefetcher::kChunkWords * sizeof(std::uint64_t));
        for (std::size_t done = 0; done < bytes;) {
            const ssize_t n = pread(words_fd, out + done, bytes - done, offset + static_cast<off_t>(done));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                shared->failed.value.store(n < 0 ? static_cast<std::uint32_t>(errno) : EIO);
                futex_wake(shared->filled[b].value);
                return 1;
            }
            done += static_cast<std::size_t>(n);
        }
        shared->filled[b].value.store(generation + 1, std::memory_order_release);
        futex_wake(shared->filled[b].value);
    }
    return 0;
}

}  // namespace pmb::trace
