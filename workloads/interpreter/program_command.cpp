#include "workloads/interpreter/program_command.h"

#include <stdexcept>

namespace pmb::python {

std::vector<std::string> split_arguments(const std::string& text) {
    std::vector<std::string> words;
    std::string word;
    bool in_word = false;
    char quote = 0;
    for (char c : text) {
        if (quote != 0) {
            if (c == quote) quote = 0;
            else word += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == ' ' || c == '\t') {
            if (in_word) words.push_back(word);
            word.clear();
            in_word = false;
        } else {
            word += c;
            in_word = true;
        }
    }
    if (quote != 0) throw std::invalid_argument("args '" + text + "' has an unclosed " + quote + " quote");
    if (in_word) words.push_back(word);
    return words;
}

ProgramCommand program_command(const Params& params) {
    const std::string& script = params.text("script");
    const std::string& module = params.text("module");
    if (script.empty() == module.empty())
        throw std::invalid_argument("workload 'python' needs exactly one of script=PROG.py and module=NAME");
    ProgramCommand command = script.empty() ? ProgramCommand{"-m", module} : ProgramCommand{script};
    for (std::string& a : split_arguments(params.text("args"))) command.push_back(std::move(a));
    return command;
}

}  // namespace pmb::python
