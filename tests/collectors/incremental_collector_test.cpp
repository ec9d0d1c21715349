// The policy of `incremental` (CPython 3.14.0-3.14.4's Python/gc.c) and of freezing, with known
// answers: increments run at the eval breaker, not inside allocations; the first increment of a
// scavenge is a mark phase from the roots that collects nothing; what became garbage after the mark
// waits for the next scavenge, which collects it; work_to_do is not capped; from 3.14.1 an increment
// with no work to do returns at once; dicts are never untracked; with max_increment set, increments
// stay within their bound however large the old generation and a dict too large for one is stepped
// over (and still kept alive); small garbage cycles in the old generation are found by increments
// alone within two scavenges; frozen objects are never scanned until the final collection.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "objects/dict.h"
#include "objects/instance.h"
#include "objects/list.h"
#include "objects/scalars.h"
#include "tests/support/oracle_world.h"

namespace pmb {
namespace {

// A list holding `n` fresh 1-slot instances: one tracked object per element, all alive.
Object* list_of_instances(Runtime& rt, std::size_t n) {
    Object* l = list_new(rt);
    for (std::size_t i = 0; i < n; ++i) {
        Object* o = instance_new(rt, 1);
        list_append(rt, l, o);
        rt.decref(o);
    }
    return l;
}

// Allocates `n` instances in batches of 500 that live until the batch is dropped: counting frees
// them, but while they live the young count rises past the threshold and increments run (an
// object freed at once would take its allocation back off the count, as in CPython). The loop
// checks the eval breaker at every allocation, as a Python loop does at its backward jump.
void churn(Runtime& rt, std::size_t n) {
    std::vector<Object*> batch;
    for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(instance_new(rt, 1));
        rt.eval_breaker();
        if (batch.size() == 500 || i + 1 == n) {
            for (Object* o : batch) rt.decref(o);
            batch.clear();
        }
    }
}

// A 2-instance ring; the caller holds its first node.
Object* ring(Runtime& rt) {
    Object* a = instance_new(rt, 1);
    Object* b = instance_new(rt, 1);
    instance_set(rt, a, 0, b);
    instance_set(rt, b, 0, a);
    rt.decref(b);
    return a;
}

// Whether the object allocated with serial `serial` at `o` is still there (its block may have been
// reused since it was freed).
bool still_there(const OracleWorld& w, const Object* o, std::uint64_t serial) {
    return w.is_allocated(o) && w.alloc.serial_of(w.block_of(o)) == serial;
}

// `n` instances kept alive by the test, then one eval-breaker check: one increment when the young
// count has passed threshold0.
struct Keep {
    Runtime& rt;
    std::vector<Object*> objs;
    explicit Keep(Runtime& r) : rt(r) {}
    ~Keep() {
        for (Object* o : objs) rt.decref(o);
    }
    void step(std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) objs.push_back(instance_new(rt, 1));
        rt.eval_breaker();
    }
};

TEST(IncrementalCollector, AnIncrementRunsAtTheEvalBreakerNotInsideAllocate) {
    for (const char* version : {"3.14.0", "3.14.4"}) {
        OracleWorld w("incremental", std::string("threshold0=10:version=") + version);
        Keep keep(*w.rt);
        for (int i = 0; i < 25; ++i) keep.objs.push_back(instance_new(*w.rt, 1));
        EXPECT_TRUE(w.rt->gc_scheduled()) << version;
        w.rt->eval_breaker();
        EXPECT_FALSE(w.rt->gc_scheduled()) << version;
        w.rt->eval_breaker();
        const CollectorReport report = w.collector->finish();
        EXPECT_EQ(report.gc["collections"], nlohmann::json::array({0, 1, 0})) << version;
        EXPECT_EQ(report.gc["version"], version);
    }
}

// 3.14.1 on: work_to_do starts at -5000 and an increment still below zero returns at once, so a
// small program's first increments neither mark nor collect; 3.14.0 marks at the first one.
TEST(IncrementalCollector, From3141AnIncrementWithNoWorkToDoReturnsAtOnce) {
    OracleWorld w("incremental", "threshold0=10");
    Object* ring_node = ring(*w.rt);
    Keep keep(*w.rt);
    w.rt->decref(ring_node);  // young garbage
    for (int i = 0; i < 100; ++i) keep.step(11);  // 100 x (11 new + at most 22): still below 5000
    EXPECT_TRUE(w.is_allocated(ring_node)) << "no increment may have collected";
    const CollectorReport report = w.collector->finish();
    EXPECT_EQ(report.gc["collections"][1], 100);
    EXPECT_EQ(report.gc["increments_without_work"], 100);
    EXPECT_EQ(report.gc["mark_phases"], 0);

    OracleWorld old("incremental", "threshold0=10:version=3.14.0");
    Keep kept(*old.rt);
    kept.step(11);
    const CollectorReport first = old.collector->finish();
    EXPECT_EQ(first.gc["mark_phases"], 1);
    EXPECT_EQ(first.gc["increments_without_work"], 0);
}

