// The python workload end to end, through the real binary: small real programs run by the real
// interpreter (python3.11 itself, and the embedded library) through every backend under gen and rc; the collections each run reports equal what
// the program itself reads from gc.get_stats() in a plain python3.11 run, rc's leaked count equals
// what gc.collect() finds after a plain run under gc.disable(); every kind of failing program gets
// its status without losing the other runs; collectors 3.11 does not have are refused or skipped.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "measure/build_info.h"
#include "results/results_file.h"
#include "tests/support/pymembench_cli.h"
#include "workloads/interpreter/program_command.h"

namespace pmb {
namespace {

using test_support::pymembench;
using test_support::temp_path;

std::string write_script(const std::string& name, const std::string& code) {
    const std::string path = temp_path(name);
    std::ofstream(path) << code;
    return path;
}

// Cycles of plain instances dropped while lists churn; at its end the program writes the
// collections of gc.get_stats() to argv[1], so a plain run states its own figures.
const char* kCyclic = R"(import gc, sys
class Node:
    pass
keep = []
for i in range(60000):
    a = Node(); b = Node(); a.other = b; b.other = a
    keep.append([i, str(i)])
    if len(keep) > 500:
        keep.clear()
print("cyclic program done")
open(sys.argv[1], "w").write(" ".join(str(g["collections"]) for g in gc.get_stats()))
)";

const char* kAcyclic = R"(import sys
rows = [[i, i * 2, str(i)] for i in range(50000)]
total = sum(r[1] for r in rows)
del rows
open(sys.argv[1], "w").write(str(total))
)";

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string plain_collections(const std::string& script) {
    const std::string stats = temp_path("plain_stats.txt");
    ProcessOutcome p = run_process({kPythonExecutable, script, stats}, {}, {120, 0});
    EXPECT_EQ(p.exit_code, 0) << p.err;
    return read_file(stats);
}

std::uint64_t plain_leaked(const std::string& script) {
    const std::string stats = temp_path("plain_leaked.json");
    ProcessOutcome p = run_process(
        {kPythonExecutable, std::string(PMB_SOURCE_DIR) + "/bench/plain_interpreter.py", stats, script, stats + ".x"},
        {}, {120, 0});
    EXPECT_EQ(p.exit_code, 0) << p.err;
    return nlohmann::json::parse(read_file(stats))["leaked"].get<std::uint64_t>();
}

std::string collections_text(const nlohmann::json& interpreter_stats) {
    std::string out;
    for (const auto& g : interpreter_stats) out += (out.empty() ? "" : " ") + std::to_string(g["collections"].get<int>());
    return out;
}

#ifdef PMB_SANITIZER_BUILD
const char* kBackends = "cpython,pool,system";  // preloaded libraries cannot run under ASan
#else
const char* kBackends = "cpython,pool,system,mimalloc,jemalloc,tcmalloc";
#endif

// Both ways of running the real interpreter: python3.11 itself with the agent, the embedded
// library (sanitizer builds have only the latter).
class PythonProgram : public ::testing::TestWithParam<const char*> {
protected:
    std::string interpreter() const { return std::string("interpreter=") + GetParam(); }
};

#ifdef PMB_SANITIZER_BUILD
INSTANTIATE_TEST_SUITE_P(Interpreters, PythonProgram, ::testing::Values("embedded"));
#else
INSTANTIATE_TEST_SUITE_P(Interpreters, PythonProgram, ::testing::Values("executable", "embedded"));
#endif

