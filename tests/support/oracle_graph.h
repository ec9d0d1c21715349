// The shadow of an object graph, for reachability oracles over collectors.
//
// A test mirrors every mutation it makes to real objects here: nodes (by id, never reused), the
// target of each of their slots, and the multiset of roots (owned references the test holds).
// From the shadow alone the oracle answers what a correct collector must have done:
//   reachable():  nodes reachable from the roots; none of them may ever be freed;
//   rc_retained(): nodes reference counting alone keeps alive, i.e. those reachable from the
//                 roots or from a cycle (of any length, self-loops included) among the others;
//                 every other node must have been freed at once, whatever the collector;
//   expected_refcounts(): what each node's reference count must be (roots + slots of every
//                 node still allocated pointing at it).
// Once the test sees a node freed it forgets it (forget()); forgotten nodes may not be the
// target of a remembered node's slot nor a root.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "objects/object.h"

namespace pmb {

class OracleGraph {
public:
    static constexpr int kNull = -1;

    struct Node {
        Object* obj = nullptr;
        std::uint64_t serial = 0;  // the allocator's serial of the node's block
        std::vector<int> slots;    // target ids, kNull for an empty slot
        bool remembered = false;   // false once forgotten (freed)
        std::size_t live_index = 0;  // position in live_ while remembered
    };

    explicit OracleGraph(std::size_t slot_count) : slot_count_(slot_count) {}

    std::size_t slot_count() const { return slot_count_; }
    const Node& node(int id) const { return nodes_[static_cast<std::size_t>(id)]; }
    std::size_t id_bound() const { return nodes_.size(); }
    // Ids of the remembered nodes, in no particular order.
    const std::vector<int>& live() const { return live_; }
    const std::vector<int>& roots() const { return roots_; }

    // A new node with empty slots, held as one root.
    int add(Object* obj, std::uint64_t serial) {
        const int id = static_cast<int>(nodes_.size());
        Node n;
        n.obj = obj;
        n.serial = serial;
        n.slots.assign(slot_count_, kNull);
        n.remembered = true;
        n.live_index = live_.size();
        nodes_.push_back(std::move(n));
        live_.push_back(id);
        roots_.push_back(id);
        return id;
    }
    void set_slot(int id, std::size_t slot, int target) { nodes_[static_cast<std::size_t>(id)].slots[slot] = target; }
    void add_root(int id) { roots_.push_back(id); }
    // Removes roots_[index] (order is not kept) and returns its id.
    int remove_root(std::size_t index) {
        const int id = roots_[index];
        roots_[index] = roots_.back();
        roots_.pop_back();
        return id;
    }
    void forget(int id) {
        Node& n = nodes_[static_cast<std::size_t>(id)];
        const int last = live_.back();
        live_[n.live_index] = last;
        nodes_[static_cast<std::size_t>(last)].live_index = n.live_index;
        live_.pop_back();
        n.remembered = false;
        n.obj = nullptr;
    }

    // Marks (by id) of the nodes reachable from the roots.
    std::vector<char> reachable() const {
        std::vector<char> mark(nodes_.size(), 0);
        std::vector<int> stack;
        for (int r : roots_)
            if (!mark[static_cast<std::size_t>(r)]) {
                mark[static_cast<std::size_t>(r)] = 1;
                stack.push_back(r);
            }
        while (!stack.empty()) {
            const int id = stack.back();
            stack.pop_back();
            for (int t : nodes_[static_cast<std::size_t>(id)].slots)
                if (t != kNull && !mark[static_cast<std::size_t>(t)]) {
                    mark[static_cast<std::size_t>(t)] = 1;
                    stack.push_back(t);
                }
        }
        return mark;
    }

    // Marks of the nodes reference counting keeps: reachable from the roots or from a cycle.
    // Computed by peeling: a node no root and no kept node refers to has count zero and dies,
    // which may bring its targets to zero; what cannot be peeled is reachable from a root or a
    // cycle (each node left has a predecessor left, so walking back from it must repeat or reach
    // a root).
    std::vector<char> rc_retained() const {
        std::vector<std::size_t> indegree(nodes_.size(), 0);
        for (int r : roots_) ++indegree[static_cast<std::size_t>(r)];
        for (int id : live_)
            for (int t : nodes_[static_cast<std::size_t>(id)].slots)
                if (t != kNull) ++indegree[static_cast<std::size_t>(t)];
        std::vector<char> kept(nodes_.size(), 0);
        std::vector<int> dying;
        for (int id : live_) {
            kept[static_cast<std::size_t>(id)] = 1;
            if (indegree[static_cast<std::size_t>(id)] == 0) dying.push_back(id);
        }
        while (!dying.empty()) {
            const int id = dying.back();
            dying.pop_back();
            kept[static_cast<std::size_t>(id)] = 0;
            for (int t : nodes_[static_cast<std::size_t>(id)].slots)
                if (t != kNull && --indegree[static_cast<std::size_t>(t)] == 0) dying.push_back(t);
        }
        return kept;
    }

    // The reference count every remembered node must have: one per root entry and one per slot
    // of a remembered node that points at it.
    std::vector<std::intptr_t> expected_refcounts() const {
        std::vector<std::intptr_t> refs(nodes_.size(), 0);
        for (int r : roots_) ++refs[static_cast<std::size_t>(r)];
        for (int id : live_)
            for (int t : nodes_[static_cast<std::size_t>(id)].slots)
                if (t != kNull) ++refs[static_cast<std::size_t>(t)];
        return refs;
    }

    // A short description of node `id` for failure messages: "#7 -> [#2, -, #7]".
    std::string describe(int id) const {
        std::string s;
        s += '#';
        s += std::to_string(id);
        s += " -> [";
        const Node& n = nodes_[static_cast<std::size_t>(id)];
        for (std::size_t i = 0; i < n.slots.size(); ++i) {
            if (i) s += ", ";
            if (n.slots[i] == kNull) {
                s += '-';
            } else {
                s += '#';
                s += std::to_string(n.slots[i]);
            }
        }
        s += ']';
        return s;
    }

private:
    std::size_t slot_count_;
    std::vector<Node> nodes_;
    std::vector<int> live_;
    std::vector<int> roots_;
};

}  // namespace pmb