// The first increment of a scavenge marks everything reachable from the roots as visited and
// collects nothing; a ring that becomes garbage after the mark is in the visited space, so no
// increment of that scavenge looks at it; the next scavenge's mark does not reach it and one of
// its increments collects it.
TEST(IncrementalCollector, TheMarkPhaseComesFirstAndLateGarbageWaitsForTheNextScavenge) {
    OracleWorld w("incremental", "version=3.14.0:threshold0=10:threshold1=2");
    Object* held = ring(*w.rt);  // reachable at the mark: marked
    Object* held_next = instance_get(held, 0);
    Object* young_garbage = ring(*w.rt);  // unreachable at the mark: stays young
    w.rt->decref(young_garbage);
    Keep keep(*w.rt);
    for (int i = 0; i < 9; ++i) keep.objs.push_back(instance_new(*w.rt, 1));  // 13 allocations
    ASSERT_TRUE(w.rt->gc_scheduled());
    w.rt->eval_breaker();  // increment 1: the mark
    EXPECT_TRUE(w.is_allocated(young_garbage)) << "the mark phase collects nothing";
    w.rt->decref(held);    // garbage now, in the visited space
    keep.step(11);         // increment 2: the young generation; the pending space is empty: scavenge done
    EXPECT_FALSE(w.is_allocated(young_garbage)) << "young garbage goes at the next increment";
    EXPECT_TRUE(w.is_allocated(held) && w.is_allocated(held_next)) << "visited garbage waits for the next scavenge";
    keep.step(11);  // increment 3: the next scavenge's mark
    EXPECT_TRUE(w.is_allocated(held) && w.is_allocated(held_next));
    const std::uint64_t serial = w.alloc.serial_of(w.block_of(held));
    int steps = 0;
    while (still_there(w, held, serial) && steps < 200) {
        keep.step(11);
        ++steps;
    }
    EXPECT_FALSE(still_there(w, held, serial)) << "an increment of the next scavenge frees it";
    const CollectorReport report = w.collector->finish();
    EXPECT_GE(report.gc["mark_phases"].get<int>(), 2);
    // The first mark: the held ring and the 9 kept instances; the second: 9 + 11 + 11 kept.
    EXPECT_GE(report.gc["marked_objects"].get<int>(), 11 + 31);
    EXPECT_EQ(report.gc["collected"][1], 4) << "both rings, by increments";
}

// Without a cap, work_to_do carries over whatever truncated increments could not take.
TEST(IncrementalCollector, WorkToDoIsNotCapped) {
    OracleWorld w("incremental", "version=3.14.0:threshold0=1000:threshold1=2:max_increment=100");
    Object* holder = list_new(*w.rt);
    for (int i = 0; i < 2000; ++i) {
        Object* r = ring(*w.rt);
        list_append(*w.rt, holder, r);
        w.rt->decref(r);
    }
    w.rt->eval_breaker();  // increment 1: the mark (the rings are reachable)
    Keep keep(*w.rt);
    keep.step(1001);       // increment 2: the scavenge completes; the rings are pending now
    w.rt->decref(holder);  // old garbage, unreachable at the next mark
    for (int i = 0; i < 30; ++i) keep.step(1001);
    const CollectorReport report = w.collector->finish();
    EXPECT_GT(report.gc["truncated_increments"].get<int>(), 0);
    EXPECT_GT(report.gc["work_to_do"].get<std::int64_t>(), 100) << "capped at max_increment";
}

// 3.14 has no untrack_dicts: a dict that holds nothing trackable stays tracked through gc.collect().
TEST(IncrementalCollector, FullCollectionsDoNotUntrackDicts) {
    OracleWorld w("incremental", "");
    Object* d = dict_new(*w.rt);
    Object* k = int_from(*w.rt, 1);
    Object* l = list_new(*w.rt);
    dict_set(*w.rt, d, k, l);
    w.rt->decref(l);
    Object* v = int_from(*w.rt, 2);
    dict_set(*w.rt, d, k, v);
    w.rt->decref(v);
    ASSERT_TRUE(w.collector->is_tracked(d));
    w.collector->collect();
    EXPECT_TRUE(w.collector->is_tracked(d));
    w.rt->decref(k);
    w.rt->decref(d);
}

