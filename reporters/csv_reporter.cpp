// CSV (RFC 4180, CRLF-free): raw values under the columns' keys. The tables written are the folded
// ones when the report has any (they list the others in full), else every table. When all of them
// have the same keys they share one header, with a first column `section` (the heading above each
// table, without backticks) when there are several; otherwise each has its own header and a blank
// line separates them.
#include "reporters/reporter.h"

namespace pmb {
namespace {

std::string field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

std::string value_text(const ReportCell& c) {
    if (c.value.is_string()) return c.value.get<std::string>();
    if (!c.value.is_null()) return c.value.dump();
    return c.text == "-" ? "" : c.text;
}

struct Placed {
    const ReportTable* table;
    std::string section;
};

std::string header(const ReportTable& t, bool with_section) {
    std::string out = with_section ? "section" : "";
    for (const ReportColumn& c : t.columns) out += (out.empty() ? "" : ",") + field(c.key);
    return out + "\n";
}

class CsvReporter final : public Reporter {
public:
    std::string render(const Report& report) const override {
        bool any_folded = false;
        for (const ReportBlock& b : report.blocks) any_folded |= b.kind == ReportBlock::Kind::table && b.table.folded;
        std::vector<Placed> tables;
        std::string section;
        for (const ReportBlock& b : report.blocks) {
            if (b.kind == ReportBlock::Kind::heading) section = without_code_marks(b.text);
            if (b.kind == ReportBlock::Kind::table && b.table.folded == any_folded) tables.push_back({&b.table, section});
        }
        bool same_keys = true;
        for (const Placed& p : tables) {
            if (p.table->columns.size() != tables.front().table->columns.size()) same_keys = false;
            else
                for (std::size_t c = 0; c < p.table->columns.size(); ++c)
                    same_keys &= p.table->columns[c].key == tables.front().table->columns[c].key;
        }
        const bool with_section = same_keys && tables.size() > 1;
        std::string out;
        for (std::size_t i = 0; i < tables.size(); ++i) {
            if (i == 0 || !same_keys) out += (i == 0 ? "" : "\n") + header(*tables[i].table, with_section);
            for (const auto& row : tables[i].table->rows) {
                std::string line = with_section ? field(tables[i].section) : "";
                for (std::size_t c = 0; c < row.size(); ++c)
                    line += (c == 0 && !with_section ? "" : ",") + field(value_text(row[c]));
                out += line + "\n";
            }
        }
        return out;
    }
};

}  // namespace

std::unique_ptr<Reporter> make_csv_reporter() { return std::make_unique<CsvReporter>(); }

}  // namespace pmb
