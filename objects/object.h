// The Python-like object: a 16-byte header (reference count, type) exactly as CPython 3.11's
// PyObject on a 64-bit build, followed by the type's payload.
//
// Sizes are CPython's, not C++'s: a type's `size_of` returns what CPython would allocate for the
// object body (tp_basicsize + tp_itemsize * n; a one-digit int takes 32 bytes, objects/scalars.h says why), and the C++ struct
// that views the body always fits inside that size. A collector with a cycle detector puts its
// own header (CPython's 16-byte PyGC_Head) in front of GC-capable objects; the object pointer
// always points past it, so workloads and types never see it.
//
// Invariants:
//   refcnt >= 1 for every object reachable by the program;
//   an object with refcnt == 0 is being deallocated, and its refcnt field may be reused as a link
//   (the trashcan's deferred list);
//   type->traverse visits exactly the references type->dealloc releases (the cycle collector's
//   correctness rests on it).
#pragma once

#include <cstddef>
#include <cstdint>

namespace pmb {

struct Object;
class Runtime;

class Collector;
using VisitProc = void (*)(Object* referent, void* arg);

// When a cycle collector may stop tracking an object that can no longer be part of a cycle
// (CPython 3.11: tuples in every collection, dicts in full collections only).
enum class UntrackWhen { kNever, kEveryCollection, kFullCollection };

// A type whose references are one contiguous array of object pointers (null entries skipped)
// exposes it, so a collector can walk the references inline instead of calling a visitor per
// reference through traverse. It must list exactly what traverse visits.
struct ObjectArray {
    Object** items;
    std::size_t count;
};

struct TypeInfo {
    const char* name;
    bool gc_capable;  // CPython's Py_TPFLAGS_HAVE_GC: carries a PyGC_Head under a cycle collector
    std::size_t (*size_of)(const Object* self);  // bytes of the body, as CPython allocates them
    void (*traverse)(Object* self, VisitProc visit, void* arg);  // tp_traverse; null if atomic
    void (*clear)(Object* self, Runtime& rt);  // tp_clear: drop references to break a cycle
    void (*dealloc)(Object* self, Runtime& rt);  // tp_dealloc: release referents and the body
    UntrackWhen untrack_when = UntrackWhen::kNever;
    // True when the object holds nothing that may be tracked (_PyTuple_MaybeUntrack's test).
    bool (*holds_no_trackable)(const Object* self, const Collector& gc) = nullptr;
    ObjectArray (*referent_array)(Object* self) = nullptr;  // null: use traverse
    // For a traverse-only type whose objects can hold very many references (dicts): how many
    // traverse would visit, so a collector bounding its pauses can see a large object coming.
    std::size_t (*references_hint)(const Object* self) = nullptr;
    // Bytes the object owns in blocks apart from its body (a list's item array, a dict's keys
    // table, an instance's values array), so that what freeing it would return is known without
    // freeing it (the trash census). Null: none.
    std::size_t (*owned_bytes)(const Object* self) = nullptr;
};

struct Object {
    std::intptr_t refcnt;  // ob_refcnt
    const TypeInfo* type;  // ob_type
};
static_assert(sizeof(Object) == 16, "CPython 3.11's PyObject header is 16 bytes on 64-bit");

// How many references traversing `obj` visits, when known cheaply (0 otherwise: a few).
inline std::size_t references_of(Object* obj) {
    if (obj->type->referent_array != nullptr) return obj->type->referent_array(obj).count;
    if (obj->type->references_hint != nullptr) return obj->type->references_hint(obj);
    return 0;
}

// Objects that are never allocated or freed (None, small ints in CPython's cache): their count is
// pinned so high that no sequence of decrefs in a run can reach zero.
inline constexpr std::intptr_t kImmortalRefcnt = std::intptr_t{1} << 60;

}  // namespace pmb
