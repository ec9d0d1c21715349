#include "harness/allocator_stress.h"

#include <cstring>
#include <vector>

#include "workloads/rng.h"

namespace pmb {
namespace {

struct Block {
    unsigned char* ptr;
    std::size_t size;
    std::uint64_t tag;  // the pattern's seed
};

unsigned char pattern_byte(std::uint64_t tag, std::size_t i) {
    return static_cast<unsigned char>((tag * 0x9E3779B97F4A7C15ull + i * 0x2545F4914F6CDD1Dull) >> 56);
}

// The checked bytes: all of the first 16 KiB, then one in every 4093 (a set that does not depend
// on the block's size, so a prefix kept by realloc is checked against exactly what was written).
template <typename Fn>
void for_checked_bytes(std::size_t size, Fn fn) {
    constexpr std::size_t kDense = 16384, kStride = 4093;
    for (std::size_t i = 0; i < size && i < kDense; ++i) fn(i);
    for (std::size_t i = kDense + kStride - kDense % kStride; i < size; i += kStride) fn(i);
}

void fill(Block& b) {
    for_checked_bytes(b.size, [&](std::size_t i) { b.ptr[i] = pattern_byte(b.tag, i); });
}

bool intact(const Block& b, std::size_t upto) {
    bool ok = true;
    for_checked_bytes(upto, [&](std::size_t i) { ok &= b.ptr[i] == pattern_byte(b.tag, i); });
    return ok;
}

std::size_t random_size(Rng& rng) {
    const std::uint64_t r = rng.below(1000);
    if (r < 5) return 0;
    if (r < 800) return 1 + rng.below(512);            // pymalloc's range
    if (r < 990) return 513 + rng.below(64 * 1024);    // beyond it: forwarded or medium
    return (1 + rng.below(8)) << 20;                    // huge: 1..8 MiB, mmap territory
}

}  // namespace

std::string stress_allocator(const AllocatorOps& ops, const StressOptions& opt) {
    Rng rng(opt.seed);
    std::vector<Block> live;
    std::uint64_t next_tag = 1;
    std::string failure;
    auto check_alignment = [&](const Block& b, const char* what) {
        // C promises alignment for any object that fits: tiny blocks may be less aligned.
        const std::size_t required = b.size >= opt.alignment ? opt.alignment : (b.size >= 8 ? 8 : 1);
        if (reinterpret_cast<std::uintptr_t>(b.ptr) % required != 0 && failure.empty())
            failure = std::string(what) + " returned a block of " + std::to_string(b.size) + " bytes not aligned to " +
                      std::to_string(opt.alignment);
    };
    for (std::uint64_t op = 0; op < opt.ops && failure.empty(); ++op) {
        const std::uint64_t choice = rng.below(100);
        if (live.size() < opt.max_live && (choice < 45 || live.empty())) {
            Block b{nullptr, random_size(rng), next_tag++};
            const bool zeroed = ops.calloc != nullptr && choice < 5;
            b.ptr = static_cast<unsigned char*>(zeroed ? ops.calloc(ops.ctx, 1, b.size) : ops.malloc(ops.ctx, b.size));
            if (b.ptr == nullptr) return "malloc(" + std::to_string(b.size) + ") returned null";
            if (zeroed)
                for_checked_bytes(b.size, [&](std::size_t i) {
                    if (b.ptr[i] != 0 && failure.empty()) failure = "calloc returned non-zero memory";
                });
            check_alignment(b, zeroed ? "calloc" : "malloc");
            fill(b);
            live.push_back(b);
        } else if (choice < 70) {
            Block& b = live[rng.below(live.size())];
            if (!intact(b, b.size)) return "a live block of " + std::to_string(b.size) + " bytes was overwritten";
            const std::size_t new_size = random_size(rng);
            auto* p = static_cast<unsigned char*>(ops.realloc(ops.ctx, b.ptr, new_size));
            if (p == nullptr && new_size != 0) return "realloc to " + std::to_string(new_size) + " returned null";
            if (p == nullptr) p = static_cast<unsigned char*>(ops.malloc(ops.ctx, 0));
            b.ptr = p;
            const std::size_t kept = std::min(b.size, new_size);
            if (!intact(b, kept))
                return "realloc from " + std::to_string(b.size) + " to " + std::to_string(new_size) +
                       " bytes lost the contents";
            b.size = new_size;
            check_alignment(b, "realloc");
            b.tag = next_tag++;
            fill(b);
        } else {
            const std::size_t i = rng.below(live.size());
            Block b = live[i];
            live[i] = live.back();
            live.pop_back();
            if (!intact(b, b.size)) return "a block of " + std::to_string(b.size) + " bytes was overwritten before free";
            ops.free(ops.ctx, b.ptr);
        }
    }
    for (const Block& b : live) {
        if (failure.empty() && !intact(b, b.size)) failure = "a block was overwritten (final check)";
        ops.free(ops.ctx, b.ptr);
    }
    ops.free(ops.ctx, nullptr);  // must be a no-op
    return failure;
}

}  // namespace pmb
