// pmb_word_reader WORDS PARENT_PID: the helper process of WordPrefetcher (word_prefetcher.h).
// Descriptor 3 is the compiled trace's memory file, descriptor 4 the shared page of buffers.
#include <cstdlib>
#include <string>

#include "workloads/trace/word_prefetcher.h"

int main(int argc, char** argv) {
    if (argc != 3) return 2;
    return pmb::trace::WordPrefetcher::serve(3, 4, std::strtoull(argv[1], nullptr, 10),
                                       static_cast<pid_t>(std::strtol(argv[2], nullptr, 10)));
}
