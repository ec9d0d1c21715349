// The policy of `gen` (CPython 3.11's Modules/gcmodule.c) with known answers: what moves the
// generation-0 count, exactly when each generation is collected, the long-lived heuristic, tuple
// untracking, the option parser, and what finish() reports.
//
// The sequences asserted here were checked against CPython 3.11.7 itself (gc.set_threshold, then
// allocating __slots__ instances while watching gc.get_count()): with thresholds (10, 3, t2), four
// generation-0 collections come before each generation-1 one (a generation is collected when its
// count *exceeds* its threshold), and a full collection waits, while due, until the survivors
// of generation-1 collections reach a quarter of the survivors of the last full one.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "collectors/generational_collector.h"
#include "collectors/registry.h"
#include "measure/clock.h"
#include "objects/dict.h"
#include "objects/instance.h"
#include "objects/list.h"
#include "objects/scalars.h"
#include "objects/tuple.h"
#include "tests/support/oracle_world.h"

namespace pmb {
namespace {

std::uint64_t sum_of(const nlohmann::json& per_generation) {
    std::uint64_t total = 0;
    for (const auto& v : per_generation) total += v.get<std::uint64_t>();
    return total;
}

// The generations of the logged collections, in order.
std::vector<int> generations_of(const nlohmann::json& pauses) {
    std::vector<int> gens;
    for (const auto& p : pauses) gens.push_back(p[2].get<int>());
    return gens;
}

// `n` instances kept alive by the test (each one fresh GC allocation, tracked).
struct Keep {
    Runtime& rt;
    std::vector<Object*> objs;
    explicit Keep(Runtime& r) : rt(r) {}
    ~Keep() { drop(); }
    void add(std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) objs.push_back(instance_new(rt, 1));
    }
    void drop() {
        for (Object* o : objs) rt.decref(o);
        objs.clear();
    }
};

// A 2-instance ring nobody refers to: garbage only a cycle collector frees. Costs 2 allocations.
std::pair<Object*, Object*> make_garbage_ring(Runtime& rt) {
    Object* a = instance_new(rt, 1);
    Object* b = instance_new(rt, 1);
    instance_set(rt, a, 0, b);
    instance_set(rt, b, 0, a);
    rt.decref(a);
    rt.decref(b);
    return {a, b};
}

// A ring of `n` instances, returned with the test holding one reference to its first node.
Object* make_ring(Runtime& rt, std::size_t n) {
    Object* first = instance_new(rt, 1);
    Object* prev = first;
    for (std::size_t i = 1; i < n; ++i) {
        Object* o = instance_new(rt, 1);
        instance_set(rt, prev, 0, o);
        rt.decref(o);
        prev = o;
    }
    instance_set(rt, prev, 0, first);
    return first;
}

// Reads generations[0].count without a getter: plants a fresh garbage ring (2 allocations), then
// allocates untracked GC-capable probes until a collection frees the ring. The collection comes
// at the allocation that makes the count exceed threshold 0, so
//   count before the ring = threshold0 + 1 - probes - 2.
// Destructive: a collection has run afterwards. Needs count + 2 <= threshold0.
std::int64_t probe_gen0_count(OracleWorld& w, std::int64_t threshold0) {
    auto [a, b] = make_garbage_ring(*w.rt);
    const std::uint64_t serial_a = w.alloc.serial_of(w.block_of(a)), serial_b = w.alloc.serial_of(w.block_of(b));
    std::vector<Object*> probes;
    std::int64_t n = 0;
    while (w.alloc.serial_of(w.block_of(a)) == serial_a && n <= threshold0 + 1) {
        Object* p = w.collector->allocate(slots_type(1), slots_body_size(1));
        reinterpret_cast<Object**>(p + 1)[0] = nullptr;
        probes.push_back(p);
        ++n;
    }
    EXPECT_NE(w.alloc.serial_of(w.block_of(b)), serial_b) << "half of the ring was collected";
    for (Object* p : probes) w.collector->release(p, slots_body_size(1));
    return threshold0 + 1 - n - 2;
}

constexpr std::int64_t kProbeThreshold = 100;
const std::string kProbeOptions = "threshold0=100";

TEST(GenCount, RisesByOnePerFreshGcAllocationTrackedOrNot) {
    {
        OracleWorld w("gen", kProbeOptions);
        EXPECT_EQ(probe_gen0_count(w, kProbeThreshold), 0);
    }
    {
        OracleWorld w("gen", kProbeOptions);
        Keep keep(*w.rt);
        keep.add(7);  // tracked at creation
        EXPECT_EQ(probe_gen0_count(w, kProbeThreshold), 7);
    }
    {
        // Allocated and never tracked (like a dict before its first GC-capable value): counted.
        OracleWorld w("gen", kProbeOptions);
        std::vector<Object*> raw;
        for (int i = 0; i < 5; ++i) raw.push_back(w.collector->allocate(slots_type(1), slots_body_size(1)));
        for (Object* o : raw) EXPECT_FALSE(w.collector->is_tracked(o));
        EXPECT_EQ(probe_gen0_count(w, kProbeThreshold), 5);
        for (Object* o : raw) w.collector->release(o, slots_body_size(1));
    }
    {
        // Atomic objects (ints, floats) carry no GC header and do not count.
        OracleWorld w("gen", kProbeOptions);
        std::vector<Object*> atoms;
        for (int i = 0; i < 20; ++i) atoms.push_back(int_from(*w.rt, 1'000'000 + i));
        for (int i = 0; i < 20; ++i) atoms.push_back(float_from(*w.rt, 0.5 + i));
        EXPECT_EQ(probe_gen0_count(w, kProbeThreshold), 0);
        for (Object* o : atoms) w.rt->decref(o);
    }
}

TEST(GenCount, FallsOnReleaseButNeverBelowZero) {
    {
        OracleWorld w("gen", kProbeOptions);
        Keep keep(*w.rt), dropped(*w.rt);
        keep.add(4);
        dropped.add(6);
        dropped.drop();  // 6 GC deallocations reach release()
        EXPECT_EQ(probe_gen0_count(w, kProbeThreshold), 4);
    }
    {
        OracleWorld w("gen", kProbeOptions);
        std::vector<Object*> raw;
        for (int i = 0; i < 9; ++i) raw.push_back(w.collector->allocate(slots_type(1), slots_body_size(1)));
        for (int i = 0; i < 3; ++i) w.collector->release(raw[static_cast<std::size_t>(i)], slots_body_size(1));
        EXPECT_EQ(probe_gen0_count(w, kProbeThreshold), 6);
        for (int i = 3; i < 9; ++i) w.collector->release(raw[static_cast<std::size_t>(i)], slots_body_size(1));
    }
    {
        // The 101st allocation collects and resets the count to 0; freeing those 101 objects then
        // leaves it at 0, not at -101.
        OracleWorld w("gen", kProbeOptions);
        Keep keep(*w.rt);
        keep.add(101);
        keep.drop();
        EXPECT_EQ(probe_gen0_count(w, kProbeThreshold), 0);
    }
}

TEST(GenCount, FreeListRecyclingDoesNotMoveIt) {
    OracleWorld w("gen", kProbeOptions);
    // The first tuple and list are fresh allocations (+1 each); dying, they go to their free lists
    // without reaching release() (no -1); every later one is recycled (no +1).
    for (int i = 0; i < 50; ++i) {
        Object* t = tuple_new(*w.rt, 3);
        for (std::size_t k = 0; k < 3; ++k) tuple_init_item(t, k, none_ref());
        w.rt->decref(t);
        Object* l = list_new(*w.rt);
        Object* none = none_ref();
        list_append(*w.rt, l, none);  // takes its own reference
        w.rt->decref(none);
        w.rt->decref(l);
    }
    EXPECT_EQ(w.rt->free_lists().tuples[3].count, 1u);
    EXPECT_EQ(w.rt->free_lists().lists.count, 1u);
    EXPECT_EQ(probe_gen0_count(w, kProbeThreshold), 2);
}

TEST(GenCount, ClearingFreeListsReleasesAndLowersIt) {
    OracleWorld w("gen", kProbeOptions);
    Keep keep(*w.rt);
    keep.add(5);
    for (int i = 0; i < 3; ++i) w.rt->decref(list_new(*w.rt));  // one fresh list, recycled twice
    Object* t1 = tuple_new(*w.rt, 1);
    Object* t2 = tuple_new(*w.rt, 1);
    tuple_init_item(t1, 0, none_ref());
    tuple_init_item(t2, 0, none_ref());
    w.rt->decref(t1);
    w.rt->decref(t2);  // 5 + 1 + 2 = 8, two tuples and a list parked
    w.rt->clear_free_lists();  // three GC deallocations reach release()
    EXPECT_EQ(probe_gen0_count(w, kProbeThreshold), 5);
}

TEST(GenSchedule, CollectionRunsExactlyWhenTheCountExceedsThreshold0) {
    for (std::size_t allocations : {10u, 11u}) {
        OracleWorld w("gen", "threshold0=10");
        Keep keep(*w.rt);
        keep.add(allocations);
        const CollectorReport report = w.collector->finish();  // its statistics predate its own collection
        const std::uint64_t expected = allocations == 11 ? 1 : 0;
        EXPECT_EQ(report.gc["collections"], nlohmann::json::array({expected, 0, 0})) << allocations << " allocations";
        EXPECT_EQ(report.gc["pauses"].size(), expected);
    }
    // The same, seen from garbage: a ring (2 allocations) survives 8 more and dies at the 9th.
    OracleWorld w("gen", "threshold0=10");
    auto [a, b] = make_garbage_ring(*w.rt);
    Keep keep(*w.rt);
    for (int i = 3; i <= 10; ++i) {
        keep.add(1);
        ASSERT_TRUE(w.is_allocated(a) && w.is_allocated(b)) << "collected at allocation " << i;
    }
    keep.add(1);
    EXPECT_FALSE(w.is_allocated(a) || w.is_allocated(b)) << "the 11th allocation must collect the ring";
    const CollectorReport report = w.collector->finish();
    EXPECT_EQ(report.gc["collections"], nlohmann::json::array({1, 0, 0}));
    EXPECT_EQ(report.gc["collected"], nlohmann::json::array({2, 0, 0}));
    // The collecting allocation's object was not yet tracked: it survives, with the others.
    EXPECT_EQ(report.gc["uncollected_at_end_objects"].get<std::uint64_t>(), 9u);
}

TEST(GenSchedule, Generation1RunsOnceItsCountExceedsThreshold1) {
    // Every 11th allocation collects; generation 1's count rises by one per generation-0
    // collection, so with threshold1 = 3 the pattern is four generation-0 collections, then one
    // of generation 1 (CPython 3.11 gives the same sequence).
    OracleWorld w("gen", "threshold0=10:threshold1=3:threshold2=1000");
    Keep keep(*w.rt);
    keep.add(11 * 20);
    const CollectorReport report = w.collector->finish();
    std::vector<int> expected;
    for (int i = 1; i <= 20; ++i) expected.push_back(i % 5 == 0 ? 1 : 0);
    EXPECT_EQ(generations_of(report.gc["pauses"]), expected);
    EXPECT_EQ(report.gc["collections"], nlohmann::json::array({16, 4, 0}));
}

TEST(GenSchedule, CpythonDefaultThresholds) {
    // (700, 10, 10): a collection every 701 allocations; generation 1 at every 12th (eleven
    // generation-0 collections raise its count to 11 > 10); generation 2 once its own count
    // exceeds 10, i.e. right after the 11th generation-1 collection: the 133rd collection.
    OracleWorld w("gen", "");
    Keep keep(*w.rt);
    keep.add(701 * 133 - 1);
    std::vector<int> gens = generations_of(w.collector->finish().gc["pauses"]);
    ASSERT_EQ(gens.size(), 132u);
    for (std::size_t i = 0; i < 132; ++i) ASSERT_EQ(gens[i], (i + 1) % 12 == 0 ? 1 : 0) << "collection " << i + 1;

    OracleWorld w2("gen", "");
    Keep keep2(*w2.rt);
    keep2.add(701 * 133);
    const CollectorReport report = w2.collector->finish();
    gens = generations_of(report.gc["pauses"]);
    ASSERT_EQ(gens.size(), 133u);
    EXPECT_EQ(gens[132], 2);
    EXPECT_EQ(report.gc["collections"], nlohmann::json::array({121, 11, 1}));
}

TEST(GenSchedule, OlderGenerationsAreOnlyCollectedWithThem) {
    // A ring that survived one generation-0 collection sits in generation 1: dropped, it survives
    // the next generation-0 collections and dies in the next generation-1 one.
    OracleWorld w("gen", "threshold0=10:threshold1=3:threshold2=1000");
    Object* ring = make_ring(*w.rt, 2);
    Object* other = reinterpret_cast<Object**>(ring + 1)[0];
    Keep keep(*w.rt);
    keep.add(9);  // allocation 11: collection 1 (generation 0) promotes the ring
    w.rt->decref(ring);
    for (int collection = 2; collection <= 4; ++collection) {
        keep.add(11);
        ASSERT_TRUE(w.is_allocated(ring) && w.is_allocated(other)) << "collected by generation-0 collection " << collection;
    }
    keep.add(11);  // collection 5: generation 1
    EXPECT_FALSE(w.is_allocated(ring) || w.is_allocated(other));
    const CollectorReport report = w.collector->finish();
    EXPECT_EQ(report.gc["collected"], nlohmann::json::array({0, 2, 0}));
}

// The index in the pause log of the one collection that began in [from, to].
std::size_t index_of_collection_between(const nlohmann::json& pauses, std::uint64_t from, std::uint64_t to) {
    std::size_t found = pauses.size();
    for (std::size_t i = 0; i < pauses.size(); ++i) {
        const auto start = pauses[i][0].get<std::uint64_t>();
        if (start >= from && start <= to) {
            EXPECT_EQ(found, pauses.size()) << "two collections in the window";
            found = i;
        }
    }
    EXPECT_LT(found, pauses.size()) << "no collection in the window";
    return found;
}

TEST(GenSchedule, LongLivedHeuristicDefersFullCollections) {
    // Without long-lived objects, generation 2 is collected as soon as its count exceeds 2: at the
    // 13th collection (allocation 143).
    {
        OracleWorld w("gen", "threshold0=10:threshold1=2:threshold2=2");
        Keep keep(*w.rt);
        keep.add(143);
        const CollectorReport report = w.collector->finish();
        EXPECT_EQ(generations_of(report.gc["pauses"]), (std::vector<int>{0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 2}));
    }
    // With 4000 survivors of a full collection (long_lived_total = 4000), it is due from the 13th
    // collection on but deferred while long_lived_pending < 1000. Generation-1 collections, every
    // 4th, each add the objects allocated since the previous one: pending = 44j - 1 after the
    // j-th, so the 23rd (collection 92, pending 1011) lets collection 93 (allocation 1023) be full.
    for (std::size_t allocations : {1022u, 1023u}) {
        OracleWorld w("gen", "threshold0=10:threshold1=2:threshold2=2");
        Keep keep(*w.rt);
        keep.add(4000);
        const std::uint64_t t0 = now_ns();
        w.collector->collect();
        const std::uint64_t t1 = now_ns();
        keep.add(allocations);
        const CollectorReport report = w.collector->finish();
        const nlohmann::json& pauses = report.gc["pauses"];
        const std::size_t explicit_at = index_of_collection_between(pauses, t0, t1);
        ASSERT_LT(explicit_at, pauses.size());
        EXPECT_EQ(pauses[explicit_at][2].get<int>(), 2);
        std::vector<int> after;
        for (std::size_t i = explicit_at + 1; i < pauses.size(); ++i) after.push_back(pauses[i][2].get<int>());
        std::vector<int> expected;
        for (int i = 1; i <= 92; ++i) expected.push_back(i % 4 == 0 ? 1 : 0);
        if (allocations == 1023) expected.push_back(2);
        EXPECT_EQ(after, expected) << allocations << " allocations after the full collection";
    }
}

TEST(GenTracking, TuplesOfAtomsAreUntrackedByACollection) {
    OracleWorld w("gen", "");
    Object* atoms = tuple_new(*w.rt, 4);
    tuple_init_item(atoms, 0, none_ref());
    tuple_init_item(atoms, 1, int_from(*w.rt, 5));
    tuple_init_item(atoms, 2, int_from(*w.rt, 123'456'789));
    tuple_init_item(atoms, 3, float_from(*w.rt, 2.5));
    Object* inst = instance_new(*w.rt, 1);
    Object* holds_instance = tuple_new(*w.rt, 2);
    tuple_init_item(holds_instance, 0, none_ref());
    tuple_init_item(holds_instance, 1, inst);  // gives the reference away
    Object* holds_list = tuple_new(*w.rt, 1);
    tuple_init_item(holds_list, 0, list_new(*w.rt));  // an empty list may still get a cycle
    Object* inner = tuple_new(*w.rt, 1);
    tuple_init_item(inner, 0, none_ref());
    Object* outer = tuple_new(*w.rt, 1);  // created after `inner`, so scanned after it
    Runtime::incref(inner);
    tuple_init_item(outer, 0, inner);
    Object* unfinished = tuple_new(*w.rt, 2);  // item 1 still null: not fully built
    tuple_init_item(unfinished, 0, none_ref());
    Object* deep_inner = tuple_new(*w.rt, 1);
    tuple_init_item(deep_inner, 0, instance_new(*w.rt, 1));
    Object* deep_outer = tuple_new(*w.rt, 1);
    tuple_init_item(deep_outer, 0, deep_inner);

    for (Object* t : {atoms, holds_instance, holds_list, inner, outer, unfinished, deep_outer, deep_inner})
        EXPECT_TRUE(w.collector->is_tracked(t)) << "tuples are tracked at creation";
    w.collector->collect();
    EXPECT_FALSE(w.collector->is_tracked(atoms));
    EXPECT_TRUE(w.collector->is_tracked(holds_instance));
    EXPECT_TRUE(w.collector->is_tracked(inst)) << "instances are never untracked";
    EXPECT_TRUE(w.collector->is_tracked(holds_list));
    EXPECT_FALSE(w.collector->is_tracked(inner));
    EXPECT_FALSE(w.collector->is_tracked(outer)) << "its only item was untracked earlier in the same pass";
    EXPECT_TRUE(w.collector->is_tracked(unfinished));
    EXPECT_TRUE(w.collector->is_tracked(deep_inner));
    EXPECT_TRUE(w.collector->is_tracked(deep_outer));

    // Untracked tuples still die and release their items.
    for (Object* t : {atoms, holds_instance, holds_list, inner, outer, unfinished, deep_outer}) w.rt->decref(t);
    w.rt->clear_free_lists();
    EXPECT_EQ(w.alloc.live_blocks(), 0u);
    EXPECT_EQ(w.collector->finish().leaked_objects, 0u);
}

TEST(GenTracking, TheEmptyTupleSingletonIsUntrackedAndSafeToHold) {
    // CPython 3.11: gc.is_tracked(()) is False, ((),) is untracked by a collection, and
    // containers holding () are traversed like any others. The model's () is a static object: the
    // collector must not read or write a GC header that is not there.
    OracleWorld w("gen", "");
    Object* empty = tuple_new(*w.rt, 0);
    const std::intptr_t empty_refs = empty->refcnt;
    EXPECT_FALSE(w.collector->is_tracked(empty));
    Object* none = none_ref();
    Object* big = int_from(*w.rt, 1'000'000);
    EXPECT_FALSE(w.collector->is_tracked(none)) << "atomic objects are never tracked (gc.is_tracked(None) is False)";
    EXPECT_FALSE(w.collector->is_tracked(big));
    w.rt->decref(none);
    w.rt->decref(big);
    Object* holds_empty = tuple_new(*w.rt, 1);
    Runtime::incref(empty);
    tuple_init_item(holds_empty, 0, empty);
    Object* list = list_new(*w.rt);
    list_append(*w.rt, list, empty);
    Object* ring = make_ring(*w.rt, 3);  // garbage holding () too
    Object* node = instance_new(*w.rt, 2);
    instance_set(*w.rt, node, 0, ring);
    instance_set(*w.rt, node, 1, empty);
    instance_set(*w.rt, ring, 0, node);  // ring -> node -> ring
    w.rt->decref(node);
    w.rt->decref(ring);
    w.collector->collect();
    EXPECT_FALSE(w.collector->is_tracked(holds_empty));
    EXPECT_TRUE(w.collector->is_tracked(list));
    EXPECT_FALSE(w.collector->is_tracked(empty));
    w.rt->decref(holds_empty);
    w.rt->decref(list);
    w.rt->clear_free_lists();
    EXPECT_EQ(empty->refcnt, empty_refs) << "every holder released its reference";
    w.rt->decref(empty);
    EXPECT_EQ(w.alloc.live_blocks(), 0u);
}

TEST(GenTracking, GenerationZeroCollectionsUntrackTuplesToo) {
    OracleWorld w("gen", "threshold0=10");
    Object* t = tuple_new(*w.rt, 2);
    tuple_init_item(t, 0, int_from(*w.rt, 7));
    tuple_init_item(t, 1, none_ref());
    Keep keep(*w.rt);
    keep.add(9);  // 10 GC allocations: no collection yet
    EXPECT_TRUE(w.collector->is_tracked(t));
    keep.add(1);  // the 11th collects generation 0
    EXPECT_FALSE(w.collector->is_tracked(t));
    w.rt->decref(t);
}

TEST(GenFreeLists, FullCollectionsClearThemGenerationZeroOnesDoNot) {
    OracleWorld w("gen", "threshold0=10");
    Object* t = tuple_new(*w.rt, 2);
    tuple_init_item(t, 0, none_ref());
    tuple_init_item(t, 1, none_ref());
    w.rt->decref(t);  // parked on the free list of 2-tuples, still allocated
    ASSERT_EQ(w.rt->free_lists().tuples[2].count, 1u);
    Keep keep(*w.rt);
    keep.add(10);  // allocation 11 (the tuple was the first): a generation-0 collection
    EXPECT_EQ(w.rt->free_lists().tuples[2].count, 1u);
    EXPECT_TRUE(w.is_allocated(t));
    w.collector->collect();
    EXPECT_EQ(w.rt->free_lists().tuples[2].count, 0u);
    EXPECT_FALSE(w.is_allocated(t));
}

TEST(GenConfig, ParsesThresholds) {
    EXPECT_EQ(parse_generational_config("").thresholds, (std::array<std::int64_t, 3>{700, 10, 10}));
    EXPECT_EQ(parse_generational_config("threshold0=2000:threshold2=5").thresholds,
              (std::array<std::int64_t, 3>{2000, 10, 5}));
    EXPECT_EQ(parse_generational_config("threshold1=0").thresholds, (std::array<std::int64_t, 3>{700, 0, 10}));
    EXPECT_EQ(parse_generational_config("threshold2=1:threshold0=3:threshold1=2").thresholds,
              (std::array<std::int64_t, 3>{3, 2, 1}));
}

// The message of the std::invalid_argument `options` throws, or "" (a test failure) if none.
std::string parse_error(const std::string& options) {
    try {
        parse_generational_config(options);
    } catch (const std::invalid_argument& e) {
        return e.what();
    } catch (...) {
        ADD_FAILURE() << "'" << options << "' threw something other than std::invalid_argument";
        return {};
    }
    ADD_FAILURE() << "'" << options << "' was accepted";
    return {};
}

TEST(GenConfig, RejectsUnknownKeysAndBadNumbersNamingThem) {
    EXPECT_NE(parse_error("threshold3=1").find("threshold3"), std::string::npos);
    EXPECT_NE(parse_error("bogus").find("bogus"), std::string::npos);
    EXPECT_NE(parse_error("threshold0=700:frobnicate=1").find("frobnicate"), std::string::npos);
    for (const char* bad : {"abc", "-1", "12x", "", " 5", "1.5", "99999999999999999999999"}) {
        const std::string msg = parse_error(std::string("threshold1=") + bad);
        EXPECT_NE(msg.find("threshold1"), std::string::npos) << msg;
        EXPECT_NE(msg.find(std::string("'") + bad + "'"), std::string::npos) << msg;
    }
}

TEST(GenConfig, RegistryPassesOptionsThrough) {
    OracleAllocator alloc;
    Heap heap(alloc.ops());
    const CollectorEntry* gen = find_collector("gen");
    ASSERT_NE(gen, nullptr);
    auto c = gen->make(heap, "threshold0=5:threshold2=7");
    EXPECT_EQ(c->name(), "gen");
    EXPECT_EQ(c->gc_header_size(), 16u);
    EXPECT_EQ(c->finish().gc["thresholds"], nlohmann::json::array({5, 10, 7}));
    EXPECT_THROW(gen->make(heap, "threshold9=1"), std::invalid_argument);
    EXPECT_THROW(find_collector("rc")->make(heap, "threshold0=1"), std::invalid_argument);
}

TEST(GenReport, StatisticsHaveTheDocumentedShape) {
    OracleWorld w("gen", "threshold0=10:threshold1=2:threshold2=2");
    Keep keep(*w.rt);
    for (int i = 0; i < 30; ++i) {
        make_garbage_ring(*w.rt);
        keep.add(5);
    }
    w.collector->collect();
    const CollectorReport report = w.collector->finish();
    const nlohmann::json& gc = report.gc;
    for (const char* key : {"collections", "collected", "uncollectable"}) {
        ASSERT_TRUE(gc.contains(key)) << key;
        ASSERT_TRUE(gc[key].is_array()) << key;
        ASSERT_EQ(gc[key].size(), 3u) << key;
        for (const auto& v : gc[key]) EXPECT_TRUE(v.is_number_unsigned()) << key;
    }
    EXPECT_EQ(gc["uncollectable"], nlohmann::json::array({0, 0, 0}));
    EXPECT_EQ(sum_of(gc["collected"]), 60u) << "30 rings of 2";
    ASSERT_TRUE(gc.contains("pause_ns"));
    const nlohmann::json& pause = gc["pause_ns"];
    for (const char* key : {"p50", "p99", "max", "total"}) {
        ASSERT_TRUE(pause.contains(key)) << key;
        EXPECT_TRUE(pause[key].is_number()) << key;
    }
    // One logged pause per collection, durations summing to the total.
    const nlohmann::json& pauses = gc["pauses"];
    EXPECT_EQ(pauses.size(), sum_of(gc["collections"]));
    std::uint64_t total = 0, longest = 0;
    for (const auto& p : pauses) {
        total += p[1].get<std::uint64_t>();
        longest = std::max(longest, p[1].get<std::uint64_t>());
    }
    EXPECT_EQ(pause["total"].get<std::uint64_t>(), total);
    EXPECT_EQ(pause["max"].get<std::uint64_t>(), longest);
    EXPECT_LE(pause["p50"].get<double>(), pause["p99"].get<double>());
    EXPECT_LE(pause["p99"].get<double>(), pause["max"].get<double>());
    EXPECT_EQ(pause["count"].get<std::uint64_t>(), pauses.size());
}

TEST(GenReport, CollectedCountsEqualTheObjectsInDroppedCycles) {
    // 100 rings of 21 instances, all dropped, then one full collection.
    {
        OracleWorld w("gen", "");
        std::vector<Object*> rings;
        for (int i = 0; i < 100; ++i) rings.push_back(make_ring(*w.rt, 21));
        for (Object* r : rings) w.rt->decref(r);
        EXPECT_EQ(w.alloc.live_blocks(), 2100u);
        w.collector->collect();
        EXPECT_EQ(w.alloc.live_blocks(), 0u);
        const CollectorReport report = w.collector->finish();
        EXPECT_EQ(report.gc["collected"][2].get<std::uint64_t>(), 2100u);
        EXPECT_EQ(sum_of(report.gc["collected"]), 2100u);
        EXPECT_EQ(report.leaked_objects, 0u);
    }
    // Dropped one by one while small thresholds collect all the time: whoever collects them, the
    // total is the same, and nothing that died of reference counting is counted.
    {
        OracleWorld w("gen", "threshold0=10:threshold1=2:threshold2=2");
        Keep keep(*w.rt);
        for (int i = 0; i < 100; ++i) {
            w.rt->decref(make_ring(*w.rt, 21));
            keep.add(3);
            Keep transient(*w.rt);
            transient.add(4);  // freed by reference counting at the end of the iteration
        }
        w.collector->collect();
        EXPECT_EQ(w.alloc.live_blocks(), keep.objs.size());
        const CollectorReport report = w.collector->finish();
        EXPECT_EQ(sum_of(report.gc["collected"]), 2100u) << report.gc["collected"].dump();
        EXPECT_GT(sum_of(report.gc["collected"]) - report.gc["collected"][2].get<std::uint64_t>(), 0u)
            << "automatic collections should have collected some rings";
    }
}

TEST(GenReport, FinishReportsNoLeaksAfterTheFinalCollection) {
    OracleWorld w("gen", "");
    for (int i = 0; i < 10; ++i) w.rt->decref(make_ring(*w.rt, 3));
    const CollectorReport report = w.collector->finish();
    EXPECT_EQ(report.gc["uncollected_at_end_objects"].get<std::uint64_t>(), 30u);
    EXPECT_EQ(report.leaked_objects, 0u);
    EXPECT_EQ(report.leaked_bytes, 0u);
    EXPECT_EQ(w.alloc.live_blocks(), 0u);
}

// version=: each later CPython's collector, as its sources have it (generational_collector.h).
TEST(GenVersion, EachPresetHasItsReleasesThresholdsAndExplicitOnesWin) {
    const std::array<std::int64_t, 3> t311{700, 10, 10}, t313{2000, 10, 10};
    EXPECT_EQ(parse_generational_config("").version, GcVersion::k3_11);
    EXPECT_EQ(parse_generational_config("version=3.11").thresholds, t311);
    EXPECT_EQ(parse_generational_config("version=3.12").thresholds, t311);
    EXPECT_EQ(parse_generational_config("version=3.13").thresholds, t313);
    EXPECT_EQ(parse_generational_config("version=3.14.5").thresholds, t313);
    EXPECT_EQ(parse_generational_config("version=3.15").thresholds, t313);
    EXPECT_EQ(parse_generational_config("version=3.15").version, GcVersion::k3_15);
    EXPECT_EQ(parse_generational_config("threshold0=700:version=3.13").thresholds, t311);
    EXPECT_EQ(parse_generational_config("version=3.13:threshold2=3").thresholds, (std::array<std::int64_t, 3>{2000, 10, 3}));
}

TEST(GenVersion, AnUnknownVersionIsRejectedWithOneLineNamingTheAccepted) {
    for (const char* bad : {"3.14", "3.10", "3.14.4", "", "latest"}) {
        const std::string msg = parse_error(std::string("version=") + bad);
        EXPECT_NE(msg.find(std::string("'") + bad + "'"), std::string::npos) << msg;
        EXPECT_NE(msg.find("3.11, 3.12, 3.13, 3.14.5, 3.15"), std::string::npos) << msg;
        EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    }
}

TEST(GenVersion, TheStatisticsNameTheVersion) {
    for (const char* version : {"3.11", "3.12", "3.13", "3.14.5", "3.15"}) {
        OracleWorld w("gen", std::string("version=") + version);
        EXPECT_EQ(w.collector->finish().gc["version"], version);
    }
    OracleWorld plain("gen", "");
    EXPECT_EQ(plain.collector->finish().gc["version"], "3.11");
}

class GenScheduled : public ::testing::TestWithParam<const char*> {
protected:
    std::string options(const std::string& thresholds) const { return std::string("version=") + GetParam() + ":" + thresholds; }
};

// 3.12+: the allocation past threshold 0 only schedules; the collection runs at the eval breaker.
TEST_P(GenScheduled, NoCollectionRunsInsideAllocateOnlyAtTheEvalBreaker) {
    OracleWorld w("gen", options("threshold0=10"));
    auto [a, b] = make_garbage_ring(*w.rt);
    Keep keep(*w.rt);
    keep.add(20);  // 22 allocations: 3.11 would have collected at the 11th and the 22nd
    EXPECT_TRUE(w.is_allocated(a) && w.is_allocated(b)) << "collected inside an allocation";
    EXPECT_TRUE(w.rt->gc_scheduled());
    w.rt->eval_breaker();
    EXPECT_FALSE(w.rt->gc_scheduled());
    EXPECT_FALSE(w.is_allocated(a) || w.is_allocated(b)) << "the eval breaker must run the collection";
    w.rt->eval_breaker();  // nothing scheduled: nothing runs
    const CollectorReport report = w.collector->finish();
    EXPECT_EQ(report.gc["collections"], nlohmann::json::array({1, 0, 0}));
    EXPECT_EQ(report.gc["collected"], nlohmann::json::array({2, 0, 0}));
}

// gc_collect_generations / gc_select_generation look at the counts again when the breaker runs.
TEST_P(GenScheduled, APendingCollectionIsCheckedAgainAtTheBreaker) {
    {  // gc.collect() in between reset every count: nothing more runs.
        OracleWorld w("gen", options("threshold0=10"));
        Keep keep(*w.rt);
        keep.add(11);
        ASSERT_TRUE(w.rt->gc_scheduled());
        w.collector->collect();
        w.rt->eval_breaker();
        EXPECT_EQ(w.collector->finish().gc["collections"], nlohmann::json::array({0, 0, 1}));
    }
    {  // frees in between took the count back under the threshold: nothing runs.
        OracleWorld w("gen", options("threshold0=10"));
        Keep keep(*w.rt), dropped(*w.rt);
        keep.add(6);
        dropped.add(5);
        ASSERT_TRUE(w.rt->gc_scheduled());
        dropped.drop();  // the count falls to 6
        w.rt->eval_breaker();
        EXPECT_EQ(w.collector->finish().gc["collections"], nlohmann::json::array({0, 0, 0}));
    }
    {  // the generation chosen is the oldest due when the breaker runs: the third time, generation 1.
        OracleWorld w("gen", options("threshold0=10:threshold1=1"));
        Keep keep(*w.rt);
        for (int i = 0; i < 3; ++i) {
            keep.add(11);
            w.rt->eval_breaker();
        }
        EXPECT_EQ(w.collector->finish().gc["collections"], nlohmann::json::array({2, 1, 0}));
    }
}

INSTANTIATE_TEST_SUITE_P(Versions, GenScheduled, ::testing::Values("3.12", "3.13", "3.14.5", "3.15"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                             std::string name = std::string("v") + info.param;
                             for (char& c : name)
                                 if (c == '.') c = '_';
                             return name;
                         });

TEST(GenVersion, Version311CollectsInsideTheAllocationAndNeverSchedules) {
    OracleWorld w("gen", "version=3.11:threshold0=10");
    auto [a, b] = make_garbage_ring(*w.rt);
    Keep keep(*w.rt);
    keep.add(9);
    EXPECT_FALSE(w.is_allocated(a) || w.is_allocated(b));
    EXPECT_FALSE(w.rt->gc_scheduled());
}

// A dict that holds nothing trackable any more, in the oldest generation: full collections untrack
// it up to 3.13 (untrack_dicts), not from 3.14.5 (_PyDict_MaybeUntrack is gone).
TEST(GenVersion, FullCollectionsUntrackDictsUpTo313Only) {
    for (const char* version : {"3.11", "3.12", "3.13", "3.14.5", "3.15"}) {
        OracleWorld w("gen", std::string("version=") + version);
        Object* d = dict_new(*w.rt);
        Object* k = int_from(*w.rt, 1);
        Object* l = list_new(*w.rt);
        dict_set(*w.rt, d, k, l);  // a tracked value: the dict is tracked
        w.rt->decref(l);
        ASSERT_TRUE(w.collector->is_tracked(d)) << version;
        Object* v = int_from(*w.rt, 2);
        dict_set(*w.rt, d, k, v);  // nothing trackable left, but it stays tracked until a full collection
        w.rt->decref(v);
        ASSERT_TRUE(w.collector->is_tracked(d)) << version;
        w.collector->collect();
        const bool untracks = std::string(version) <= "3.13";
        EXPECT_EQ(w.collector->is_tracked(d), !untracks) << version;
        w.rt->decref(k);
        w.rt->decref(d);
    }
}

}  // namespace
}  // namespace pmb
