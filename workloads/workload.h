// The workload axis: a program with Python's object lifecycles, written against the object model.
//
// A workload never knows which collector or allocator it runs on: it creates and drops objects
// through the Runtime and holds its roots as owned references in C++ variables (external
// references, exactly what a cycle collector sees as roots in CPython).
//
// Life of a run: setup() builds long-lived state (not timed per op), then step(i) for
// i = 0 .. ops()-1, then teardown() drops every root, so whatever is still allocated afterwards
// is garbage the collector failed to reclaim. The harness times each op: `steps_per_op`
// consecutive steps (WorkloadEntry), 1 for most workloads; workloads whose step takes a few
// hundred nanoseconds group steps so that an op lasts a microsecond or more and reading the clock
// once per op costs under 1 % of it.
//
// Invariant: for a given seed and parameters, ops() and every allocation a run makes are the same
// in every run (workloads draw randomness only from their seeded Rng).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "objects/runtime.h"

namespace pmb {

class Workload {
public:
    virtual ~Workload() = default;
    virtual void setup(Runtime& rt) = 0;
    virtual std::uint64_t ops() const = 0;
    virtual void step(Runtime& rt, std::uint64_t i) = 0;
    // Steps [begin, end) of one op, with an eval-breaker check after each (objects/runtime.h). A
    // workload whose steps take nanoseconds (a trace replay's events) overrides it to run them
    // without a virtual call each.
    virtual void run_steps(Runtime& rt, std::uint64_t begin, std::uint64_t end) {
        for (std::uint64_t i = begin; i < end; ++i) {
            step(rt, i);
            rt.eval_breaker();
        }
    }
    virtual void teardown(Runtime& rt) = 0;
    // Workload-specific results that prove the work was done (checksums, object counts).
    virtual nlohmann::json counters() const { return nlohmann::json::object(); }
};

// A parameter: a non-negative integer, or (is_text) a text such as a file's path.
struct ParamSpec {
    std::string name;
    std::int64_t default_value;
    std::string help;
    bool is_text = false;
    std::string default_text = {};
};
inline ParamSpec text_param(std::string name, std::string help, std::string default_text = {}) {
    return {std::move(name), 0, std::move(help), true, std::move(default_text)};
}

// Parameters by name, complete (defaults filled in) and validated against a spec list.
class Params {
public:
    // Applies `overrides` ("key" -> "value" text) on top of the defaults in `specs`; throws
    // std::invalid_argument naming an unknown key (and the accepted ones) or a malformed value.
    static Params resolve(const std::string& workload, const std::vector<ParamSpec>& specs,
                          const std::map<std::string, std::string>& overrides);
    std::int64_t get(const std::string& name) const;
    const std::string& text(const std::string& name) const;
    // Every parameter, integers as numbers and texts as strings.
    nlohmann::json to_json() const;

private:
    std::map<std::string, std::int64_t> values_;
    std::map<std::string, std::string> texts_;
};

// Where a workload runs: in `run`'s default matrix (each has a Python twin that `validate` checks);
// only when named (it needs a parameter: a trace file, a script); or only in tests (never listed).
enum class WorkloadAvailability { default_matrix, when_named, test_only };

struct WorkloadEntry {
    std::string name;
    std::string description;
    std::vector<ParamSpec> params;
    std::map<std::string, std::string> quick;  // overrides for --quick (small scale)
    std::function<std::unique_ptr<Workload>(const Params& params, std::uint64_t seed)> make;
    std::uint64_t steps_per_op = 1;  // steps timed together as one op
    // Checks resolved parameters beyond their syntax (a trace file's validity), before anything
    // runs; throws std::invalid_argument with one line. Optional.
    std::function<void(const Params& params)> check = {};
    // False for a workload that makes no objects (a trace replay): the collector cannot matter, so
    // a matrix runs it under its first collector only.
    bool uses_collector = true;
    // True for a workload that runs a real program in the embedded interpreter instead of the
    // object model (`python`): `make` is unused, the harness runs the program itself
    // (harness/interpreter_run.h), and only the collectors named in `collectors` apply.
    bool runs_interpreter = false;
    std::vector<std::string> collectors = {};  // the collectors it accepts; empty = every one
    WorkloadAvailability availability = WorkloadAvailability::default_matrix;
};

}  // namespace pmb
