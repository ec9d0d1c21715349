#include "objects/opaque.h"

#include "objects/scalars.h"

namespace pmb {
namespace {

struct Opaque {
    Object ob;
    std::size_t size;
};

std::size_t opaque_size_of(const Object* self) { return reinterpret_cast<const Opaque*>(self)->size; }
void opaque_dealloc(Object* self, Runtime& rt) { rt.collector().release(self, opaque_size_of(self)); }

constexpr std::size_t kRangeBytes = 48;          // sys.getsizeof(range(n))
constexpr std::size_t kRangeIteratorBytes = 48;  // sys.getsizeof(iter(range(n)))

}  // namespace

const TypeInfo kOpaqueType = {"opaque", false, opaque_size_of, nullptr, nullptr, opaque_dealloc};

Object* opaque_new(Runtime& rt, std::size_t size) {
    Object* o = rt.collector().allocate(&kOpaqueType, size);
    reinterpret_cast<Opaque*>(o)->size = size;
    return o;
}

Object* range_iterator_new(Runtime& rt, std::int64_t n) {
    Object* range = opaque_new(rt, kRangeBytes);
    Object* length = int_from(rt, n);  // compute_range_length's result, held by the range
    Object* it = opaque_new(rt, kRangeIteratorBytes);
    rt.decref(length);
    rt.decref(range);
    return it;
}

}  // namespace pmb
