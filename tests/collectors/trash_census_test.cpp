// The trash census (collectors/trash_census.h) against what a collection then frees: the objects
// and bytes a census counts are exactly those a full collection gives back, untracked objects
// held only by the garbage included, and the census changes nothing a collection later sees.
#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "objects/instance.h"
#include "objects/list.h"
#include "objects/str.h"
#include "objects/tuple.h"
#include "tests/support/oracle_world.h"

namespace pmb {
namespace {

// A garbage ring of `n` two-slot instances, each holding a fresh str and a list of two ints
// (untracked objects that die with the ring). Returns nothing: the ring is unreachable.
void make_garbage_ring(Runtime& rt, std::size_t n) {
    Object* head = instance_new(rt, 2);
    Object* node = head;
    for (std::size_t i = 0; i < n; ++i) {
        Object* text = str_new(rt, "payload " + std::to_string(i));
        Object* list = list_new(rt);
        list_append(rt, list, text);
        rt.decref(text);
        instance_set(rt, node, 1, list);
        rt.decref(list);
        Object* next = i + 1 < n ? instance_new(rt, 2) : head;
        instance_set(rt, node, 0, next);
        if (next != head) rt.decref(next);
        node = next;
    }
    rt.decref(head);
}

class TrashCensus : public ::testing::TestWithParam<std::string> {};

TEST_P(TrashCensus, CountsExactlyWhatAFullCollectionFrees) {
    const std::string spec = GetParam();
    const std::size_t colon = spec.find(':');
    OracleWorld w(spec.substr(0, colon), colon == std::string::npos ? "" : spec.substr(colon + 1));
    Runtime& rt = *w.rt;
    // Live data the census must not count: a list of rings held from outside, and a root str.
    Object* kept = list_new(rt);
    for (int r = 0; r < 3; ++r) {
        Object* a = instance_new(rt, 2);
        Object* b = instance_new(rt, 2);
        instance_set(rt, a, 0, b);
        instance_set(rt, b, 0, a);
        list_append(rt, kept, a);
        rt.decref(a);
        rt.decref(b);
    }
    Object* root_text = str_new(rt, "root");
    w.collector->setup_finished();  // gc.freeze() of the live data, where the spec asks for it
    rt.clear_free_lists();
    const std::optional<TrashCount> none = w.collector->measure_trash();
    ASSERT_TRUE(none.has_value()) << spec;
    EXPECT_EQ(none->objects, 0u);
    EXPECT_EQ(none->bytes, 0u);

    make_garbage_ring(rt, 5);  // 5 instances + 5 lists + 5 strs
    rt.clear_free_lists();
    const std::optional<TrashCount> trash = w.collector->measure_trash();
    ASSERT_TRUE(trash.has_value());
    EXPECT_EQ(trash->objects, 15u) << spec;
    // A second census finds the same: the first changed nothing.
    const std::optional<TrashCount> again = w.collector->measure_trash();
    EXPECT_EQ(again->objects, trash->objects);
    EXPECT_EQ(again->bytes, trash->bytes);

    const std::size_t before = w.heap.live_bytes();
    w.collector->collect();
    rt.clear_free_lists();
    EXPECT_EQ(before - w.heap.live_bytes(), trash->bytes) << spec << ": the census's bytes are what collecting freed";
    const std::optional<TrashCount> after = w.collector->measure_trash();
    EXPECT_EQ(after->objects, 0u);
    // The live data is intact: each kept ring still points both ways.
    for (std::size_t i = 0; i < list_size(kept); ++i) {
        Object* a = list_get(kept, i);
        EXPECT_EQ(instance_get(instance_get(a, 0), 0), a);
    }
    rt.decref(root_text);
    rt.decref(kept);
}

INSTANTIATE_TEST_SUITE_P(EveryCycleCollector, TrashCensus,
                         ::testing::Values("gen", "gen:freeze_after_setup=1", "incremental", "marksweep"),
                         [](const auto& info) {
                             std::string name = info.param;
                             for (char& c : name)
                                 if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                             return name;
                         });

TEST(TrashCensusMarkSweep, ObjectsWhoseCountReachedZeroAreTrashUntilTheSweep) {
    OracleWorld w("marksweep", "min_heap=1000000000");
    Runtime& rt = *w.rt;
    Object* t = tuple_new(rt, 1);
    tuple_init_item(t, 0, str_new(rt, "held by a dead tuple"));
    Object* text = str_new(rt, "dead at once");
    rt.decref(t);     // count zero: deferred with what it holds
    rt.decref(text);  // an atomic object deferred
    const std::optional<TrashCount> trash = w.collector->measure_trash();
    ASSERT_TRUE(trash.has_value());
    EXPECT_EQ(trash->objects, 3u);
    rt.clear_free_lists();
    const std::size_t before = w.heap.live_bytes();
    w.collector->collect();
    rt.clear_free_lists();
    EXPECT_EQ(before - w.heap.live_bytes(), trash->bytes);
}

TEST(TrashCensusRc, ReferenceCountingAloneKeepsNoListToCount) {
    OracleWorld w("rc", "");
    EXPECT_FALSE(w.collector->measure_trash().has_value());
}

}  // namespace
}  // namespace pmb
