// objects: an object graph of plain class instances (an ORM's session, a DOM, an AST): every
// instance has attributes in its managed dict, a parent back-pointer and a list of children, so
// every graph is one big reference cycle when it is dropped.
//
//     class Node:
//         def __init__(self, parent, name, value):
//             self.parent = parent; self.children = []; self.name = name; self.value = value
//             if parent is not None: parent.children.append(self)
// Each op builds one graph, root = Node(None, "root", i) with `fanout` children each holding
// `fanout` grandchildren, and drops it, except every `keep_every`-th graph, kept in a FIFO list
// of at most `kept` graphs. CPython 3.11's allocations: per Node the instance (56 bytes with the
// GC header), its values array (size set by the class's shared keys, see
// objects/plain_instance.h), its children list (a free-list body or 56 bytes) and, for parents,
// the children list's item array as it grows.
#include "objects/list.h"
#include "objects/opaque.h"
#include "objects/plain_instance.h"
#include "objects/scalars.h"
#include "objects/str.h"
#include "workloads/registry.h"

namespace pmb {
namespace {

class Objects final : public Workload {
public:
    explicit Objects(const Params& p)
        : iterations_(static_cast<std::uint64_t>(p.get("iterations"))),
          fanout_(p.get("fanout")),
          keep_every_(static_cast<std::uint64_t>(p.get("keep_every"))),
          kept_cap_(static_cast<std::size_t>(p.get("kept"))) {}

    void setup(Runtime& rt) override {
        for (auto [slot, text] : {std::pair{&root_name_, "root"}, {&child_name_, "child"}, {&leaf_name_, "leaf"}})
            *slot = str_new(rt, text);
        kept_ = list_new(rt);
    }
    std::uint64_t ops() const override { return iterations_; }

    Object* node(Runtime& rt, Object* parent, Object* name, Object* value) {
        Object* self = plain_instance_new(rt, node_class_);
        plain_instance_set(rt, self, attr("parent"), parent != nullptr ? parent : none_borrowed());
        Object* children = list_new(rt);
        plain_instance_set(rt, self, attr("children"), children);
        rt.decref(children);
        plain_instance_set(rt, self, attr("name"), name);
        plain_instance_set(rt, self, attr("value"), value);
        if (parent != nullptr) list_append(rt, plain_instance_get(parent, attr("children")), self);
        ++nodes_;
        return self;
    }

    void step(Runtime& rt, std::uint64_t iteration) override {
        Object* ival = int_from(rt, static_cast<std::int64_t>(iteration));  // the loop variable
        Object* root = node(rt, nullptr, root_name_, ival);
        Object* outer = range_iterator_new(rt, fanout_);
        for (std::int64_t j = 0; j < fanout_; ++j) {
            Object* jv = int_from(rt, j);
            Object* child = node(rt, root, child_name_, jv);
            Object* inner = range_iterator_new(rt, fanout_);
            for (std::int64_t k = 0; k < fanout_; ++k) {
                Object* kv = int_from(rt, k);
                rt.decref(node(rt, child, leaf_name_, kv));
                rt.decref(kv);
            }
            rt.decref(inner);
            rt.decref(child);
            rt.decref(jv);
        }
        rt.decref(outer);
        if (keep_every_ != 0 && iteration % keep_every_ == 0 && kept_cap_ != 0) {
            list_append(rt, kept_, root);
            if (list_size(kept_) > kept_cap_) list_del_prefix(rt, kept_, 1);
        }
        rt.decref(root);
        rt.decref(ival);
    }

    void teardown(Runtime& rt) override {
        for (Object* o : {kept_, root_name_, child_name_, leaf_name_}) rt.decref(o);
    }
    nlohmann::json counters() const override { return {{"nodes_built", nodes_}}; }

private:
    std::size_t attr(const char* name) { return plain_class_attribute(node_class_, name); }
    static Object* none_borrowed() {
        Object* n = none_ref();
        n->refcnt -= 1;  // None is immortal here; a borrowed reference
        return n;
    }

    std::uint64_t iterations_;
    std::int64_t fanout_;
    std::uint64_t keep_every_;
    std::size_t kept_cap_;
    PlainClass node_class_;
    Object *root_name_ = nullptr, *child_name_ = nullptr, *leaf_name_ = nullptr, *kept_ = nullptr;
    std::uint64_t nodes_ = 0;
};

}  // namespace

WorkloadEntry objects_workload() {
    return {"objects",
            "graphs of plain class instances with parent back-pointers and child lists (an ORM session)",
            {{"iterations", 30000, "graphs built (one op each)"},
             {"fanout", 5, "children per node, two levels deep"},
             {"keep_every", 20, "every n-th graph is kept (0 = none)"},
             {"kept", 200, "kept graphs at most (FIFO)"}},
            {{"iterations", "3000"}, {"kept", "50"}},
            [](const Params& p, std::uint64_t) { return std::make_unique<Objects>(p); }};
}

}  // namespace pmb
