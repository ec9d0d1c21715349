#include "workloads/trace/trace_info.h"

#include <array>
#include <bit>
#include <cstdio>
#include <map>
#include <vector>

namespace pmb::trace {
namespace {

// Index of a request size's bucket: 0 for 0 bytes, 1..32 for the 16-byte classes, then one per
// power of two above 512.
std::size_t size_bucket(std::uint64_t size) {
    if (size == 0) return 0;
    if (size <= 512) return (size + 15) / 16;
    return 32 + static_cast<std::size_t>(std::bit_width(size - 1)) - 9;  // 513..1024 -> 33
}

std::pair<std::uint64_t, std::uint64_t> size_bucket_range(std::size_t b) {
    if (b == 0) return {0, 0};
    if (b <= 32) return {16 * b - 15, 16 * b};
    const std::uint64_t high = std::uint64_t{1} << (b - 32 + 9);
    return {high / 2 + 1, high};
}

// Power-of-two bucket: 0 for 0, k for [2^(k-1), 2^k).
std::size_t log2_bucket(std::uint64_t v) { return static_cast<std::size_t>(std::bit_width(v)); }

nlohmann::json histogram_rows(const std::map<std::size_t, std::uint64_t>& counts, bool sizes) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& [b, n] : counts) {
        if (sizes) {
            const auto [low, high] = size_bucket_range(b);
            rows.push_back({low, high, n});
        } else {
            const std::uint64_t low = b == 0 ? 0 : std::uint64_t{1} << (b - 1);
            const std::uint64_t high = b == 0 ? 0 : (b >= 64 ? UINT64_MAX : (std::uint64_t{1} << b) - 1);
            rows.push_back({low, high, n});
        }
    }
    return rows;
}

std::string with_unit(double v, const char* const units[], int n_units, double step) {
    int u = 0;
    while (u + 1 < n_units && v >= step) {
        v /= step;
        ++u;
    }
    char buf[48];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", v, units[u]);
    return buf;
}

std::string bytes(double v) {
    static const char* const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    return with_unit(v, units, 5, 1024);
}

std::string count(double v) {
    static const char* const units[] = {"", "k", "M", "G"};
    return with_unit(v, units, 4, 1000);
}

// A metadata value as text: the file is untrusted, so a key may be missing or of any type.
std::string meta_text(const nlohmann::json& meta, const char* key, const char* otherwise) {
    auto it = meta.find(key);
    if (it == meta.end()) return otherwise;
    return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string duration(double ns) {
    static const char* const units[] = {"ns", "us", "ms", "s"};
    return with_unit(ns, units, 4, 1000);
}

// Rows [low, high, count] as "low-high  count  share" lines under `title`.
template <typename Label>
std::string histogram_table(const std::string& title, const nlohmann::json& rows, double total, Label label) {
    std::string out = title;
    char line[160];
    for (const auto& row : rows) {
        const std::uint64_t low = row[0], high = row[1], n = row[2];
        const std::string range = label(low) + "-" + label(high);
        std::snprintf(line, sizeof line, "%-24s %12llu  %5.1f%%\n", range.c_str(), static_cast<unsigned long long>(n),
                      total > 0 ? 100.0 * static_cast<double>(n) / total : 0.0);
        out += line;
    }
    return out;
}

}  // namespace

nlohmann::json trace_info(TraceReader& reader) {
    std::map<std::size_t, std::uint64_t> sizes, lifetimes_ns, lifetimes_allocs;
    std::vector<std::uint64_t> born_ns, born_alloc;  // by slot
    std::uint64_t new_blocks = 0, null_frees = 0;
    // Per domain: events of each kind and the bytes requested (malloc, calloc, realloc's new size).
    std::array<std::array<std::uint64_t, 4>, kDomains> domain_events{};
    std::array<std::uint64_t, kDomains> domain_bytes{};
    Event e;
    while (reader.next(e)) {
        const auto d = static_cast<std::size_t>(e.domain);
        ++domain_events[d][static_cast<std::size_t>(e.kind)];
        if (e.kind != EventKind::free) {
            ++sizes[size_bucket(e.size)];
            domain_bytes[d] += e.size;
        }
        if (e.new_block) {
            if (e.slot >= born_ns.size()) {
                born_ns.resize(e.slot + 1);
                born_alloc.resize(e.slot + 1);
            }
            born_ns[e.slot] = e.time_ns;
            born_alloc[e.slot] = new_blocks++;
        } else if (e.kind == EventKind::free) {
            if (e.slot == kNoSlot) {
                ++null_frees;
                continue;
            }
            ++lifetimes_ns[log2_bucket(e.time_ns - born_ns[e.slot])];
            ++lifetimes_allocs[log2_bucket(new_blocks - born_alloc[e.slot])];
        }
    }
    const auto& f = reader.footer();
    const std::uint64_t events = f[kMallocs] + f[kCallocs] + f[kReallocs] + f[kFrees];
    nlohmann::json domains = nlohmann::json::object();
    for (std::size_t d = 0; d < kDomains; ++d) {
        const auto& n = domain_events[d];
        domains[kDomainNames[d]] = {{"events", n[0] + n[1] + n[2] + n[3]}, {"mallocs", n[0]}, {"callocs", n[1]},
                                    {"reallocs", n[2]}, {"frees", n[3]}, {"bytes_requested", domain_bytes[d]}};
    }
    return {
        {"file_bytes", reader.file_bytes()},
        {"version", reader.version()},
        {"domains", domains},
        {"meta", reader.meta()},
        {"events", events},
        {"mallocs", f[kMallocs]},
        {"callocs", f[kCallocs]},
        {"reallocs", f[kReallocs]},
        {"frees", f[kFrees]},
        {"null_frees", null_frees},
        {"blocks", new_blocks},
        {"duration_ns", f[kDurationNs]},
        {"events_per_s", f[kDurationNs] > 0 ? 1e9 * static_cast<double>(events) / static_cast<double>(f[kDurationNs]) : 0.0},
        {"bytes_per_event", events > 0 ? static_cast<double>(reader.file_bytes()) / static_cast<double>(events) : 0.0},
        {"program_start_event", f[kProgramStartEvent]},
        {"unknown_blocks", f[kUnknownBlocks]},
        {"exit_status", static_cast<std::int64_t>(f[kExitStatus])},
        {"peak_live_bytes", f[kPeakLiveBytes]},
        {"peak_live_blocks", f[kPeakLiveBlocks]},
        {"live_blocks_at_end", f[kLiveBlocksAtEnd]},
        {"live_bytes_at_end", f[kLiveBytesAtEnd]},
        {"size_histogram", histogram_rows(sizes, true)},
        {"lifetime_ns_histogram", histogram_rows(lifetimes_ns, false)},
        {"lifetime_allocations_histogram", histogram_rows(lifetimes_allocs, false)},
    };
}

