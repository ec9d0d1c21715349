// cpython: the real obmalloc, PyObject_Malloc / PyObject_Realloc / PyObject_Free from the system's
// libpython3.11, called without starting the interpreter (3.11's object allocator is statically
// initialised to pymalloc, so it serves requests before Py_Initialize).
//
// It is the reference the `pool` backend is measured against. Its statistics come from
// _PyObject_DebugMallocStats, the C side of sys._debugmallocstats(), parsed into JSON.
#pragma once

#include <memory>

#include "allocators/allocator.h"

namespace pmb {

std::unique_ptr<Allocator> make_cpython_allocator();

// Parses the text _PyObject_DebugMallocStats prints ("# arenas allocated total = 4", ...) into
// {"arenas_allocated_total": 4, ...}: lowercase keys, runs of non-alphanumerics as '_'.
nlohmann::json parse_debug_malloc_stats(const std::string& text);

}  // namespace pmb
