// Record and replay end to end, through the real binary: the three real Python programs of
// workloads/python/real/ are recorded (at a small scale) and replayed through every backend, and
// each replay's peak live bytes equals the recording's exactly; the program's exit status and
// output pass through `record`; bad traces and bad arguments get one line and exit code 2.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "measure/build_info.h"
#include "results/results_file.h"
#include "tests/support/pymembench_cli.h"
#include "workloads/trace/trace_writer.h"

namespace pmb {
namespace {

using test_support::pymembench;
using test_support::temp_path;

const std::string kRealPrograms = std::string(PMB_SOURCE_DIR) + "/workloads/python/real/";

std::string write_script(const std::string& name, const std::string& code) {
    const std::string path = temp_path(name);
    std::ofstream(path) << code;
    return path;
}

nlohmann::json trace_info(const std::string& trace) {
    ProcessOutcome p = pymembench({"trace-info", "--json", trace});
    EXPECT_EQ(p.exit_code, 0) << p.err;
    return nlohmann::json::parse(p.out);
}

class RealProgram : public ::testing::TestWithParam<const char*> {};

TEST_P(RealProgram, RecordsAndReplaysWithTheRecordedPeakThroughEveryBackend) {
    const std::string program = kRealPrograms + GetParam() + ".py";
    const std::string trace = temp_path(std::string(GetParam()) + ".trace");
    ProcessOutcome rec = pymembench({"record", "--out", trace, "--", program, "--scale", "1"});
    ASSERT_EQ(rec.exit_code, 0) << rec.err;
    EXPECT_NE(rec.out.find("checksum"), std::string::npos);  // the program's own output
    const nlohmann::json info = trace_info(trace);
    EXPECT_GT(info["events"].get<std::uint64_t>(), 10000u);
    EXPECT_GT(info["program_start_event"].get<std::uint64_t>(), 0u);
    EXPECT_EQ(info["unknown_blocks"], 0);
    EXPECT_EQ(info["meta"]["command"][0], program);
    EXPECT_EQ(info["meta"]["python_version"].get<std::string>().substr(0, 4), "3.11");
    // Both domains pymalloc serves are recorded; the mem domain carries list item arrays, set
    // tables and buffers, and their reallocs.
    EXPECT_EQ(info["version"], 2);
    const nlohmann::json& obj = info["domains"]["object"];
    const nlohmann::json& mem = info["domains"]["mem"];
    EXPECT_EQ(obj["events"].get<std::uint64_t>() + mem["events"].get<std::uint64_t>(), info["events"]);
    EXPECT_GT(mem["events"].get<std::uint64_t>(), info["events"].get<std::uint64_t>() / 20);
    EXPECT_GT(mem["reallocs"].get<std::uint64_t>(), 1000u);
    EXPECT_GT(mem["bytes_requested"].get<std::uint64_t>(), 0u);

    const std::string out = temp_path(std::string(GetParam()) + "_replay.json");
    // tcmalloc, mimalloc and jemalloc are preloaded into their workers, impossible under ASan.
#ifdef PMB_SANITIZER_BUILD
    const std::string allocators = "cpython,pool,system";
#else
    const std::string allocators = "cpython,pool,system,mimalloc,jemalloc,tcmalloc";
#endif
    ProcessOutcome run = pymembench({"run", "--workload", "trace", "--param", "file=" + trace, "--allocator",
                                     allocators, "--reps", "1", "--warmup", "0", "--out", out});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const nlohmann::json doc = read_results(out);
    std::set<std::string> seen;
    for (const auto& r : doc["runs"]) {
        SCOPED_TRACE(r["allocator"].get<std::string>());
        seen.insert(r["allocator"]);
        ASSERT_EQ(r["status"], "ok") << r["error"];
        EXPECT_EQ(r["collector"], "rc");  // a replay makes no objects: one collector only
        EXPECT_EQ(r["peak_live_bytes"], info["peak_live_bytes"]);
        EXPECT_EQ(r["counters"]["events"], info["events"]);
        EXPECT_EQ(r["steps"], info["events"]);
        EXPECT_EQ(r["counters"]["recorded_peak_live_bytes"], info["peak_live_bytes"]);
        EXPECT_EQ(r["counters"]["blocks_live_at_end_of_trace"], info["live_blocks_at_end"]);
        EXPECT_EQ(r["leaked_bytes"], 0);
        EXPECT_GT(r["steps_per_s"].get<double>(), 1e6);
        EXPECT_GE(r["peak_rss_bytes"].get<std::uint64_t>(), info["peak_live_bytes"].get<std::uint64_t>());
        // Every request went to the allocator: its own count of blocks in use is back to the start.
        EXPECT_EQ(r["allocs_total"].get<std::uint64_t>(),
                  info["mallocs"].get<std::uint64_t>() + info["callocs"].get<std::uint64_t>() +
                      info["reallocs"].get<std::uint64_t>());
    }
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(std::count(allocators.begin(), allocators.end(), ',') + 1));
    std::filesystem::remove(trace);
    std::filesystem::remove(out);
    std::filesystem::remove(out.substr(0, out.size() - 5) + ".csv");
}

INSTANTIATE_TEST_SUITE_P(Trace, RealProgram, ::testing::Values("json_roundtrip", "text_processing", "class_simulation"));

TEST(TraceRecord, PassesTheProgramsExitStatusAndArgumentsThrough) {
    const std::string script =
        write_script("exit3.py", "import sys\nprint('args', sys.argv[1:])\nxs = [str(i) for i in range(1000)]\nsys.exit(3)\n");
    const std::string trace = temp_path("exit3.trace");
    ProcessOutcome p = pymembench({"record", "--out", trace, script, "a", "--b"});
    EXPECT_EQ(p.exit_code, 3) << p.err;
    EXPECT_NE(p.out.find("args ['a', '--b']"), std::string::npos) << p.out;
    EXPECT_EQ(trace_info(trace)["exit_status"], 3);

    const std::string raises = write_script("raises.py", "raise ValueError('boom')\n");
    p = pymembench({"record", "--out", trace, "--", raises});
    EXPECT_EQ(p.exit_code, 1);
    EXPECT_NE(p.err.find("ValueError: boom"), std::string::npos) << p.err;
    EXPECT_EQ(trace_info(trace)["exit_status"], 1);  // the trace is still whole

    p = pymembench({"record", "--out", trace, "--", "-m", "json.tool", "--help"});
    EXPECT_EQ(p.exit_code, 0) << p.err;
    EXPECT_NE(p.out.find("json.tool"), std::string::npos) << p.out;
    std::filesystem::remove(script);
    std::filesystem::remove(raises);
    std::filesystem::remove(trace);
}

#ifndef PMB_SANITIZER_BUILD  // sanitizer builds record in the embedded interpreter only
// python3.11 itself (the default) and the embedded libpython3.11 run the same CPython 3.11 code, so
// the program's part of the two traces is the same sequence, up to string-hash seeds; the
// start-ups differ a little (a static executable against an embedding).
TEST(TraceRecord, BothInterpretersRecordTheSameProgram) {
    const std::string program = kRealPrograms + "json_roundtrip.py";
    const std::string executable = temp_path("exe.trace"), embedded = temp_path("emb.trace");
    ProcessOutcome p = pymembench({"record", "--out", executable, "--", program, "--scale", "1"});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    p = pymembench({"record", "--interpreter", "embedded", "--out", embedded, "--", program, "--scale", "1"});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    const nlohmann::json a = trace_info(executable), b = trace_info(embedded);
    EXPECT_EQ(a["meta"]["interpreter"], kPythonExecutable);
    EXPECT_EQ(b["meta"]["interpreter"], "embedded libpython3.11");
    auto program_events = [](const nlohmann::json& info) {
        return info["events"].get<double>() - info["program_start_event"].get<double>();
    };
    EXPECT_NEAR(program_events(a), program_events(b), 0.01 * program_events(b));
    EXPECT_NEAR(a["peak_live_bytes"].get<double>(), b["peak_live_bytes"].get<double>(),
                0.01 * b["peak_live_bytes"].get<double>());
    std::filesystem::remove(executable);
    std::filesystem::remove(embedded);
}

// A child the program forks (os.fork, multiprocessing) records nothing, and a Python process it
// starts runs without the agent: the parent's trace stays whole and is only the parent's.
TEST(TraceRecord, ForkedChildrenAndSubprocessesLeaveTheTraceWhole) {
    const std::string base = write_script("base.py", "xs = [str(i) * 3 for i in range(50000)]\n");
    const std::string forks = write_script(
        "forks.py",
        "import os, subprocess, sys\n"
        "xs = [str(i) * 3 for i in range(50000)]\n"
        "for how in ('os_exit', 'exit'):\n"
        "    pid = os.fork()\n"
        "    if pid == 0:\n"
        "        junk = [bytes(100) for i in range(300000)]\n"  // fills many chunks in the child
        "        if how == 'os_exit': os._exit(0)\n"
        "        sys.exit(0)\n"
        "    os.waitpid(pid, 0)\n"
        "r = subprocess.run([sys.executable, '-c', 'import os; print(os.environ.get(\"PMB_AGENT_TRACE\", \"none\"))'],"
        " capture_output=True, text=True)\n"
        "print('child saw', r.stdout.strip())\n");
    const std::string plain = temp_path("base.trace"), forked = temp_path("forks.trace");
    ASSERT_EQ(pymembench({"record", "--out", plain, "--", base}).exit_code, 0);
    ProcessOutcome p = pymembench({"record", "--out", forked, "--", forks});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    EXPECT_NE(p.out.find("child saw none"), std::string::npos) << p.out;
    const nlohmann::json a = trace_info(plain), b = trace_info(forked);  // whole: the reader checks every chunk
    EXPECT_EQ(b["unknown_blocks"], 0);
    // The children's 300 000 blocks each are not in the parent's trace.
    EXPECT_LT(b["events"].get<double>(), a["events"].get<double>() + 100000);
    std::filesystem::remove(base);
    std::filesystem::remove(forks);
    std::filesystem::remove(plain);
    std::filesystem::remove(forked);
}
#endif

TEST(TraceRecord, AProgramLeavingThroughOsExitLeavesNoTraceAndSaysSo) {
    const std::string script = write_script("osexit.py", "import os\nxs = [str(i) for i in range(1000)]\nos._exit(0)\n");
    const std::string trace = temp_path("osexit.trace");
    ProcessOutcome p = pymembench({"record", "--out", trace, "--", script});
    EXPECT_NE(p.exit_code, 0);
    EXPECT_NE(p.err.find("os._exit"), std::string::npos) << p.err;
    EXPECT_EQ(pymembench({"trace-info", trace}).exit_code, 2);  // no footer: refused
    std::filesystem::remove(script);
    std::filesystem::remove(trace);
}

void expect_one_line_exit_2(const ProcessOutcome& p, const std::string& needle) {
    EXPECT_EQ(p.exit_code, 2) << p.err;
    EXPECT_NE(p.err.find(needle), std::string::npos) << p.err;
    EXPECT_LE(std::count(p.err.begin(), p.err.end(), '\n'), 2) << p.err;
}

TEST(TraceRecord, BadArgumentsGetOneLineAndExitCode2) {
    const std::string trace = temp_path("bad.trace");
    expect_one_line_exit_2(pymembench({"record", "--out", trace, "--", "/nonexistent/script.py"}),
                           "cannot find the Python script");
    expect_one_line_exit_2(pymembench({"record", "--", kRealPrograms + "json_roundtrip.py"}), "--out TRACE is required");
    expect_one_line_exit_2(pymembench({"record", "--out", trace}), "no program given");
    expect_one_line_exit_2(pymembench({"record", "--out", "/nonexistent/dir/x.trace", "--", kRealPrograms + "json_roundtrip.py"}),
                           "/nonexistent/dir/x.trace");
    expect_one_line_exit_2(pymembench({"record", "--bogus", "--out", trace}), "unknown option '--bogus'");
    expect_one_line_exit_2(pymembench({"record", "--interpreter", "pypy", "--out", trace, "--", kRealPrograms + "json_roundtrip.py"}),
                           "unknown interpreter 'pypy' (accepted: executable, embedded)");
}

TEST(TraceReplay, DamagedTruncatedOrForeignFilesAreRefusedBeforeAnythingRuns) {
    const std::string script = write_script("small.py", "d = {str(i): [i] * 3 for i in range(20000)}\n");
    const std::string trace = temp_path("small.trace");
    ASSERT_EQ(pymembench({"record", "--out", trace, "--", script}).exit_code, 0);
    std::ifstream in(trace, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const std::string truncated = temp_path("truncated.trace"), damaged = temp_path("damaged.trace"),
                      foreign = temp_path("foreign.trace");
    std::ofstream(truncated, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
    std::string flipped = bytes;
    flipped[bytes.size() / 2] ^= 0x10;
    std::ofstream(damaged, std::ios::binary) << flipped;
    std::ofstream(foreign) << "{\"schema\": \"pymembench-results/1\"}\n";
    const std::string out = temp_path("refused.json");
    for (const auto& [file, what] : {std::pair{truncated, "truncated"}, {damaged, "damaged (CRC mismatch)"},
                                     {foreign, "not a trace"}, {std::string("/nonexistent.trace"), "cannot read"}}) {
        SCOPED_TRACE(file);
        expect_one_line_exit_2(pymembench({"trace-info", file}), what);
        expect_one_line_exit_2(pymembench({"run", "-w", "trace", "-p", "file=" + file, "-a", "pool", "--out", out}), what);
    }
    expect_one_line_exit_2(pymembench({"run", "-w", "trace", "-a", "pool", "--out", out}), "needs --param file=TRACE");
    EXPECT_FALSE(std::filesystem::exists(out));  // nothing ran
    for (const auto& f : {script, trace, truncated, damaged, foreign}) std::filesystem::remove(f);
}

// touch= decides what the replay writes: a 64 MiB block the program wrote becomes resident under
// touch=all, stays nearly untouched under first-line and none (glibc maps it fresh), and the
// accounting is the same in every mode.
TEST(TraceReplay, TouchModesWriteTheMemoryTheyName) {
    const std::string trace = temp_path("big_block.trace");
    {
        trace::TraceWriter w(trace, nlohmann::json::object());
        const std::uint32_t small = w.malloc(trace::Domain::object, 1, 100);
        const std::uint32_t big = w.malloc(trace::Domain::mem, 2, 64u << 20);
        w.realloc(trace::Domain::mem, 3, small, 100, 200);
        w.free(trace::Domain::mem, 4, big, 64u << 20);
        w.free(trace::Domain::object, 5, small, 200);
        w.finish({});
    }
    const std::string out = temp_path("touch.json");
    std::map<std::string, std::uint64_t> rss;
    for (const char* touch : {"none", "first-line", "all"}) {
        ProcessOutcome run = pymembench({"run", "--workload", "trace", "--param", "file=" + trace, "--param",
                                         std::string("touch=") + touch, "--allocator", "system", "--reps", "1",
                                         "--warmup", "0", "--out", out});
        ASSERT_EQ(run.exit_code, 0) << run.err;
        const nlohmann::json r = read_results(out)["runs"][0];
        ASSERT_EQ(r["status"], "ok") << r["error"];
        EXPECT_EQ(r["params"]["touch"], touch);
        EXPECT_EQ(r["peak_live_bytes"], (64u << 20) + 200);
        EXPECT_EQ(r["steps"], 5);
        rss[touch] = r["peak_rss_bytes"].get<std::uint64_t>();
    }
    EXPECT_GT(rss["all"], rss["none"] + (48u << 20));
    EXPECT_GT(rss["all"], rss["first-line"] + (48u << 20));
    expect_one_line_exit_2(pymembench({"run", "-w", "trace", "-p", "file=" + trace, "-p", "touch=some", "-a", "pool",
                                       "--out", out}),
                           "unknown touch 'some' (accepted: none, first-line, all)");
    std::filesystem::remove(trace);
    std::filesystem::remove(out);
    std::filesystem::remove(out.substr(0, out.size() - 5) + ".csv");
}

TEST(TraceFormat, TracesWrittenFromTheSpecificationAloneAreReadAsSpecified) {
    // tests/fuzz/make_seeds.py writes traces from the format's documentation, independently of
    // pymembench's writer, with the totals each footer carries; trace-info must agree on all.
    const std::string dir = temp_path("seeds");
    ProcessOutcome p = run_process({kPythonExecutable, std::string(PMB_SOURCE_DIR) + "/tests/fuzz/make_seeds.py", dir},
                                   {}, {120, 0});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    std::size_t checked = 0;
    std::set<int> versions;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".trace") continue;
        SCOPED_TRACE(entry.path().string());
        std::string expected_path = entry.path().string();
        expected_path.replace(expected_path.size() - 6, 6, ".expected.json");
        const nlohmann::json expected = nlohmann::json::parse(std::ifstream(expected_path));
        const nlohmann::json info = trace_info(entry.path().string());
        for (const auto& [key, value] : expected.items()) EXPECT_EQ(info[key], value) << key;
        EXPECT_EQ(info["events"], expected["mallocs"].get<std::uint64_t>() + expected["callocs"].get<std::uint64_t>() +
                                      expected["reallocs"].get<std::uint64_t>() + expected["frees"].get<std::uint64_t>());
        versions.insert(info["version"].get<int>());
        ++checked;
    }
    EXPECT_EQ(checked, 6u);
    EXPECT_EQ(versions, (std::set<int>{1, 2}));
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pmb
