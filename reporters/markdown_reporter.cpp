// GitHub-flavoured Markdown: the title as a level-3 heading (an alert's with a warning sign),
// headings at level 4, paragraphs and tables separated by blank lines, `|` in a cell escaped,
// numeric columns right-aligned, folded tables inside <details>.
#include "reporters/reporter.h"

namespace pmb {
namespace {

std::string cell(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '|') out += '\\';
        out += c == '\n' ? ' ' : c;
    }
    return out;
}

std::string render_table(const ReportTable& t) {
    if (t.rows.empty()) return t.when_empty + "\n";
    std::string out = "|", rule = "|";
    for (const ReportColumn& c : t.columns) {
        out += " " + cell(c.title) + " |";
        rule += c.numeric ? "---:|" : "---|";
    }
    out += "\n" + rule + "\n";
    for (const auto& row : t.rows) {
        out += "|";
        for (const ReportCell& c : row) out += " " + cell(c.text) + " |";
        out += "\n";
    }
    return out;
}

class MarkdownReporter final : public Reporter {
public:
    std::string render(const Report& report) const override {
        std::string out;
        if (!report.title.empty()) out += "### " + std::string(report.alert ? ":warning: " : "") + report.title + "\n\n";
        for (const ReportBlock& b : report.blocks) {
            switch (b.kind) {
                case ReportBlock::Kind::heading: out += "#### " + b.text + "\n\n"; break;
                case ReportBlock::Kind::paragraph: out += b.text + "\n\n"; break;
                case ReportBlock::Kind::table:
                    if (b.table.folded)
                        out += "<details><summary>" + b.table.fold_title + "</summary>\n\n" + render_table(b.table) +
                               "\n</details>\n\n";
                    else
                        out += render_table(b.table) + "\n";
                    break;
            }
        }
        while (out.size() > 1 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') out.pop_back();
        return out;
    }
};

}  // namespace

std::unique_ptr<Reporter> make_markdown_reporter() { return std::make_unique<MarkdownReporter>(); }

}  // namespace pmb