// The default expansion is unbounded, as 3.14's: one connected structure lands in one increment
// (here old garbage: after the mark, only garbage is pending).
TEST(IncrementalCollector, AnIncrementExpandsWithoutBoundByDefault) {
    OracleWorld w("incremental", "version=3.14.0:threshold0=100");
    Object* big = list_of_instances(*w.rt, 30000);
    Object* first = list_get(big, 0);
    instance_set(*w.rt, first, 0, big);  // a cycle through the list
    Keep keep(*w.rt);
    keep.step(101);  // the mark
    keep.step(101);  // the scavenge completes: the list and its items are pending
    const std::uint64_t serial = w.alloc.serial_of(w.block_of(first));  // (the list itself goes to its free list)
    w.rt->decref(big);
    for (int i = 0; i < 50 && still_there(w, first, serial); ++i) keep.step(101);
    EXPECT_FALSE(still_there(w, first, serial));
    const CollectorReport report = w.collector->finish();
    EXPECT_GT(report.gc["largest_increment_objects"].get<int>(), 30000);
    EXPECT_EQ(report.gc["truncated_increments"], 0);
    EXPECT_GE(report.gc["collected"][1].get<int>(), 30001);
}

TEST(IncrementalCollector, IncrementsStayWithinTheirBoundOverALargeOldGeneration) {
    OracleWorld w("incremental", "threshold0=100:max_increment=500");
    Object* big = list_of_instances(*w.rt, 20000);  // old after the first increments
    churn(*w.rt, 200000);
    Object* probe = instance_new(*w.rt, 1);
    w.rt->decref(probe);
    w.rt->decref(big);
    const CollectorReport before = w.collector->finish();
    EXPECT_GE(before.gc["scavenges"].get<int>(), 2) << "the old generation was scanned through, more than once";
    EXPECT_LE(before.gc["largest_increment_objects"].get<int>(), 500);
    EXPECT_GT(before.gc["collections"][1].get<int>(), 100);
    EXPECT_EQ(before.gc["collections"][2], 0) << "no full collection ran (the final one is not a pause of the run)";
    EXPECT_EQ(before.leaked_objects, 0u);
}

// After the mark only garbage is left pending, so what max_increment steps over is garbage: a dict
// too large for an increment (in a cycle through itself) moves to the visited space unscanned at
// every scavenge, what it holds counts as referenced from outside, and only gc.collect() frees it.
TEST(IncrementalCollector, AGarbageDictTooLargeForAnIncrementIsSteppedOverUntilAFullCollection) {
    OracleWorld w("incremental", "version=3.14.0:threshold0=100:max_increment=1000");
    Object* d = dict_new(*w.rt);
    for (int i = 0; i < 5000; ++i) {  // 10000 references: more than an increment may hold
        Object* k = int_from(*w.rt, i);
        Object* v = list_of_instances(*w.rt, 1);
        dict_set(*w.rt, d, k, v);
        w.rt->decref(k);
        w.rt->decref(v);
    }
    Object* self_key = int_from(*w.rt, -1);
    dict_set(*w.rt, d, self_key, d);
    w.rt->decref(self_key);
    w.rt->eval_breaker();  // increment 1: the mark (the dict is reachable)
    churn(*w.rt, 101);     // increment 2: the scavenge completes; the dict is pending
    w.rt->decref(d);       // garbage from now on, unreachable at the next mark
    churn(*w.rt, 100000);
    EXPECT_TRUE(w.is_allocated(d)) << "increments cannot free what they do not scan";
    w.collector->collect();
    EXPECT_FALSE(w.is_allocated(d));
    const CollectorReport report = w.collector->finish();
    EXPECT_GT(report.gc["large_objects_skipped"].get<int>(), 0);
    EXPECT_LE(report.gc["largest_increment_objects"].get<int>(), 1000);
    EXPECT_EQ(report.leaked_objects, 0u);
    EXPECT_EQ(w.alloc.live_blocks(), 0u);
}

TEST(IncrementalCollector, SmallOldCyclesAreFoundByIncrementsAlone) {
    OracleWorld w("incremental", "threshold0=100:max_increment=500");
    Object* keep = list_of_instances(*w.rt, 3000);
    Object* holder = list_new(*w.rt);  // 300 rings, alive until they have aged into the old generation
    for (int i = 0; i < 300; ++i) {
        Object* r = ring(*w.rt);
        list_append(*w.rt, holder, r);
        w.rt->decref(r);
    }
    churn(*w.rt, 1000);
    const std::size_t with_rings = w.alloc.live_blocks();
    w.rt->decref(holder);  // the rings are old garbage now: only increments can find them
    churn(*w.rt, 200000);  // many scavenges of the old generation
    EXPECT_LE(w.alloc.live_blocks(), with_rings - 600) << "the 300 rings must be gone without gc.collect()";
    w.rt->decref(keep);
    const CollectorReport report = w.collector->finish();
    EXPECT_GE(report.gc["scavenges"].get<int>(), 2);
    EXPECT_EQ(report.gc["uncollected_at_end_objects"], 0) << "no garbage was left for the final collection";
    EXPECT_EQ(report.leaked_objects, 0u);
}

