#include "results/compare_results.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <tuple>

#include "results/clustered_signed_rank_test.h"
#include "results/run_metrics.h"
#include "results/sample_statistics.h"
#include "results/signed_rank_test.h"

namespace pmb {
namespace {

struct Combination {
    nlohmann::json identity;  // allocator, collector, workload, params, seed
    std::vector<const nlohmann::json*> runs;
};

std::map<std::string, Combination> group(const nlohmann::json& doc, std::vector<std::string>& order) {
    std::map<std::string, Combination> out;
    for (const nlohmann::json& run : doc.at("runs")) {
        const std::string key = combination_key(run);
        auto [it, inserted] = out.try_emplace(key);
        if (inserted) {
            order.push_back(key);
            it->second.identity = {{"allocator", run.value("allocator", "")}, {"collector", run.value("collector", "")},
                                   {"workload", run.value("workload", "")},
                                   {"params", run.value("params", nlohmann::json::object())},
                                   {"seed", run.value("seed", std::uint64_t{0})}};
        }
        it->second.runs.push_back(&run);
    }
    return out;
}

std::vector<double> values_of(const Combination& c, const RunMetric& m) {
    std::vector<double> out;
    for (const nlohmann::json* run : c.runs)
        if (auto v = metric_value(*run, m)) out.push_back(*v);
    return out;
}

// A figure measured side by side: the values of repetition r of the base and of the candidate,
// for every r both sides measured (ascending r).
struct Pairs {
    std::vector<double> base, candidate;
    std::vector<std::uint64_t> reps;
};

Pairs pairs_of(const std::string& key, const Combination& b, const Combination& c, const RunMetric& m) {
    const auto by_rep = [&](const Combination& side) {
        std::map<std::uint64_t, std::optional<double>> out;
        for (const nlohmann::json* run : side.runs) out[run->value("rep", std::uint64_t{0})] = metric_value(*run, m);
        return out;
    };
    const auto bv = by_rep(b), cv = by_rep(c);
    const auto reps = [](const auto& side) {
        std::string out;
        for (const auto& [rep, value] : side) out += (out.empty() ? "" : ",") + std::to_string(rep);
        return out;
    };
    if (bv.size() != cv.size() || !std::equal(bv.begin(), bv.end(), cv.begin(), [](const auto& x, const auto& y) {
            return x.first == y.first;
        }))
        throw std::invalid_argument("--paired: " + key + " has repetitions " + reps(bv) + " in the base and " +
                                    reps(cv) + " in the candidate; paired files pair repetition r with "
                                    "repetition r (rounds measured side by side, as scripts/perf-check.sh does)");
    Pairs out;
    for (const auto& [rep, value] : bv)
        if (value && cv.at(rep)) {
            out.base.push_back(*value);
            out.candidate.push_back(*cv.at(rep));
            out.reps.push_back(rep);
        }
    return out;
}

// The test's difference of a pair: 2 (c - b) / (c + b), 0 when both are 0. Its sign and the ranks
// of its magnitude are those of log(c / b) wherever both are positive, and it is defined at 0.
double paired_difference(double b, double c) {
    return b == c ? 0.0 : 2 * (c - b) / (std::abs(c) + std::abs(b));
}

// Percentile-bootstrap 95 % interval of median(candidate) / median(base).
std::pair<double, double> bootstrap_ratio_interval(const std::vector<double>& base, const std::vector<double>& cand,
                                                   std::uint64_t seed, int resamples) {
    std::uint64_t state = seed;
    auto next = [&state] {  // splitmix64
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    };
    std::vector<double> scratch;
    auto resampled_median = [&](const std::vector<double>& xs) {
        scratch.resize(xs.size());
        for (double& v : scratch)  // an index in [0, n) by multiply-shift: no division per draw
            v = xs[static_cast<std::size_t>((static_cast<unsigned __int128>(next()) * xs.size()) >> 64)];
        return median_in_place(scratch);
    };
    std::vector<double> ratios;
    ratios.reserve(static_cast<std::size_t>(resamples));
    for (int i = 0; i < resamples; ++i) {
        const double b = resampled_median(base), c = resampled_median(cand);
        if (b != 0) ratios.push_back(c / b);
    }
    if (ratios.empty()) return {std::nan(""), std::nan("")};
    std::sort(ratios.begin(), ratios.end());
    auto at = [&](double q) {
        return ratios[std::min(ratios.size() - 1, static_cast<std::size_t>(q * static_cast<double>(ratios.size())))];
    };
    return {at(0.025), at(0.975)};
}

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

std::string label_of(const nlohmann::json& row) {
    std::string label = row["allocator"].get<std::string>() + "/" + row["collector"].get<std::string>() + "/" +
                        row["workload"].get<std::string>();
    for (const auto& [k, v] : row["params"].items()) label += " " + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
    return label;
}

std::string percent(const nlohmann::json& ratio) {
    if (!ratio.is_number()) return "n/a";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%+.1f%%", (ratio.get<double>() - 1) * 100);
    return buf;
}

std::string interval(const nlohmann::json& row) {
    if (!row["ci_low"].is_number()) return "n/a";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%+.1f%% .. %+.1f%%", (row["ci_low"].get<double>() - 1) * 100,
                  (row["ci_high"].get<double>() - 1) * 100);
    return buf;
}

std::string format_value(double v, const std::string& unit) {
    char buf[48];
    if (unit == "bytes") std::snprintf(buf, sizeof buf, "%.2f MiB", v / (1 << 20));
    else if (unit == "ns" && v >= 1e6) std::snprintf(buf, sizeof buf, "%.2f ms", v / 1e6);
    else if (unit == "ns") std::snprintf(buf, sizeof buf, "%.0f ns", v);
    else if (unit == "ratio") std::snprintf(buf, sizeof buf, "%.3f", v);
    else std::snprintf(buf, sizeof buf, "%.4g %s", v, unit.c_str());
    return buf;
}

bool is_change(const nlohmann::json& row) {
    return row["verdict"] == "regression" || row["verdict"] == "improvement";
}

double threshold_of(const CompareOptions& options, const std::string& metric) {
    const auto it = options.thresholds.find(metric);
    return it != options.thresholds.end() ? it->second : options.threshold;
}

// Marks a tested row with the direction of its change beyond the threshold (the verdict reads them).
void mark_direction(nlohmann::json& row, const RunMetric& m, double ratio, double threshold) {
    row["worse"] = m.higher_is_better ? ratio < 1 - threshold : ratio > 1 + threshold;
    row["better"] = m.higher_is_better ? ratio > 1 + threshold : ratio < 1 - threshold;
}

// A figure's estimate and test, from its two sides' values.
struct Estimate {
    double ratio = 1, ci_low = 1, ci_high = 1, p_value = 1, p_floor = 1;
};

// Unpaired: the ratio of the medians mb and mc with its bootstrap interval, the Mann-Whitney U test.
Estimate unpaired_estimate(const std::vector<double>& bv, const std::vector<double>& cv, double mb, double mc,
                           std::uint64_t seed, int resamples) {
    Estimate e;
    e.ratio = mb != 0 ? mc / mb : std::numeric_limits<double>::infinity();
    std::tie(e.ci_low, e.ci_high) = bootstrap_ratio_interval(bv, cv, seed, resamples);
    e.p_value = mann_whitney_u(cv, bv).p_value;
    std::vector<double> pooled = bv;
    pooled.insert(pooled.end(), cv.begin(), cv.end());
    e.p_floor = mann_whitney_floor(pooled, cv.size());
    return e;
}

// Paired (bv[i] beside cv[i]): the median of the pairs' ratios with its order-statistic interval,
// the signed-rank test on their differences.
Estimate paired_estimate(const std::vector<double>& bv, const std::vector<double>& cv) {
    std::vector<double> differences, ratios;
    for (std::size_t i = 0; i < bv.size(); ++i) {
        differences.push_back(paired_difference(bv[i], cv[i]));
        if (bv[i] != 0) ratios.push_back(cv[i] / bv[i]);
    }
    Estimate e;
    if (ratios.empty()) {
        e.ratio = std::numeric_limits<double>::infinity();
        e.ci_low = e.ci_high = std::nan("");
    } else {
        const SampleSummary r = summarize(ratios);
        e.ratio = r.median;
        e.ci_low = r.ci_low;
        e.ci_high = r.ci_high;
    }
    e.p_value = signed_rank_test(differences).p_value;
    e.p_floor = signed_rank_floor(differences);
    return e;
}

// Paired mode's aggregate figures: one per allocator, collector and workload shared by two or more
// combinations, the geometric mean over them of each repetition's ratio candidate / base. A change
// that touches every combination of a backend shows there with the noise of one combination
// divided by about the square root of their number.
constexpr const char* kAggregateDimensions[] = {"allocator", "collector", "workload"};
// The headline family's metric: is a backend or a collector faster or slower as a whole?
constexpr const char* kHeadlineMetric = "ops_per_s";

struct Aggregate {
    const RunMetric* metric = nullptr;
    std::map<std::string, std::map<std::uint64_t, double>> log_ratios;  // combination -> rep -> log(c / b)
    std::vector<double> log_base_medians, log_candidate_medians;
    nlohmann::json seed;
};

double mean_of(const std::vector<double>& xs) {
    return std::accumulate(xs.begin(), xs.end(), 0.0) / static_cast<double>(xs.size());
}

std::optional<nlohmann::json> aggregate_row(const Aggregate& a, const std::string& dimension, const std::string& value,
                                            const CompareOptions& options) {
    std::map<std::uint64_t, std::vector<double>> by_rep;
    for (const auto& [combination, reps] : a.log_ratios)
        for (const auto& [rep, log_ratio] : reps) by_rep[rep].push_back(log_ratio);
    std::vector<double> per_rep;
    std::vector<std::vector<double>> rounds;  // the clusters: a repetition's pairs, every combination's
    std::size_t pairs = 0;
    for (const auto& [rep, values] : by_rep) {
        per_rep.push_back(mean_of(values));
        rounds.push_back(values);
        pairs += values.size();
    }
    if (per_rep.empty() || a.log_base_medians.empty() || signed_rank_smallest_p(per_rep.size()) >= options.alpha)
        return std::nullopt;
    const RunMetric& m = *a.metric;
    const double threshold = options.aggregate_threshold;
    nlohmann::json row = {{"allocator", "*"}, {"collector", "*"}, {"workload", "*"},
                          {"params", nlohmann::json::object()}, {"seed", a.seed}};
    row[dimension] = value;
    row["aggregate"] = dimension;
    row["combinations"] = a.log_ratios.size();
    row["metric"] = m.name;
    row["unit"] = m.unit;
    row["n_base"] = per_rep.size();
    row["n_candidate"] = per_rep.size();
    row["pairs"] = pairs;
    row["base_median"] = std::exp(mean_of(a.log_base_medians));  // geometric means of the medians
    row["candidate_median"] = std::exp(mean_of(a.log_candidate_medians));
    row["threshold"] = threshold;
    const SampleSummary s = summarize(per_rep);
    const double ratio = std::exp(s.median);
    row["ratio"] = ratio;
    row["ci_low"] = std::exp(s.ci_low);
    row["ci_high"] = std::exp(s.ci_high);
    row["p_value"] = clustered_signed_rank_test(rounds).p_value;
    row["p_floor"] = clustered_signed_rank_floor(rounds);
    row["test"] = "clustered signed-rank";
    mark_direction(row, m, ratio, threshold);
    return row;
}

}  // namespace

