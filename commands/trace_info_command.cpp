// `trace-info TRACE [--json]`: what a trace holds (events, sizes, lifetimes, peak live bytes, the
// split by domain). Exit code 0, or 2 with one line when the file is not a valid trace.
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "commands/command.h"
#include "workloads/trace/trace_info.h"
#include "workloads/trace/trace_reader.h"

namespace pmb {
namespace {

class TraceInfoCommand final : public Command {
public:
    void declare(CLI::App& app) override {
        app.add_option("trace", path_, "the trace file")->required();
        app.add_flag("--json", json_, "print it as JSON");
    }

    int execute(const Invocation&) override {
        try {
            trace::TraceReader reader(path_);
            const nlohmann::json info = trace::trace_info(reader);
            std::cout << (json_ ? info.dump(1) + "\n" : trace::trace_info_text(info));
            return 0;
        } catch (const trace::TraceError& e) {
            std::fprintf(stderr, "pymembench: %s\n", e.what());
            return 2;
        }
    }

private:
    std::string path_;
    bool json_ = false;
};

}  // namespace

CommandEntry trace_info_command() {
    return {"trace-info", "what a trace holds: events, sizes, lifetimes, peak live bytes", false, false,
            []() -> std::unique_ptr<Command> { return std::make_unique<TraceInfoCommand>(); }};
}

}  // namespace pmb
