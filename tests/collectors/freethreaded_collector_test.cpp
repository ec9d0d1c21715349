// The policy of `freethreaded` (CPython's Python/gc_free_threading.c, one thread) with known
// answers: the 512-allocation flushes of the young count, the threshold and the quarter of the
// long-lived total, scheduling through the eval breaker, whole-heap collections, what is
// untracked, free lists, 3.14's memory deferral, gc.freeze(), and the 32-byte object header.
//
// The counts follow from the source: the shared count moves in steps of 512
// (LOCAL_ALLOC_COUNT_THRESHOLD) and is tested only when an allocation flushes, so with threshold
// 2000 the 2048th allocation is the first to schedule a collection.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "collectors/freethreaded_collector.h"
#include "collectors/registry.h"
#include "objects/dict.h"
#include "objects/instance.h"
#include "objects/list.h"
#include "objects/scalars.h"
#include "objects/tuple.h"
#include "tests/support/oracle_world.h"

namespace pmb {
namespace {

// Objects kept alive by the test, each one fresh GC allocation (a 1-slot instance), tracked.
struct Keep {
    Runtime& rt;
    std::vector<Object*> objs;
    explicit Keep(Runtime& r) : rt(r) {}
    ~Keep() { drop(objs.size()); }
    void add(std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) objs.push_back(instance_new(rt, 1));
    }
    void drop(std::size_t n) {
        for (std::size_t i = 0; i < n && !objs.empty(); ++i) {
            rt.decref(objs.back());
            objs.pop_back();
        }
    }
};

// A 2-instance ring nobody refers to; its first node is returned. Costs 2 GC allocations.
Object* make_garbage_ring(Runtime& rt) {
    Object* a = instance_new(rt, 1);
    Object* b = instance_new(rt, 1);
    instance_set(rt, a, 0, b);
    instance_set(rt, b, 0, a);
    rt.decref(a);
    rt.decref(b);
    return a;
}

// Allocates kept instances one by one until a collection is scheduled; returns how many it took
// (or limit + 1 when none was).
std::size_t allocations_until_scheduled(OracleWorld& w, Keep& keep, std::size_t limit) {
    for (std::size_t n = 1; n <= limit; ++n) {
        keep.add(1);
        if (w.rt->gc_scheduled()) return n;
    }
    return limit + 1;
}

TEST(FreeThreadedTrigger, TheFirstCollectionIsScheduledAtThe2048thAllocation) {
    OracleWorld w("freethreaded", "");
    Keep keep(*w.rt);
    EXPECT_EQ(allocations_until_scheduled(w, keep, 4096), 2048u)
        << "flushes at 512, 1024, 1536 leave the count <= 2000; the one at 2048 exceeds it";
}

TEST(FreeThreadedTrigger, DeallocationsLowerTheCountIn512Steps) {
    OracleWorld w("freethreaded", "");
    Keep keep(*w.rt);
    keep.add(1536);  // three flushes: count 1536, buffer 0
    keep.drop(511);  // buffer -511: no flush, the count stays 1536
    // 511 allocations bring the buffer back to 0 and one more to +1: the next flush is 512 later.
    EXPECT_EQ(allocations_until_scheduled(w, keep, 4096), 511u + 512u);
    OracleWorld v("freethreaded", "");
    Keep keep_v(*v.rt);
    keep_v.add(1536);
    keep_v.drop(512);  // the 512th free flushes -512: the count is 1024
    EXPECT_EQ(allocations_until_scheduled(v, keep_v, 4096), 1024u) << "1024 + 1024 = 2048 > 2000";
}

TEST(FreeThreadedTrigger, AQuarterOfTheLongLivedTotalRaisesTheThreshold) {
    for (const char* options : {"", "threshold1=0"}) {
        OracleWorld w("freethreaded", options);
        Keep keep(*w.rt);
        keep.add(10000);
        w.rt->eval_breaker();  // runs what the 10000 allocations scheduled
        w.collector->collect();  // long_lived_total = 10000, the count 0 (the buffer is at 10000 % 512 = 272)
        ASSERT_FALSE(w.rt->gc_scheduled());
        const std::size_t n = allocations_until_scheduled(w, keep, 8192);
        if (std::string(options).empty()) {
            // The count must exceed 10000 / 4 = 2500: the flush at 2560 - 272 allocations.
            EXPECT_EQ(n, 2560u - 272u);
        } else {
            EXPECT_EQ(n, 2048u - 272u) << "threshold1=0 turns the scaling off";
        }
    }
}

TEST(FreeThreadedTrigger, ThresholdZeroDisablesAutomaticCollections) {
    OracleWorld w("freethreaded", "threshold0=0");
    Keep keep(*w.rt);
    EXPECT_EQ(allocations_until_scheduled(w, keep, 10000), 10001u);
}

TEST(FreeThreadedSchedule, CollectionsRunOnlyAtTheEvalBreaker) {
    OracleWorld w("freethreaded", "");
    Object* ring = make_garbage_ring(*w.rt);
    Keep keep(*w.rt);
    ASSERT_EQ(allocations_until_scheduled(w, keep, 4096), 2046u) << "the ring made 2 of the 2048";
    keep.add(5000);  // allocations go on; nothing runs inside them
    EXPECT_TRUE(w.is_allocated(ring));
    w.rt->eval_breaker();
    EXPECT_FALSE(w.is_allocated(ring));
    EXPECT_FALSE(w.rt->gc_scheduled());
    const CollectorReport report = w.collector->finish();
    EXPECT_EQ(report.gc["collections"], nlohmann::json::array({1, 0, 0})) << "automatic: slot 0, as gc.get_stats()";
    EXPECT_EQ(report.gc["collected"], nlohmann::json::array({2, 0, 0}));
}

TEST(FreeThreadedSchedule, TheEvalBreakerTestsTheTriggerAgain) {
    OracleWorld w("freethreaded", "");
    Keep keep(*w.rt);
    ASSERT_EQ(allocations_until_scheduled(w, keep, 4096), 2048u);
    w.collector->collect();  // gc.collect() before the check: the count is 0 again
    Object* ring = make_garbage_ring(*w.rt);
    w.rt->eval_breaker();
    EXPECT_TRUE(w.is_allocated(ring)) << "gc_collect_main(_Py_GC_REASON_HEAP) found gc_should_collect false";
    const CollectorReport report = w.collector->finish();
    EXPECT_EQ(report.gc["collections"], nlohmann::json::array({0, 0, 1}));
}

TEST(FreeThreadedCollection, CyclesAreFreedAndCounted) {
    OracleWorld w("freethreaded", "");
    for (int i = 0; i < 100; ++i) {
        Object* first = instance_new(*w.rt, 1);
        Object* prev = first;
        for (int j = 1; j < 21; ++j) {
            Object* o = instance_new(*w.rt, 1);
            instance_set(*w.rt, prev, 0, o);
            w.rt->decref(o);
            prev = o;
        }
        instance_set(*w.rt, prev, 0, first);
        w.rt->decref(first);
    }
    EXPECT_EQ(w.alloc.live_blocks(), 2100u);
    w.collector->collect();
    EXPECT_EQ(w.alloc.live_blocks(), 0u);
    const CollectorReport report = w.collector->finish();
    EXPECT_EQ(report.gc["collected"], nlohmann::json::array({0, 0, 2100}));
    EXPECT_EQ(report.gc["uncollectable"], nlohmann::json::array({0, 0, 0}));
    EXPECT_EQ(report.leaked_objects, 0u);
}

TEST(FreeThreadedCollection, EveryCollectionWalksTheWholeHeap) {
    // A long-lived structure of 5000 objects and a stream of garbage rings: under gen the
    // structure would reach the oldest generation and be scanned only by full collections; here
    // every collection walks it again.
    OracleWorld w("freethreaded", "");
    Keep structure(*w.rt);
    structure.add(5000);
    for (int i = 0; i < 20000; ++i) {
        make_garbage_ring(*w.rt);
        w.rt->eval_breaker();  // after every step of the workload
    }
    structure.drop(5000);  // so that what the final collection finds is the rings left
    const CollectorReport report = w.collector->finish();
    const auto collections = report.gc["collections"][0].get<std::uint64_t>();
    // Intervals of 2048, 4096, 6144... allocations (see GarbageFreedByACollectionLowersTheCount).
    EXPECT_GE(collections, 5u);
    EXPECT_EQ(report.gc["collections"][1], 0u);
    EXPECT_GE(report.gc["scanned_objects"].get<std::uint64_t>(), collections * 5000u);
    EXPECT_GE(report.gc["long_lived_total"].get<std::uint64_t>(), 5000u);
    EXPECT_EQ(report.gc["collected"][0].get<std::uint64_t>() + report.gc["uncollected_at_end_objects"].get<std::uint64_t>(),
              40000u)
        << "every ring was found by an automatic collection or by the final one";
}

TEST(FreeThreadedCollection, GarbageFreedByACollectionLowersTheCountBelowZero) {
    // The collection sets young.count to 0 before delete_garbage, whose PyObject_GC_Del calls
    // record_deallocation: the count ends at -2048, with no clamp at 0 as in gen's.
    OracleWorld w("freethreaded", "");
    for (int i = 0; i < 1024; ++i) make_garbage_ring(*w.rt);
    ASSERT_TRUE(w.rt->gc_scheduled()) << "2048 allocations";
    w.rt->eval_breaker();
    EXPECT_EQ(w.alloc.live_blocks(), 0u);
    Keep keep(*w.rt);
    EXPECT_EQ(allocations_until_scheduled(w, keep, 8192), 4096u) << "from -2048 to 2048";
}

TEST(FreeThreadedCollection, TuplesAreUntrackedDictsAreNot) {
    OracleWorld w("freethreaded", "");
    Object* atoms = tuple_new(*w.rt, 2);
    tuple_init_item(atoms, 0, none_ref());
    tuple_init_item(atoms, 1, float_from(*w.rt, 2.5));
    Object* holds_instance = tuple_new(*w.rt, 1);
    tuple_init_item(holds_instance, 0, instance_new(*w.rt, 1));
    // A dict that held a list (MAINTAIN_TRACKING tracked it) and now holds only atoms: gen's full
    // collections would untrack it.
    Object* d = dict_new(*w.rt);
    Object* key = int_from(*w.rt, 7);
    Object* list = list_new(*w.rt);
    dict_set(*w.rt, d, key, list);
    w.rt->decref(list);
    dict_set(*w.rt, d, key, key);  // replaces the list
    w.rt->decref(key);
    ASSERT_TRUE(w.collector->is_tracked(d));
    w.collector->collect();
    EXPECT_FALSE(w.collector->is_tracked(atoms));
    EXPECT_TRUE(w.collector->is_tracked(holds_instance));
    EXPECT_TRUE(w.collector->is_tracked(d)) << "gc_maybe_untrack checks tuples only";
    for (Object* o : {atoms, holds_instance, d}) w.rt->decref(o);
    EXPECT_EQ(w.collector->finish().leaked_objects, 0u);
    EXPECT_EQ(w.alloc.live_blocks(), 0u);
}

TEST(FreeThreadedCollection, EveryCollectionClearsTheFreeLists) {
    OracleWorld w("freethreaded", "");
    Object* t = tuple_new(*w.rt, 2);
    tuple_init_item(t, 0, none_ref());
    tuple_init_item(t, 1, none_ref());
    w.rt->decref(t);  // parked on the free list of 2-tuples, still allocated
    ASSERT_EQ(w.rt->free_lists().tuples[2].count, 1u);
    Keep keep(*w.rt);
    ASSERT_EQ(allocations_until_scheduled(w, keep, 4096), 2047u);
    w.rt->eval_breaker();  // an automatic collection: _PyGC_ClearAllFreeLists
    EXPECT_EQ(w.rt->free_lists().tuples[2].count, 0u);
    EXPECT_FALSE(w.is_allocated(t));
}

TEST(FreeThreadedDeferral, ThreePointFourteenWaitsForTheHeapToGrow) {
    // 2048 one-slot instances are 2048 x 40 bytes = 80 KiB < 128 KiB: deferred, the count moves
    // into deferred_count. By the next flush that passes the threshold (2048 allocations later)
    // the heap is 160 KiB: collect.
    OracleWorld w("freethreaded", "defer_on_memory=1");
    Keep keep(*w.rt);
    EXPECT_EQ(allocations_until_scheduled(w, keep, 8192), 4096u);
    w.rt->eval_breaker();
    const CollectorReport report = w.collector->finish();
    EXPECT_EQ(report.gc["deferred_collections"], 1u);
    EXPECT_EQ(report.gc["collections"][0], 1u);
}

TEST(FreeThreadedDeferral, OffByDefault) {
    OracleWorld w("freethreaded", "");
    Keep keep(*w.rt);
    EXPECT_EQ(allocations_until_scheduled(w, keep, 8192), 2048u);
    EXPECT_EQ(w.collector->finish().gc["deferred_collections"], 0u);
}

TEST(FreeThreadedFreeze, FrozenObjectsAreNeitherScannedNorCollectedUntilTheEnd) {
    OracleWorld w("freethreaded", "freeze_after_setup=1");
    Keep keep(*w.rt);
    keep.add(100);
    Object* ring = make_garbage_ring(*w.rt);
    w.collector->setup_finished();  // gc.freeze()
    w.collector->collect();
    EXPECT_TRUE(w.is_allocated(ring)) << "frozen garbage waits for gc.unfreeze()";
    const CollectorReport report = w.collector->finish();
    EXPECT_EQ(report.gc["frozen_objects"], 102u);
    EXPECT_EQ(report.gc["scanned_objects"], 0u) << "nothing was left to walk";
    EXPECT_EQ(report.gc["long_lived_total"], 0u) << "frozen objects are not counted";
    EXPECT_FALSE(w.is_allocated(ring)) << "the final collection, after gc.unfreeze()";
    EXPECT_EQ(report.leaked_objects, 100u) << "the test still holds its 100";
}

TEST(FreeThreadedLayout, AtomicObjectsAre16BytesBiggerGcObjectsAreNot) {
    OracleWorld gen("gen", "");
    OracleWorld ft("freethreaded", "");
    EXPECT_EQ(ft.collector->gc_header_size(), 16u);
    EXPECT_EQ(ft.collector->plain_header_size(), 16u);
    EXPECT_EQ(gen.collector->plain_header_size(), 0u);

    Object* f_gen = float_from(*gen.rt, 1.5);
    Object* f_ft = float_from(*ft.rt, 1.5);
    Object* i_gen = int_from(*gen.rt, 1'000'000);
    Object* i_ft = int_from(*ft.rt, 1'000'000);
    EXPECT_EQ(ft.alloc.size_of(ft.block_of(f_ft, false)), gen.alloc.size_of(gen.block_of(f_gen, false)) + 16);
    EXPECT_EQ(ft.alloc.size_of(ft.block_of(i_ft, false)), gen.alloc.size_of(gen.block_of(i_gen, false)) + 16);
    EXPECT_EQ(ft.alloc.size_of(ft.block_of(f_ft, false)), 24u + 16u) << "PyFloatObject: 32-byte header + 8";

    Object* o_gen = instance_new(*gen.rt, 3);
    Object* o_ft = instance_new(*ft.rt, 3);
    Object* t_gen = tuple_new(*gen.rt, 1);
    Object* t_ft = tuple_new(*ft.rt, 1);
    tuple_init_item(t_gen, 0, none_ref());
    tuple_init_item(t_ft, 0, none_ref());
    EXPECT_EQ(ft.alloc.size_of(ft.block_of(o_ft)), gen.alloc.size_of(gen.block_of(o_gen)));
    EXPECT_EQ(ft.alloc.size_of(ft.block_of(t_ft)), gen.alloc.size_of(gen.block_of(t_gen)));
    EXPECT_EQ(ft.heap.live_bytes(), gen.heap.live_bytes() + 2 * 16) << "two atomic objects";

    for (OracleWorld* w : {&gen, &ft}) {
        for (Object* o : w == &gen ? std::vector<Object*>{f_gen, i_gen, o_gen, t_gen}
                                   : std::vector<Object*>{f_ft, i_ft, o_ft, t_ft})
            w->rt->decref(o);
        const CollectorReport report = w->collector->finish();
        EXPECT_EQ(report.leaked_bytes, 0u);
        EXPECT_EQ(w->alloc.live_blocks(), 0u);
    }
}

TEST(FreeThreadedCensus, TrashCountsTheFreeThreadedHeaderOfEveryObject) {
    OracleWorld w("freethreaded", "");
    Object* ring = instance_new(*w.rt, 2);
    instance_set(*w.rt, ring, 0, ring);
    Object* f = float_from(*w.rt, 3.5);
    instance_set(*w.rt, ring, 1, f);
    w.rt->decref(f);
    w.rt->decref(ring);
    const std::optional<TrashCount> trash = w.collector->measure_trash();
    ASSERT_TRUE(trash.has_value());
    EXPECT_EQ(trash->objects, 2u);
    EXPECT_EQ(trash->bytes, w.heap.live_bytes()) << "the blocks freeing them returns, headers included";
}

TEST(FreeThreadedConfig, OptionsAndRegistry) {
    const FreeThreadedConfig c = parse_freethreaded_config("threshold0=700:threshold1=0:defer_on_memory=1");
    EXPECT_EQ(c.threshold0, 700);
    EXPECT_EQ(c.threshold1, 0);
    EXPECT_TRUE(c.defer_on_memory);
    EXPECT_FALSE(c.freeze_after_setup);
    EXPECT_THROW(parse_freethreaded_config("threshold2=1"), std::invalid_argument);
    EXPECT_THROW(parse_freethreaded_config("threshold0=-1"), std::invalid_argument);
    const CollectorEntry* entry = find_collector("freethreaded");
    ASSERT_NE(entry, nullptr);
    OracleWorld w("freethreaded", "threshold0=700");
    EXPECT_EQ(w.collector->name(), "freethreaded");
    EXPECT_EQ(w.collector->finish().gc["thresholds"], nlohmann::json::array({700, 10, 0}));
}

}  // namespace
}  // namespace pmb