std::string trace_info_text(const nlohmann::json& info) {
    std::string out;
    char line[512];
    const nlohmann::json& meta = info["meta"];
    std::string command;
    if (auto it = meta.find("command"); it != meta.end() && it->is_array())
        for (const auto& a : *it) command += (command.empty() ? "" : " ") + (a.is_string() ? a.get<std::string>() : a.dump());
    else
        command = meta_text(meta, "command", "(unknown)");
    std::snprintf(line, sizeof line, "program      %s (exit status %lld)\n", command.c_str(),
                  static_cast<long long>(info["exit_status"].get<std::int64_t>()));
    out += line;
    std::snprintf(line, sizeof line, "python       %s, recorded %s\n",
                  meta_text(meta, "python_version", "unknown").c_str(),
                  meta_text(meta, "start_time", "at an unknown time").c_str());
    out += line;
    const double events = info["events"].get<double>();
    std::snprintf(line, sizeof line,
                  "events       %s: %s malloc, %s calloc, %s realloc, %s free; %s in %s (%.2f bytes/event)\n",
                  count(events).c_str(), count(info["mallocs"].get<double>()).c_str(),
                  count(info["callocs"].get<double>()).c_str(), count(info["reallocs"].get<double>()).c_str(),
                  count(info["frees"].get<double>()).c_str(), duration(info["duration_ns"].get<double>()).c_str(),
                  bytes(info["file_bytes"].get<double>()).c_str(), info["bytes_per_event"].get<double>());
    out += line;
    const double all_bytes = info["domains"]["object"]["bytes_requested"].get<double>() +
                             info["domains"]["mem"]["bytes_requested"].get<double>();
    for (const char* d : kDomainNames) {
        const nlohmann::json& n = info["domains"][d];
        const double share = events > 0 ? 100.0 * n["events"].get<double>() / events : 0.0;
        const double bytes_share = all_bytes > 0 ? 100.0 * n["bytes_requested"].get<double>() / all_bytes : 0.0;
        std::snprintf(line, sizeof line,
                      "%-12s %s events (%.1f%%): %s malloc, %s calloc, %s realloc, %s free; %s requested (%.1f%%)\n",
                      (std::string(d) + " dom.").c_str(), count(n["events"].get<double>()).c_str(), share,
                      count(n["mallocs"].get<double>()).c_str(), count(n["callocs"].get<double>()).c_str(),
                      count(n["reallocs"].get<double>()).c_str(), count(n["frees"].get<double>()).c_str(),
                      bytes(n["bytes_requested"].get<double>()).c_str(), bytes_share);
        out += line;
    }
    if (info["version"].get<int>() == 1) out += "             (a version 1 trace: the object domain only)\n";
    std::snprintf(line, sizeof line, "start-up     the first %s events are the interpreter's start-up\n",
                  count(info["program_start_event"].get<double>()).c_str());
    out += line;
    std::snprintf(line, sizeof line, "peak live    %s in %s blocks; at the end %s in %s blocks\n",
                  bytes(info["peak_live_bytes"].get<double>()).c_str(),
                  count(info["peak_live_blocks"].get<double>()).c_str(),
                  bytes(info["live_bytes_at_end"].get<double>()).c_str(),
                  count(info["live_blocks_at_end"].get<double>()).c_str());
    out += line;
    const double requests = info["mallocs"].get<double>() + info["callocs"].get<double>() + info["reallocs"].get<double>();
    const double freed = info["frees"].get<double>() - info["null_frees"].get<double>();
    auto plain = [](std::uint64_t v) { return std::to_string(v); };
    auto in_time = [](std::uint64_t v) { return duration(static_cast<double>(v)); };
    out += histogram_table("\nrequest size               requests   share\n", info["size_histogram"], requests, plain);
    out += histogram_table("\nlifetime (ns)                blocks   share   (freed blocks; " +
                               count(info["live_blocks_at_end"].get<double>()) + " still live at the end)\n",
                           info["lifetime_ns_histogram"], freed, in_time);
    out += histogram_table("\nlifetime (allocations)       blocks   share\n", info["lifetime_allocations_histogram"],
                           freed, plain);
    return out;
}

}  // namespace pmb::trace
