// pickle_opt: pyperformance's pickle_opt (python/pyperformance PR 438, for issue 437): the
// pickletools.optimize case behind CPython issue 140175, about 1.5 s on 3.13 against 6 s on
// 3.14.0 with N = 1e6 (nascheme in PR 438; the PR settled on N = 100_000).
//
//     x = {i: f"ii{i:>07}" for i in range(N)}    # setup: the payload, then x is dropped
//     payload = pickle.dumps(x, protocol=4)
//     pickletools.optimize(payload)              # one op = one pyperf loop
// The pickle (generated here as CPython's C pickler writes it; checked against pickletools.genops
// for N = 1000, 2500, 100000): PROTO 4, then 64 KiB frames (FRAME + 8-byte length) holding
// EMPTY_DICT MEMOIZE, batches of MARK (key value MEMOIZE) x 1000 SETITEMS (an empty batch after a
// full last one), STOP; keys as BININT1 / BININT2 / BININT by size, values SHORT_BINUNICODE of 9
// characters. Lib/pickletools.py (3.11) optimize() then allocates, per opcode of _genops' loop:
// the position ints (tell(), twice), the argument (read(n)'s bytes, struct.unpack's 1-tuple and
// int, or the decoded str), the yielded 4-tuple (free list), and keeps in `opcodes` a 2-tuple
// (pos, end_pos) or ('PUT', idx) (with idx in the `oldids` set, whose table grows); no GET exists,
// so the second loop copies every non-PUT opcode's bytes slice into a per-frame BytesIO, committed
// every 64 KiB into the output BytesIO (memoryview, FRAME header), and returns the output's bytes.
// Objects this model keeps opaque (BytesIO, set, generator, bound methods, pickler): their sizes
// and lifetimes only. Ints from tell(), len() and struct's unsigned formats are 28 bytes, not
// int_from's 32 (ssize_int below). Not modelled: the struct module's format cache (a few objects
// made at the first unpack of each format).
// Eval breaker: checked at each iteration of the Python loops (the dict comprehension, _genops'
// while loop with optimize's for loop over it, optimize's copy loop); pickle.dumps is one C call.
#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <vector>

#include "objects/dict.h"
#include "objects/list.h"
#include "objects/opaque.h"
#include "objects/scalars.h"
#include "objects/str.h"
#include "objects/tuple.h"
#include "workloads/registry.h"