TEST(IncrementalCollector, OptionsAreCheckedWithOneLine) {
    OracleWorld ok("incremental", "threshold0=700:threshold1=5:max_increment=0:full_every=2:freeze_after_setup=1");
    EXPECT_THROW(OracleWorld("incremental", "threshold2=1"), std::invalid_argument);
    EXPECT_THROW(OracleWorld("incremental", "max_increment=-1"), std::invalid_argument);
    EXPECT_THROW(OracleWorld("incremental", "threshold0"), std::invalid_argument);
    OracleWorld v0("incremental", "version=3.14.0");
    try {
        OracleWorld("incremental", "version=3.14");
        ADD_FAILURE() << "version=3.14 was accepted";
    } catch (const std::invalid_argument& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("3.14.0, 3.14.4"), std::string::npos) << msg;
        EXPECT_NE(msg.find("'3.14'"), std::string::npos) << msg;
        EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    }
    try {
        OracleWorld("incremental", "bogus=1");
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("accepted: threshold0, threshold1, max_increment"), std::string::npos);
    }
}

// Under each collector that freezes: a garbage ring made before the freeze is never collected by
// automatic collections (frozen objects are not scanned), only by the final collection.
class Freeze : public ::testing::TestWithParam<const char*> {};

TEST_P(Freeze, FrozenGarbageWaitsForTheFinalCollection) {
    const std::string name = GetParam();
    const std::string trigger = name == "marksweep" ? "growth=1.1:min_heap=10000" : "threshold0=50";
    OracleWorld w(name, trigger + ":freeze_after_setup=1");
    Object* a = instance_new(*w.rt, 1);
    Object* b = instance_new(*w.rt, 1);
    instance_set(*w.rt, a, 0, b);
    instance_set(*w.rt, b, 0, a);
    w.rt->decref(b);
    w.collector->setup_finished();  // gc.freeze(): a and b are permanent now
    w.rt->decref(a);                // and garbage
    churn(*w.rt, 100000);
    w.collector->collect();  // gc.collect() does not look at the permanent generation either
    EXPECT_TRUE(w.is_allocated(a));
    EXPECT_TRUE(w.is_allocated(b));
    const CollectorReport report = w.collector->finish();  // gc.unfreeze(), then collect
    EXPECT_EQ(report.gc["frozen_objects"], 2);
    EXPECT_EQ(report.leaked_objects, 0u);
    EXPECT_EQ(w.alloc.live_blocks(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Collectors, Freeze, ::testing::Values("gen", "incremental", "marksweep"));

TEST(MarkSweepCollector, NothingIsFreedAtCountZeroUntilTheHeapHasGrown) {
    OracleWorld w("marksweep", "growth=2:min_heap=200000");
    Object* kept = instance_new(*w.rt, 1);
    Object* dropped = instance_new(*w.rt, 1);
    Object* number = int_from(*w.rt, 123456789);
    w.rt->decref(dropped);
    w.rt->decref(number);
    EXPECT_TRUE(w.is_allocated(dropped)) << "a tracer frees nothing when a count reaches zero";
    EXPECT_TRUE(w.is_allocated(number, false));
    const std::size_t blocks = w.alloc.live_blocks();
    // 200000 bytes of garbage (48-byte instances): the collection comes once the heap reaches it.
    std::size_t made = 0;
    while (w.alloc.live_blocks() >= blocks + made && made < 10000) {
        w.rt->decref(instance_new(*w.rt, 1));
        ++made;
    }
    const std::size_t instance_bytes = 16 + slots_body_size(1);  // GC header and body
    EXPECT_GT(made, 200000 / instance_bytes - 10);
    EXPECT_LT(made, 200000 / instance_bytes + 10);
    EXPECT_FALSE(w.is_allocated(dropped));
    EXPECT_TRUE(w.is_allocated(kept));
    EXPECT_EQ(kept->refcnt, 1);
    w.rt->decref(kept);
    const CollectorReport report = w.collector->finish();
    EXPECT_EQ(report.gc["collections"][2], 1);  // the one triggered (the final one is not the run's)
    EXPECT_EQ(report.leaked_objects, 0u);
    EXPECT_EQ(w.alloc.live_blocks(), 0u);
}

}  // namespace
}  // namespace pmb
