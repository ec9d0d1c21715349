// WordPrefetcher: the words of a memory file, read ahead into two shared buffers by a helper
// process, so that a replay reads its program the way a loop reads an array it holds: the kernel's
// copy out of the file happens on the other core while the replay runs.
//
// Why a process and not a thread: a second thread would make the replaying process
// multi-threaded, and allocators take other paths then (glibc's malloc, for one, locks its arenas
// with atomic instructions once a thread exists); the process the harness measures must stay as
// single-threaded as the program it models. Why not read the file in place: mapping its pages a
// window at a time costs more than copying them (page-table work per 4 KiB page), and copying them
// in the replaying process stalls it on the file's pages, which the copy reads from memory with
// nothing else to overlap.
//
// The file is cut into chunks of kChunkWords; chunk k goes to buffer k % 2. Each buffer has
// kSlackWords of room before its chunk, where the caller may put the words it had not read yet
// from the chunk before (so that a run of words is always contiguous). The helper fills a buffer
// only after the caller has released the chunk it held; the caller waits only when it outruns the
// helper. The helper needs no more of the parent than the file and the shared page, calls nothing
// but pread and futex, and dies with the parent (PR_SET_PDEATHSIG) or when the prefetcher is
// destroyed.
//
// Invariants: acquire(k) returns chunk k's words, in order, exactly as pread would; a chunk is
// acquired in increasing order of k and released before chunk k + 2 is acquired.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace pmb::trace {

class WordPrefetcher {
public:
    static constexpr std::size_t kChunkWords = (128u << 10) / sizeof(std::uint64_t);
    static constexpr std::size_t kSlackWords = (16u << 10) / sizeof(std::uint64_t);
    // The shared memory the two buffers take (the process's resident set grows by this much).
    static constexpr std::size_t kBufferBytes = 2 * (kSlackWords + kChunkWords) * sizeof(std::uint64_t);

    // Starts the helper, which begins reading words [0, words) of `fd` at once. Throws
    // std::runtime_error when the shared memory or the process cannot be made.
    WordPrefetcher(int fd, std::uint64_t words);
    ~WordPrefetcher();
    WordPrefetcher(const WordPrefetcher&) = delete;
    WordPrefetcher& operator=(const WordPrefetcher&) = delete;

    std::uint64_t chunks() const { return chunks_; }
    std::uint64_t words_in(std::uint64_t chunk) const;
    // Chunk k's first word, once the helper has read it (kSlackWords writable words precede it).
    // Throws std::runtime_error if the helper failed or died.
    std::uint64_t* acquire(std::uint64_t chunk);
    // The caller is done with chunk k: its buffer may take chunk k + 2.
    void release(std::uint64_t chunk);

    // The helper's side (pmb_word_reader's main): fills chunk after chunk of `words` words from
    // `words_fd` into the buffers of `shared_fd` as the caller releases them; returns the exit status.
    static int serve(int words_fd, int shared_fd, std::uint64_t words, pid_t parent);

private:
    struct Shared;
    Shared* shared_ = nullptr;
    std::uint64_t words_ = 0;
    std::uint64_t chunks_ = 0;
    pid_t helper_ = -1;
};

}  // namespace pmb::trace
