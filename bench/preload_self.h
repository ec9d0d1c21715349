// For benchmark programs that take an allocator spec: a backend whose library must be preloaded
// (mimalloc, jemalloc, tcmalloc, preload:) needs LD_PRELOAD before the process starts, so the
// program re-executes itself with it set, exactly as the harness starts its workers.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "allocators/registry.h"

namespace pmb {

inline void ensure_preloaded(const AllocatorEntry& entry, const AllocatorSpec& spec, char** argv) {
    const std::string lib = entry.preload(spec.options);
    const std::string current = std::getenv("LD_PRELOAD") != nullptr ? std::getenv("LD_PRELOAD") : "";
    // Already there (valgrind adds its own libraries to the list, so look for the entry).
    if (lib.empty() || (":" + current + ":").find(":" + lib + ":") != std::string::npos) return;
    setenv("LD_PRELOAD", lib.c_str(), 1);
    execvp(argv[0], argv);  // by its name, not /proc/self/exe, so that valgrind follows the exec
    execv("/proc/self/exe", argv);
    std::fprintf(stderr, "%s: could not re-execute with LD_PRELOAD=%s\n", argv[0], lib.c_str());
    std::exit(2);
}

}  // namespace pmb
