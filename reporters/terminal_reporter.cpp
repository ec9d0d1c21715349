// The terminal: the title, then the blocks a blank line apart (a paragraph right after a table is
// its note and follows it directly); tables in aligned columns, two spaces apart, numbers
// right-aligned, widths in terminal columns (UTF-8's "Δ" is two bytes and one column). Folded
// tables are left out; code is shown without its backticks.
#include <algorithm>

#include "reporters/reporter.h"

namespace pmb {
namespace {

std::size_t display_width(const std::string& s) {
    std::size_t columns = 0;
    for (unsigned char c : s) columns += (c & 0xC0) != 0x80;
    return columns;
}

std::string pad(const std::string& s, std::size_t width, bool right) {
    const std::string fill(width > display_width(s) ? width - display_width(s) : 0, ' ');
    return right ? fill + s : s + fill;
}

std::string render_table(const ReportTable& t) {
    if (t.rows.empty()) return without_code_marks(t.when_empty) + "\n";
    const std::size_t first = t.grouped ? 1 : 0;  // a grouped table's first column is its headings
    std::vector<std::size_t> width(t.columns.size(), 0);
    for (std::size_t c = first; c < t.columns.size(); ++c) {
        width[c] = display_width(without_code_marks(t.columns[c].title));
        for (const auto& row : t.rows) width[c] = std::max(width[c], display_width(without_code_marks(row[c].text)));
    }
    const std::string indent = t.grouped ? "  " : "";
    auto line = [&](auto text_of) {
        std::string out = indent;
        for (std::size_t c = first; c < t.columns.size(); ++c)
            out += (c > first ? "  " : "") + pad(without_code_marks(text_of(c)), width[c], t.columns[c].numeric);
        while (!out.empty() && out.back() == ' ') out.pop_back();
        return out + "\n";
    };
    const std::string header = line([&](std::size_t c) { return t.columns[c].title; });
    std::string out = t.grouped ? "" : header;
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        if (t.grouped && (r == 0 || t.rows[r][0].text != t.rows[r - 1][0].text))
            out += (r == 0 ? "" : "\n") + without_code_marks(t.rows[r][0].text) + "\n" + header;
        out += line([&](std::size_t c) { return t.rows[r][c].text; });
    }
    return out;
}

class TerminalReporter final : public Reporter {
public:
    std::string render(const Report& report) const override {
        std::string out = report.title.empty() ? "" : without_code_marks(report.title) + "\n";
        const ReportBlock* previous = nullptr;
        for (const ReportBlock& b : report.blocks) {
            if (b.kind == ReportBlock::Kind::table && b.table.folded) continue;
            // A blank line before each block, except a paragraph that notes on the table above it.
            const bool note = b.kind == ReportBlock::Kind::paragraph && previous != nullptr &&
                              previous->kind == ReportBlock::Kind::table;
            if (!out.empty() && !note) out += "\n";
            out += b.kind == ReportBlock::Kind::table ? render_table(b.table) : without_code_marks(b.text) + "\n";
            previous = &b;
        }
        return out;
    }
};

}  // namespace

std::unique_ptr<Reporter> make_terminal_reporter() { return std::make_unique<TerminalReporter>(); }

}  // namespace pmb
