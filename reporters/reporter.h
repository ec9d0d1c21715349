// Reporter: one output format of a Report (reporters/report.h). The formats, by the name a
// command's --format takes:
//   text      the terminal: aligned columns, code shown without its backticks
//   markdown  GitHub-flavoured Markdown, for CI job summaries and docs
//   json      the report's figures (Report::data), indented
//   csv       RFC 4180: a header of column keys, raw values; the tables of one report under one
//             header when their columns agree (a first column `section` naming the heading above
//             each, when there are several), else one header per table, separated by a blank line
// A reporter only lays out what the report holds: it computes nothing and drops no figure that
// its format can carry.
#pragma once

#include <memory>
#include <string>

#include "reporters/report.h"

namespace pmb {

class Reporter {
public:
    virtual ~Reporter() = default;
    virtual std::string render(const Report& report) const = 0;
};

// The reporter of `format`; throws std::invalid_argument naming the accepted formats.
std::unique_ptr<Reporter> make_reporter(const std::string& format);
// "text, markdown, json, csv"
std::string report_formats();

// The four, for the factory and the tests.
std::unique_ptr<Reporter> make_terminal_reporter();
std::unique_ptr<Reporter> make_markdown_reporter();
std::unique_ptr<Reporter> make_json_reporter();
std::unique_ptr<Reporter> make_csv_reporter();

}  // namespace pmb
