// The reporters: one report rendered in each format. The layout rules of reporters/reporter.h
// (alignment, grouping, folding, code marks, CSV's sections and quoting) and the command line's
// --format choice.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "reporters/reporter.h"
#include "results/results_file.h"
#include "tests/support/pymembench_cli.h"

namespace pmb {
namespace {

Report sample_report() {
    Report r;
    r.title = "Pauses of `pool`";
    r.alert = true;
    r.data = {{"figures", {1, 2}}};
    r.heading("first `part`");
    ReportTable t;
    t.grouped = true;
    t.columns = {{"workload", "workload", false}, {"collector", "collector", false}, {"max ms", "max_ns", true}};
    t.rows = {{text_cell("lru"), text_cell("gen"), number_cell(12.5e6, "%.3f", 1e-6)},
              {text_cell("lru"), text_cell("incremental"), number_cell(0.25e6, "%.3f", 1e-6)},
              {text_cell("trees"), text_cell("a|b, \"c\""), number_cell(nullptr, "%.3f", 1e-6)}};
    r.table(t);
    r.paragraph("Note: `x` ran once");
    r.heading("second");
    t.rows = {{text_cell("json"), text_cell("rc"), number_cell(3e6, "%.1f", 1e-6)}};
    r.table(t);
    return r;
}

TEST(Reporters, TerminalAlignsGroupsAndDropsCodeMarks) {
    const std::string out = make_reporter("text")->render(sample_report());
    EXPECT_EQ(out.find('`'), std::string::npos) << out;
    EXPECT_EQ(out.rfind("Pauses of pool\n", 0), 0u) << out;
    // Grouped: the workload is a heading line, the rows are indented and the numbers right-aligned.
    EXPECT_NE(out.find("\nlru\n  collector    max ms\n  gen          12.500\n  incremental   0.250\n"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("\ntrees\n"), std::string::npos) << out;
    EXPECT_NE(out.find("a|b, \"c\"          -"), std::string::npos) << out;
    EXPECT_NE(out.find("Note: x ran once\n"), std::string::npos) << out;
}

TEST(Reporters, MarkdownTablesEscapePipesAndFoldDetail) {
    Report r = sample_report();
    ReportTable every = r.blocks[1].table;
    every.folded = true;
    every.fold_title = "Every figure";
    r.table(every);
    const std::string out = make_reporter("markdown")->render(r);
    EXPECT_EQ(out.rfind("### :warning: Pauses of `pool`\n\n#### first `part`\n\n", 0), 0u) << out;
    EXPECT_NE(out.find("| workload | collector | max ms |\n|---|---|---:|\n| lru | gen | 12.500 |\n"), std::string::npos)
        << out;
    EXPECT_NE(out.find("| trees | a\\|b, \"c\" | - |"), std::string::npos) << out;
    EXPECT_NE(out.find("<details><summary>Every figure</summary>\n\n| workload |"), std::string::npos) << out;
    EXPECT_NE(out.find("</details>\n"), std::string::npos) << out;
    // The terminal leaves the folded table out: "lru" is a group heading only in the first table.
    const std::string text = make_reporter("text")->render(r);
    EXPECT_EQ(text.find("lru"), text.rfind("lru")) << text;
}

TEST(Reporters, JsonIsTheReportsData) {
    const std::string out = make_reporter("json")->render(sample_report());
    EXPECT_EQ(nlohmann::json::parse(out), sample_report().data);
}

TEST(Reporters, CsvWritesRawValuesUnderKeysWithSections) {
    const std::string out = make_reporter("csv")->render(sample_report());
    EXPECT_EQ(out,
              "section,workload,collector,max_ns\n"
              "first part,lru,gen,12500000.0\n"
              "first part,lru,incremental,250000.0\n"
              "first part,trees,\"a|b, \"\"c\"\"\",\n"
              "second,json,rc,3000000.0\n");
    // Tables whose columns differ each get their own header.
    Report r;
    ReportTable a;
    a.columns = {{"x", "x", true}};
    a.rows = {{number_cell(1, "%.0f")}};
    ReportTable b;
    b.columns = {{"y", "y", false}};
    b.rows = {{text_cell("z")}};
    r.table(a);
    r.table(b);
    EXPECT_EQ(make_reporter("csv")->render(r), "x\n1\n\ny\nz\n");
    // A folded table lists the others in full: CSV writes only it.
    b.folded = true;
    r.table(b);
    EXPECT_EQ(make_reporter("csv")->render(r), "y\nz\n");
}

TEST(Reporters, AnUnknownFormatNamesTheAccepted) {
    try {
        make_reporter("yaml");
        ADD_FAILURE() << "yaml is no format";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("'yaml' (accepted: text, markdown, json, csv)"), std::string::npos)
            << e.what();
    }
}

TEST(ReportersCli, FormatOptionChoosesTheReporter) {
    using test_support::pymembench;
    const std::string file = test_support::temp_path("reporters_pauses.json");
    nlohmann::json runs = nlohmann::json::array();
    for (int rep = 0; rep < 2; ++rep)
        runs.push_back({{"status", "ok"}, {"allocator", "pool"}, {"collector", "gen"}, {"workload", "lru"},
                        {"params", nlohmann::json::object()}, {"seed", 0}, {"ops_per_s", 1000.0 + rep},
                        {"peak_rss_bytes", 1 << 20},
                        {"gc", {{"pause_ns", {{"p50", 1e6}, {"p99", 2e6}, {"max", 2e6}, {"total", 4e6}}},
                                {"mmu", {{"10ms", 0.5}}}}}});
    std::ofstream(file) << nlohmann::json{{"schema", kResultsSchema}, {"runs", runs}}.dump();
    ProcessOutcome csv = pymembench({"report", "pauses", file, "--format", "csv"});
    ASSERT_EQ(csv.exit_code, 0) << csv.err;
    EXPECT_EQ(csv.out.rfind("workload,collector,runs,pause_p50_ns,", 0), 0u) << csv.out;
    EXPECT_NE(csv.out.find("\nlru,gen,2,"), std::string::npos) << csv.out;
    for (const auto& [args, must_mention] : std::vector<std::pair<std::vector<std::string>, std::string>>{
             {{"report", "pauses", file, "--format", "yaml"}, "accepted: text, markdown, json, csv"},
             {{"report", "pauses", file, "--format", "csv", "--json"}, "--json contradicts --format csv"}}) {
        ProcessOutcome p = pymembench(args);
        EXPECT_EQ(p.exit_code, 2) << p.err;
        EXPECT_NE(p.err.find(must_mention), std::string::npos) << p.err;
        EXPECT_EQ(std::count(p.err.begin(), p.err.end(), '\n'), 1) << p.err;
    }
}

}  // namespace
}  // namespace pmb
