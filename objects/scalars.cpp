#include "objects/scalars.h"

#include <array>
#include <cstring>

namespace pmb {
namespace {

constexpr int kDigitBits = 30;  // PYLONG_BITS_IN_DIGIT on 64-bit builds
constexpr std::uint32_t kDigitMask = (1u << kDigitBits) - 1;

// PyLongObject: refcnt, type, ob_size (signed digit count), then 30-bit digits in uint32s.
struct Int {
    Object ob;
    std::intptr_t ndigits;  // negative for negative values
    std::uint32_t digits[1];
};

struct Float {
    Object ob;
    double value;
};
static_assert(sizeof(Float) == 24, "PyFloatObject is 24 bytes");

Object g_none = {kImmortalRefcnt, &kNoneType};

std::size_t digit_count(std::uint64_t magnitude) {
    std::size_t n = 0;
    while (magnitude != 0) {
        ++n;
        magnitude >>= kDigitBits;
    }
    return n;
}

std::uint64_t magnitude_of(std::int64_t v) {
    return v < 0 ? ~static_cast<std::uint64_t>(v) + 1 : static_cast<std::uint64_t>(v);
}

std::size_t none_size_of(const Object*) { return sizeof(Object); }
void atomic_dealloc_none(Object*, Runtime&) {}

// 3.11 builds one-digit ("medium") ints with _PyLong_FromMedium, which allocates
// sizeof(PyLongObject) = 32 bytes although sys.getsizeof reports 28; longer ones get 24 + 4n.
std::size_t int_bytes_for_digits(std::size_t digits) { return digits <= 1 ? 32 : 24 + 4 * digits; }

std::size_t int_size_of(const Object* self) {
    std::intptr_t n = reinterpret_cast<const Int*>(self)->ndigits;
    return int_bytes_for_digits(static_cast<std::size_t>(n < 0 ? -n : n));
}
void int_dealloc(Object* self, Runtime& rt) { rt.collector().release(self, int_size_of(self)); }

std::size_t float_size_of(const Object*) { return sizeof(Float); }
void float_dealloc(Object* self, Runtime& rt) {
    FreeList& fl = rt.free_lists().floats;
    if (fl.count < kFloatFreeListCapacity) {
        fl.push(self);
        return;
    }
    rt.collector().release(self, sizeof(Float));
}

Int* make_small_int(std::int64_t v, Int& storage) {
    storage.ob = {kImmortalRefcnt, &kIntType};
    std::uint64_t m = magnitude_of(v);
    storage.ndigits = v == 0 ? 0 : (v < 0 ? -1 : 1);
    storage.digits[0] = static_cast<std::uint32_t>(m & kDigitMask);
    return &storage;
}

// The small-int cache lives outside any Heap, like CPython 3.11's statically allocated ints.
std::array<Int, kSmallIntMax - kSmallIntMin + 1>& small_ints() {
    static std::array<Int, kSmallIntMax - kSmallIntMin + 1> cache = [] {
        std::array<Int, kSmallIntMax - kSmallIntMin + 1> c{};
        for (std::int64_t v = kSmallIntMin; v <= kSmallIntMax; ++v) make_small_int(v, c[v - kSmallIntMin]);
        return c;
    }();
    return cache;
}

}  // namespace

const TypeInfo kNoneType = {"NoneType", false, none_size_of, nullptr, nullptr, atomic_dealloc_none};
const TypeInfo kIntType = {"int", false, int_size_of, nullptr, nullptr, int_dealloc};
const TypeInfo kFloatType = {"float", false, float_size_of, nullptr, nullptr, float_dealloc};

Object* none_ref() {
    Runtime::incref(&g_none);
    return &g_none;
}
bool is_none(const Object* o) { return o == &g_none; }

std::size_t int_body_size(std::int64_t value) { return int_bytes_for_digits(digit_count(magnitude_of(value))); }

Object* int_from(Runtime& rt, std::int64_t value) {
    if (value >= kSmallIntMin && value <= kSmallIntMax) {
        Object* o = &small_ints()[static_cast<std::size_t>(value - kSmallIntMin)].ob;
        Runtime::incref(o);
        return o;
    }
    std::uint64_t m = magnitude_of(value);
    std::size_t n = digit_count(m);
    Object* o = rt.collector().allocate(&kIntType, int_bytes_for_digits(n));
    Int* i = reinterpret_cast<Int*>(o);
    i->ndigits = value < 0 ? -static_cast<std::intptr_t>(n) : static_cast<std::intptr_t>(n);
    std::uint32_t* digits = i->digits;
    for (std::size_t d = 0; d < n; ++d, m >>= kDigitBits) digits[d] = static_cast<std::uint32_t>(m & kDigitMask);
    return o;
}

std::int64_t int_value(const Object* o) {
    const Int* i = reinterpret_cast<const Int*>(o);
    std::intptr_t nd = i->ndigits;
    std::size_t n = static_cast<std::size_t>(nd < 0 ? -nd : nd);
    const std::uint32_t* digits = i->digits;
    std::uint64_t m = 0;
    for (std::size_t d = n; d-- > 0;) m = (m << kDigitBits) | digits[d];
    return nd < 0 ? -static_cast<std::int64_t>(m) : static_cast<std::int64_t>(m);
}

Object* float_from(Runtime& rt, double value) {
    Object* o = rt.free_lists().floats.pop();
    if (o != nullptr)
        o->refcnt = 1;
    else
        o = rt.collector().allocate(&kFloatType, sizeof(Float));
    reinterpret_cast<Float*>(o)->value = value;
    return o;
}

double float_value(const Object* o) { return reinterpret_cast<const Float*>(o)->value; }

}  // namespace pmb
