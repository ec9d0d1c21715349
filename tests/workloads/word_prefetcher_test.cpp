// The helper process that reads a compiled trace ahead (workloads/trace/word_prefetcher.h): the
// chunks it hands over are the file's words in order, the room before each chunk is the caller's,
// and a file shorter than promised is a one-line error in the caller, not a hang.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "workloads/trace/word_prefetcher.h"

namespace pmb::trace {
namespace {

// A memory file holding the words 0, 1, ..., n - 1 scrambled by a multiplier.
int file_of_words(std::uint64_t n) {
    const int fd = memfd_create("word-prefetcher-test", MFD_CLOEXEC);
    EXPECT_GE(fd, 0);
    std::vector<std::uint64_t> words(n);
    for (std::uint64_t i = 0; i < n; ++i) words[i] = i * 0x9E3779B97F4A7C15ull;
    EXPECT_EQ(pwrite(fd, words.data(), n * sizeof(std::uint64_t), 0), static_cast<ssize_t>(n * sizeof(std::uint64_t)));
    return fd;
}

TEST(WordPrefetcher, HandsOverEveryWordInOrderChunkByChunk) {
    const std::uint64_t n = 5 * WordPrefetcher::kChunkWords + 123;  // a short last chunk
    const int fd = file_of_words(n);
    WordPrefetcher prefetcher(fd, n);
    ASSERT_EQ(prefetcher.chunks(), 6u);
    std::uint64_t next = 0;
    for (std::uint64_t chunk = 0; chunk < prefetcher.chunks(); ++chunk) {
        std::uint64_t* words = prefetcher.acquire(chunk);
        ASSERT_EQ(prefetcher.words_in(chunk), chunk == 5 ? 123u : WordPrefetcher::kChunkWords);
        for (std::uint64_t i = 0; i < prefetcher.words_in(chunk); ++i, ++next)
            ASSERT_EQ(words[i], next * 0x9E3779B97F4A7C15ull) << "word " << next;
        // The slack before the chunk is the caller's to write (the cursor puts unread words there).
        for (std::size_t i = 1; i <= WordPrefetcher::kSlackWords; ++i) words[-static_cast<std::ptrdiff_t>(i)] = 0;
        prefetcher.release(chunk);
    }
    EXPECT_EQ(next, n);
    close(fd);
}

TEST(WordPrefetcher, AFileShorterThanItsWordCountIsAnErrorNotAHang) {
    const std::uint64_t n = WordPrefetcher::kChunkWords + WordPrefetcher::kChunkWords / 2;
    const int fd = file_of_words(n);
    WordPrefetcher prefetcher(fd, 3 * WordPrefetcher::kChunkWords);
    prefetcher.acquire(0);  // whole; the second chunk ends past the file's end
    try {
        prefetcher.release(0);
        prefetcher.acquire(1);
        FAIL() << "a read past the file's end was handed over";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("cannot read the compiled trace ahead"), std::string::npos) << e.what();
    }
    close(fd);
}

}  // namespace
}  // namespace pmb::trace
