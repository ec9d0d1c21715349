// libFuzzer target: the trace reader and trace-info on arbitrary bytes. Whatever the input, they
// either accept it or throw TraceError; anything else (a crash, a sanitizer report, another
// exception, a hang) is a finding. Built with -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION, which
// skips the CRC check so that mutations reach the decoder behind it (scripts/fuzz.sh).
#include <cstddef>
#include <cstdint>

#include "workloads/trace/trace_info.h"
#include "workloads/trace/trace_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace pmb::trace;
    try {
        TraceReader reader(data, size, "input");
        const nlohmann::json info = trace_info(reader);
        (void)trace_info_text(info);
        // The replay's second pass: the same events again, checksums off.
        reader.rewind();
        reader.set_verify_checksums(false);
        Event e;
        while (reader.next(e)) {
        }
    } catch (const TraceError&) {
    }
    return 0;
}