std::string resolve_metric_name(const std::string& name) {
    static const std::map<std::string, std::string> aliases = {
        {"throughput", "ops_per_s"}, {"p99", "latency_p99_ns"}, {"gc_pause", "gc_pause_total_ns"},
        {"rss", "peak_rss_bytes"}, {"trash", "trash_peak_bytes"}};
    if (auto it = aliases.find(name); it != aliases.end()) return it->second;
    if (find_run_metric(name) != nullptr) return name;
    std::string accepted = "throughput, p99, gc_pause, rss, trash";
    for (const RunMetric& m : run_metrics()) accepted += ", " + m.name;
    throw std::invalid_argument("unknown metric '" + name + "' (accepted: " + accepted + ")");
}

int repetitions_needed(double alpha, std::size_t figures, bool ties, bool paired) {
    for (std::size_t n = 1; n < 1000; ++n)
        if ((paired ? signed_rank_smallest_p(n, ties) : mann_whitney_smallest_p(n, n, ties)) *
                static_cast<double>(figures) <
            alpha)
            return static_cast<int>(n);
    return 1000;
}

nlohmann::json compare_results(const nlohmann::json& base, const nlohmann::json& candidate,
                               const CompareOptions& options) {
    if (!(options.alpha > 0 && options.alpha < 1))
        throw std::invalid_argument("--alpha must be between 0 and 1");
    std::vector<const RunMetric*> metrics;
    for (const std::string& name : options.metrics) metrics.push_back(find_run_metric(resolve_metric_name(name)));
    std::vector<std::string> base_order, cand_order;
    const auto base_groups = group(base, base_order);
    const auto cand_groups = group(candidate, cand_order);

    nlohmann::json rows = nlohmann::json::array(), only_base = nlohmann::json::array(),
                   only_cand = nlohmann::json::array();
    for (const std::string& key : cand_order)
        if (!base_groups.count(key)) only_cand.push_back(key);
    std::size_t common = 0, regressions = 0, improvements = 0;
    const int needed = repetitions_needed(options.alpha, 1, false, options.paired);
    // Paired mode's aggregates, by (metric, dimension, value): e.g. ("ops_per_s", "allocator", "pool").
    std::map<std::tuple<std::string, std::string, std::string>, Aggregate> aggregates;
    const auto too_few = [&](const std::string& key, const RunMetric& m, std::size_t nb, std::size_t nc) {
        char alpha[32];
        std::snprintf(alpha, sizeof alpha, "%g", options.alpha);
        throw std::invalid_argument("too few repetitions to test " + key + " " + m.name + ": " + std::to_string(nb) +
                                    (options.paired ? " pairs" : " in the base and " + std::to_string(nc) +
                                                                     " in the candidate") +
                                    "; at least " + std::to_string(needed) + (options.paired ? " pairs" : " per side") +
                                    " are needed at alpha " + alpha + " (run with --reps " + std::to_string(needed) +
                                    " or more)");
    };
    for (const std::string& key : base_order) {
        auto cit = cand_groups.find(key);
        if (cit == cand_groups.end()) {
            only_base.push_back(key);
            continue;
        }
        ++common;
        const Combination& b = base_groups.at(key);
        const Combination& c = cit->second;
        for (const RunMetric* m : metrics) {
            std::vector<double> bv, cv;
            Pairs pairs;
            if (options.paired) {
                pairs = pairs_of(key, b, c, *m);
                bv = pairs.base;
                cv = pairs.candidate;
            } else {
                bv = values_of(b, *m);
                cv = values_of(c, *m);
            }
            if (bv.empty() || cv.empty()) continue;  // no value on a side: nothing to compare
            if (options.paired ? signed_rank_smallest_p(bv.size()) >= options.alpha
                               : mann_whitney_smallest_p(bv.size(), cv.size()) >= options.alpha)
                too_few(key, *m, bv.size(), cv.size());
            const double mb = median(bv), mc = median(cv);
            const double threshold = threshold_of(options, m->name);
            nlohmann::json row = b.identity;
            row["metric"] = m->name;
            row["unit"] = m->unit;
            row["n_base"] = bv.size();
            row["n_candidate"] = cv.size();
            row["base_median"] = mb;
            row["candidate_median"] = mc;
            row["threshold"] = threshold;
            const bool all_zero = options.paired ? std::all_of(bv.begin(), bv.end(), [](double v) { return v == 0; }) &&
                                                       std::all_of(cv.begin(), cv.end(), [](double v) { return v == 0; })
                                                 : mb == 0 && mc == 0;
            if (all_zero) {
                row["ratio"] = 1.0;
                row["ci_low"] = 1.0;
                row["ci_high"] = 1.0;
                row["p_value"] = 1.0;
                row["p_adjusted"] = 1.0;
                row["verdict"] = "no change";
                rows.push_back(row);
                continue;
            }
            if (options.paired)
                for (const char* dimension : kAggregateDimensions) {
                    Aggregate& a = aggregates[{m->name, dimension, b.identity[dimension].get<std::string>()}];
                    a.metric = m;
                    a.seed = b.identity["seed"];
                    for (std::size_t i = 0; i < bv.size(); ++i)
                        if (bv[i] > 0 && cv[i] > 0) a.log_ratios[key][pairs.reps[i]] = std::log(cv[i] / bv[i]);
                    if (mb > 0 && mc > 0) {
                        a.log_base_medians.push_back(std::log(mb));
                        a.log_candidate_medians.push_back(std::log(mc));
                    }
                }
            const Estimate e = options.paired ? paired_estimate(bv, cv)
                                              : unpaired_estimate(bv, cv, mb, mc, std::hash<std::string>{}(key + m->name),
                                                                  options.resamples);
            if (options.paired) row["test"] = "signed-rank";
            row["p_floor"] = e.p_floor;
            row["ratio"] = number_or_null(e.ratio);
            row["ci_low"] = number_or_null(e.ci_low);
            row["ci_high"] = number_or_null(e.ci_high);
            row["p_value"] = e.p_value;
            mark_direction(row, *m, e.ratio, threshold);
            rows.push_back(row);
        }
    }
    for (const auto& [id, a] : aggregates) {
        if (a.log_ratios.size() < 2) continue;  // one combination: its own row says it all
        const auto& [metric, dimension, value] = id;
        if (auto row = aggregate_row(a, dimension, value, options)) rows.push_back(std::move(*row));
    }
    // Holm's step-down adjustment within each family of the rows tested (both medians 0 is no
    // test): paired, the headline (allocator and collector throughput aggregates) with headline_share of
    // alpha and the rest with the remainder; unpaired, every row with all of it.
    if (options.paired && !(options.headline_share > 0 && options.headline_share < 1))
        throw std::invalid_argument("the headline family's share of alpha must be between 0 and 1");
    std::map<std::string, std::vector<nlohmann::json*>> families;
    std::vector<nlohmann::json*> tested;
    for (nlohmann::json& row : rows)
        if (!row.contains("verdict")) {
            const bool headline = options.paired && row.contains("aggregate") && row["aggregate"] != "workload" &&
                                  row["metric"] == kHeadlineMetric;
            row["family"] = headline ? "headline" : "figures";
            families[row["family"]].push_back(&row);
            tested.push_back(&row);
        }
    const bool split = families.size() == 2;
    const auto share_of = [&](const std::string& family) {
        return !split ? 1.0 : family == "headline" ? options.headline_share : 1 - options.headline_share;
    };
    // What these samples can show: a figure is testable when its floor (the smallest p its values
    // can give, however they fall between the sides) survives the correction in its family.
    std::size_t testable = 0;
    nlohmann::json untestable_by_metric = nlohmann::json::object();
    for (auto& [family, members] : families)
        for (nlohmann::json* row : members) {
            const double multiplier = (options.holm ? static_cast<double>(members.size()) : 1.0) / share_of(family);
            const bool can = (*row)["p_floor"].get<double>() * multiplier < options.alpha;
            (*row)["testable"] = can;
            testable += can;
            if (!can) {
                nlohmann::json& count = untestable_by_metric[(*row)["metric"].get<std::string>()];
                count = count.is_null() ? 1 : count.get<int>() + 1;
            }
        }
    if (!tested.empty() && testable == 0) {
        const std::size_t figures = options.holm ? tested.size() * (split ? 2 : 1) : 1;  // the larger family's bar, about
        const int n = repetitions_needed(options.alpha, figures, false, options.paired);
        const int n_ties = repetitions_needed(options.alpha, figures, true, options.paired);
        throw std::invalid_argument("too few repetitions to test " + std::to_string(tested.size()) + " figures" +
                                    (options.holm ? " at once (Holm)" : "") + ": at least " + std::to_string(n) +
                                    (options.paired ? " pairs" : " per side") + " are needed, " + std::to_string(n_ties) +
                                    " for figures with tied values (run with --reps " + std::to_string(n) +
                                    " or more" + (options.holm ? ", or compare fewer metrics or with --no-correction)" : ")"));
    }
    for (auto& [family, members] : families) {
        std::sort(members.begin(), members.end(), [](const nlohmann::json* a, const nlohmann::json* b) {
            return (*a)["p_value"].get<double>() < (*b)["p_value"].get<double>();
        });
        const double share = share_of(family);
        double running = 0;
        for (std::size_t i = 0; i < members.size(); ++i) {
            nlohmann::json& row = *members[i];
            const double p = row["p_value"].get<double>();
            const double step = options.holm ? static_cast<double>(members.size() - i) : 1.0;
            running = std::max(running, std::min(1.0, p * step / share));
            row["p_adjusted"] = running;
            const bool significant = running < options.alpha;
            const bool worse = row["worse"].get<bool>(), better = row["better"].get<bool>();
            std::string verdict = "no change";
            if (worse || better) verdict = !significant ? "not significant" : worse ? "regression" : "improvement";
            regressions += verdict == "regression";
            improvements += verdict == "improvement";
            row["verdict"] = verdict;
            row.erase("worse");
            row.erase("better");
        }
    }
    if (common == 0)
        throw std::invalid_argument("the two results files share no combination (allocator, collector, workload, "
                                    "parameters and seed must all match)");
    nlohmann::json thresholds = nlohmann::json::object();
    for (const RunMetric* m : metrics)
        thresholds[m->name] = threshold_of(options, m->name);
    nlohmann::json families_json = nlohmann::json::object();
    for (const auto& [family, members] : families)
        families_json[family] = {{"tests", members.size()}, {"alpha", options.alpha * share_of(family)}};
    if (options.paired) thresholds["aggregates"] = options.aggregate_threshold;
    return {{"alpha", options.alpha},
            {"test", options.paired ? "signed-rank" : "mann-whitney"},
            {"correction", options.holm ? "holm" : "none"},
            {"tests", tested.size()},
            {"untestable", tested.size() - testable},
            {"untestable_by_metric", untestable_by_metric},
            {"thresholds", thresholds},
            {"families", families_json},
            {"combinations", common},
            {"regressions", regressions},
            {"improvements", improvements},
            {"only_in_base", only_base},
            {"only_in_candidate", only_cand},
            {"rows", rows}};
}

