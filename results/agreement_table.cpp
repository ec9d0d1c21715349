#include "results/agreement_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <utility>
#include <vector>

#include "results/sample_statistics.h"

namespace pmb {
namespace {

constexpr const char* kReference = "cpython";
constexpr double kSignNoise = 0.03;  // a real time within 3 % of cpython's has no meaningful sign

// One allocator's ok repetitions on one side of a program.
struct Samples {
    std::vector<double> wall_s, rss_bytes;
};

// One side of one program: where its runs came from, and their samples per allocator in the
// order the allocators first appear in the results.
struct Group {
    std::string program, args;
    nlohmann::json source;
    std::vector<std::pair<std::string, Samples>> allocators;
    bool paired = false;

    const Samples* find(const std::string& allocator) const {
        for (const auto& [a, s] : allocators)
            if (a == allocator) return &s;
        return nullptr;
    }
    void add(const std::string& allocator, const nlohmann::json& run) {
        auto it = std::find_if(allocators.begin(), allocators.end(),
                               [&](const auto& e) { return e.first == allocator; });
        if (it == allocators.end()) it = allocators.insert(it, {allocator, Samples{}});
        it->second.wall_s.push_back(run["wall_s"].get<double>());
        if (run.contains("peak_rss_bytes") && run["peak_rss_bytes"].is_number())
            it->second.rss_bytes.push_back(run["peak_rss_bytes"].get<double>());
    }
};

std::string string_at(const nlohmann::json& object, const char* key) {
    if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return "";
    return object[key];
}
std::string param(const nlohmann::json& run, const char* key) {
    return run.contains("params") ? string_at(run["params"], key) : "";
}
bool ok(const nlohmann::json& run) {
    return string_at(run, "status") == "ok" && run.contains("wall_s") && run["wall_s"].is_number();
}
// The file name of `path` without `extension`.
std::string stem(const std::string& path, const std::string& extension) {
    std::string name = std::filesystem::path(path).filename().string();
    if (name.size() > extension.size() && name.ends_with(extension)) name.resize(name.size() - extension.size());
    return name;
}

Group& group_for(std::vector<Group>& groups, const std::string& program, const std::string& args,
                 nlohmann::json source) {
    for (Group& g : groups)
        if (g.program == program && g.args == args) return g;
    return groups.emplace_back(Group{program, args, std::move(source), {}});
}

nlohmann::json median_or_null(const std::vector<double>& v) {
    return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(median(v));
}

int sign(double v) { return (v > 0) - (v < 0); }

// The rows of one program (see the header for each field), its tau and, when due, its note.
nlohmann::json program_entry(const Group& real, const Group& replay) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& [allocator, r] : real.allocators) {
        const Samples* p = replay.find(allocator);
        if (p == nullptr) continue;
        rows.push_back({{"allocator", allocator},
                        {"real_reps", r.wall_s.size()},
                        {"replay_reps", p->wall_s.size()},
                        {"real_wall_s", median(r.wall_s)},
                        {"replay_wall_s", median(p->wall_s)},
                        {"real_rss_bytes", median_or_null(r.rss_bytes)},
                        {"replay_rss_bytes", median_or_null(p->rss_bytes)}});
    }
    const auto ref_it =
        std::find_if(rows.begin(), rows.end(), [](const auto& r) { return r["allocator"] == kReference; });
    const nlohmann::json ref = ref_it == rows.end() ? nlohmann::json(nullptr) : *ref_it;  // a copy: rows change below
    const auto against_ref = [&ref](const nlohmann::json& row, const char* key, bool as_ratio) -> nlohmann::json {
        if (ref.is_null() || !row[key].is_number() || !ref[key].is_number()) return nullptr;
        const double v = row[key].get<double>(), r = ref[key].get<double>();
        if (!as_ratio) return v - r;
        return r > 0 ? nlohmann::json(v / r) : nlohmann::json(nullptr);
    };
    std::vector<double> real_wall, replay_wall;
    for (const nlohmann::json& row : rows) {
        real_wall.push_back(row["real_wall_s"]);
        replay_wall.push_back(row["replay_wall_s"]);
    }
    const auto rank = [](const std::vector<double>& times, double t) {
        return 1 + std::count_if(times.begin(), times.end(), [t](double other) { return other < t; });
    };
    for (nlohmann::json& row : rows) {
        row["real_time_ratio"] = against_ref(row, "real_wall_s", true);
        row["replay_time_ratio"] = against_ref(row, "replay_wall_s", true);
        row["real_rss_ratio"] = against_ref(row, "real_rss_bytes", true);
        row["replay_rss_ratio"] = against_ref(row, "replay_rss_bytes", true);
        row["real_delta_s"] = against_ref(row, "real_wall_s", false);
        row["replay_delta_s"] = against_ref(row, "replay_wall_s", false);
        const bool has_ref = !ref.is_null();
        const double real_delta = has_ref ? row["real_delta_s"].get<double>() : 0;
        const double replay_delta = has_ref ? row["replay_delta_s"].get<double>() : 0;
        row["delta_ratio"] = real_delta != 0 ? nlohmann::json(replay_delta / real_delta) : nlohmann::json(nullptr);
        const bool beyond_noise =
            row["real_time_ratio"].is_number() && std::abs(row["real_time_ratio"].get<double>() - 1) > kSignNoise;
        row["sign_agrees"] =
            beyond_noise ? nlohmann::json(sign(real_delta) == sign(replay_delta)) : nlohmann::json(nullptr);
        row["real_rank"] = rank(real_wall, row["real_wall_s"]);
        row["replay_rank"] = rank(replay_wall, row["replay_wall_s"]);
    }
    const double tau = kendall_tau_b(real_wall, replay_wall);
    nlohmann::json entry = {{"program", real.program},
                            {"real", real.source},
                            {"replay", replay.source},
                            {"allocators", rows.size()},
                            {"kendall_tau", std::isnan(tau) ? nlohmann::json(nullptr) : nlohmann::json(tau)},
                            {"rows", rows}};
    if (rows.empty()) {
        entry["note"] = "no allocator has an ok run on both sides";
    } else if (ref.is_null()) {
        const bool in_real = real.find(kReference) != nullptr, in_replay = replay.find(kReference) != nullptr;
        entry["note"] = std::string("no ok run of cpython ") +
                        (!in_real && !in_replay ? "on either side"
                         : !in_real             ? "among the real runs"
                                                : "among the replays") +
                        ": ratios and deltas skipped";
    }
    return entry;
}

