// The policy of `incremental` (after CPython 3.14's Python/gc.c) and of freezing, with known
// answers: increments stay within their bound however large the old generation, a dict too large
// for an increment is stepped over (and still kept alive), small garbage cycles in the old
// generation are found by increments alone within two scavenges, and frozen objects are never
// scanned until the final collection.
#include <gtest/gtest.h>

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
// object freed at once would take its allocation back off the count, as in CPython).
void churn(Runtime& rt, std::size_t n) {
    std::vector<Object*> batch;
    for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(instance_new(rt, 1));
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

TEST(IncrementalCollector, ADictTooLargeForAnIncrementIsSteppedOverAndKept) {
    OracleWorld w("incremental", "threshold0=100:max_increment=1000");
    Object* d = dict_new(*w.rt);
    for (int i = 0; i < 5000; ++i) {  // 10000 references: more than an increment may hold
        Object* k = int_from(*w.rt, i);
        Object* v = list_of_instances(*w.rt, 1);
        dict_set(*w.rt, d, k, v);
        w.rt->decref(k);
        w.rt->decref(v);
    }
    churn(*w.rt, 100000);
    // Everything the dict holds is intact: its values were never freed.
    EXPECT_EQ(dict_size(d), 5000u);
    Object* k = int_from(*w.rt, 4999);
    Object* v = dict_get(d, k);
    ASSERT_NE(v, nullptr);
    EXPECT_EQ(v->refcnt, 1);
    w.rt->decref(k);
    w.rt->decref(d);
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
