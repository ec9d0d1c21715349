// How a replay touches the memory it allocates, as the recorded program did: a real program
// writes every object it creates and reads its header again when it drops it (the reference
// count's decrement, then the type's dealloc), while a bare replay only calls malloc and free.
// Without the writes, page residency and cache traffic are not the program's: an allocator that
// writes inside free blocks (pymalloc's and glibc's free lists) takes a cache miss the program
// would not have taken (it had just touched the block), one that keeps its metadata apart does not,
// and pages the program would have made resident never are.
//
//   none        no writes (what version 1 of the replay did)
//   first-line  a new block's first 64 bytes (or all of it, if smaller); of a realloc, the first
//               64 bytes it added; the first word of a block about to be freed
//   all         every byte of a new block, every byte a realloc added; the first word of a block
//               about to be freed
//
// The bytes written are a fixed pattern (their value is not the program's, their addresses are).
// A block of 0 bytes is never touched.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

namespace pmb::trace {

enum class TouchMode { none, first_line, all };
inline constexpr const char* kTouchModes = "none, first-line, all";

inline std::optional<TouchMode> parse_touch_mode(const std::string& text) {
    if (text == "none") return TouchMode::none;
    if (text == "first-line") return TouchMode::first_line;
    if (text == "all") return TouchMode::all;
    return std::nullopt;
}

inline constexpr std::size_t kCacheLine = 64;
inline constexpr unsigned char kTouchPattern = 0x5a;

// Bytes [from, to) of the block at `p` have just been given to the program.
inline void touch_added(TouchMode mode, void* p, std::size_t from, std::size_t to) {
    if (mode == TouchMode::none || to <= from) return;
    const std::size_t n = mode == TouchMode::all ? to - from : std::min(to - from, kCacheLine);
    std::memset(static_cast<unsigned char*>(p) + from, kTouchPattern, n);
}

// The block at `p`, of `size` bytes, is about to be freed: its header is read and written.
inline void touch_before_free(TouchMode mode, void* p, std::size_t size) {
    if (mode == TouchMode::none || size == 0) return;
    auto* first = static_cast<volatile unsigned char*>(p);
    first[0] = static_cast<unsigned char>(first[0] + 1);
}

}  // namespace pmb::trace
