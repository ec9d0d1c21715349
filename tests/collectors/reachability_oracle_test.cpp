// A reachability oracle for every collector: random graphs of 3-slot instances are mutated step
// by step while a shadow graph (tests/support/oracle_graph.h) says what must be alive.
//
// After every step (automatic collections may have run inside an allocation):
//   - no node reachable from the roots is freed, and every node still allocated holds exactly the
//     shadow's slot targets and the reference count the shadow predicts;
//   - every node reference counting alone would free (unreachable and not reachable from a cycle
//     among unreachable nodes) is freed, whatever the collector;
//   - rc: nothing else is freed (cyclic garbage and what hangs off it stays);
//   - gen, incremental, marksweep: after an explicit full collection, every node unreachable from
//     the roots is freed;
//   - every collector but rc: its trash census counts exactly the allocated nodes the roots
//     cannot reach.
// marksweep frees nothing when a count reaches zero, so it is exempt from the second rule (it must
// still never free a reachable node). At the end every root is dropped and finish() must report
// as leaked exactly the cyclic garbage (rc) or nothing (the others).
//
// "Freed" is read from the allocator: a node is allocated iff its block (collector header
// included) is live with the serial number it was created with, so a reused address is not
// mistaken for the node.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "objects/instance.h"
#include "objects/runtime.h"
#include "tests/support/oracle_graph.h"
#include "tests/support/oracle_world.h"

namespace pmb {
namespace {

constexpr std::size_t kSlots = 3;

struct CollectorSpec {
    const char* label;    // test name suffix
    const char* name;     // registry name
    const char* options;  // text after "name:"
    int seeds;
    int steps;
    int collect_weight;  // relative weight of explicit collections among the random steps
    std::size_t many_roots = 6;  // past this many roots, dropping one becomes likelier (graph size)
    bool frees_at_zero = true;   // false for a tracer: garbage waits for a collection
};

void PrintTo(const CollectorSpec& spec, std::ostream* os) {
    *os << spec.name << ":" << spec.options << " (" << spec.seeds << " seeds x " << spec.steps << " steps)";
}

struct World : OracleWorld {
    explicit World(const CollectorSpec& spec) : OracleWorld(spec.name, spec.options) {}
};

enum class Op { kCreate, kSetSlot, kDropRoot, kNewRoot, kCollect, kDropAllRoots };

class ReachabilityOracle : public ::testing::TestWithParam<CollectorSpec> {
protected:
    // Checks the world against the shadow after a step and forgets the nodes that were freed.
    // Returns an empty string when everything holds, else what went wrong.
    static std::string check(World& w, OracleGraph& g, bool cycle_collector, bool frees_at_zero,
                             bool after_full_collection, std::uint64_t& cyclic_freed) {
        std::ostringstream err;
        const std::vector<char> reach = g.reachable();
        const std::vector<char> retained = g.rc_retained();
        std::vector<char> freed(g.id_bound(), 0);
        for (int id : g.live()) {
            const OracleGraph::Node& n = g.node(id);
            freed[static_cast<std::size_t>(id)] = w.alloc.serial_of(w.block_of(n.obj)) != n.serial;
        }
        for (int id : g.live()) {
            const auto i = static_cast<std::size_t>(id);
            if (reach[i] && freed[i]) err << "reachable node " << g.describe(id) << " was freed; ";
            if (frees_at_zero && !retained[i] && !freed[i])
                err << "node " << g.describe(id) << " is unreachable and on no cycle but still allocated; ";
            if (!cycle_collector && retained[i] && !reach[i] && freed[i])
                err << "rc freed node " << g.describe(id) << " kept by a garbage cycle; ";
            if (cycle_collector && after_full_collection && !reach[i] && !freed[i])
                err << "unreachable node " << g.describe(id) << " survived a full collection; ";
        }
        if (!err.str().empty()) return err.str();
        // The trash census counts exactly the allocated nodes the roots cannot reach (the nodes are
        // the world's only objects, all tracked); rc keeps no list and has no census.
        if (const std::optional<TrashCount> trash = w.collector->measure_trash()) {
            std::uint64_t unreachable = 0;
            for (int id : g.live()) unreachable += !reach[static_cast<std::size_t>(id)] && !freed[static_cast<std::size_t>(id)];
            if (trash->objects != unreachable)
                err << "the trash census counted " << trash->objects << " objects, " << unreachable << " are unreachable; ";
        } else if (cycle_collector) {
            err << "a cycle collector has no trash census; ";
        }
        if (!err.str().empty()) return err.str();
        std::vector<int> gone;
        for (int id : g.live())
            if (freed[static_cast<std::size_t>(id)]) gone.push_back(id);
        for (int id : gone) {
            if (retained[static_cast<std::size_t>(id)]) ++cyclic_freed;  // the cycle collector's work
            g.forget(id);
        }
        // What is still allocated must be intact: slots as the shadow says (no dangling target),
        // reference counts as the shadow predicts, and tracked under a cycle collector.
        const std::vector<std::intptr_t> refs = g.expected_refcounts();
        for (int id : g.live()) {
            const auto i = static_cast<std::size_t>(id);
            const OracleGraph::Node& n = g.node(id);
            for (std::size_t s = 0; s < kSlots; ++s) {
                const int t = n.slots[s];
                if (t != OracleGraph::kNull && freed[static_cast<std::size_t>(t)]) {
                    err << "allocated node " << g.describe(id) << " points at freed node #" << t << "; ";
                    continue;
                }
                Object* expected = t == OracleGraph::kNull ? nullptr : g.node(t).obj;
                if (instance_get(n.obj, s) != expected)
                    err << "node " << g.describe(id) << " slot " << s << " holds the wrong object; ";
            }
            if (n.obj->refcnt != refs[i])
                err << "node " << g.describe(id) << " has refcnt " << n.obj->refcnt << ", expected " << refs[i] << "; ";
            if (cycle_collector && !w.collector->is_tracked(n.obj)) err << "node " << g.describe(id) << " is untracked; ";
        }
        return err.str();
    }

