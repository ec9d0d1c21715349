#include "objects/str.h"

#include <array>
#include <cctype>
#include <cstring>
#include <string>

#include "objects/list.h"

namespace pmb {
namespace {

struct Str {
    Object ob;
    std::intptr_t length;
    std::int64_t hash;       // -1 until computed
    std::uint64_t state;     // CPython's interned/kind/compact/ascii bits; unused here
    void* wstr;              // always null in 3.11 compact ASCII strings
    char data[1];            // length characters and a NUL
};
static_assert(offsetof(Str, data) == 48, "PyASCIIObject's characters start at byte 48");

Str* as_str(Object* o) { return reinterpret_cast<Str*>(o); }
const Str* as_str(const Object* o) { return reinterpret_cast<const Str*>(o); }

std::size_t str_size_of(const Object* self) { return str_body_size(str_length(self)); }
void str_dealloc(Object* self, Runtime& rt) { rt.collector().release(self, str_size_of(self)); }

struct Singleton {
    Str str;
    char tail[8];
};

// The empty string and one-character strings, outside any Heap like CPython's static ones.
std::array<Singleton, 129>& singletons() {
    static std::array<Singleton, 129> cache = [] {
        std::array<Singleton, 129> c{};
        for (std::size_t i = 0; i < c.size(); ++i) {
            Str& s = c[i].str;
            s.ob = {kImmortalRefcnt, &kStrType};
            s.length = i == 128 ? 0 : 1;
            s.hash = -1;
            s.data[0] = i == 128 ? '\0' : static_cast<char>(i);
            c[i].tail[0] = '\0';
        }
        return c;
    }();
    return cache;
}

}  // namespace

const TypeInfo kStrType = {"str", false, str_size_of, nullptr, nullptr, str_dealloc};

bool is_str(const Object* o) { return o->type == &kStrType; }
std::size_t str_length(const Object* s) { return static_cast<std::size_t>(as_str(s)->length); }
std::string_view str_view(const Object* s) { return {as_str(s)->data, str_length(s)}; }

Object* str_new(Runtime& rt, std::string_view text) {
    if (text.size() <= 1) {
        Object* o = &singletons()[text.empty() ? 128 : static_cast<unsigned char>(text[0]) & 127].str.ob;
        Runtime::incref(o);
        return o;
    }
    Object* o = rt.collector().allocate(&kStrType, str_body_size(text.size()));
    Str* s = as_str(o);
    s->length = static_cast<std::intptr_t>(text.size());
    s->hash = -1;
    s->state = 0;
    s->wstr = nullptr;
    char* data = s->data;
    std::memcpy(data, text.data(), text.size());
    data[text.size()] = '\0';
    return o;
}

Object* str_concat(Runtime& rt, const Object* a, const Object* b) {
    const std::string_view x = str_view(a), y = str_view(b);
    if (x.size() + y.size() <= 1) return str_new(rt, x.empty() ? y : x);
    Object* o = rt.collector().allocate(&kStrType, str_body_size(x.size() + y.size()));
    Str* s = as_str(o);
    s->length = static_cast<std::intptr_t>(x.size() + y.size());
    s->hash = -1;
    s->state = 0;
    s->wstr = nullptr;
    char* data = s->data;
    std::memcpy(data, x.data(), x.size());
    std::memcpy(data + x.size(), y.data(), y.size());
    data[x.size() + y.size()] = '\0';
    return o;
}

Object* str_slice(Runtime& rt, const Object* s, std::size_t start, std::size_t stop) {
    const std::string_view v = str_view(s);
    if (stop > v.size()) stop = v.size();
    if (start > stop) start = stop;
    if (start == 0 && stop == v.size()) {  // s[:] is s itself
        Object* same = const_cast<Object*>(s);
        Runtime::incref(same);
        return same;
    }
    return str_new(rt, v.substr(start, stop - start));
}

Object* str_upper(Runtime& rt, const Object* s) {
    std::string text(str_view(s));
    for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return str_new(rt, text);
}

Object* str_join(Runtime& rt, const Object* sep, Object* list) {
    std::string text;
    for (std::size_t i = 0, n = list_size(list); i < n; ++i) {
        if (i != 0) text += str_view(sep);
        text += str_view(list_get(list, i));
    }
    return str_new(rt, text);
}

std::uint64_t str_hash(const Object* s) {
    Str* str = as_str(const_cast<Object*>(s));
    if (str->hash == -1) {
        std::uint64_t h = 1469598103934665603ull;  // FNV-1a: stable, unlike CPython's seeded SipHash
        for (char c : str_view(s)) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
        str->hash = static_cast<std::int64_t>(h & 0x7FFFFFFFFFFFFFFFull);
    }
    return static_cast<std::uint64_t>(str->hash);
}

}  // namespace pmb