TEST_P(PythonProgram, EveryBackendUnderGenAndRcAgreesWithThePlainInterpreter) {
    const std::string cyclic = write_script("cyclic.py", kCyclic);
    const std::string acyclic = write_script("acyclic.py", kAcyclic);
    const std::string expected_collections = plain_collections(cyclic);
    const std::uint64_t expected_leaked = plain_leaked(cyclic);
    EXPECT_GT(expected_leaked, 100000u);  // 60000 two-object cycles, their instance dicts too
    EXPECT_EQ(plain_leaked(acyclic), 0u);

    const std::string out = temp_path("python_backends.json");
    ProcessOutcome run = pymembench({"run", "--workload", "python", "--param", "script=" + cyclic, "--param",
                                     "script=" + acyclic, "--param", "args=" + temp_path("own_stats.txt"),
                                     "--param", interpreter(),
                                     "--allocator", kBackends, "--collector", "gen,rc,incremental,marksweep",
                                     "--reps", "1", "--warmup", "0", "--out", out});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(run.out.find("cyclic program done"), std::string::npos);  // the program's output is not ours
    const nlohmann::json doc = read_results(out);
    std::size_t backends = 1;
    for (const char* c = kBackends; *c; ++c) backends += *c == ',';
    ASSERT_EQ(doc["runs"].size(), backends * 2 * 2);  // incremental and marksweep skipped
    for (const auto& r : doc["runs"]) {
        SCOPED_TRACE(r["allocator"].get<std::string>() + "/" + r["collector"].get<std::string>() + " " +
                     r["params"]["script"].get<std::string>());
        ASSERT_EQ(r["status"], "ok") << r["error"];
        const bool is_cyclic = r["params"]["script"] == cyclic;
        EXPECT_EQ(r["interpreter"] == kPythonExecutable, std::string(GetParam()) == "executable") << r["interpreter"];
        EXPECT_FALSE(r["latency_recorded"].get<bool>());
        EXPECT_FALSE(r.contains("latency_ns"));
        EXPECT_FALSE(r.contains("peak_live_bytes"));
        EXPECT_TRUE(r["memory_timeline"]["live_bytes"].is_null());
        EXPECT_GE(r["memory_timeline"]["rss_bytes"].size(), 2u);
        EXPECT_GT(r["wall_s"].get<double>(), 0);
        EXPECT_GT(r["setup_s"].get<double>(), 0);
        EXPECT_NEAR(r["ops_per_s"].get<double>() * r["wall_s"].get<double>(), 1.0, 1e-9);
        const std::string allocator = r["allocator"];
        const std::string lib = r["allocator_lib"];
        const std::map<std::string, std::string> serving = {{"cpython", "python3.11"}, {"pool", "pymembench"},
                                                            {"jemalloc", "libjemalloc"}, {"mimalloc", "libmimalloc"},
                                                            {"tcmalloc", "libtcmalloc"}};
        if (serving.count(allocator) != 0) {
            EXPECT_NE(lib.find(serving.at(allocator)), std::string::npos) << lib;
        }
        const nlohmann::json& gc = r["gc"];
        if (r["collector"] == "gen") {
            EXPECT_EQ(r["leaked_objects"], 0);
            if (is_cyclic) {
                EXPECT_EQ(collections_text(gc["interpreter_stats"]), expected_collections);
                // Every collection the program ran was timed: those after start-up.
                std::uint64_t timed = 0, pauses = gc["pauses"].size();
                for (const auto& n : gc["collections"]) timed += n.get<std::uint64_t>();
                EXPECT_GT(timed, 100u);
                EXPECT_EQ(pauses, timed);
                EXPECT_GT(gc["collected"][0].get<std::uint64_t>(), 10000u);
                EXPECT_GT(gc["pause_ns"]["total"].get<std::uint64_t>(), 0u);
            }
        } else {
            EXPECT_FALSE(gc["enabled"].get<bool>());
            EXPECT_EQ(gc["pauses"].size(), 0u);
            EXPECT_EQ(r["leaked_objects"].get<std::uint64_t>(), is_cyclic ? expected_leaked : 0u);
            if (is_cyclic) {
                EXPECT_GT(r["leaked_bytes"].get<std::uint64_t>(), expected_leaked * 40);
            }
        }
    }
}

TEST_P(PythonProgram, CollectorOptionsReachTheInterpreter) {
    const std::string script =
        write_script("thresholds.py", "import gc, sys\nopen(sys.argv[1], 'w').write(repr((gc.get_threshold(), "
                                      "gc.get_freeze_count() > 0, gc.isenabled())))\n");
    const std::string seen = temp_path("thresholds_seen.txt");
    const std::string out = temp_path("thresholds.json");
    ProcessOutcome run = pymembench({"run", "--workload", "python", "--param", "script=" + script, "--param",
                                     "args=" + seen, "--param", interpreter(), "--allocator", "pool", "--collector",
                                     "gen:threshold0=2000:threshold2=5:freeze_after_setup=1", "--reps", "1",
                                     "--warmup", "0", "--out", out});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(read_file(seen), "((2000, 10, 5), True, True)");
    const nlohmann::json r = read_results(out)["runs"][0];
    EXPECT_GT(r["gc"]["frozen_objects"].get<std::uint64_t>(), 1000u);  // start-up's objects
}

