// str: CPython 3.11's compact ASCII string (PyASCIIObject): a 48-byte header (refcnt, type,
// length, hash, state, wstr) followed by the characters and a NUL, so a string of n characters
// has a body of 49 + n bytes; not GC-capable. The empty string and the 128 one-character ASCII
// strings are singletons and allocate nothing (CPython caches all 256 latin-1 characters).
// Interned strings are kept by the runtime's intern table and live until the run ends.
// Only ASCII is modelled (non-ASCII text costs 73 + n and up in CPython).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "objects/object.h"
#include "objects/runtime.h"

namespace pmb {

extern const TypeInfo kStrType;

inline std::size_t str_body_size(std::size_t length) { return 49 + length; }

// A new reference to a string with these characters (ASCII).
Object* str_new(Runtime& rt, std::string_view text);
// a + b
Object* str_concat(Runtime& rt, const Object* a, const Object* b);
// s[start:stop] (clamped)
Object* str_slice(Runtime& rt, const Object* s, std::size_t start, std::size_t stop);
// s.upper() (ASCII)
Object* str_upper(Runtime& rt, const Object* s);
// sep.join(list_of_str): one allocation of the exact size.
Object* str_join(Runtime& rt, const Object* sep, Object* list);
std::string_view str_view(const Object* s);
std::size_t str_length(const Object* s);
// The string's hash, computed once and cached in the object as CPython does.
std::uint64_t str_hash(const Object* s);
bool is_str(const Object* o);

}  // namespace pmb
