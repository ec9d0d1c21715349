// system: the C library's malloc, called through the process's own `malloc` symbol.
//
// Backends that preload a malloc library (mimalloc, jemalloc, tcmalloc, preload:PATH) are the same
// code with a different expected library: every one of them calls the process-wide malloc, and
// identity() reports the shared object that actually defines it (dladdr), so a run that silently
// got another allocator than it names is caught (verify_identity throws).
#pragma once

#include <memory>
#include <string>

#include "allocators/allocator.h"

namespace pmb {

// `expected_library` is a substring of the serving library's file name ("libc.so", "libmimalloc",
// ...) or empty to accept any.
std::unique_ptr<Allocator> make_process_malloc_allocator(const std::string& name,
                                                         const std::string& expected_library);

// The shared object that defines the process's `malloc` (path as the dynamic linker loaded it).
std::string library_serving_malloc();

}  // namespace pmb
