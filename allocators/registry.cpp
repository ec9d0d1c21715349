#include "allocators/registry.h"

#include <unistd.h>

#include <stdexcept>

#include "allocators/cpython_allocator.h"
#include "allocators/pool/pool_allocator.h"
#include "allocators/slow_allocator.h"
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

// An entry for a malloc library that the harness preloads into the run's process.
AllocatorEntry preloaded(const std::string& name, const std::string& description, const std::string& library_path,
                         const std::string& expected_library) {
    return {name, description + " (preloaded: " + library_path.substr(library_path.rfind('/') + 1) + ")",
            [name, expected_library](const std::string& options) {
                reject_options(name, options);
                return make_process_malloc_allocator(name, expected_library);
            },
            [name](const std::string& options) { reject_options(name, options); },
            [library_path](const std::string&) { return library_path; }};
}

void check_preload_path(const std::string& path) {
    if (path.empty())
        throw std::invalid_argument("allocator 'preload' needs a library path (accepted: preload:/path/to/libfoo.so)");
    if (access(path.c_str(), R_OK) != 0)
        throw std::invalid_argument("preload library '" + path + "' does not exist or is not readable");
}

}  // namespace

AllocatorSpec parse_allocator_spec(const std::string& text) {
    AllocatorSpec spec;
    spec.text = text;
    auto colon = text.find(':');
    spec.name = text.substr(0, colon);
    if (colon != std::string::npos) spec.options = text.substr(colon + 1);
    return spec;
}

namespace {

std::deque<AllocatorEntry>& entries() {
    static std::deque<AllocatorEntry> entries = {
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
        {"cpython", "the real obmalloc: PyObject_Malloc from the system's libpython3.11",
         [](const std::string& options) {
             reject_options("cpython", options);
             return make_cpython_allocator();
         },
         [](const std::string& options) { reject_options("cpython", options); }, no_preload},
        preloaded("mimalloc", "Microsoft's mimalloc", PMB_MIMALLOC_LIBRARY, "libmimalloc"),
        preloaded("jemalloc", "jemalloc", PMB_JEMALLOC_LIBRARY, "libjemalloc"),
        preloaded("tcmalloc", "gperftools' tcmalloc (minimal)", PMB_TCMALLOC_LIBRARY, "libtcmalloc"),
        {"slow", "any backend slowed down, for validating regression checks: slow:ns=40:pool (a cost per call), "
                 "slow:pct=5:pool (throughput 5 % lower)",
         [](const std::string& options) {
             const SlowSpec slow = parse_slow_spec(options);
             const AllocatorSpec base = parse_allocator_spec(slow.base);
             return make_slow_allocator(slow, allocator_entry(base.name).make(base.options));
         },
         [](const std::string& options) {
             const AllocatorSpec base = parse_allocator_spec(parse_slow_spec(options).base);
             allocator_entry(base.name).check(base.options);
         },
         [](const std::string& options) {
             const AllocatorSpec base = parse_allocator_spec(parse_slow_spec(options).base);
             return allocator_entry(base.name).preload(base.options);
         },
         false, "slow:ns=N:BASE or slow:pct=P:BASE"},
        {"preload", "any malloc library: preload:/path/to/libfoo.so, started with LD_PRELOAD",
         [](const std::string& path) {
             check_preload_path(path);
             return make_process_malloc_allocator("preload", path.substr(path.rfind('/') + 1));
         },
         check_preload_path, [](const std::string& path) { return path; }, false, "preload:PATH"},
    };
    return entries;
}

}  // namespace

const std::deque<AllocatorEntry>& allocator_registry() { return entries(); }

void add_allocator(AllocatorEntry entry) {
    if (find_allocator(entry.name) != nullptr)
        throw std::invalid_argument("an allocator named '" + entry.name + "' is already registered");
    entries().push_back(std::move(entry));
}

const AllocatorEntry* find_allocator(const std::string& name) {
    for (const AllocatorEntry& e : allocator_registry())
        if (e.name == name) return &e;
    return nullptr;
}

std::string accepted_allocators() {
    std::string accepted;
    for (const AllocatorEntry& e : allocator_registry())
        accepted += (accepted.empty() ? "" : ", ") + (e.usage.empty() ? e.name : e.usage);
    return accepted;
}

const AllocatorEntry& allocator_entry(const std::string& name) {
    if (const AllocatorEntry* e = find_allocator(name)) return *e;
    throw std::invalid_argument("unknown allocator '" + name + "' (accepted: " + accepted_allocators() + ")");
}

}  // namespace pmb