std::string program_label(const nlohmann::json& entry) {
    const std::string args = entry["real"]["args"];
    return entry["program"].get<std::string>() + (args.empty() ? "" : " " + args);
}

// Where the two sides came from, with `quote` around paths (a backtick in Markdown).
std::string sources_label(const nlohmann::json& entry, const std::string& quote) {
    const nlohmann::json& real = entry["real"];
    std::string command = real.contains("script") ? real["script"].get<std::string>()
                                                  : "-m " + real["module"].get<std::string>();
    if (!real["args"].get<std::string>().empty()) command += " " + real["args"].get<std::string>();
    return "real " + quote + command + quote + ", replay " + quote + entry["replay"]["file"].get<std::string>() +
           quote + " (" + entry["replay"]["collector"].get<std::string>() + ")";
}

std::string tau_line(const nlohmann::json& entry) {
    char buf[96];
    const std::size_t n = entry["allocators"];
    const char* noun = n == 1 ? "allocator" : "allocators";
    if (entry["kendall_tau"].is_number())
        std::snprintf(buf, sizeof buf, "Kendall tau = %.2f over %zu %s", entry["kendall_tau"].get<double>(), n, noun);
    else
        std::snprintf(buf, sizeof buf, "Kendall tau undefined over %zu %s", n, noun);
    return buf;
}

std::string unpaired_line(const nlohmann::json& table) {
    std::string out;
    for (const char* side : {"real", "replay"})
        for (const nlohmann::json& p : table["unpaired"][side])
            out += (out.empty() ? "Not paired: " : ", ") + p.get<std::string>() +
                   (side == std::string("real") ? " (real runs only)" : " (replays only)");
    return out;
}

struct Column {
    const char* title;
    const char* key;
    const char* format;
};
const Column kColumns[] = {
    {"real s", "real_wall_s", "%.3f"},        {"real x", "real_time_ratio", "%.3f"},
    {"replay x", "replay_time_ratio", "%.3f"}, {"real Δs", "real_delta_s", "%+.3f"},
    {"replay Δs", "replay_delta_s", "%+.3f"},  {"RSS real x", "real_rss_ratio", "%.3f"},
    {"RSS replay x", "replay_rss_ratio", "%.3f"},
};

