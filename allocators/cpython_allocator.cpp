#include "allocators/cpython_allocator.h"

#include <Python.h>
#include <dlfcn.h>

#include <cctype>
#include <cstdio>
#include <sstream>

// Exported by libpython3.11 but declared only in its internal headers (pycore_pymem.h).
extern "C" int _PyObject_DebugMallocStats(FILE* out);

namespace pmb {
namespace {

void* cpython_malloc(void*, std::size_t size) { return PyObject_Malloc(size); }
void* cpython_calloc(void*, std::size_t n, std::size_t size) { return PyObject_Calloc(n, size); }
void* cpython_realloc(void*, void* ptr, std::size_t size) { return PyObject_Realloc(ptr, size); }
void cpython_free(void*, void* ptr) { PyObject_Free(ptr); }

std::string library_of(const void* symbol) {
    Dl_info info{};
    if (dladdr(symbol, &info) == 0 || info.dli_fname == nullptr) return "unknown";
    std::string path = info.dli_fname;
    return path.substr(path.rfind('/') + 1);
}

std::string debug_malloc_stats_text() {
    std::string text;
    if (FILE* f = std::tmpfile()) {
        _PyObject_DebugMallocStats(f);
        std::rewind(f);
        char buf[4096];
        std::size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
        std::fclose(f);
    }
    return text;
}

class CPythonAllocator final : public Allocator {
public:
    const std::string& name() const override { return name_; }
    const AllocatorOps& ops() const override { return ops_; }
    AllocatorIdentity identity() const override {
        std::string version = Py_GetVersion();
        return {library_of(reinterpret_cast<const void*>(&PyObject_Malloc)),
                "CPython " + version.substr(0, version.find(' '))};
    }
    nlohmann::json stats() const override {
        nlohmann::json s = parse_debug_malloc_stats(debug_malloc_stats_text());
        // The keys shared with the other backends.
        if (s.contains("bytes_in_allocated_blocks")) s["allocated_bytes"] = s["bytes_in_allocated_blocks"];
        if (s.contains("arenas_allocated_current"))
            s["held_bytes"] = s["arenas_allocated_current"].get<std::uint64_t>() * (std::uint64_t{1} << 20);
        return s;
    }

private:
    const std::string name_ = "cpython";
    AllocatorOps ops_{nullptr, cpython_malloc, cpython_calloc, cpython_realloc, cpython_free};
};

}  // namespace

nlohmann::json parse_debug_malloc_stats(const std::string& text) {
    nlohmann::json out = nlohmann::json::object();
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        auto eq = line.rfind('=');
        if (eq == std::string::npos || line.find('*') != std::string::npos) continue;
        std::string key;
        for (char c : line.substr(0, eq)) {
            if (std::isalnum(static_cast<unsigned char>(c)))
                key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            else if (!key.empty() && key.back() != '_')
                key += '_';
        }
        while (!key.empty() && key.back() == '_') key.pop_back();
        std::string digits;
        for (char c : line.substr(eq + 1))
            if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
        if (!key.empty() && !digits.empty()) out[key] = std::stoull(digits);
    }
    return out;
}

std::unique_ptr<Allocator> make_cpython_allocator() { return std::make_unique<CPythonAllocator>(); }

}  // namespace pmb
