// Which allocator serves an embedded CPython 3.11: the binding of the allocator axis to the real
// interpreter (Include/cpython/pymem.h: PyMem_SetAllocator and its three domains).
//
// CPython 3.11 has three allocator domains: raw (PyMem_RawMalloc: the C library's malloc, or the
// preloaded library's, always), mem (PyMem_Malloc: pymalloc by default; list item arrays, set
// tables, managed-dict value arrays) and object (PyObject_Malloc: pymalloc; object bodies). A
// backend serves the mem and object domains:
//   - `cpython`: nothing is installed; the interpreter's own pymalloc serves both, untouched;
//   - a backend whose ops are the process's malloc (system, mimalloc, jemalloc, tcmalloc,
//     preload:PATH; Allocator::serves_process_malloc): both domains get the raw domain's own
//     functions, which is exactly what PYTHONMALLOC=malloc does;
//   - any other backend: its ops, directly when it keeps zero-byte blocks as pymalloc does (pool),
//     else (slow:...) behind an adapter that turns a zero-byte request into a one-byte one, as
//     CPython's raw functions do (realloc(p, 0) must not free).
// With counting on, a counter per domain and call kind is wrapped around whatever serves each
// domain (one more indirect call per request; off by default).
//
// Invariant: install_allocator_domains is called once, after pre-initialization and before the
// interpreter's first mem- or object-domain allocation, so every block is freed by the allocator
// that made it. The domains are only called with the GIL held: the counters need no atomics.
#pragma once

#include <cstdint>

#include <nlohmann/json.hpp>

#include "allocators/allocator.h"

namespace pmb::python {

struct DomainCalls {
    std::uint64_t malloc = 0, calloc = 0, realloc = 0, free = 0;
};

void install_allocator_domains(const Allocator& allocator, bool count);

// Calls per domain so far ({"mem": {...}, "object": {...}}); null when counting is off.
nlohmann::json domain_calls_json();
// malloc + calloc + realloc over both domains (0 when counting is off).
std::uint64_t domain_allocations();

}  // namespace pmb::python
