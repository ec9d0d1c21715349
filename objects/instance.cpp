#include "objects/instance.h"

#include <array>
#include <stdexcept>
#include <string>

namespace pmb {
namespace {

Object** slots_of(Object* o) { return reinterpret_cast<Object**>(o + 1); }

std::size_t instance_size_of(const Object* self) { return slots_body_size(instance_slot_count(self)); }

void instance_traverse(Object* self, VisitProc visit, void* arg) {
    Object** slots = slots_of(self);
    for (std::size_t i = 0, n = instance_slot_count(self); i < n; ++i)
        if (slots[i] != nullptr) visit(slots[i], arg);
}

void instance_clear(Object* self, Runtime& rt) {
    Object** slots = slots_of(self);
    for (std::size_t i = 0, n = instance_slot_count(self); i < n; ++i) {
        Object* old = slots[i];
        slots[i] = nullptr;
        rt.xdecref(old);
    }
}

void instance_dealloc(Object* self, Runtime& rt) {
    rt.collector().untrack(self);
    const std::size_t n = instance_slot_count(self);
    Object** slots = slots_of(self);
    for (std::size_t i = 0; i < n; ++i) rt.xdecref(slots[i]);
    rt.collector().release(self, slots_body_size(n));
}

ObjectArray instance_referents(Object* self) { return {slots_of(self), instance_slot_count(self)}; }

const std::array<std::string, kMaxSlots + 1> kNames = [] {
    std::array<std::string, kMaxSlots + 1> names;
    for (std::size_t i = 0; i <= kMaxSlots; ++i) names[i] = "slots" + std::to_string(i);
    return names;
}();

const std::array<TypeInfo, kMaxSlots + 1> kSlotsTypes = [] {
    std::array<TypeInfo, kMaxSlots + 1> types{};
    for (std::size_t i = 0; i <= kMaxSlots; ++i)
        types[i] = {kNames[i].c_str(), true,    instance_size_of,   instance_traverse, instance_clear,
                    instance_dealloc,  UntrackWhen::kNever, nullptr, instance_referents};
    return types;
}();

}  // namespace

const TypeInfo* slots_type(std::size_t slots) {
    if (slots == 0 || slots > kMaxSlots) throw std::invalid_argument("slots classes have 1.." + std::to_string(kMaxSlots) + " slots");
    return &kSlotsTypes[slots];
}

std::size_t instance_slot_count(const Object* o) {
    return static_cast<std::size_t>(o->type - &kSlotsTypes[0]);
}

Object* instance_new(Runtime& rt, std::size_t slots) {
    Object* o = rt.collector().allocate(slots_type(slots), slots_body_size(slots));
    Object** s = slots_of(o);
    for (std::size_t i = 0; i < slots; ++i) s[i] = nullptr;
    rt.collector().track(o);
    return o;
}

void instance_set(Runtime& rt, Object* o, std::size_t i, Object* value) {
    Object** s = slots_of(o);
    if (value != nullptr) Runtime::incref(value);
    Object* old = s[i];
    s[i] = value;
    rt.xdecref(old);
}

}  // namespace pmb