namespace pmb {
namespace {

// A GC-capable object seen only by its size and the references it holds (a BytesIO, a set, a
// generator, a bound method): tracked at creation, traverses its references.
struct Boxed {
    Object ob;
    std::uint32_t size, count;
    Object* refs[1];
};
std::size_t boxed_size_of(const Object* self) { return reinterpret_cast<const Boxed*>(self)->size; }
void boxed_traverse(Object* self, VisitProc visit, void* arg) {
    Boxed* b = reinterpret_cast<Boxed*>(self);
    for (std::uint32_t i = 0; i < b->count; ++i)
        if (b->refs[i] != nullptr) visit(b->refs[i], arg);
}
void boxed_clear(Object* self, Runtime& rt) {
    Boxed* b = reinterpret_cast<Boxed*>(self);
    for (std::uint32_t i = 0; i < b->count; ++i) {
        Object* r = b->refs[i];
        b->refs[i] = nullptr;
        rt.xdecref(r);
    }
}
void boxed_dealloc(Object* self, Runtime& rt) {
    rt.collector().untrack(self);
    boxed_clear(self, rt);
    rt.collector().release(self, boxed_size_of(self));
}
const TypeInfo kBoxedType = {"boxed", true, boxed_size_of, boxed_traverse, boxed_clear, boxed_dealloc};

// `refs` become the object's (new references are taken).
Object* boxed_new(Runtime& rt, std::size_t size, std::initializer_list<Object*> refs = {}) {
    const std::size_t need = 24 + 8 * std::max<std::size_t>(refs.size(), 1);
    size = std::max(size, need);
    Object* o = rt.collector().allocate(&kBoxedType, size);
    Boxed* b = reinterpret_cast<Boxed*>(o);
    b->size = static_cast<std::uint32_t>(size);
    b->count = static_cast<std::uint32_t>(refs.size());
    std::size_t i = 0;
    for (Object* r : refs) {
        if (r != nullptr) Runtime::incref(r);
        b->refs[i++] = r;
    }
    rt.collector().track(o);
    return o;
}

// CPython 3.11 body sizes: sys.getsizeof minus the 16-byte GC header for the set, the generator, the
// BytesIO, the methods, the memoryview and the function; the C pickler's, the managed buffer's and
// the BytesIO export's are estimates (getsizeof does not report them alone). All are transient
// or few: the peak is the opcodes list, its tuples and ints (tracemalloc: 99.99 % matched).
constexpr std::size_t kSetBytes = 200, kGeneratorBytes = 264, kBytesIOBytes = 64, kBuiltinMethodBytes = 56,
                      kMethodBytes = 48, kMemoryViewBytes = 168, kManagedBufferBytes = 56, kBytesIOBufBytes = 32,
                      kFunctionBytes = 136, kCPicklerBytes = 200, kPyPicklerBytes = 40;
constexpr std::size_t kFrameTarget = 64 * 1024;  // pickle's _FRAME_SIZE_TARGET
inline std::size_t bytes_body(std::size_t n) { return 33 + n; }  // PyBytesObject of n bytes

enum Op : std::uint8_t { kProto, kFrame, kEmptyDict, kMemoize, kMark, kBinInt1, kBinInt2, kBinInt, kUnicode,
                         kSetItems, kStop };
struct PickleOp {
    Op op;
    std::uint32_t pos, end;
    std::int64_t arg;  // the key, the frame length, the protocol
};

// An int made by PyLong_FromSsize_t or PyLong_FromUnsignedLong (tell(), len(), "<H", "<Q"): 3.11
// sizes a one-digit one as 24 + 4 = 28 bytes (tracemalloc's figure for these lines), where
// PyLong_FromLong's _PyLong_FromMedium takes 32 (int_from). Positions only ever fit one digit.
Object* ssize_int(Runtime& rt, std::int64_t v) { return v <= kSmallIntMax ? int_from(rt, v) : opaque_new(rt, 28); }

// A bytes object of n bytes (n <= 1: the cached singletons, nothing allocated).
Object* bytes_new(Runtime& rt, std::size_t n) { return n <= 1 ? nullptr : opaque_new(rt, bytes_body(n)); }

// A growable bytes buffer as a BytesIO keeps it (Modules/_io/bytesio.c resize_buffer).
struct Buffer {
    void* block = nullptr;
    std::size_t alloc = 0, used = 0;
    void write(Runtime& rt, std::size_t n) {
        const std::size_t size = used + n;
        if (size > alloc) {
            std::size_t next = size <= alloc + alloc / 8 ? size + (size >> 3) + (size < 9 ? 3 : 6) : size + 1;
            block = block == nullptr ? rt.heap().allocate(bytes_body(next))
                                     : rt.heap().reallocate(block, bytes_body(alloc), bytes_body(next));
            alloc = next;
        }
        used = size;
    }
    void release(Runtime& rt) {
        if (block != nullptr) rt.heap().release(block, bytes_body(alloc));
        block = nullptr;
        alloc = used = 0;
    }
};

// A hash table growing like set_table_resize and the pickler's memo (x4 under 50000 used, else x2).
struct Table {
    void* block = nullptr;
    std::size_t size, used = 0, entry;
    std::size_t inline_size;  // slots held inside the object (a set's smalltable), 0 if none
    Table(std::size_t initial, std::size_t entry_bytes, bool inline_first)
        : size(initial), entry(entry_bytes), inline_size(inline_first ? initial : 0) {}
    void first(Runtime& rt) {
        if (inline_size == 0) block = rt.heap().allocate(size * entry);
    }
    void add(Runtime& rt) {
        ++used;
        if (used * 5 < (size - 1) * 3) return;
        const std::size_t minused = used > 50000 ? used * 2 : used * 4;
        std::size_t next = 8;
        while (next <= minused) next <<= 1;
        void* grown = rt.heap().allocate(next * entry);
        release(rt);
        block = grown;
        size = next;
    }
    void release(Runtime& rt) {
        if (block != nullptr) rt.heap().release(block, size * entry);
        block = nullptr;
    }
};

class PickleOpt final : public Workload {
public:
    explicit PickleOpt(const Params& p)
        : n_(p.get("n")), loops_(static_cast<std::uint64_t>(p.get("loops"))) {
        layout();
    }

