// The trace format: what the writer writes the reader reads back event for event, both sides
// name blocks by the same slot rule, and a damaged, truncated or foreign file is refused with
// one line (TraceError), never misread.
#include <gtest/gtest.h>

#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "tests/support/pymembench_cli.h"
#include "workloads/trace/trace_reader.h"
#include "workloads/trace/trace_writer.h"

namespace pmb::trace {
namespace {

using test_support::temp_path;

std::vector<std::uint8_t> file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every event of a trace held in memory; throws TraceError like the reader.
std::vector<Event> read_all(const std::vector<std::uint8_t>& bytes, std::array<std::uint64_t, kFooterFields>* footer = nullptr) {
    TraceReader reader(bytes.data(), bytes.size(), "test");
    std::vector<Event> events;
    Event e;
    while (reader.next(e)) events.push_back(e);
    if (footer) *footer = reader.footer();
    return events;
}

// A random program of requests, written through TraceWriter, with what each event should read as.
struct Recording {
    std::string path;
    std::vector<Event> expected;
};

Recording record_random(std::uint64_t seed, int steps) {
    Recording r{temp_path("random_" + std::to_string(seed) + ".trace"), {}};
    TraceWriter w(r.path, {{"python_version", "test"}, {"command", {"synthetic"}}});
    std::mt19937_64 rng(seed);
    std::vector<std::pair<std::uint32_t, std::uint64_t>> live;  // slot, size
    std::uint64_t t = 0;
    for (int i = 0; i < steps; ++i) {
        t += rng() % 1000;
        const int what = static_cast<int>(rng() % 10);
        Event e{};
        e.time_ns = t;
        e.domain = rng() % 3 == 0 ? Domain::mem : Domain::object;
        const Domain d = e.domain;
        if (live.empty() || what < 4) {
            e.kind = EventKind::malloc;
            e.size = rng() % 600;
            e.slot = w.malloc(d, t, e.size);
            e.new_block = true;
            live.emplace_back(e.slot, e.size);
        } else if (what == 4) {
            e.kind = EventKind::calloc;
            e.nelem = rng() % 20;
            e.elsize = 8;
            e.size = e.nelem * 8;
            e.slot = w.calloc(d, t, e.nelem, 8);
            e.new_block = true;
            live.emplace_back(e.slot, e.size);
        } else if (what == 5) {
            e.kind = EventKind::realloc;
            e.size = rng() % 2000;
            if (rng() % 4 == 0) {
                e.slot = w.realloc(d, t, kNoSlot, 0, e.size);
                e.new_block = true;
                live.emplace_back(e.slot, e.size);
            } else {
                auto& [slot, size] = live[rng() % live.size()];
                e.old_size = size;
                e.slot = w.realloc(d, t, slot, size, e.size);
                EXPECT_EQ(e.slot, slot);
                size = e.size;
            }
        } else if (what == 6) {
            e.kind = EventKind::free;
            e.slot = kNoSlot;
            w.free(d, t, kNoSlot, 0);
        } else {
            const std::size_t k = rng() % live.size();
            e.kind = EventKind::free;
            e.slot = live[k].first;
            e.old_size = live[k].second;
            w.free(d, t, e.slot, e.old_size);
            live.erase(live.begin() + static_cast<std::ptrdiff_t>(k));
        }
        r.expected.push_back(e);
    }
    w.finish({t, 3, 0, 7});
    return r;
}

void expect_same(const Event& a, const Event& b, std::size_t i) {
    EXPECT_EQ(a.kind, b.kind) << "event " << i;
    EXPECT_EQ(a.slot, b.slot) << "event " << i;
    EXPECT_EQ(a.size, b.size) << "event " << i;
    EXPECT_EQ(a.old_size, b.old_size) << "event " << i;
    EXPECT_EQ(a.new_block, b.new_block) << "event " << i;
    EXPECT_EQ(a.nelem, b.nelem) << "event " << i;
    EXPECT_EQ(a.time_ns, b.time_ns) << "event " << i;
    EXPECT_EQ(a.domain, b.domain) << "event " << i;
    EXPECT_EQ(a.thread, 0u) << "event " << i;
}

TEST(TraceFormat, WhatIsWrittenReadsBackEventForEvent) {
    // Enough events for several chunks.
    const Recording r = record_random(1, 60000);
    const auto bytes = file_bytes(r.path);
    std::array<std::uint64_t, kFooterFields> footer{};
    const std::vector<Event> events = read_all(bytes, &footer);
    ASSERT_EQ(events.size(), r.expected.size());
    for (std::size_t i = 0; i < events.size(); ++i) expect_same(events[i], r.expected[i], i);
    EXPECT_EQ(footer[kDurationNs], r.expected.back().time_ns);
    EXPECT_EQ(footer[kProgramStartEvent], 3u);
    EXPECT_EQ(footer[kExitStatus], 7u);
    EXPECT_GT(bytes.size(), 3 * kChunkTarget);  // the test did span chunks
    std::filesystem::remove(r.path);
}

TEST(TraceFormat, NewBlocksTakeTheMostRecentlyFreedSlot) {
    const std::string path = temp_path("slots.trace");
    TraceWriter w(path, nlohmann::json::object());
    EXPECT_EQ(w.malloc(Domain::object, 0, 16), 0u);
    EXPECT_EQ(w.malloc(Domain::object, 0, 16), 1u);
    EXPECT_EQ(w.malloc(Domain::object, 0, 16), 2u);
    w.free(Domain::object, 0, 0, 16);
    w.free(Domain::object, 0, 2, 16);
    EXPECT_EQ(w.calloc(Domain::object, 0, 2, 8), 2u);             // last freed first
    EXPECT_EQ(w.realloc(Domain::object, 0, kNoSlot, 0, 40), 0u);   // realloc(NULL) is a new block
    EXPECT_EQ(w.malloc(Domain::object, 0, 1), 3u);                // none free: a new slot
    EXPECT_EQ(w.realloc(Domain::object, 0, 1, 16, 100), 1u);    // realloc keeps its slot
    EXPECT_EQ(w.peak_live_bytes(), 16u + 40 + 1 + 100);
    w.finish({});
    std::array<std::uint64_t, kFooterFields> footer{};
    read_all(file_bytes(path), &footer);
    EXPECT_EQ(footer[kPeakLiveBlocks], 4u);
    EXPECT_EQ(footer[kLiveBytesAtEnd], 157u);
    EXPECT_EQ(footer[kPeakLiveBytes], 157u);
    std::filesystem::remove(path);
}

std::string error_of(const std::vector<std::uint8_t>& bytes) {
    try {
        read_all(bytes);
    } catch (const TraceError& e) {
        return e.what();
    }
    return "";
}

TEST(TraceFormat, EveryTruncationIsRefused) {
    const Recording r = record_random(2, 300);
    const auto bytes = file_bytes(r.path);
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        const std::string error = error_of(std::vector<std::uint8_t>(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n)));
        ASSERT_FALSE(error.empty()) << "a trace cut to " << n << " of " << bytes.size() << " bytes was accepted";
        EXPECT_EQ(error.find('\n'), std::string::npos);
    }
    std::filesystem::remove(r.path);
}

