// A type's referent_array must list exactly what its traverse visits: the collector relies on
// either one (generational_collector.cpp's for_each_referent).
#include <gtest/gtest.h>

#include <algorithm>

#include "collectors/refcount_collector.h"
#include "objects/instance.h"
#include "objects/list.h"
#include "objects/plain_instance.h"
#include "objects/scalars.h"
#include "objects/tuple.h"
#include "tests/support/counting_allocator.h"

namespace pmb {
namespace {

std::vector<Object*> by_traverse(Object* o) {
    std::vector<Object*> out;
    o->type->traverse(o, [](Object* r, void* arg) { static_cast<std::vector<Object*>*>(arg)->push_back(r); }, &out);
    return out;
}

std::vector<Object*> by_array(Object* o) {
    std::vector<Object*> out;
    const ObjectArray a = o->type->referent_array(o);
    for (std::size_t i = 0; i < a.count; ++i)
        if (a.items[i] != nullptr) out.push_back(a.items[i]);
    return out;
}

TEST(ReferentArray, ListsExactlyWhatTraverseVisits) {
    CountingAllocator counting;
    Heap heap(counting.ops());
    auto collector = make_refcount_collector(heap);
    Runtime rt(heap, *collector);
    PlainClass cls;
    std::vector<Object*> objects;
    for (int n = 0; n < 6; ++n) {
        Object* t = tuple_new(rt, 3);
        tuple_init_item(t, 0, int_from(rt, 1000 + n));
        if (n % 2) tuple_init_item(t, 2, none_ref());  // a null item in the middle
        Object* l = list_new(rt);
        for (int i = 0; i < n; ++i) list_append(rt, l, t);
        Object* s = instance_new(rt, 4);
        instance_set(rt, s, 1, l);
        Object* p = plain_instance_new(rt, cls);
        plain_instance_set(rt, p, plain_class_attribute(cls, "a"), s);
        if (n > 2) plain_instance_set(rt, p, plain_class_attribute(cls, "b" + std::to_string(n)), t);
        objects.insert(objects.end(), {t, l, s, p});
    }
    for (Object* o : objects) {
        ASSERT_NE(o->type->referent_array, nullptr) << o->type->name;
        EXPECT_EQ(by_array(o), by_traverse(o)) << o->type->name;
    }
    for (auto it = objects.rbegin(); it != objects.rend(); ++it) rt.decref(*it);
}

}  // namespace
}  // namespace pmb
