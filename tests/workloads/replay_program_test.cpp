// The compiled form a replay runs from (workloads/trace/replay_program.h): its words decode back
// to exactly the events of the trace, through windows of the memory file, with the blocks left
// live at the end; and the recorder's address map (workloads/trace/address_slots.h).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <random>

#include "tests/support/pymembench_cli.h"
#include "workloads/trace/address_slots.h"
#include "workloads/trace/replay_program.h"
#include "workloads/trace/trace_writer.h"

namespace pmb::trace {
namespace {

using namespace replay_word;

// A random trace of `steps` events, large sizes and callocs included.
std::string write_random_trace(std::uint64_t seed, int steps) {
    const std::string path = test_support::temp_path("compiled_" + std::to_string(seed) + ".trace");
    TraceWriter w(path, nlohmann::json::object());
    std::mt19937_64 rng(seed);
    std::vector<std::pair<std::uint32_t, std::uint64_t>> live;  // slot, size
    for (int i = 0; i < steps; ++i) {
        const Domain d = rng() % 2 ? Domain::mem : Domain::object;
        const int what = static_cast<int>(rng() % 10);
        const std::uint64_t size = rng() % 50 == 0 ? (std::uint64_t{1} << 30) + rng() % 100 : rng() % 700;
        if (live.empty() || what < 4) {
            live.emplace_back(w.malloc(d, i, size), size);
        } else if (what == 4) {
            const std::uint64_t nelem = rng() % 9;
            live.emplace_back(w.calloc(d, i, nelem, 8), nelem * 8);
        } else if (what == 5) {
            live.emplace_back(w.realloc(d, i, kNoSlot, 0, size), size);
        } else if (what == 6) {
            auto& [slot, old_size] = live[rng() % live.size()];
            w.realloc(d, i, slot, old_size, size);
            old_size = size;
        } else if (what == 7) {
            w.free(d, i, kNoSlot, 0);
        } else {
            const std::size_t k = rng() % live.size();
            w.free(d, i, live[k].first, live[k].second);
            live.erase(live.begin() + static_cast<std::ptrdiff_t>(k));
        }
    }
    w.finish({});
    return path;
}

TEST(ReplayProgram, WordsDecodeToEveryEventOfTheTrace) {
    // Enough events for several 1 MiB windows of words.
    const std::string path = write_random_trace(7, 400000);
    TraceReader reader(path);
    const ReplayProgram program(reader);
    TraceReader again(path);
    ReplayProgram::Cursor cursor(program);
    Event e;
    std::uint64_t events = 0, words = 0, long_sizes = 0;
    auto next = [&] { return ++words, cursor.next(); };
    while (again.next(e)) {
        SCOPED_TRACE(events);
        const std::uint64_t w = next();
        EXPECT_EQ(static_cast<EventKind>(w & kKindMask), e.kind);
        EXPECT_EQ((w & kDomainBit) != 0, e.domain == Domain::mem);
        const std::uint64_t size = (w & kLongSizeBit) != 0 ? (++long_sizes, next()) : w >> kSizeShift;
        if (e.kind == EventKind::free && e.slot == kNoSlot) {
            EXPECT_NE(w & kNullBit, 0u);
        } else {
            EXPECT_EQ(w >> kSlotShift & kSlotMask, e.slot);
            EXPECT_EQ(size, e.kind == EventKind::free ? e.old_size : e.size);
        }
        if (e.kind == EventKind::calloc) {
            EXPECT_EQ(next(), e.nelem);
            EXPECT_EQ(next(), e.elsize);
        }
        if (e.kind == EventKind::realloc) {
            EXPECT_EQ((w & kNullBit) != 0, e.new_block);
            if (!e.new_block) {
                EXPECT_EQ(next(), e.old_size);
            }
        }
        ++events;
    }
    EXPECT_EQ(program.events(), events);
    EXPECT_EQ(program.words(), words);
    EXPECT_GT(words * 8, std::uint64_t{3} << 20);  // the cursor did cross windows
    EXPECT_GT(long_sizes, 0u);
    EXPECT_EQ(program.slots(), again.footer()[kPeakLiveBlocks]);
    EXPECT_EQ(program.footer(), again.footer());  // from the child that compiled it
    // The blocks left live, with their sizes, as the trace ends.
    const auto live = program.live_at_end();
    EXPECT_EQ(live.size(), again.footer()[kLiveBlocksAtEnd]);
    std::uint64_t bytes = 0;
    for (const auto& [slot, size] : live) {
        EXPECT_TRUE(again.slots().is_live(slot));
        EXPECT_EQ(again.slots().size_of(slot), size);
        bytes += size;
    }
    EXPECT_EQ(bytes, again.footer()[kLiveBytesAtEnd]);
    // The whole program copied out equals what the cursor read.
    std::vector<std::uint64_t> all(program.words());
    program.read_all(all.data());
    ReplayProgram::Cursor second(program);
    for (std::uint64_t i = 0; i < all.size(); i += 997) {
        for (std::uint64_t k = i == 0 ? 0 : i - 996; k < i; ++k) second.next();
        ASSERT_EQ(second.next(), all[i]) << i;
    }
    std::filesystem::remove(path);
}

// The compiler runs in a child process; a trace it finds invalid is refused in the caller with the
// reader's own one-line error.
TEST(ReplayProgram, AnInvalidTraceIsRefusedWithTheReadersError) {
    const std::string path = write_random_trace(8, 20000);
    std::vector<std::uint8_t> bytes;
    {
        std::FILE* f = std::fopen(path.c_str(), "rb");
        ASSERT_NE(f, nullptr);
        for (int c; (c = std::fgetc(f)) != EOF;) bytes.push_back(static_cast<std::uint8_t>(c));
        std::fclose(f);
    }
    bytes.resize(bytes.size() / 2);  // truncated
    TraceReader reader(bytes.data(), bytes.size(), "half");
    try {
        const ReplayProgram program(reader);
        ADD_FAILURE() << "a truncated trace was compiled";
    } catch (const TraceError& e) {
        EXPECT_NE(std::string(e.what()).find("trace half: truncated"), std::string::npos) << e.what();
    }
    std::filesystem::remove(path);
}

TEST(AddressSlots, RemembersSlotsAndSizesByAddressUntilTaken) {
    AddressSlots map;
    std::map<std::uintptr_t, std::uint32_t> expected;  // slot i has size 3 * i
    std::mt19937_64 rng(3);
    // Addresses spread over several MiB-sized leaves and far apart in the address space.
    const std::uintptr_t bases[] = {0x7f0000000000, 0x555555554000, 0x10000};
    for (std::uint32_t i = 0; i < 100000; ++i) {
        const std::uintptr_t a = bases[i % 3] + (rng() % (64u << 20)) / 16 * 16;
        if (expected.count(a)) continue;
        ASSERT_TRUE(map.set(reinterpret_cast<void*>(a), i, 3 * std::uint64_t{i}));
        expected[a] = i;
    }
    for (const auto& [a, slot] : expected) {
        const AddressSlots::Entry e = map.take(reinterpret_cast<void*>(a));
        ASSERT_EQ(e.slot, slot);
        ASSERT_EQ(e.size, 3 * std::uint64_t{slot});
        ASSERT_EQ(map.take(reinterpret_cast<void*>(a)).slot, AddressSlots::kNone);  // taken once
    }
    EXPECT_EQ(map.take(reinterpret_cast<void*>(0x7e0000000000)).slot, AddressSlots::kNone);  // never set, no leaf
    EXPECT_FALSE(map.set(reinterpret_cast<void*>(0x7f0000000008), 1, 8));           // not 16-byte aligned
    EXPECT_FALSE(map.set(reinterpret_cast<void*>(std::uintptr_t{1} << 50), 1, 8));  // beyond 48 bits
    EXPECT_FALSE(map.set(reinterpret_cast<void*>(0x7f0000000020), 1, std::uint64_t{1} << 32));  // 4 GiB
    EXPECT_TRUE(map.set(reinterpret_cast<void*>(0x7f0000000010), 0, 0xffffffffu));  // slot 0 is a slot
    const AddressSlots::Entry e = map.take(reinterpret_cast<void*>(0x7f0000000010));
    EXPECT_EQ(e.slot, 0u);
    EXPECT_EQ(e.size, 0xffffffffu);
}

}  // namespace
}  // namespace pmb::trace