TEST(TraceFormat, AChangedByteIsRefusedOrChangesNoEvent) {
    // Outside the metadata's text every byte is covered by a CRC or a check; inside it, a change
    // that keeps the JSON valid changes no event.
    const Recording r = record_random(3, 300);
    const auto bytes = file_bytes(r.path);
    std::size_t refused = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        for (std::uint8_t flip : {0x01, 0x80}) {
            auto damaged = bytes;
            damaged[i] ^= flip;
            try {
                const auto events = read_all(damaged);
                ASSERT_EQ(events.size(), r.expected.size()) << "byte " << i;
                for (std::size_t k = 0; k < events.size(); ++k) expect_same(events[k], r.expected[k], k);
            } catch (const TraceError&) {
                ++refused;
            }
        }
    }
    EXPECT_GT(refused, bytes.size());  // nearly every change is caught
    std::filesystem::remove(r.path);
}

TEST(TraceFormat, ForeignFilesNameWhatIsWrong) {
    EXPECT_NE(error_of({}).find("too short"), std::string::npos);
    const std::string json = "{\"schema\": \"pymembench-results/1\", \"runs\": []}";
    EXPECT_NE(error_of({json.begin(), json.end()}).find("not a trace"), std::string::npos);
    Recording r = record_random(4, 10);
    auto bytes = file_bytes(r.path);
    bytes[8] = 3;  // a version from the future
    EXPECT_NE(error_of(bytes).find("unsupported version 3"), std::string::npos);
    EXPECT_NE(error_of(bytes).find("version 1 to 2"), std::string::npos);
    EXPECT_NE(error_of(bytes).find("pymembench record"), std::string::npos);  // says what is accepted
    std::filesystem::remove(r.path);
    EXPECT_THROW(TraceReader("/nonexistent/trace"), TraceError);
}