    struct Stats {
        std::uint64_t cyclic_freed_automatic = 0;  // cyclic garbage freed by collections inside allocations
        std::uint64_t cyclic_freed_explicit = 0;   // ... by explicit full collections
        std::uint64_t cyclic_at_end = 0;           // cyclic garbage left when the runs dropped their roots
        std::uint64_t max_live = 0;                // largest shadow
    };

    // One seed: a random walk of `steps` mutations. Returns false (after reporting) on failure.
    static bool run_seed(const CollectorSpec& spec, std::uint64_t seed, Stats& stats) {
        const bool cycle_collector = std::string(spec.name) != "rc";
        World w(spec);
        OracleGraph g(kSlots);
        std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull + 1);
        auto pick = [&rng](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
        auto fail = [&](int step, const std::string& what, const std::string& err) {
            ADD_FAILURE() << spec.label << ": seed " << seed << ", step " << step << " (" << what << "): " << err;
            return false;
        };

        for (int step = 0; step < spec.steps; ++step) {
            const std::vector<char> reach = g.reachable();
            std::vector<int> reachable_ids;
            for (int id : g.live())
                if (reach[static_cast<std::size_t>(id)]) reachable_ids.push_back(id);
            const std::size_t roots = g.roots().size();

            // Weights: create 24, set a slot 40, drop a root 16 (40 past spec.many_roots), new root 8,
            // explicit collection spec.collect_weight, drop every root 1.
            const int weights[] = {24, reachable_ids.empty() ? 0 : 40, roots == 0 ? 0 : (roots > spec.many_roots ? 40 : 16),
                                   reachable_ids.empty() ? 0 : 8, spec.collect_weight, roots == 0 ? 0 : 1};
            std::discrete_distribution<int> choose(std::begin(weights), std::end(weights));
            const Op op = static_cast<Op>(choose(rng));
            std::string what;
            bool full_collection = false;
            switch (op) {
                case Op::kCreate: {
                    Object* o = instance_new(*w.rt, kSlots);
                    const int id = g.add(o, w.alloc.serial_of(w.block_of(o)));
                    what = "create #" + std::to_string(id);
                    break;
                }
                case Op::kSetSlot: {
                    const int id = reachable_ids[pick(reachable_ids.size())];
                    const std::size_t slot = pick(kSlots);
                    const int target = pick(5) == 0 ? OracleGraph::kNull : reachable_ids[pick(reachable_ids.size())];
                    what = "set #" + std::to_string(id) + "." + std::to_string(slot) + " = ";
                    if (target == OracleGraph::kNull) {
                        what += "null";
                    } else {
                        what += '#';
                        what += std::to_string(target);
                    }
                    instance_set(*w.rt, g.node(id).obj, slot, target == OracleGraph::kNull ? nullptr : g.node(target).obj);
                    g.set_slot(id, slot, target);
                    break;
                }
                case Op::kDropRoot: {
                    const int id = g.remove_root(pick(roots));
                    what = "drop root #" + std::to_string(id);
                    w.rt->decref(g.node(id).obj);
                    break;
                }
                case Op::kNewRoot: {
                    const int id = reachable_ids[pick(reachable_ids.size())];
                    what = "new root #" + std::to_string(id);
                    Runtime::incref(g.node(id).obj);
                    g.add_root(id);
                    break;
                }
                case Op::kCollect:
                    what = "collect";
                    w.collector->collect();
                    full_collection = true;
                    break;
                case Op::kDropAllRoots:
                    what = "drop all roots";
                    while (!g.roots().empty()) w.rt->decref(g.node(g.remove_root(g.roots().size() - 1)).obj);
                    break;
            }
            w.rt->eval_breaker();  // each step ends where Python would check it: scheduled collections run
            stats.max_live = std::max<std::uint64_t>(stats.max_live, g.live().size());
            std::uint64_t& cyclic_freed = full_collection ? stats.cyclic_freed_explicit : stats.cyclic_freed_automatic;
            if (std::string err = check(w, g, cycle_collector, spec.frees_at_zero, full_collection, cyclic_freed);
                !err.empty())
                return fail(step, what, err);
        }

        // The end of the run: drop every root, then account for what is left.
        while (!g.roots().empty()) w.rt->decref(g.node(g.remove_root(g.roots().size() - 1)).obj);
        if (std::string err = check(w, g, cycle_collector, spec.frees_at_zero, false, stats.cyclic_freed_automatic);
            !err.empty())
            return fail(spec.steps, "drop all roots at the end", err);
        const std::size_t cyclic_garbage = g.live().size();
        stats.cyclic_at_end += cyclic_garbage;
        const CollectorReport report = w.collector->finish();
        if (cycle_collector) {
            if (report.leaked_objects != 0 || w.alloc.live_blocks() != 0)
                return fail(spec.steps, "finish",
                            "leaked_objects = " + std::to_string(report.leaked_objects) + ", live blocks = " +
                                std::to_string(w.alloc.live_blocks()) + ", expected 0 after the final collection");
            // What the final collection found: exactly the cyclic garbage, or for a tracer all the
            // garbage not yet swept, of which the cyclic garbage is part.
            const auto uncollected = report.gc.value("uncollected_at_end_objects", std::uint64_t{0});
            if (spec.frees_at_zero ? uncollected != cyclic_garbage : uncollected < cyclic_garbage)
                return fail(spec.steps, "finish",
                            "uncollected_at_end_objects = " + std::to_string(uncollected) + ", expected " +
                                std::to_string(cyclic_garbage));
        } else {
            if (report.leaked_objects != cyclic_garbage || w.alloc.live_blocks() != cyclic_garbage ||
                report.leaked_bytes != cyclic_garbage * slots_body_size(kSlots))
                return fail(spec.steps, "finish",
                            "leaked_objects = " + std::to_string(report.leaked_objects) + ", leaked_bytes = " +
                                std::to_string(report.leaked_bytes) + ", live blocks = " +
                                std::to_string(w.alloc.live_blocks()) + ", expected " + std::to_string(cyclic_garbage) +
                                " nodes of cyclic garbage");
        }
        return true;
    }
};

TEST_P(ReachabilityOracle, RandomGraphMutations) {
    const CollectorSpec& spec = GetParam();
    Stats stats;
    for (int seed = 1; seed <= spec.seeds; ++seed)
        if (!run_seed(spec, static_cast<std::uint64_t>(seed), stats)) return;
    RecordProperty("cyclic_freed_automatic", static_cast<int>(stats.cyclic_freed_automatic));
    RecordProperty("cyclic_freed_explicit", static_cast<int>(stats.cyclic_freed_explicit));
    RecordProperty("cyclic_garbage_at_end", static_cast<int>(stats.cyclic_at_end));
    RecordProperty("max_live_nodes", static_cast<int>(stats.max_live));
    // The walk must make plenty of cyclic garbage (about one node in 30 steps), or the oracle proves
    // little.
    const auto total_steps = static_cast<std::uint64_t>(spec.seeds) * static_cast<std::uint64_t>(spec.steps);
    EXPECT_GT(stats.cyclic_at_end + stats.cyclic_freed_automatic + stats.cyclic_freed_explicit, total_steps / 40);
    // The tiny thresholds exist to run collections in the middle of mutations: make sure they did.
    if (std::string(spec.options).find("threshold0=") != std::string::npos ||
        std::string(spec.options).find("min_heap=") != std::string::npos) {
        EXPECT_GT(stats.cyclic_freed_automatic, total_steps / 200) << "automatic collections should have freed cyclic garbage";
    }
}

INSTANTIATE_TEST_SUITE_P(Collectors, ReachabilityOracle,
                         ::testing::Values(CollectorSpec{"rc", "rc", "", 2000, 200, 3},
                                           CollectorSpec{"gen", "gen", "", 2000, 200, 3},
                                           // Collections inside allocations, every few mutations.
                                           CollectorSpec{"gen_tiny", "gen", "threshold0=5:threshold1=2:threshold2=2",
                                                         2000, 200, 1},
                                           // A collection at every other allocation, all generations busy.
                                           CollectorSpec{"gen_every_alloc", "gen",
                                                         "threshold0=1:threshold1=1:threshold2=1", 2000, 200, 1},
                                           // Longer walks over bigger graphs: objects age through all
                                           // three generations before they die.
                                           CollectorSpec{"gen_tiny_long", "gen", "threshold0=5:threshold1=2:threshold2=2",
                                                         100, 1500, 0, 30},
                                           CollectorSpec{"rc_long", "rc", "", 50, 1500, 0, 30},
                                           // The later generational collectors: collections at the eval
                                           // breaker after each step.
                                           CollectorSpec{"gen_3_13", "gen", "version=3.13", 2000, 200, 3},
                                           CollectorSpec{"gen_3_12_tiny", "gen",
                                                         "version=3.12:threshold0=5:threshold1=2:threshold2=2", 2000,
                                                         200, 1},
                                           CollectorSpec{"gen_3_14_5_tiny", "gen",
                                                         "version=3.14.5:threshold0=5:threshold1=2:threshold2=2", 2000,
                                                         200, 1},
                                           CollectorSpec{"gen_3_15_tiny_long", "gen",
                                                         "version=3.15:threshold0=5:threshold1=2:threshold2=2", 100,
                                                         1500, 0, 30},
                                           CollectorSpec{"incremental", "incremental", "", 2000, 200, 3},
                                           // Increments between mutations over old objects, with an
                                           // expansion bound small enough to cut cycles apart (3.14.0:
                                           // no early return while work_to_do is below zero).
                                           CollectorSpec{"incremental_tiny", "incremental",
                                                         "threshold0=5:threshold1=2:max_increment=4:version=3.14.0", 2000, 200, 1},
                                           CollectorSpec{"incremental_every_alloc", "incremental",
                                                         "threshold0=2:threshold1=1:max_increment=2:version=3.14.0", 2000, 200, 1},
                                           CollectorSpec{"incremental_tiny_long", "incremental",
                                                         "threshold0=5:threshold1=2:max_increment=8:full_every=3:version=3.14.0",
                                                         100, 1500, 0, 30},
                                           CollectorSpec{"marksweep", "marksweep", "", 2000, 200, 3, 6, false},
                                           // A sweep every few allocations (the heap is a few KiB).
                                           CollectorSpec{"marksweep_tiny", "marksweep", "growth=1.05:min_heap=2000",
                                                         2000, 200, 1, 6, false},
                                           CollectorSpec{"marksweep_tiny_long", "marksweep",
                                                         "growth=1.2:min_heap=4000", 100, 1500, 0, 30, false},
                                           CollectorSpec{"freethreaded", "freethreaded", "", 2000, 200, 3}),
                         [](const ::testing::TestParamInfo<CollectorSpec>& info) { return std::string(info.param.label); });

}  // namespace
}  // namespace pmb
