#include "workloads/interpreter/allocator_domains.h"

#include <Python.h>

#include <array>
#include <stdexcept>

namespace pmb::python {
namespace {

// The backend's ops as a domain allocator: a zero-byte request becomes a one-byte one.
void* adapted_malloc(void* ctx, std::size_t size) {
    const auto* ops = static_cast<const AllocatorOps*>(ctx);
    return ops->malloc(ops->ctx, size == 0 ? 1 : size);
}
void* adapted_calloc(void* ctx, std::size_t nelem, std::size_t elsize) {
    const auto* ops = static_cast<const AllocatorOps*>(ctx);
    if (nelem == 0 || elsize == 0) nelem = elsize = 1;
    return ops->calloc(ops->ctx, nelem, elsize);
}
void* adapted_realloc(void* ctx, void* ptr, std::size_t size) {
    const auto* ops = static_cast<const AllocatorOps*>(ctx);
    return ops->realloc(ops->ctx, ptr, size == 0 ? 1 : size);
}
void adapted_free(void* ctx, void* ptr) {
    const auto* ops = static_cast<const AllocatorOps*>(ctx);
    ops->free(ops->ctx, ptr);
}

struct CountedDomain {
    PyMemAllocatorEx inner{};
    DomainCalls calls;
};

void* counted_malloc(void* ctx, std::size_t size) {
    auto* d = static_cast<CountedDomain*>(ctx);
    ++d->calls.malloc;
    return d->inner.malloc(d->inner.ctx, size);
}
void* counted_calloc(void* ctx, std::size_t nelem, std::size_t elsize) {
    auto* d = static_cast<CountedDomain*>(ctx);
    ++d->calls.calloc;
    return d->inner.calloc(d->inner.ctx, nelem, elsize);
}
void* counted_realloc(void* ctx, void* ptr, std::size_t size) {
    auto* d = static_cast<CountedDomain*>(ctx);
    ++d->calls.realloc;
    return d->inner.realloc(d->inner.ctx, ptr, size);
}
void counted_free(void* ctx, void* ptr) {
    auto* d = static_cast<CountedDomain*>(ctx);
    ++d->calls.free;
    d->inner.free(d->inner.ctx, ptr);
}

constexpr std::array<PyMemAllocatorDomain, 2> kDomains = {PYMEM_DOMAIN_MEM, PYMEM_DOMAIN_OBJ};
std::array<CountedDomain, 2> g_counted;  // mem, object; lives as long as the process
bool g_counting = false;
AllocatorOps g_backend_ops{};

}  // namespace

void install_allocator_domains(const Allocator& allocator, bool count) {
    if (allocator.name() != "cpython") {
        PyMemAllocatorEx served{};
        if (allocator.serves_process_malloc()) {
            PyMem_GetAllocator(PYMEM_DOMAIN_RAW, &served);  // PYTHONMALLOC=malloc
        } else {
            if (allocator.identity().library.find("libpython") != std::string::npos)
                throw std::invalid_argument("allocator '" + allocator.name() +
                                            "' calls the interpreter's own PyObject_Malloc, so it cannot also serve "
                                            "that interpreter (use cpython)");
            g_backend_ops = allocator.ops();
            if (allocator.keeps_zero_byte_blocks())
                served = {g_backend_ops.ctx, g_backend_ops.malloc, g_backend_ops.calloc, g_backend_ops.realloc,
                          g_backend_ops.free};
            else
                served = {&g_backend_ops, adapted_malloc, adapted_calloc, adapted_realloc, adapted_free};
        }
        for (PyMemAllocatorDomain domain : kDomains) PyMem_SetAllocator(domain, &served);
    }
    if (!count) return;
    g_counting = true;
    for (std::size_t i = 0; i < kDomains.size(); ++i) {
        PyMem_GetAllocator(kDomains[i], &g_counted[i].inner);
        PyMemAllocatorEx counted{&g_counted[i], counted_malloc, counted_calloc, counted_realloc, counted_free};
        PyMem_SetAllocator(kDomains[i], &counted);
    }
}

nlohmann::json domain_calls_json() {
    if (!g_counting) return nullptr;
    nlohmann::json out = nlohmann::json::object();
    const char* names[] = {"mem", "object"};
    for (std::size_t i = 0; i < kDomains.size(); ++i) {
        const DomainCalls& c = g_counted[i].calls;
        out[names[i]] = {{"malloc", c.malloc}, {"calloc", c.calloc}, {"realloc", c.realloc}, {"free", c.free}};
    }
    return out;
}

std::uint64_t domain_allocations() {
    std::uint64_t n = 0;
    for (const CountedDomain& d : g_counted) n += d.calls.malloc + d.calls.calloc + d.calls.realloc;
    return n;
}

}  // namespace pmb::python
