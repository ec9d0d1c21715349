#include "objects/plain_instance.h"

#include <stdexcept>

namespace pmb {
namespace {

constexpr std::int64_t kSharedKeysMaxSize = 30;  // SHARED_KEYS_MAX_SIZE

struct PlainInstance {
    Object ob;
    PlainClass* cls;  // stands where CPython's __weakref__ slot is
    void* dict;       // managed dict pointer: never materialised here
    Object** values;  // points past the prefix of the values block
};
static_assert(sizeof(PlainInstance) == 40, "a 3.11 plain instance is 24 bytes + the 16-byte pre-header");

PlainInstance* as_instance(Object* o) { return reinterpret_cast<PlainInstance*>(o); }

// new_values: a prefix of round_up(slots + 2, 8) bytes, then one pointer per slot. The prefix's
// last word, just before the first slot, records the slot count here (CPython keeps the prefix
// size in its last byte).
std::size_t prefix_bytes(std::size_t slots) { return (slots + 2 + 7) & ~std::size_t{7}; }

std::size_t slot_count(Object* self) {
    PlainInstance* inst = as_instance(self);
    // The prefix holds at least 8 bytes; its last word, just before values, records the slot count.
    return *reinterpret_cast<std::size_t*>(reinterpret_cast<char*>(inst->values) - 8);
}

std::size_t instance_size_of(const Object*) { return sizeof(PlainInstance); }

void instance_traverse(Object* self, VisitProc visit, void* arg) {
    Object** values = as_instance(self)->values;
    const std::size_t n = std::min(slot_count(self), as_instance(self)->cls->names.size());
    for (std::size_t i = 0; i < n; ++i)
        if (values[i] != nullptr) visit(values[i], arg);
}

ObjectArray instance_referents(Object* self) {
    return {as_instance(self)->values, std::min(slot_count(self), as_instance(self)->cls->names.size())};
}

void instance_clear(Object* self, Runtime& rt) {
    Object** values = as_instance(self)->values;
    for (std::size_t i = 0, n = slot_count(self); i < n; ++i) {
        Object* v = values[i];
        values[i] = nullptr;
        rt.xdecref(v);
    }
}

void instance_dealloc(Object* self, Runtime& rt) {
    rt.collector().untrack(self);
    PlainInstance* inst = as_instance(self);
    const std::size_t n = slot_count(self);
    for (std::size_t i = 0; i < n; ++i) rt.xdecref(inst->values[i]);
    rt.heap().release(reinterpret_cast<char*>(inst->values) - prefix_bytes(n), prefix_bytes(n) + 8 * n);
    rt.collector().release(self, sizeof(PlainInstance));
}

}  // namespace

std::size_t instance_owned_bytes(const Object* self) {
    const std::size_t n = slot_count(const_cast<Object*>(self));
    return prefix_bytes(n) + 8 * n;
}

const TypeInfo kPlainInstanceType = {"instance",         true,    instance_size_of,  instance_traverse,
                                     instance_clear,     instance_dealloc, UntrackWhen::kNever, nullptr,
                                     instance_referents, nullptr, instance_owned_bytes};

std::size_t plain_class_attribute(PlainClass& cls, const std::string& name) {
    for (std::size_t i = 0; i < cls.names.size(); ++i)
        if (cls.names[i] == name) return i;
    if (cls.usable <= 1 && static_cast<std::int64_t>(cls.names.size()) >= kSharedKeysMaxSize)
        throw std::invalid_argument("plain instances with more than 30 attribute names are not modelled");
    cls.names.push_back(name);
    --cls.usable;
    return cls.names.size() - 1;
}

Object* plain_instance_new(Runtime& rt, PlainClass& cls) {
    Object* o = rt.collector().allocate(&kPlainInstanceType, sizeof(PlainInstance));
    if (cls.usable > 1) --cls.usable;
    const std::size_t slots = cls.names.size() + static_cast<std::size_t>(cls.usable);
    const std::size_t prefix = prefix_bytes(slots);
    char* block = static_cast<char*>(rt.heap().allocate(prefix + 8 * slots));
    *reinterpret_cast<std::size_t*>(block + prefix - 8) = slots;
    PlainInstance* inst = as_instance(o);
    inst->cls = &cls;
    inst->dict = nullptr;
    inst->values = reinterpret_cast<Object**>(block + prefix);
    for (std::size_t i = 0; i < slots; ++i) inst->values[i] = nullptr;
    rt.collector().track(o);
    return o;
}

void plain_instance_set(Runtime& rt, Object* self, std::size_t attribute, Object* value) {
    PlainInstance* inst = as_instance(self);
    if (attribute >= slot_count(self))
        throw std::logic_error("attribute beyond this instance's values array (a materialised __dict__)");
    Runtime::incref(value);
    Object* old = inst->values[attribute];
    inst->values[attribute] = value;
    rt.xdecref(old);
}

Object* plain_instance_get(Object* self, std::size_t attribute) { return as_instance(self)->values[attribute]; }

}  // namespace pmb
