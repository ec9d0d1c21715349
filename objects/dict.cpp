#include "objects/dict.h"

#include <cstring>

#include "objects/scalars.h"
#include "objects/str.h"
#include "objects/tuple.h"

namespace pmb {
namespace {

constexpr std::uint8_t kLog2MinSize = 3;  // PyDict_LOG_MINSIZE
constexpr std::int64_t kIndexEmpty = -1;  // DKIX_EMPTY
constexpr std::int64_t kIndexDummy = -2;  // DKIX_DUMMY
constexpr int kPerturbShift = 5;

// PyDictKeysObject's 32-byte header, at the start of the keys block.
struct KeysHeader {
    std::int64_t refcnt;  // dk_refcnt (always 1 here; its word links free-listed blocks)
    std::uint8_t log2_size;
    std::uint8_t log2_index_bytes;
    std::uint8_t unicode;  // entries are {key, value} (16 bytes) rather than {hash, key, value} (24)
    std::uint8_t pad;
    std::uint32_t version;
    std::int64_t usable;
    std::int64_t nentries;
};
static_assert(sizeof(KeysHeader) == 32, "PyDictKeysObject's header is 32 bytes");

struct UnicodeEntry {
    Object* key;
    Object* value;
};
struct GeneralEntry {
    std::uint64_t hash;
    Object* key;
    Object* value;
};

struct Dict {
    Object ob;
    std::int64_t used;     // ma_used
    std::uint64_t version; // ma_version_tag
    KeysHeader* keys;      // ma_keys; null = the shared empty table
    void* values;          // ma_values (split tables): never used here
};
static_assert(sizeof(Dict) == 48, "PyDictObject is 48 bytes");

Dict* as_dict(Object* o) { return reinterpret_cast<Dict*>(o); }
const Dict* as_dict(const Object* o) { return reinterpret_cast<const Dict*>(o); }

std::int64_t usable_fraction(std::int64_t n) { return (n << 1) / 3; }

std::uint8_t log2_index_bytes_for(std::uint8_t log2_size) {
    if (log2_size < 8) return log2_size;
    if (log2_size < 16) return static_cast<std::uint8_t>(log2_size + 1);
    if (log2_size < 32) return static_cast<std::uint8_t>(log2_size + 2);
    return static_cast<std::uint8_t>(log2_size + 3);
}

std::size_t keys_bytes(std::uint8_t log2_size, bool unicode) {
    return sizeof(KeysHeader) + (std::size_t{1} << log2_index_bytes_for(log2_size)) +
           (unicode ? sizeof(UnicodeEntry) : sizeof(GeneralEntry)) *
               static_cast<std::size_t>(usable_fraction(std::int64_t{1} << log2_size));
}
std::size_t keys_bytes(const KeysHeader* k) { return keys_bytes(k->log2_size, k->unicode != 0); }

char* index_base(KeysHeader* k) { return reinterpret_cast<char*>(k + 1); }
char* entry_base(KeysHeader* k) { return index_base(k) + (std::size_t{1} << k->log2_index_bytes); }
int index_width(const KeysHeader* k) { return 1 << (k->log2_index_bytes - k->log2_size); }

std::int64_t get_index(KeysHeader* k, std::size_t i) {
    char* base = index_base(k);
    switch (index_width(k)) {
        case 1: return reinterpret_cast<std::int8_t*>(base)[i];
        case 2: return reinterpret_cast<std::int16_t*>(base)[i];
        case 4: return reinterpret_cast<std::int32_t*>(base)[i];
        default: return reinterpret_cast<std::int64_t*>(base)[i];
    }
}
void set_index(KeysHeader* k, std::size_t i, std::int64_t ix) {
    char* base = index_base(k);
    switch (index_width(k)) {
        case 1: reinterpret_cast<std::int8_t*>(base)[i] = static_cast<std::int8_t>(ix); break;
        case 2: reinterpret_cast<std::int16_t*>(base)[i] = static_cast<std::int16_t>(ix); break;
        case 4: reinterpret_cast<std::int32_t*>(base)[i] = static_cast<std::int32_t>(ix); break;
        default: reinterpret_cast<std::int64_t*>(base)[i] = ix;
    }
}

Object*& entry_key(KeysHeader* k, std::int64_t i) {
    return k->unicode ? reinterpret_cast<UnicodeEntry*>(entry_base(k))[i].key
                      : reinterpret_cast<GeneralEntry*>(entry_base(k))[i].key;
}
Object*& entry_value(KeysHeader* k, std::int64_t i) {
    return k->unicode ? reinterpret_cast<UnicodeEntry*>(entry_base(k))[i].value
                      : reinterpret_cast<GeneralEntry*>(entry_base(k))[i].value;
}
std::uint64_t entry_hash(KeysHeader* k, std::int64_t i) {
    return k->unicode ? str_hash(entry_key(k, i)) : reinterpret_cast<GeneralEntry*>(entry_base(k))[i].hash;
}

KeysHeader* new_keys(Runtime& rt, std::uint8_t log2_size, bool unicode) {
    void* block = nullptr;
    if (log2_size == kLog2MinSize && unicode) block = rt.free_lists().dict_keys.pop();
    if (block == nullptr) block = rt.heap().allocate(keys_bytes(log2_size, unicode));
    auto* k = static_cast<KeysHeader*>(block);
    *k = {1, log2_size, log2_index_bytes_for(log2_size), static_cast<std::uint8_t>(unicode), 0, 0,
          usable_fraction(std::int64_t{1} << log2_size), 0};
    std::memset(index_base(k), 0xff, std::size_t{1} << k->log2_index_bytes);  // all kIndexEmpty
    return k;
}

void free_keys(Runtime& rt, KeysHeader* k) {
    if (k->log2_size == kLog2MinSize && k->unicode && rt.free_lists().dict_keys.count < kDictKeysFreeListCapacity) {
        rt.free_lists().dict_keys.push(k);
        return;
    }
    rt.heap().release(k, keys_bytes(k));
}

std::size_t find_empty_slot(KeysHeader* k, std::uint64_t hash) {
    const std::size_t mask = (std::size_t{1} << k->log2_size) - 1;
    std::size_t i = hash & mask;
    for (std::uint64_t perturb = hash; get_index(k, i) >= 0;) {
        perturb >>= kPerturbShift;
        i = (i * 5 + perturb + 1) & mask;
    }
    return i;
}

// Returns the slot holding `key`'s entry index, or -1.
std::int64_t lookup_slot(KeysHeader* k, const Object* key, std::uint64_t hash) {
    const std::size_t mask = (std::size_t{1} << k->log2_size) - 1;
    std::size_t i = hash & mask;
    for (std::uint64_t perturb = hash;;) {
        const std::int64_t ix = get_index(k, i);
        if (ix == kIndexEmpty) return -1;
        if (ix >= 0 && entry_hash(k, ix) == hash && object_equal(entry_key(k, ix), key))
            return static_cast<std::int64_t>(i);
        perturb >>= kPerturbShift;
        i = (i * 5 + perturb + 1) & mask;
    }
}

// calculate_log2_keysize (3.11): the smallest table of at least `minsize` slots, 8 at least.
std::uint8_t log2_keysize_for(std::int64_t minsize) {
    std::uint64_t v = static_cast<std::uint64_t>((minsize | 8) - 1) | 7;
    std::uint8_t bits = 0;
    while (v != 0) {
        ++bits;
        v >>= 1;
    }
    return bits;
}

// dictresize: a new table of 2^log2 slots holding the live entries, in order.
void resize(Runtime& rt, Dict* d, std::uint8_t log2_size, bool unicode) {
    KeysHeader* old = d->keys;
    KeysHeader* k = new_keys(rt, log2_size, unicode);
    std::int64_t n = 0;
    if (old != nullptr) {
        for (std::int64_t i = 0; i < old->nentries; ++i) {
            Object* key = entry_key(old, i);
            if (key == nullptr) continue;
            const std::uint64_t hash = entry_hash(old, i);
            entry_key(k, n) = key;
            entry_value(k, n) = entry_value(old, i);
            if (!k->unicode) reinterpret_cast<GeneralEntry*>(entry_base(k))[n].hash = hash;
            set_index(k, find_empty_slot(k, hash), n);
            ++n;
        }
        free_keys(rt, old);
    }
    k->nentries = n;
    k->usable -= n;
    d->keys = k;
}

std::size_t dict_size_of(const Object*) { return sizeof(Dict); }

void dict_traverse(Object* self, VisitProc visit, void* arg) {
    KeysHeader* k = as_dict(self)->keys;
    if (k == nullptr) return;
    for (std::int64_t i = 0; i < k->nentries; ++i) {
        if (entry_key(k, i) == nullptr) continue;
        if (!k->unicode) visit(entry_key(k, i), arg);
        visit(entry_value(k, i), arg);
    }
}

void release_entries(Runtime& rt, KeysHeader* k) {
    for (std::int64_t i = 0; i < k->nentries; ++i) {
        Object* key = entry_key(k, i);
        if (key == nullptr) continue;
        rt.decref(key);
        rt.decref(entry_value(k, i));
    }
}

void dict_tp_clear(Object* self, Runtime& rt) { dict_clear(rt, self); }

void dict_dealloc(Object* self, Runtime& rt) {
    rt.collector().untrack(self);
    Dict* d = as_dict(self);
    if (KeysHeader* k = d->keys) {
        d->keys = nullptr;
        release_entries(rt, k);
        free_keys(rt, k);
    }
    FreeList& fl = rt.free_lists().dicts;
    if (fl.count < kDictFreeListCapacity) {
        fl.push(self);
        return;
    }
    rt.collector().release(self, sizeof(Dict));
}

// _PyDict_MaybeUntrack: nothing stored may be tracked.
bool dict_holds_no_trackable(const Object* self, const Collector& gc) {
    KeysHeader* k = as_dict(self)->keys;
    if (k == nullptr) return true;
    for (std::int64_t i = 0; i < k->nentries; ++i) {
        Object* key = entry_key(k, i);
        if (key == nullptr) continue;
        if (may_be_tracked(entry_value(k, i), gc)) return false;
        if (!k->unicode && may_be_tracked(key, gc)) return false;
    }
    return true;
}

// A key and a value per entry: what dict_traverse visits, known without visiting.
std::size_t dict_references(const Object* self) { return 2 * dict_size(self); }

}  // namespace

const TypeInfo kDictType = {"dict",       true, dict_size_of, dict_traverse, dict_tp_clear, dict_dealloc,
                            UntrackWhen::kFullCollection, dict_holds_no_trackable, nullptr, dict_references,
                            dict_keys_bytes};

std::uint64_t object_hash(const Object* key) {
    if (is_str(key)) return str_hash(key);
    return static_cast<std::uint64_t>(int_value(key));
}

bool object_equal(const Object* a, const Object* b) {
    if (a == b) return true;
    if (a->type != b->type) return false;
    if (is_str(a)) return str_view(a) == str_view(b);
    return int_value(a) == int_value(b);
}

Object* dict_new(Runtime& rt) {
    Object* o = rt.free_lists().dicts.pop();
    if (o != nullptr)
        o->refcnt = 1;
    else
        o = rt.collector().allocate(&kDictType, sizeof(Dict));
    Dict* d = as_dict(o);
    d->used = 0;
    d->version = 0;
    d->keys = nullptr;
    d->values = nullptr;
    return o;  // untracked until something trackable is stored
}

void dict_set(Runtime& rt, Object* o, Object* key, Object* value) {
    Dict* d = as_dict(o);
    const std::uint64_t hash = object_hash(key);
    const bool str_key = is_str(key);
    Runtime::incref(key);
    Runtime::incref(value);
    if (!rt.collector().is_tracked(o) && (may_be_tracked(key, rt.collector()) || may_be_tracked(value, rt.collector())))
        rt.collector().track(o);  // MAINTAIN_TRACKING
    if (d->keys == nullptr) {
        d->keys = new_keys(rt, kLog2MinSize, str_key);  // insert_to_emptydict
    } else {
        const std::int64_t slot = lookup_slot(d->keys, key, hash);
        if (slot >= 0) {
            const std::int64_t ix = get_index(d->keys, static_cast<std::size_t>(slot));
            Object* old = entry_value(d->keys, ix);
            entry_value(d->keys, ix) = value;
            rt.decref(key);
            rt.decref(old);
            return;
        }
        if (d->keys->unicode && !str_key)
            resize(rt, d, log2_keysize_for(d->used * 3), false);  // insertion_resize(mp, 0)
        else if (d->keys->usable <= 0)
            resize(rt, d, log2_keysize_for(d->used * 3), d->keys->unicode != 0);  // GROWTH_RATE
    }
    KeysHeader* k = d->keys;
    const std::int64_t ix = k->nentries;
    entry_key(k, ix) = key;
    entry_value(k, ix) = value;
    if (!k->unicode) reinterpret_cast<GeneralEntry*>(entry_base(k))[ix].hash = hash;
    set_index(k, find_empty_slot(k, hash), ix);
    ++k->nentries;
    --k->usable;
    ++d->used;
}

Object* dict_get(Object* o, const Object* key) {
    KeysHeader* k = as_dict(o)->keys;
    if (k == nullptr) return nullptr;
    const std::int64_t slot = lookup_slot(k, key, object_hash(key));
    return slot < 0 ? nullptr : entry_value(k, get_index(k, static_cast<std::size_t>(slot)));
}

bool dict_del(Runtime& rt, Object* o, const Object* key) {
    Dict* d = as_dict(o);
    KeysHeader* k = d->keys;
    if (k == nullptr) return false;
    const std::int64_t slot = lookup_slot(k, key, object_hash(key));
    if (slot < 0) return false;
    const std::int64_t ix = get_index(k, static_cast<std::size_t>(slot));
    set_index(k, static_cast<std::size_t>(slot), kIndexDummy);
    Object* old_key = entry_key(k, ix);
    Object* old_value = entry_value(k, ix);
    entry_key(k, ix) = nullptr;
    entry_value(k, ix) = nullptr;
    --d->used;
    rt.decref(old_key);
    rt.decref(old_value);
    return true;
}

void dict_clear(Runtime& rt, Object* o) {
    Dict* d = as_dict(o);
    KeysHeader* k = d->keys;
    if (k == nullptr) return;
    d->keys = nullptr;
    d->used = 0;
    release_entries(rt, k);
    free_keys(rt, k);
}

std::size_t dict_size(const Object* o) { return static_cast<std::size_t>(as_dict(o)->used); }

std::size_t dict_keys_bytes(const Object* o) {
    const KeysHeader* k = as_dict(o)->keys;
    return k == nullptr ? 0 : keys_bytes(k);
}

void dict_for_each(Object* o, void (*fn)(Object*, Object*, void*), void* arg) {
    KeysHeader* k = as_dict(o)->keys;
    if (k == nullptr) return;
    for (std::int64_t i = 0; i < k->nentries; ++i)
        if (entry_key(k, i) != nullptr) fn(entry_key(k, i), entry_value(k, i), arg);
}

}  // namespace pmb
