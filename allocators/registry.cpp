#include "allocators/registry.h"

#include <stdexcept>

#include "allocators/pool/pool_allocator.h"
#include "allocators/system_allocator.h"

namespace pmb {
namespace {

// Under AddressSanitizer, malloc is the sanitizer's own interceptor, by design.
#ifdef PMB_SANITIZER_BUILD
constexpr const char* kLibcMalloc = "libasan";
#else
constexpr const char* kLibcMalloc = "libc.so";
#endif

void reject_options(const std::string& name, const std::string& options) {
    if (!options.empty())
        throw std::invalid_argument("allocator '" + name + "' takes no options (got '" + options + "')");
}

std::string no_preload(const std::string&) { return ""; }

}  // namespace

AllocatorSpec parse_allocator_spec(const std::string& text) {
    AllocatorSpec spec;
    spec.text = text;
    auto colon = text.find(':');
    spec.name = text.substr(0, colon);
    if (colon != std::string::npos) spec.options = text.substr(colon + 1);
    return spec;
}

const std::vector<AllocatorEntry>& allocator_registry() {
    static const std::vector<AllocatorEntry> entries = {
        {"system", "the C library's malloc (glibc ptmalloc2)",
         [](const std::string& options) {
             reject_options("system", options);
             return make_process_malloc_allocator("system", kLibcMalloc);
         },
         [](const std::string& options) { reject_options("system", options); }, no_preload},
        {"pool",
         "pymalloc as in CPython 3.11's obmalloc, written here: 16 KiB pools in 1 MiB arenas "
         "(options: pool_size=, arena_size=, threshold=, alignment=)",
         [](const std::string& options) { return make_pool_allocator(parse_pool_config(options)); },
         [](const std::string& options) { parse_pool_config(options); }, no_preload},
    };
    return entries;
}

const AllocatorEntry* find_allocator(const std::string& name) {
    for (const AllocatorEntry& e : allocator_registry())
        if (e.name == name) return &e;
    return nullptr;
}

}  // namespace pmb
