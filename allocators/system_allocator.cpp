#include "allocators/system_allocator.h"

#include <dlfcn.h>
#include <link.h>
#include <gnu/libc-version.h>
#include <malloc.h>

#include <cstdint>
#include <cstdlib>
#include <stdexcept>

namespace pmb {
namespace {

void* process_malloc(void*, std::size_t size) { return std::malloc(size); }
void* process_calloc(void*, std::size_t n, std::size_t size) { return std::calloc(n, size); }
void* process_realloc(void*, void* ptr, std::size_t size) { return std::realloc(ptr, size); }
void process_free(void*, void* ptr) { std::free(ptr); }

template <typename Fn>
Fn find_symbol(const char* symbol) {
    return reinterpret_cast<Fn>(dlsym(RTLD_DEFAULT, symbol));
}

// Whether `address` lies in the main program's loaded segments (dl_iterate_phdr lists it first).
bool in_main_program(const void* address) {
    struct Query {
        std::uintptr_t address;
        bool found = false;
    } query{reinterpret_cast<std::uintptr_t>(address)};
    dl_iterate_phdr(
        [](dl_phdr_info* object, std::size_t, void* data) {
            auto* q = static_cast<Query*>(data);
            for (int i = 0; i < object->dlpi_phnum; ++i) {
                const ElfW(Phdr)& segment = object->dlpi_phdr[i];
                const std::uintptr_t start = object->dlpi_addr + segment.p_vaddr;
                if (segment.p_type == PT_LOAD && q->address >= start && q->address < start + segment.p_memsz)
                    q->found = true;
            }
            return 1;  // the first object only: the main program
        },
        &query);
    return query.found;
}

std::string base_name(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Each malloc library states its version through its own API; ask whichever is present.
std::string serving_library_version(const std::string& library) {
    if (library.find("mimalloc") != std::string::npos) {
        if (auto mi_version = find_symbol<int (*)()>("mi_version")) {
            int v = mi_version();
            return "mimalloc " + std::to_string(v / 100) + "." + std::to_string(v / 10 % 10) + "." +
                   std::to_string(v % 10);
        }
    }
    if (library.find("jemalloc") != std::string::npos) {
        if (auto mallctl = find_symbol<int (*)(const char*, void*, std::size_t*, void*, std::size_t)>("mallctl")) {
            const char* version = nullptr;
            std::size_t len = sizeof(version);
            if (mallctl("version", &version, &len, nullptr, 0) == 0 && version != nullptr)
                return std::string("jemalloc ") + version;
        }
    }
    if (library.find("tcmalloc") != std::string::npos) {
        if (auto tc_version = find_symbol<const char* (*)(int*, int*, const char**)>("tc_version")) {
            int major = 0, minor = 0;
            const char* patch = nullptr;
            return tc_version(&major, &minor, &patch);
        }
    }
    if (library.find("libc.so") != std::string::npos) return std::string("glibc ") + gnu_get_libc_version();
    if (library.find("libasan") != std::string::npos)
        return std::string("AddressSanitizer allocator (glibc ") + gnu_get_libc_version() + ")";
    return "unknown";
}

// The leading fields of mimalloc's mi_heap_area_t (stable since 1.x).
struct MiHeapArea {
    void* blocks;
    std::size_t reserved;
    std::size_t committed;
    std::size_t used;        // blocks in use
    std::size_t block_size;  // size of each block
};
using MiBlockVisitor = bool (*)(const void* heap, const MiHeapArea* area, void* block, std::size_t size, void* arg);

bool sum_mimalloc_area(const void*, const MiHeapArea* area, void* block, std::size_t, void* arg) {
    if (block == nullptr) *static_cast<std::size_t*>(arg) += area->used * area->block_size;
    return true;
}

nlohmann::json serving_library_stats(const std::string& library) {
    nlohmann::json s = nlohmann::json::object();
    if (library.find("jemalloc") != std::string::npos) {
        auto mallctl = find_symbol<int (*)(const char*, void*, std::size_t*, void*, std::size_t)>("mallctl");
        if (mallctl == nullptr) return s;
        std::uint64_t epoch = 1;
        std::size_t elen = sizeof(epoch);
        mallctl("epoch", &epoch, &elen, &epoch, elen);  // refresh the cached statistics
        for (const char* key : {"stats.allocated", "stats.active", "stats.resident", "stats.mapped"}) {
            std::size_t value = 0, len = sizeof(value);
            if (mallctl(key, &value, &len, nullptr, 0) == 0) s[std::string(key).substr(6)] = value;
        }
        if (s.contains("allocated")) s["allocated_bytes"] = s["allocated"];
        if (s.contains("resident")) s["held_bytes"] = s["resident"];
        return s;
    }
    if (library.find("tcmalloc") != std::string::npos) {
        auto get = find_symbol<int (*)(const char*, std::size_t*)>("MallocExtension_GetNumericProperty");
        if (get == nullptr) return s;
        std::size_t value = 0;
        if (get("generic.current_allocated_bytes", &value)) s["allocated_bytes"] = value;
        if (get("generic.heap_size", &value)) s["heap_size"] = value;
        if (get("tcmalloc.pageheap_unmapped_bytes", &value)) s["unmapped_bytes"] = value;
        if (s.contains("heap_size"))
            s["held_bytes"] = s["heap_size"].get<std::size_t>() - s.value("unmapped_bytes", std::size_t{0});
        return s;
    }
    if (library.find("mimalloc") != std::string::npos) {
        using ProcessInfo = void (*)(std::size_t*, std::size_t*, std::size_t*, std::size_t*, std::size_t*,
                                     std::size_t*, std::size_t*, std::size_t*);
        if (auto info = find_symbol<ProcessInfo>("mi_process_info")) {
            std::size_t elapsed, user, sys, rss, peak_rss, commit, peak_commit, faults;
            info(&elapsed, &user, &sys, &rss, &peak_rss, &commit, &peak_commit, &faults);
            s["committed_bytes"] = commit;
            s["peak_committed_bytes"] = peak_commit;
            s["held_bytes"] = commit;
        }
        // Bytes in use: walk the default heap's areas (pages), summing used blocks x block size.
        auto get_heap = find_symbol<void* (*)()>("mi_heap_get_default");
        auto visit = find_symbol<bool (*)(const void*, bool, MiBlockVisitor, void*)>("mi_heap_visit_blocks");
        if (get_heap != nullptr && visit != nullptr) {
            std::size_t used = 0;
            visit(get_heap(), false, &sum_mimalloc_area, &used);
            s["allocated_bytes"] = used;
        }
        return s;
    }
    if (library.find("libasan") != std::string::npos) {
        // Sanitizer builds: ASan's allocator serves malloc and reports through its interface.
        auto allocated = find_symbol<std::size_t (*)()>("__sanitizer_get_current_allocated_bytes");
        auto heap = find_symbol<std::size_t (*)()>("__sanitizer_get_heap_size");
        if (allocated != nullptr) s["allocated_bytes"] = allocated();
        if (heap != nullptr) s["held_bytes"] = heap();
        return s;
    }
    if (library.find("libc.so") != std::string::npos) {
        struct mallinfo2 mi = mallinfo2();
        s["arena_bytes"] = mi.arena;
        s["mmap_bytes"] = mi.hblkhd;
        s["allocated_bytes"] = mi.uordblks + mi.hblkhd;
        s["free_bytes"] = mi.fordblks;
        s["held_bytes"] = mi.arena + mi.hblkhd;
    }
    return s;
}

class ProcessMallocAllocator final : public Allocator {
public:
    ProcessMallocAllocator(std::string name, std::string expected)
        : name_(std::move(name)), library_(library_serving_malloc()) {
        if (!expected.empty() && library_.find(expected) == std::string::npos)
            throw std::runtime_error("allocator '" + name_ + "' expects malloc from " + expected +
                                     " but this process's malloc is served by " + library_ +
                                     " (the run was not started with that library preloaded)");
    }
    const std::string& name() const override { return name_; }
    const AllocatorOps& ops() const override { return ops_; }
    AllocatorIdentity identity() const override { return {library_, serving_library_version(library_)}; }
    nlohmann::json stats() const override { return serving_library_stats(library_); }
    bool serves_process_malloc() const override { return true; }

private:
    std::string name_;
    std::string library_;
    AllocatorOps ops_{nullptr, process_malloc, process_calloc, process_realloc, process_free};
};

}  // namespace

std::string library_serving_malloc() {
    Dl_info info{};
    void* sym = dlsym(RTLD_DEFAULT, "malloc");
    if (sym == nullptr || dladdr(sym, &info) == 0 || info.dli_fname == nullptr) return "unknown";
    // A non-PIE executable that takes malloc's address (python3.11, into which the python
    // workload's agent is preloaded first) defines a canonical PLT entry for it: the code behind
    // that entry is the next definition after this library's.
    if (in_main_program(sym)) {
        Dl_info next{};
        void* behind = dlsym(RTLD_NEXT, "malloc");
        if (behind != nullptr && dladdr(behind, &next) != 0 && next.dli_fname != nullptr) return base_name(next.dli_fname);
    }
    return base_name(info.dli_fname);
}

std::unique_ptr<Allocator> make_process_malloc_allocator(const std::string& name,
                                                         const std::string& expected_library) {
    return std::make_unique<ProcessMallocAllocator>(name, expected_library);
}

}  // namespace pmb
