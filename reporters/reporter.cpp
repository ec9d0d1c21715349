#include "reporters/reporter.h"

#include <cstdio>
#include <stdexcept>

namespace pmb {
namespace {

struct Format {
    const char* name;
    std::unique_ptr<Reporter> (*make)();
};
const Format kFormats[] = {{"text", make_terminal_reporter},
                           {"markdown", make_markdown_reporter},
                           {"json", make_json_reporter},
                           {"csv", make_csv_reporter}};

}  // namespace

std::string report_formats() {
    std::string out;
    for (const Format& f : kFormats) out += (out.empty() ? "" : ", ") + std::string(f.name);
    return out;
}

std::unique_ptr<Reporter> make_reporter(const std::string& format) {
    for (const Format& f : kFormats)
        if (format == f.name) return f.make();
    throw std::invalid_argument("unknown format '" + format + "' (accepted: " + report_formats() + ")");
}

ReportCell number_cell(const nlohmann::json& v, const char* format, double scale) {
    if (!v.is_number()) return {"-", nullptr};
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v.get<double>() * scale);
    return {buf, v};
}

ReportCell text_cell(std::string text) { return {std::move(text), nullptr}; }

std::string without_code_marks(const std::string& s) {
    std::string out;
    for (char c : s)
        if (c != '`') out += c;
    return out;
}

}  // namespace pmb