Report comparison_report(const nlohmann::json& comparison, bool all_rows) {
    const std::size_t regressions = comparison["regressions"].get<std::size_t>();
    const std::size_t improvements = comparison["improvements"].get<std::size_t>();
    Report report;
    report.title = regressions ? "pymembench: " + std::to_string(regressions) + " regression" +
                                     (regressions == 1 ? "" : "s")
                               : "pymembench: no regression";
    report.alert = regressions > 0;
    report.data = comparison;
    char line[512];
    std::snprintf(line, sizeof line,
                  "%zu combinations compared, %zu improvements; a change counts when its %s p (%s "
                  "over %zu tests) < %.3g and it is beyond its threshold (",
                  comparison["combinations"].get<std::size_t>(), improvements,
                  comparison.value("test", "mann-whitney") == "signed-rank"
                      ? "signed-rank (repetitions paired as measured side by side)"
                      : "Mann-Whitney",
                  comparison["correction"] != "holm"                                         ? "unadjusted"
                  : comparison.contains("families") && comparison["families"].size() == 2 ? "Holm-adjusted in two families"
                                                                                           : "Holm-adjusted",
                  comparison["tests"].get<std::size_t>(), comparison["alpha"].get<double>());
    std::string criteria = line;
    bool first = true;
    for (const auto& [metric, t] : comparison["thresholds"].items()) {
        std::snprintf(line, sizeof line, "%s`%s` %.3g%%", first ? "" : ", ", metric.c_str(), t.get<double>() * 100);
        criteria += line;
        first = false;
    }
    report.paragraph(criteria + ").");
    if (comparison.contains("families") && comparison["families"].size() == 2) {
        const nlohmann::json& f = comparison["families"];
        std::snprintf(line, sizeof line,
                      "Two families share alpha: the headline (the allocator and collector aggregates of throughput, %zu tests, "
                      "alpha %.3g) and the other figures (%zu tests, alpha %.3g); Holm within each, p shown "
                      "scaled to alpha %.3g.",
                      f["headline"]["tests"].get<std::size_t>(), f["headline"]["alpha"].get<double>(),
                      f["figures"]["tests"].get<std::size_t>(), f["figures"]["alpha"].get<double>(),
                      comparison["alpha"].get<double>());
        report.paragraph(line);
    }
    auto table = [&](auto keep) {
        ReportTable t;
        t.columns = {{"combination", "combination", false},
                     {"metric", "metric", false},
                     {"base", "base_median", true},
                     {"candidate", "candidate_median", true},
                     {"change", "ratio", true},
                     {"95% CI", "ratio_ci_95", true},
                     {comparison["correction"] == "holm" ? "p (Holm)" : "p", "p_adjusted", true},
                     {"verdict", "verdict", false}};
        for (const nlohmann::json& row : comparison["rows"]) {
            if (!keep(row)) continue;
            const std::string unit = row["unit"];
            char p[32];
            std::snprintf(p, sizeof p, "%.4f", row["p_adjusted"].get<double>());
            const nlohmann::json ci = row["ci_low"].is_number()
                                          ? nlohmann::json(row["ci_low"].dump() + ".." + row["ci_high"].dump())
                                          : nlohmann::json(nullptr);
            t.rows.push_back({text_cell(label_of(row)), text_cell(row["metric"]),
                              {format_value(row["base_median"].get<double>(), unit), row["base_median"]},
                              {format_value(row["candidate_median"].get<double>(), unit), row["candidate_median"]},
                              {percent(row["ratio"]), row["ratio"]},
                              {interval(row), ci},
                              {p, row["p_adjusted"]},
                              {row["verdict"] == "regression" ? "REGRESSION" : row["verdict"].get<std::string>(),
                               row["verdict"]}});
        }
        return t;
    };
    const auto every_row = [](const nlohmann::json&) { return true; };
    ReportTable shown = all_rows ? table(every_row) : table(is_change);
    shown.when_empty = "(every compared figure within its threshold)";
    report.table(std::move(shown));
    if (!all_rows) {
        ReportTable every = table(every_row);
        every.folded = true;
        every.fold_title = "Every compared figure";
        report.table(std::move(every));
    }
    if (comparison.value("untestable", std::size_t{0}) > 0) {
        std::string which;
        for (const auto& [metric, count] : comparison["untestable_by_metric"].items())
            which += (which.empty() ? "" : ", ") + std::string("`") + metric + "` " + count.dump();
        std::snprintf(line, sizeof line,
                      "%zu of %zu figures cannot be significant with these repetitions, whatever the change "
                      "(their values tie, or there are too few): ",
                      comparison["untestable"].get<std::size_t>(), comparison["tests"].get<std::size_t>());
        report.paragraph(line + which + ".");
    }
    if (!comparison["only_in_base"].empty() || !comparison["only_in_candidate"].empty()) {
        std::snprintf(line, sizeof line, "%zu combinations only in the base, %zu only in the candidate.",
                      comparison["only_in_base"].size(), comparison["only_in_candidate"].size());
        report.paragraph(line);
    }
    return report;
}

}  // namespace pmb
