// The object model under pure reference counting: objects die exactly when their count reaches
// zero, sizes are CPython 3.11's, free lists recycle, and deep chains free in bounded stack.
#include <gtest/gtest.h>

#include "allocators/system_allocator.h"
#include "collectors/refcount_collector.h"
#include "objects/list.h"
#include "objects/scalars.h"
#include "objects/tuple.h"
#include "tests/support/counting_allocator.h"

namespace pmb {
namespace {

struct RcFixture : ::testing::Test {
    CountingAllocator counting;
    Heap heap{counting.ops()};
    std::unique_ptr<Collector> collector = make_refcount_collector(heap);
    Runtime rt{heap, *collector};
};

TEST_F(RcFixture, ObjectIsFreedExactlyWhenCountReachesZero) {
    Object* big = int_from(rt, 1'000'000);
    EXPECT_EQ(counting.live_blocks(), 1u);
    Runtime::incref(big);
    rt.decref(big);
    EXPECT_EQ(counting.live_blocks(), 1u) << "freed while a reference remained";
    rt.decref(big);
    EXPECT_EQ(counting.live_blocks(), 0u) << "not freed at count zero";
}

TEST_F(RcFixture, ContainerReleasesItsItems) {
    Object* list = list_new(rt);
    Object* item = int_from(rt, 123456);
    list_append(rt, list, item);
    rt.decref(item);  // the list holds the only reference now
    EXPECT_EQ(item->refcnt, 1);
    const std::size_t blocks_with_list = counting.live_blocks();
    rt.decref(list);
    // The int is freed; the list body goes to the list free list (still allocated).
    EXPECT_EQ(counting.live_blocks(), blocks_with_list - 2);
    EXPECT_EQ(rt.free_lists().lists.count, 1u);
}

TEST_F(RcFixture, SizesFollowCPython311) {
    EXPECT_EQ(tuple_body_size(2), 40u);  // sys.getsizeof((1, 2)) = 56 including the 16-byte GC header
    EXPECT_EQ(int_body_size(1000), 32u);  // _PyLong_FromMedium allocates sizeof(PyLongObject)
    EXPECT_EQ(int_body_size(std::int64_t{1} << 40), 32u);
    EXPECT_EQ(int_body_size(std::int64_t{1} << 62), 36u);
    Object* t = tuple_new(rt, 3);
    EXPECT_EQ(counting.last_request(), 48u);  // 24 + 8 * 3
    rt.decref(t);
}

TEST_F(RcFixture, SmallIntsAndNoneAllocateNothing) {
    for (std::int64_t v = kSmallIntMin; v <= kSmallIntMax; ++v) rt.decref(int_from(rt, v));
    rt.decref(none_ref());
    EXPECT_EQ(counting.allocations(), 0u);
    Object* big = int_from(rt, 257);
    EXPECT_EQ(int_value(big), 257);
    EXPECT_EQ(counting.allocations(), 1u);
    rt.decref(big);
}

TEST_F(RcFixture, IntValuesRoundTrip) {
    for (std::int64_t v : {std::int64_t{-7}, std::int64_t{300}, std::int64_t{1} << 31, -(std::int64_t{1} << 45),
                           std::int64_t{9'000'000'000'000'000'000}}) {
        Object* o = int_from(rt, v);
        EXPECT_EQ(int_value(o), v);
        rt.decref(o);
    }
}

TEST_F(RcFixture, ListGrowthFollowsCPythonOverAllocation) {
    // CPython 3.11 capacities while appending one at a time: 0, 4, 8, 16, 24, 32, 40, 52, 64, 76.
    std::vector<std::size_t> seen;
    Object* list = list_new(rt);
    for (int i = 0; i < 70; ++i) {
        list_append(rt, list, none_ref());
        rt.decref(list_get(list, static_cast<std::size_t>(i)));  // list_append took its own reference
        const std::size_t cap = static_cast<std::size_t>(reinterpret_cast<List*>(list)->allocated);
        if (seen.empty() || seen.back() != cap) seen.push_back(cap);
    }
    EXPECT_EQ(seen, (std::vector<std::size_t>{4, 8, 16, 24, 32, 40, 52, 64, 76}));
    rt.decref(list);
}

TEST_F(RcFixture, TupleFreeListRecyclesWithoutAllocating) {
    Object* a = tuple_new(rt, 2);
    tuple_init_item(a, 0, none_ref());
    tuple_init_item(a, 1, none_ref());
    rt.decref(a);
    const std::uint64_t allocations = counting.allocations();
    Object* b = tuple_new(rt, 2);
    EXPECT_EQ(b, a) << "a 2-tuple should come back from the free list";
    EXPECT_EQ(counting.allocations(), allocations);
    rt.decref(b);
}

// A million-element linked list of 1-tuples: (next,), freed from the head.
TEST_F(RcFixture, MillionElementChainFreesWithoutStackOverflow) {
    Object* head = none_ref();
    for (int i = 0; i < 1'000'000; ++i) {
        Object* node = tuple_new(rt, 1);
        tuple_init_item(node, 0, head);
        head = node;
    }
    rt.decref(head);
    rt.clear_free_lists();
    EXPECT_EQ(counting.live_blocks(), 0u);
}

TEST_F(RcFixture, LeakedCyclesAreReportedAtFinish) {
    Object* a = list_new(rt);
    Object* b = list_new(rt);
    list_append(rt, a, b);
    list_append(rt, b, a);
    rt.decref(a);
    rt.decref(b);  // a <-> b is now cyclic garbage that reference counting cannot free
    CollectorReport report = collector->finish();
    EXPECT_EQ(report.leaked_objects, 2u);
    EXPECT_EQ(report.leaked_bytes, 2 * (40u + 32u));  // two list bodies + two 4-slot item arrays
    // Break the cycle by hand so the test itself does not leak.
    rt.decref(list_pop(rt, a));
}

}  // namespace
}  // namespace pmb