    void setup(Runtime& rt) override {
        put_ = str_new(rt, "PUT");  // pickletools' code constant
        // x = {i: f"ii{i:>07}" for i in range(N)}: the comprehension's function, then its loop.
        Object* fn = boxed_new(rt, kFunctionBytes);
        Object* x = dict_new(rt);
        Object* it = range_iterator_new(rt, n_);
        for (std::int64_t i = 0; i < n_; ++i) {
            Object* iv = int_from(rt, i);
            Object* formatted = opaque_new(rt, str_body_size(7));  // format(i, '>07')
            char text[32];
            std::snprintf(text, sizeof text, "ii%07lld", static_cast<long long>(i));
            Object* value = str_new(rt, text);
            rt.decref(formatted);
            dict_set(rt, x, iv, value);
            rt.decref(value);
            rt.decref(iv);
            rt.eval_breaker();
        }
        rt.decref(it);
        rt.decref(fn);
        // pickle.dumps(x, protocol=4): the C pickler, its memo table (16-byte entries, the dict
        // and every str memoized) and its output buffer (4096 bytes, grown by half).
        Object* pickler = boxed_new(rt, kCPicklerBytes);
        Table memo(8, 16, false);
        memo.first(rt);
        std::size_t cap = 4096, len = 0;
        void* out = rt.heap().allocate(bytes_body(cap));
        memo.add(rt);
        for (const PickleOp& o : ops_) {
            const std::size_t n = o.end - o.pos;
            if (o.op == kUnicode) memo.add(rt);
            if (len + n >= cap) {
                const std::size_t next = (len + n) / 2 * 3;
                out = rt.heap().reallocate(out, bytes_body(cap), bytes_body(next));
                cap = next;
            }
            len += n;
        }
        payload_ = rt.heap().reallocate(out, bytes_body(cap), bytes_body(len));
        payload_bytes_ = len;
        memo.release(rt);
        rt.decref(pickler);
        rt.decref(x);
    }
    std::uint64_t ops() const override { return loops_; }

    void step(Runtime& rt, std::uint64_t) override { optimize(rt); }

    void teardown(Runtime& rt) override {
        rt.heap().release(payload_, bytes_body(payload_bytes_));
        rt.decref(put_);
    }
    nlohmann::json counters() const override {
        return {{"opcodes", ops_.size()}, {"pickle_bytes", payload_bytes_}, {"output_bytes", output_bytes_}};
    }

private:
    // The opcodes of pickle.dumps({i: f"ii{i:>07}" for i in range(n)}, protocol=4), positioned.
    void layout() {
        std::vector<std::pair<Op, std::int64_t>> frame;
        std::size_t frame_bytes = 0, pos = 2;
        ops_.push_back({kProto, 0, 2, 4});
        auto width = [](Op op) -> std::size_t {
            switch (op) {
                case kBinInt1: return 2;
                case kBinInt2: return 3;
                case kBinInt: return 5;
                case kUnicode: return 11;
                default: return 1;
            }
        };
        auto write = [&](Op op, std::int64_t arg) {
            frame.push_back({op, arg});
            frame_bytes += width(op);
        };
        auto boundary = [&](bool force) {  // the C pickler's _Pickler_OpcodeBoundary / CommitFrame
            if (frame.empty() || (frame_bytes < kFrameTarget && !force)) return;
            ops_.push_back({kFrame, static_cast<std::uint32_t>(pos), static_cast<std::uint32_t>(pos + 9),
                            static_cast<std::int64_t>(frame_bytes)});
            pos += 9;
            for (auto [op, arg] : frame) {
                ops_.push_back({op, static_cast<std::uint32_t>(pos), static_cast<std::uint32_t>(pos + width(op)), arg});
                pos += width(op);
            }
            frame.clear();
            frame_bytes = 0;
        };
        write(kEmptyDict, 0);
        write(kMemoize, 0);
        std::int64_t i = 0;
        for (;;) {
            int batch = 0;
            write(kMark, 0);
            while (i < n_) {
                write(i < 256 ? kBinInt1 : i < 65536 ? kBinInt2 : kBinInt, i);
                boundary(false);
                write(kUnicode, i);
                write(kMemoize, 0);
                boundary(false);
                ++i;
                if (++batch == 1000) break;
            }
            write(kSetItems, 0);
            if (batch != 1000) break;
        }
        boundary(false);
        write(kStop, 0);
        boundary(true);
    }