// A file with one events chunk of the given payload (correct CRC and count) and a footer.
std::vector<std::uint8_t> handmade(const std::vector<std::uint8_t>& payload, std::uint32_t count,
                                   const std::array<std::uint64_t, kFooterFields>& footer,
                                   std::uint32_t version = kVersion) {
    std::vector<std::uint8_t> out(kMagic, kMagic + 8);
    auto u32 = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    };
    u32(version);
    u32(2);
    out.push_back('{');
    out.push_back('}');
    auto chunk = [&](std::uint8_t tag, const std::vector<std::uint8_t>& p, std::uint32_t n) {
        out.push_back(tag);
        u32(static_cast<std::uint32_t>(p.size()));
        u32(n);
        u32(static_cast<std::uint32_t>(crc32(0, p.data(), static_cast<uInt>(p.size()))));
        out.insert(out.end(), p.begin(), p.end());
    };
    chunk(kEventsTag, payload, count);
    std::vector<std::uint8_t> f;
    for (std::uint64_t v : footer)
        for (int i = 0; i < 8; ++i) f.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    chunk(kFooterTag, f, 0);
    return out;
}

TEST(TraceFormat, WellFramedButInconsistentEventsAreRefused) {
    std::array<std::uint64_t, kFooterFields> footer{};
    // malloc(16): head = 0 << 2 | 0, size 16; then free of slot 0 (ref 1), then free of slot 0 again.
    EXPECT_NE(error_of(handmade({0, 16, 3, 1, 3, 1}, 3, footer)).find("not live"), std::string::npos);
    // A free of a slot never used.
    EXPECT_NE(error_of(handmade({3, 5}, 1, footer)).find("block 4, which is not live"), std::string::npos);
    // More events than the chunk's count, and fewer.
    EXPECT_NE(error_of(handmade({0, 16, 0, 16}, 1, footer)).find("event count"), std::string::npos);
    EXPECT_NE(error_of(handmade({0, 16}, 2, footer)).find("fewer events"), std::string::npos);
    // A number cut short, and one of 11 bytes.
    EXPECT_NE(error_of(handmade({0, 0x80}, 1, footer)).find("ends inside a number"), std::string::npos);
    EXPECT_NE(error_of(handmade({0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 1}, 1, footer))
                  .find("beyond 64 bits"),
              std::string::npos);
    // A request beyond any address space, and a calloc whose product overflows.
    EXPECT_NE(error_of(handmade({0, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 1, footer))
                  .find("at most 2^47"),
              std::string::npos);
    EXPECT_NE(error_of(handmade({1, 0xff, 0xff, 0xff, 0xff, 0x0f, 0xff, 0xff, 0xff, 0xff, 0x0f}, 1, footer))
                  .find("calloc of"),
              std::string::npos);
    // The footer must agree with the events: one malloc of 16 bytes, still live.
    std::array<std::uint64_t, kFooterFields> right{};
    right[kMallocs] = 1;
    right[kPeakLiveBytes] = right[kLiveBytesAtEnd] = 16;
    right[kPeakLiveBlocks] = right[kLiveBlocksAtEnd] = 1;
    EXPECT_EQ(error_of(handmade({0, 16}, 1, right)), "");
    auto wrong = right;
    wrong[kPeakLiveBytes] = 17;
    EXPECT_NE(error_of(handmade({0, 16}, 1, wrong)).find("peak live bytes (17) differs from the events' (16)"),
              std::string::npos);
    // Nothing may follow the footer.
    auto trailing = handmade({0, 16}, 1, right);
    trailing.push_back(0);
    EXPECT_NE(error_of(trailing).find("follow the footer"), std::string::npos);
}

TEST(TraceFormat, RewindReplaysTheSameEventsWithoutChecksums) {
    const Recording r = record_random(5, 20000);
    TraceReader reader(r.path);
    Event e;
    std::size_t n = 0;
    while (reader.next(e)) ++n;
    reader.rewind();
    reader.set_verify_checksums(false);
    std::size_t i = 0;
    while (reader.next(e)) expect_same(e, r.expected[i], i), ++i;
    EXPECT_EQ(i, n);
    EXPECT_EQ(reader.slots().live_blocks(), reader.footer()[kLiveBlocksAtEnd]);
    std::filesystem::remove(r.path);
}

// Version 1 files (object domain only, head = dt << 2 | kind) still read, as object-domain events.
TEST(TraceFormat, VersionOneFilesReadAsObjectDomainEvents) {
    std::array<std::uint64_t, kFooterFields> footer{};
    footer[kMallocs] = footer[kFrees] = 1;
    footer[kPeakLiveBytes] = 16;
    footer[kPeakLiveBlocks] = 1;
    // malloc(16) 5 ns in (head 5 << 2 | 0 = 20), free of slot 0 7 ns later (head 7 << 2 | 3 = 31).
    const auto bytes = handmade({20, 16, 31, 1}, 2, footer, 1);
    TraceReader reader(bytes.data(), bytes.size(), "v1");
    EXPECT_EQ(reader.version(), 1u);
    Event e;
    ASSERT_TRUE(reader.next(e));
    EXPECT_EQ(e.kind, EventKind::malloc);
    EXPECT_EQ(e.domain, Domain::object);
    EXPECT_EQ(e.time_ns, 5u);
    ASSERT_TRUE(reader.next(e));
    EXPECT_EQ(e.kind, EventKind::free);
    EXPECT_EQ(e.time_ns, 12u);
    EXPECT_FALSE(reader.next(e));
    // The same bytes as version 2 mean other times and domains: 20 = dt 1, mem domain, malloc.
    const auto v2 = handmade({20, 16, 31, 1}, 2, footer, 2);
    TraceReader reader2(v2.data(), v2.size(), "v2");
    ASSERT_TRUE(reader2.next(e));
    EXPECT_EQ(e.domain, Domain::mem);
    EXPECT_EQ(e.time_ns, 1u);
}

// The head's thread bit names the thread of this event and those after it.
TEST(TraceFormat, ThreadIdsFollowTheHeadWhenItsBitIsSet) {
    std::array<std::uint64_t, kFooterFields> footer{};
    footer[kMallocs] = 3;
    footer[kPeakLiveBytes] = footer[kLiveBytesAtEnd] = 48;
    footer[kPeakLiveBlocks] = footer[kLiveBlocksAtEnd] = 3;
    // malloc(16) by thread 0; malloc(16) with thread id 5 (head 8); malloc(16), still thread 5.
    const auto bytes = handmade({0, 16, 8, 5, 16, 0, 16}, 3, footer);
    TraceReader reader(bytes.data(), bytes.size(), "threads");
    Event e;
    std::vector<std::uint32_t> threads;
    while (reader.next(e)) threads.push_back(e.thread);
    EXPECT_EQ(threads, (std::vector<std::uint32_t>{0, 5, 5}));
    // A thread id beyond 32 bits is refused.
    EXPECT_NE(error_of(handmade({8, 0x80, 0x80, 0x80, 0x80, 0x10, 16}, 1, footer)).find("names thread"),
              std::string::npos);
}

}  // namespace
}  // namespace pmb::trace