TEST_P(PythonProgram, EveryFailingProgramGetsItsStatusAndTheOtherRunsAreKept) {
    const std::string good = write_script("good.py", "print('fine')\n");
    std::vector<std::pair<std::string, std::string>> bad = {
        {"syntax.py", "def f(:\n"},
        {"raises.py", "raise ValueError('bad value')\n"},
        {"exit3.py", "import sys\nprint('leaving')\nsys.exit(3)\n"},
        {"osexit.py", "import os\nos._exit(3)\n"},
        {"endless.py", "while True:\n    pass\n"},
    };
    // AddressSanitizer reserves terabytes of address space (no RLIMIT_AS in sanitizer builds) and
    // reports a SIGSEGV itself.
#ifndef PMB_SANITIZER_BUILD
    bad.push_back({"segfault.py", "import ctypes\nctypes.string_at(0)\n"});
    bad.push_back({"unbounded.py", "x = []\nwhile True:\n    x.append(bytearray(10**7))\n"});
    // Half a GiB: reaching 1 GiB of faulted pages took 2.5 s on a slow day of the 2-core VM, close
    // to the time limit that stops endless.py.
    const char* memory_limit = "0.5";
#else
    const char* memory_limit = "0";
#endif
    std::vector<std::string> args = {"run", "--workload", "python", "--allocator", "cpython", "--collector", "gen",
                                     "--param", "script=" + good, "--param", interpreter()};
    for (const auto& [name, code] : bad) {
        args.push_back("--param");
        args.push_back("script=" + write_script(name, code));
    }
    const std::string out = temp_path("failing.json");
    for (const char* a : {"--timeout", "5", "--memory-limit", memory_limit, "--reps", "1", "--warmup", "0", "--out"})
        args.push_back(a);
    args.push_back(out);
    ProcessOutcome run = pymembench(args);
    EXPECT_EQ(run.exit_code, 1) << run.err;
    const nlohmann::json runs = read_results(out)["runs"];
    ASSERT_EQ(runs.size(), 1 + bad.size());
    std::map<std::string, nlohmann::json> by_script;
    for (const auto& r : runs) {
        const std::string s = r["params"]["script"];
        by_script[s.substr(s.rfind('_') + 1)] = r;
    }
    EXPECT_EQ(by_script["good.py"]["status"], "ok");
    auto expect = [&](const std::string& script, const std::string& status, const std::string& error_part) {
        const nlohmann::json& r = by_script[script];
        EXPECT_EQ(r["status"], status) << script;
        EXPECT_NE(r["error"].get<std::string>().find(error_part), std::string::npos) << script << ": " << r["error"];
    };
    expect("syntax.py", "error", "SyntaxError");
    expect("raises.py", "error", "raised ValueError: bad value");
    expect("exit3.py", "error", "exited with status 3");
    expect("osexit.py", "error", "os._exit(3)");
    expect("endless.py", "timeout", "time limit");
#ifndef PMB_SANITIZER_BUILD
    expect("unbounded.py", "out_of_memory", "out of memory");
    expect("segfault.py", "crashed", "SIGSEGV");
#endif
    // The program's own output is kept with a failed run.
    EXPECT_NE(by_script["raises.py"]["stderr_tail"].get<std::string>().find("Traceback"), std::string::npos);
    EXPECT_NE(by_script["exit3.py"]["stderr_tail"].get<std::string>().find("leaving"), std::string::npos);
}

TEST(PythonProgramInput, BadInputIsRefusedWithOneLine) {
    auto refused = [](std::vector<std::string> args, const std::string& message) {
        for (const char* a : {"--reps", "1", "--warmup", "0", "--out", "/dev/null"}) args.push_back(a);
        ProcessOutcome p = pymembench(args);
        EXPECT_EQ(p.exit_code, 2) << p.err;
        EXPECT_NE(p.err.find(message), std::string::npos) << p.err;
        EXPECT_EQ(std::count(p.err.begin(), p.err.end(), '\n'), 1) << p.err;
    };
    const std::string good = write_script("refused_good.py", "pass\n");
    refused({"run", "-w", "python", "-p", "script=/nonexistent/prog.py"}, "cannot find the Python script");
    refused({"run", "-w", "python"}, "exactly one of script=PROG.py and module=NAME");
    refused({"run", "-w", "python", "-p", "script=" + good, "-p", "module=json"}, "exactly one of");
    refused({"run", "-w", "python", "-p", "script=" + good, "-c", "incremental"}, "accepted: gen, rc");
    refused({"run", "-w", "python", "-p", "script=" + good, "-p", "args='unclosed"}, "unclosed");
    refused({"run", "-w", "python", "-p", "script=" + good, "-c", "rc:threshold0=5"}, "takes no options");
    refused({"run", "-w", "python", "-p", "script=" + good, "-p", "interpreter=pypy"}, "not one of executable, embedded");
}

TEST_P(PythonProgram, ModulesRunAsPythonDashM) {
    const std::string out = temp_path("module.json");
    ProcessOutcome run = pymembench({"run", "--workload", "python", "--param", "module=json.tool", "--param",
                                     "args=--help", "--param", interpreter(), "--allocator", "system", "--collector", "gen", "--reps", "1",
                                     "--warmup", "0", "--out", out});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(read_results(out)["runs"][0]["status"], "ok");
}

TEST(ProgramCommand, SplitsArgumentsAtSpacesWithQuotes) {
    using python::split_arguments;
    EXPECT_EQ(split_arguments("--scale 1"), (std::vector<std::string>{"--scale", "1"}));
    EXPECT_EQ(split_arguments("  a 'b c'  \"d e\"f "), (std::vector<std::string>{"a", "b c", "d ef"}));
    EXPECT_EQ(split_arguments("''"), (std::vector<std::string>{""}));
    EXPECT_TRUE(split_arguments("").empty());
    EXPECT_THROW(split_arguments("a 'b"), std::invalid_argument);
}

}  // namespace
}  // namespace pmb
