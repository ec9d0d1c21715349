// dict: the keys-table sizes of CPython 3.11 (sys.getsizeof(d) - 64 for the body and GC header,
// measured on Debian's python3.11 for dicts filled with n str keys 'k0'.. and n int keys), the
// lookups, and tracking.
#include <gtest/gtest.h>

#include "collectors/generational_collector.h"
#include "objects/dict.h"
#include "objects/list.h"
#include "objects/scalars.h"
#include "objects/str.h"
#include "tests/support/counting_allocator.h"

namespace pmb {
namespace {

struct DictFixture : ::testing::Test {
    CountingAllocator counting;
    Heap heap{counting.ops()};
    std::unique_ptr<Collector> collector = make_generational_collector(heap, GenerationalConfig{{0, 10, 10}});
    Runtime rt{heap, *collector};
};

TEST_F(DictFixture, KeysTableSizesMatchCPython311) {
    // n, keys bytes with str keys, keys bytes with int keys
    const std::vector<std::array<std::size_t, 3>> cpython = {
        {0, 0, 0},          {1, 120, 160},      {5, 120, 160},      {6, 208, 288},       {10, 208, 288},
        {11, 400, 568},     {21, 400, 568},     {22, 768, 1104},    {43, 1520, 2200},    {86, 3264, 4624},
        {200, 6512, 9240},  {1000, 25968, 36888}};
    for (const auto& [n, str_bytes, int_bytes] : cpython) {
        Object* d = dict_new(rt);
        Object* e = dict_new(rt);
        for (std::size_t i = 0; i < n; ++i) {
            Object* k = str_new(rt, "k" + std::to_string(i));
            Object* ik = int_from(rt, static_cast<std::int64_t>(i) + 1000);
            Object* v = int_from(rt, static_cast<std::int64_t>(i));
            dict_set(rt, d, k, v);
            dict_set(rt, e, ik, v);
            rt.decref(k);
            rt.decref(ik);
            rt.decref(v);
        }
        EXPECT_EQ(dict_keys_bytes(d), str_bytes) << n << " str keys";
        EXPECT_EQ(dict_keys_bytes(e), int_bytes) << n << " int keys";
        EXPECT_EQ(dict_size(d), n);
        rt.decref(d);
        rt.decref(e);
    }
}

TEST_F(DictFixture, LookupReplaceDelete) {
    Object* d = dict_new(rt);
    std::vector<Object*> keys;
    for (int i = 0; i < 300; ++i) {
        Object* k = str_new(rt, "key" + std::to_string(i));
        Object* v = int_from(rt, i * 7);
        dict_set(rt, d, k, v);
        rt.decref(v);
        keys.push_back(k);
    }
    for (int i = 0; i < 300; i += 2) EXPECT_TRUE(dict_del(rt, d, keys[static_cast<std::size_t>(i)]));
    EXPECT_FALSE(dict_del(rt, d, keys[0]));
    for (int i = 0; i < 300; ++i) {
        Object* probe = str_new(rt, "key" + std::to_string(i));  // equal content, another object
        Object* v = dict_get(d, probe);
        if (i % 2 == 0) {
            EXPECT_EQ(v, nullptr) << i;
        } else {
            ASSERT_NE(v, nullptr) << i;
        }
        if (v != nullptr) {
            EXPECT_EQ(int_value(v), i * 7);
        }
        rt.decref(probe);
    }
    EXPECT_EQ(dict_size(d), 150u);
    for (Object* k : keys) rt.decref(k);
    rt.decref(d);
    collector->finish();
    EXPECT_EQ(counting.live_blocks(), 0u);
}

TEST_F(DictFixture, TrackedOnlyOnceSomethingTrackableIsStored) {
    Object* d = dict_new(rt);
    Object* k = str_new(rt, "name");
    Object* v = int_from(rt, 12345);
    dict_set(rt, d, k, v);
    EXPECT_FALSE(collector->is_tracked(d)) << "a dict of atomic values stays untracked";
    Object* l = list_new(rt);
    Object* k2 = str_new(rt, "items");
    dict_set(rt, d, k2, l);
    EXPECT_TRUE(collector->is_tracked(d));
    // A full collection untracks it again only when nothing trackable is left.
    collector->collect();
    EXPECT_TRUE(collector->is_tracked(d));
    EXPECT_TRUE(dict_del(rt, d, k2));
    collector->collect();
    EXPECT_FALSE(collector->is_tracked(d));
    for (Object* o : {d, k, v, l, k2}) rt.decref(o);
}

}  // namespace
}  // namespace pmb
