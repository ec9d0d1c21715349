#include "results/merge_results.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "results/results_file.h"
#include "results/run_summaries.h"

namespace pmb {
namespace {

nlohmann::json build_of(const nlohmann::json& doc) {
    const nlohmann::json& meta = doc.at("meta");
    return {{"build", meta.value("build", nlohmann::json::object())}, {"git", meta.value("git", nlohmann::json::object())}};
}

nlohmann::json matrix_without_shard(const nlohmann::json& doc) {
    nlohmann::json matrix = doc.at("meta").value("matrix", nlohmann::json::object());
    matrix.erase("shard");
    return matrix;
}

std::pair<int, int> shard_of(const nlohmann::json& doc) {
    const nlohmann::json matrix = doc.at("meta").value("matrix", nlohmann::json::object());
    if (!matrix.contains("shard")) return {1, 1};
    return {matrix["shard"].at("index").get<int>(), matrix["shard"].at("count").get<int>()};
}

// The same schema and the same build as the first file, or a one-line reason; `parts` names what
// the files are ("shards", "repetitions").
void check_same_build(const std::string& name, const nlohmann::json& doc, const std::string& first_name,
                      const nlohmann::json& first, const std::string& parts) {
    if (doc.value("schema", "") != kResultsSchema)
        throw std::invalid_argument(name + " has schema '" + doc.value("schema", "") + "', not '" + kResultsSchema + "'");
    if (build_of(doc) != build_of(first))
        throw std::invalid_argument(name + " and " + first_name +
                                    " come from different builds (compiler, flags or git commit differ): " + parts +
                                    " must be run by the same build");
}

std::string shard_text(std::pair<int, int> s) { return std::to_string(s.first) + "/" + std::to_string(s.second); }

// The merged file, however it was merged: the runs in matrix order, their summaries recomputed.
nlohmann::json merged_document(const nlohmann::json& meta, nlohmann::json runs) {
    std::sort(runs.begin(), runs.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
        return a.at("index").get<std::uint64_t>() < b.at("index").get<std::uint64_t>();
    });
    nlohmann::json out = {{"schema", kResultsSchema}, {"meta", meta}, {"runs", std::move(runs)}};
    out["summaries"] = summarize_runs(out["runs"]);
    return out;
}

// `merge()`, with a results file that lacks a field it reads refused in one line.
template <typename Merge>
nlohmann::json reading_fields(Merge&& merge) {
    try {
        return merge();
    } catch (const nlohmann::json::exception& e) {
        throw std::invalid_argument(std::string("a results file lacks a field merge needs: ") + e.what());
    }
}

}  // namespace

nlohmann::json merge_results(const std::vector<std::pair<std::string, nlohmann::json>>& files) {
    if (files.empty()) throw std::invalid_argument("merge needs at least one results file");
    return reading_fields([&] {
        const auto& [first_name, first] = files.front();
        std::map<int, std::string> shard_files;
        std::map<std::uint64_t, std::string> run_files;
        nlohmann::json runs = nlohmann::json::array();
        nlohmann::json shards = nlohmann::json::array();
        bool complete = true;
        std::string start_time, end_time;
        for (const auto& [name, doc] : files) {
            check_same_build(name, doc, first_name, first, "shards");
            if (matrix_without_shard(doc) != matrix_without_shard(first))
                throw std::invalid_argument(name + " and " + first_name +
                                            " are shards of different matrices (allocators, collectors, workloads, "
                                            "parameters, repetitions or seed differ)");
            const auto shard = shard_of(doc);
            if (shard.second != shard_of(first).second)
                throw std::invalid_argument(name + " is shard " + shard_text(shard) + " but " + first_name +
                                            " is shard " + shard_text(shard_of(first)) + ": shard counts differ");
            if (auto [it, inserted] = shard_files.emplace(shard.first, name); !inserted)
                throw std::invalid_argument(name + " and " + it->second + " are both shard " + shard_text(shard));
            for (const nlohmann::json& run : doc.at("runs")) {
                const auto index = run.at("index").get<std::uint64_t>();
                if (auto [it, inserted] = run_files.emplace(index, name); !inserted)
                    throw std::invalid_argument(name + " and " + it->second + " both hold run " +
                                                std::to_string(index) + " of the matrix");
                runs.push_back(run);
            }
            const nlohmann::json& meta = doc.at("meta");
            const bool shard_complete = meta.value("complete", false);
            complete &= shard_complete;
            const std::string s = meta.value("start_time", ""), e = meta.value("end_time", "");
            if (start_time.empty() || (!s.empty() && s < start_time)) start_time = s;
            if (e > end_time) end_time = e;
            shards.push_back({{"file", name},
                              {"shard", shard_text(shard)},
                              {"host", meta.value("host", nlohmann::json::object())},
                              {"start_time", s},
                              {"end_time", e},
                              {"complete", shard_complete},
                              {"runs", doc.at("runs").size()}});
        }
        const int count = shard_of(first).second;
        complete &= static_cast<int>(shard_files.size()) == count;
        nlohmann::json meta = first.at("meta");
        meta["matrix"].erase("shard");
        meta["shards"] = shards;
        meta["start_time"] = start_time;
        meta["end_time"] = end_time;
        meta["complete"] = complete;
        return merged_document(meta, std::move(runs));
    });
}

nlohmann::json merge_repetitions(const std::vector<std::pair<std::string, nlohmann::json>>& files) {
    if (files.empty()) throw std::invalid_argument("merge needs at least one results file");
    return reading_fields([&] {
        const auto& [first_name, first] = files.front();
        const nlohmann::json& matrix = first.at("meta").at("matrix");
        const auto reps_per_file = matrix.at("reps").get<std::uint64_t>();
        const auto combinations = matrix.at("runs_in_matrix").get<std::uint64_t>() / reps_per_file;
        nlohmann::json runs = nlohmann::json::array();
        nlohmann::json sources = nlohmann::json::array();
        bool complete = true;
        std::uint64_t offset = 0;
        for (const auto& [name, doc] : files) {
            check_same_build(name, doc, first_name, first, "repetitions");
            if (doc.at("meta").at("matrix") != matrix)
                throw std::invalid_argument(name + " and " + first_name + " are runs of different matrices");
            for (nlohmann::json run : doc.at("runs")) {
                const auto rep = run.at("rep").get<std::uint64_t>();
                const auto combination = run.at("index").get<std::uint64_t>() % combinations;
                run["rep"] = offset + rep;
                run["index"] = (offset + rep) * combinations + combination;
                runs.push_back(run);
            }
            complete &= doc.at("meta").value("complete", false);
            sources.push_back({{"file", name},
                               {"start_time", doc.at("meta").value("start_time", "")},
                               {"end_time", doc.at("meta").value("end_time", "")},
                               {"runs", doc.at("runs").size()}});
            offset += reps_per_file;
        }
        nlohmann::json meta = first.at("meta");
        meta["matrix"]["reps"] = offset;
        meta["matrix"]["runs_in_matrix"] = offset * combinations;
        meta["repetition_files"] = sources;
        meta["end_time"] = files.back().second.at("meta").value("end_time", "");
        meta["complete"] = complete;
        return merged_document(meta, std::move(runs));
    });
}

}  // namespace pmb