    // The argument _genops reads for an opcode (a new reference, or null for None / a cached one).
    Object* read_arg(Runtime& rt, const PickleOp& o) {
        switch (o.op) {
            case kBinInt2:
            case kBinInt:
            case kFrame: {  // data = f.read(k); _unpack(fmt, data)[0]
                Object* data = bytes_new(rt, o.op == kBinInt2 ? 2 : o.op == kBinInt ? 4 : 8);
                Object* tuple = tuple_new(rt, 1);
                Object* value = o.op == kBinInt ? int_from(rt, o.arg) : ssize_int(rt, o.arg);  // "<i": FromLong
                Runtime::incref(value);
                tuple_init_item(tuple, 0, value);
                rt.decref(tuple);
                rt.xdecref(data);
                return value;
            }
            case kUnicode: {  // data = f.read(n); str(data, 'utf-8', 'surrogatepass')
                Object* data = bytes_new(rt, 9);
                Object* s = opaque_new(rt, str_body_size(9));
                rt.xdecref(data);
                return s;
            }
            default: return nullptr;  // no argument, or a small int
        }
    }

    void optimize(Runtime& rt) {
        Object* oldids = boxed_new(rt, kSetBytes);
        Table oldids_table(8, 16, true);
        Object* newids = dict_new(rt);
        Object* opcodes = list_new(rt);
        Object* protoheader = nullptr;
        // for opcode, arg, pos, end_pos in _genops(p, yield_end_pos=True):
        Object* gen = boxed_new(rt, kGeneratorBytes);
        Object* data = boxed_new(rt, kBytesIOBytes);  // io.BytesIO(p), sharing p's buffer
        rt.decref(boxed_new(rt, kBuiltinMethodBytes, {data}));  // hasattr(data, "tell")
        Object* getpos = boxed_new(rt, kBuiltinMethodBytes, {data});
        for (const PickleOp& o : ops_) {
            Object* pos = ssize_int(rt, o.pos);
            Object* arg = read_arg(rt, o);
            Object* end = ssize_int(rt, o.end);
            Object* yielded = tuple_new(rt, 4);  // (opcode, arg, pos, end_pos), unpacked at once
            for (Object* v : {arg, pos, end})
                if (v != nullptr) Runtime::incref(v);
            tuple_init_item(yielded, 0, none_ref());
            tuple_init_item(yielded, 1, arg != nullptr ? arg : none_ref());
            tuple_init_item(yielded, 2, pos);
            tuple_init_item(yielded, 3, end);
            rt.decref(yielded);
            if (o.op == kMemoize) {
                Object* idx = ssize_int(rt, static_cast<std::int64_t>(oldids_table.used));
                oldids_table.add(rt);
                append_pair(rt, opcodes, put_, idx);
                rt.decref(idx);
            } else if (o.op == kFrame) {
            } else if (o.op == kProto && o.pos == 0) {
                protoheader = bytes_new(rt, 2);
            } else {
                append_pair(rt, opcodes, pos, end);
            }
            rt.xdecref(arg);
            rt.decref(pos);
            rt.decref(end);
            rt.eval_breaker();
        }
        rt.decref(getpos);
        rt.decref(data);
        rt.decref(gen);
        oldids_table.release(rt);
        rt.decref(oldids);  // del oldids

        // out = io.BytesIO(); out.write(protoheader); pickler = pickle._Pickler(out, proto)
        Buffer out_buf, frame_buf;
        Object* out = boxed_new(rt, kBytesIOBytes);
        out_buf.write(rt, 2);
        Object* file_write = boxed_new(rt, kBuiltinMethodBytes, {out});
        Object* framer = boxed_new(rt, kPyPicklerBytes, {file_write});
        Object* memo = dict_new(rt);
        Object* pickler = boxed_new(rt, kPyPicklerBytes, {framer, memo, file_write});
        Object* bound[2] = {boxed_new(rt, kMethodBytes, {framer}), boxed_new(rt, kMethodBytes, {framer})};
        rt.decref(memo);
        rt.decref(file_write);
        Object* current = boxed_new(rt, kBytesIOBytes);  // framer.start_framing()
        auto commit = [&](bool force) {
            Object* tell = ssize_int(rt, static_cast<std::int64_t>(frame_buf.used));
            rt.decref(tell);
            if (frame_buf.used < kFrameTarget && !force) return;
            Object* view[3] = {boxed_new(rt, kBytesIOBufBytes, {current}), nullptr, nullptr};  // f.getbuffer()
            view[1] = boxed_new(rt, kManagedBufferBytes, {view[0]});
            view[2] = boxed_new(rt, kMemoryViewBytes, {view[1]});
            if (frame_buf.used >= 4) {  // write(FRAME + pack("<Q", len(data)))
                Object* packed = bytes_new(rt, 8);
                Object* header = bytes_new(rt, 9);
                out_buf.write(rt, 9);
                rt.xdecref(header);
                rt.xdecref(packed);
            }
            out_buf.write(rt, frame_buf.used);
            for (Object* v : view) rt.decref(v);
            Object* next = boxed_new(rt, kBytesIOBytes);  // self.current_frame = io.BytesIO()
            rt.decref(current);
            frame_buf.release(rt);
            current = next;
        };
        // for op, arg in opcodes: (the list holds ops_ in order, less the FRAMEs and the header)
        std::size_t k = 0;
        for (const PickleOp& o : ops_) {
            if (o.op == kFrame || (o.op == kProto && o.pos == 0)) continue;
            if (tuple_items(list_get(opcodes, k++))[0] != put_) {  // a PUT without a GET is dropped
                const std::size_t len = o.end - o.pos;
                Object* bytes = bytes_new(rt, len);  // p[pos:end_pos]
                commit(false);
                frame_buf.write(rt, len);
                rt.xdecref(bytes);
            }
            rt.eval_breaker();
        }
        commit(true);  // end_framing()
        rt.decref(current);
        // out.getvalue(): the buffer trimmed to its contents, returned and dropped by the caller
        out_buf.block = rt.heap().reallocate(out_buf.block, bytes_body(out_buf.alloc), bytes_body(out_buf.used));
        out_buf.alloc = out_buf.used;
        output_bytes_ = out_buf.used;
        for (Object* o : {newids, opcodes}) rt.decref(o);
        rt.xdecref(protoheader);
        for (Object* b : bound) rt.decref(b);
        rt.decref(pickler);
        rt.decref(framer);
        rt.decref(out);
        out_buf.release(rt);
    }

    static void append_pair(Runtime& rt, Object* list, Object* a, Object* b) {
        Object* t = tuple_new(rt, 2);
        Runtime::incref(a);
        Runtime::incref(b);
        tuple_init_item(t, 0, a);
        tuple_init_item(t, 1, b);
        list_append(rt, list, t);
        rt.decref(t);
    }

    std::int64_t n_;
    std::uint64_t loops_;
    std::vector<PickleOp> ops_;
    Object* put_ = nullptr;
    void* payload_ = nullptr;
    std::size_t payload_bytes_ = 0, output_bytes_ = 0;
};

}  // namespace

WorkloadEntry pickle_opt_workload() {
    return {"pickle_opt",
            "pyperformance's pickle_opt: pickletools.optimize of a pickled 100000-item dict (CPython 140175)",
            {{"n", 100000, "dict items pickled (the benchmark's N; issue 140175 used 1000000)"},
             {"loops", 1, "pyperf loops (one op each): one pickletools.optimize(payload)"}},
            {{"n", "5000"}, {"loops", "2"}},
            [](const Params& p, std::uint64_t) { return std::make_unique<PickleOpt>(p); }};
}

}  // namespace pmb
