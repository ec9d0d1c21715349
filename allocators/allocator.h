// The allocator axis: what every memory backend looks like to the rest of pymembench.
//
// A backend is CPython's allocator domain in C++ clothes: a context pointer and four function
// pointers (PyMemAllocatorEx in CPython 3.11's Include/cpython/pymem.h), plus the cold facts a
// benchmark must report about it: which library really served the memory, its version, and the
// allocator's own statistics.
//
// Invariants every backend keeps:
//   - malloc(ctx, 0) returns a unique, freeable pointer (as PyObject_Malloc does), never nullptr
//     unless memory is exhausted;
//   - blocks of 16 bytes or more are aligned to 16 (the 64-bit CPython object alignment; the
//     malloc libraries may align smaller blocks to 8 only, as C allows);
//   - free(ctx, nullptr) and realloc(ctx, nullptr, n) behave as in C;
//   - stats() may be called at any time and never allocates through ops().
//
// The hot path is AllocatorOps alone: one indirect call per request, nothing virtual.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

namespace pmb {

struct AllocatorOps {
    void* ctx;
    void* (*malloc)(void* ctx, std::size_t size);
    void* (*calloc)(void* ctx, std::size_t nelem, std::size_t elsize);
    void* (*realloc)(void* ctx, void* ptr, std::size_t new_size);
    void (*free)(void* ctx, void* ptr);
};

// Which code served the allocations: the shared object that defines the entry point the backend
// calls (found with dladdr at run time, not assumed) and that library's own version string.
struct AllocatorIdentity {
    std::string library;  // e.g. "libc.so.6", "libmimalloc.so.2", "pymembench (pool)"
    std::string version;  // e.g. "glibc 2.36", "mimalloc 2.0.9"
};

class Allocator {
public:
    virtual ~Allocator() = default;
    virtual const std::string& name() const = 0;
    virtual const AllocatorOps& ops() const = 0;
    virtual AllocatorIdentity identity() const = 0;
    // The allocator's own accounting, as JSON. Keys used across backends when known:
    //   "held_bytes": bytes the allocator holds from the OS (mapped/committed/resident as it reports);
    //   "allocated_bytes": bytes the allocator considers handed out.
    virtual nlohmann::json stats() const = 0;
    // True when ops() are the process's own malloc, calloc, realloc and free (the C library's or
    // a preloaded library's): an embedded interpreter is then served as PYTHONMALLOC=malloc does.
    virtual bool serves_process_malloc() const { return false; }
    // True when a zero-byte request (malloc, calloc, realloc(p, 0)) still returns a live block, as
    // CPython's mem and object domains require of their allocator (pymalloc's semantics).
    virtual bool keeps_zero_byte_blocks() const { return false; }
};

}  // namespace pmb
