// Report: what a table command shows, independent of the format it is shown in. A command builds
// one (compare, report pauses, report agreement, validate) and hands it to the reporter of the
// format asked for (reporters/reporter.h); no command formats its own output.
//
// A report is a title, a sequence of blocks (headings, paragraphs, tables) for people, and the
// computed figures as JSON for programs (`data`, which the JSON reporter prints as it is: the
// JSON of a report is its figures, never its layout).
//
// Invariants: every row of a table has one cell per column. A cell's `text` is what people read
// (already formatted, "-" for no value); its `value` is the raw figure (a number in the column's
// unit, null when there is none) that CSV writes under the column's `key`. Text may mark code
// with backticks, Markdown's own markup; the terminal shows it without them.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace pmb {

struct ReportCell {
    std::string text;
    nlohmann::json value;  // null: CSV writes the text
};

struct ReportColumn {
    std::string title;     // people's name, with its display unit ("p99 ms")
    std::string key;       // CSV's header, the raw value's name ("pause_p99_ns")
    bool numeric = false;  // right-aligned
};

struct ReportTable {
    std::vector<ReportColumn> columns;
    std::vector<std::vector<ReportCell>> rows;
    std::string when_empty;   // the line shown instead of a table with no rows
    // Rows with the same first cell form a group: the terminal prints the value once as the
    // group's heading and leaves the column out; Markdown and CSV keep it as a column.
    bool grouped = false;
    // A full listing behind the tables above it: Markdown folds it into a <details> block titled
    // `fold_title`, the terminal leaves it out, and CSV writes it in place of the tables it lists
    // in full (a report with a folded table gives CSV only its folded tables).
    bool folded = false;
    std::string fold_title;
};

struct ReportBlock {
    enum class Kind { heading, paragraph, table };
    Kind kind = Kind::paragraph;
    std::string text;   // heading or paragraph
    ReportTable table;  // Kind::table
};

struct Report {
    std::string title;
    bool alert = false;  // the title announces a failure (Markdown marks it with a warning sign)
    std::vector<ReportBlock> blocks;
    nlohmann::json data;

    void heading(std::string text) { blocks.push_back({ReportBlock::Kind::heading, std::move(text), {}}); }
    void paragraph(std::string text) { blocks.push_back({ReportBlock::Kind::paragraph, std::move(text), {}}); }
    void table(ReportTable t) { blocks.push_back({ReportBlock::Kind::table, {}, std::move(t)}); }
};

// A cell of a number printed with a printf format (e.g. "%.3f"), "-" and null when `v` is not a
// number; `scale` converts the raw value to the displayed unit and never touches `value`.
ReportCell number_cell(const nlohmann::json& v, const char* format, double scale = 1);
ReportCell text_cell(std::string text);
// `s` without the backticks that mark code in it.
std::string without_code_marks(const std::string& s);

}  // namespace pmb
