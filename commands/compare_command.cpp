// `compare BASE CANDIDATE`: every figure of two results files side by side, each change judged by
// the Mann-Whitney U test (or, --paired, the signed-rank test) against its threshold (results/compare_results.h); exit 1 when a change
// is a significant regression.
#include <iostream>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "commands/command.h"
#include "commands/report_format.h"
#include "results/compare_results.h"
#include "results/results_file.h"

namespace pmb {
namespace {

// Percent ("5%" or "5") as a fraction.
double parse_percent(const std::string& text, const std::string& what) {
    std::string t = text;
    if (!t.empty() && t.back() == '%') t.pop_back();
    std::size_t used = 0;
    double v = -1;
    try {
        v = std::stod(t, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (t.empty() || used != t.size() || !(v >= 0) || v >= 1000)
        throw std::invalid_argument(what + " '" + text + "' is not a percentage (e.g. 5% or 12.5%)");
    return v / 100;
}

class CompareCommand final : public Command {
public:
    void declare(CLI::App& compare) override {
        compare.add_option("base", base_, "the baseline results file")->required();
        compare.add_option("candidate", candidate_, "the candidate results file")->required();
        compare.add_option("--threshold,-t", thresholds_,
                           "relative change that matters: P% for every metric, or METRIC=P% (repeatable; default 5%)");
        compare.add_option("--metric,-m", metrics_, "metrics compared (default: throughput,p99,gc_pause,rss)")
            ->delimiter(',');
        compare.add_option("--alpha", alpha_, "significance level of the Mann-Whitney U test (default 0.05)");
        compare.add_flag("--paired", paired_,
                         "repetition r of the base was measured beside repetition r of the candidate (as "
                         "scripts/perf-check.sh measures them): the signed-rank test on the pairs, with aggregate "
                         "figures per allocator, collector and workload (the allocator and collector throughput ones a "
                         "headline family with half of alpha)");
        compare.add_option("--aggregate-threshold", aggregate_threshold_,
                           "with --paired: the relative change that matters for an aggregate figure (default 2%)");
        compare.add_flag("--no-correction", no_correction_,
                         "judge each figure on its own p-value (default: Holm-adjusted over every figure compared)");
        format_.declare(compare);
        compare.add_flag("--all", all_rows_, "every compared figure, not only the changes");
    }

    int execute(const Invocation&) override {
        CompareOptions options;
        options.alpha = alpha_;
        options.holm = !no_correction_;
        options.paired = paired_;
        if (!metrics_.empty()) options.metrics = metrics_;
        if (!aggregate_threshold_.empty())
            options.aggregate_threshold = parse_percent(aggregate_threshold_, "--aggregate-threshold");
        for (const std::string& t : thresholds_) {
            const auto eq = t.find('=');
            if (eq == std::string::npos) options.threshold = parse_percent(t, "--threshold");
            else options.thresholds[resolve_metric_name(t.substr(0, eq))] = parse_percent(t.substr(eq + 1), "--threshold");
        }
        const std::unique_ptr<Reporter> reporter = format_.reporter();
        const nlohmann::json base = read_results(base_), candidate = read_results(candidate_);
        nlohmann::json comparison = compare_results(base, candidate, options);
        comparison["base"] = base_;
        comparison["candidate"] = candidate_;
        std::cout << reporter->render(comparison_report(comparison, all_rows_));
        return comparison["regressions"].get<std::size_t>() > 0 ? 1 : 0;
    }

private:
    std::string base_, candidate_, aggregate_threshold_;
    std::vector<std::string> thresholds_, metrics_;
    double alpha_ = 0.05;
    bool no_correction_ = false, paired_ = false, all_rows_ = false;
    ReportFormat format_;
};

}  // namespace

CommandEntry compare_command() {
    return {"compare", "compare two results files; exit 1 when a change is a significant regression beyond its threshold",
            false, false, []() -> std::unique_ptr<Command> { return std::make_unique<CompareCommand>(); }};
}

}  // namespace pmb