std::string ranks_cell(const nlohmann::json& row) {
    return std::to_string(row["real_rank"].get<int>()) + "/" + std::to_string(row["replay_rank"].get<int>());
}

}  // namespace

nlohmann::json agreement_table(const nlohmann::json& doc) {
    if (!doc.contains("runs") || !doc["runs"].is_array()) throw std::invalid_argument("the results file has no runs");
    const nlohmann::json& runs = doc["runs"];
    // The collector each program's replays are taken from: gen when they ran under it.
    std::map<std::string, std::string> replay_collector;
    for (const nlohmann::json& run : runs) {
        if (!ok(run) || string_at(run, "workload") != "trace") continue;
        std::string& c = replay_collector[stem(param(run, "file"), ".trace")];
        if (c.empty() || string_at(run, "collector") == "gen") c = string_at(run, "collector");
    }
    std::vector<Group> reals, replays;
    for (const nlohmann::json& run : runs) {
        if (!ok(run)) continue;
        const std::string workload = string_at(run, "workload"), collector = string_at(run, "collector");
        const std::string allocator = string_at(run, "allocator");
        if (workload == "python" && collector == "gen") {
            const std::string script = param(run, "script"), module = param(run, "module"), args = param(run, "args");
            if (script.empty() && module.empty()) continue;
            nlohmann::json source =
                script.empty() ? nlohmann::json{{"module", module}} : nlohmann::json{{"script", script}};
            source["args"] = args;
            group_for(reals, script.empty() ? module : stem(script, ".py"), args, source).add(allocator, run);
        } else if (workload == "trace") {
            const std::string file = param(run, "file"), program = stem(file, ".trace");
            if (file.empty() || collector != replay_collector[program]) continue;
            group_for(replays, program, "", {{"file", file}, {"collector", collector}}).add(allocator, run);
        }
    }
    nlohmann::json programs = nlohmann::json::array();
    for (Group& real : reals) {
        for (Group& replay : replays) {
            if (replay.program != real.program) continue;
            programs.push_back(program_entry(real, replay));
            real.paired = replay.paired = true;
        }
    }
    nlohmann::json unpaired = {{"real", nlohmann::json::array()}, {"replay", nlohmann::json::array()}};
    for (const Group& g : reals)
        if (!g.paired) unpaired["real"].push_back(g.program + (g.args.empty() ? "" : " " + g.args));
    for (const Group& g : replays)
        if (!g.paired) unpaired["replay"].push_back(g.program);
    if (programs.empty()) {
        std::string seen;
        for (const char* side : {"real", "replay"})
            for (const nlohmann::json& p : unpaired[side])
                seen += (seen.empty() ? " (" : ", ") + std::string(side) + " " + p.get<std::string>();
        throw std::invalid_argument("no program has both ok real runs (workload python, collector gen) and ok trace "
                                    "replays in the results" + (seen.empty() ? "" : seen + ")"));
    }
    return {{"reference", kReference}, {"programs", programs}, {"unpaired", unpaired}};
}

Report agreement_report(const nlohmann::json& table) {
    Report report;
    report.title = "Real programs against their trace replays, relative to `" + table["reference"].get<std::string>() +
                   "` (medians over repetitions)";
    report.data = table;
    for (const nlohmann::json& entry : table["programs"]) {
        report.heading(program_label(entry) + ": " + sources_label(entry, "`"));
        ReportTable t;
        t.columns.push_back({"allocator", "allocator", false});
        for (const Column& c : kColumns) t.columns.push_back({c.title, c.key, true});
        t.columns.push_back({"ranks", "real_rank/replay_rank", true});
        for (const nlohmann::json& row : entry["rows"]) {
            std::vector<ReportCell> cells = {text_cell(row["allocator"])};
            for (const Column& c : kColumns) cells.push_back(number_cell(row[c.key], c.format));
            cells.push_back(text_cell(ranks_cell(row)));
            t.rows.push_back(std::move(cells));
        }
        t.when_empty = "(no allocator on both sides)";
        report.table(std::move(t));
        if (entry.contains("note")) report.paragraph("Note: " + entry["note"].get<std::string>());
        report.paragraph(tau_line(entry));
    }
    const std::string unpaired = unpaired_line(table);
    if (!unpaired.empty()) report.paragraph(unpaired);
    return report;
}

}  // namespace pmb
