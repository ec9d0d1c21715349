// strings: text building, slicing, joining and interning (templating, log formatting, parsers):
// short-lived strings of varied small sizes, none of them GC-capable.
//
//     WORDS = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta")
//     w1, w2 = WORDS[i % 8], WORDS[(i * 3) % 8]
//     s = w1 + "-" + w2                  # two concatenations (the first result is a temporary)
//     t = s[1:-1]; u = t.upper()
//     joined = ",".join([s, t, u])       # a list literal and one exact-size result
//     name = sys.intern(w1[:3] + w1[3:]) # a fresh copy of an interned identifier, deduplicated
//     if keep_every and i % keep_every == 0: kept.append(joined), trimmed FIFO to `kept`
// CPython 3.11 allocates each new string as 49 + length bytes (compact ASCII); one-character and
// empty results are cached singletons; WORDS, "-" and "," are code constants (interned), so
// sys.intern finds the constant and the fresh copy dies at once.
#include "objects/list.h"
#include "objects/scalars.h"
#include "objects/str.h"
#include "workloads/registry.h"

namespace pmb {
namespace {

constexpr const char* kWords[] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"};

class Strings final : public Workload {
public:
    explicit Strings(const Params& p)
        : iterations_(static_cast<std::uint64_t>(p.get("iterations"))),
          keep_every_(static_cast<std::uint64_t>(p.get("keep_every"))),
          kept_cap_(static_cast<std::size_t>(p.get("kept"))) {}

    void setup(Runtime& rt) override {
        for (const char* w : kWords) words_.push_back(str_new(rt, w));
        dash_ = str_new(rt, "-");
        comma_ = str_new(rt, ",");
        kept_ = list_new(rt);
    }
    std::uint64_t ops() const override { return iterations_; }

    // sys.intern(fresh): the interned constant with equal text replaces the fresh string.
    Object* intern(Runtime& rt, Object* fresh) {
        for (Object* w : words_) {
            if (str_view(w) == str_view(fresh)) {
                Runtime::incref(w);
                rt.decref(fresh);
                return w;
            }
        }
        return fresh;
    }

    void step(Runtime& rt, std::uint64_t iteration) override {
        const auto i = static_cast<std::int64_t>(iteration);
        Object* ival = int_from(rt, i);  // the loop variable
        Object* w1 = words_[static_cast<std::size_t>(i % 8)];
        Object* product = int_from(rt, i * 3);
        Object* w2 = words_[static_cast<std::size_t>((i * 3) % 8)];
        rt.decref(product);
        Object* tmp = str_concat(rt, w1, dash_);
        Object* s = str_concat(rt, tmp, w2);
        rt.decref(tmp);
        Object* t = str_slice(rt, s, 1, str_length(s) - 1);
        Object* u = str_upper(rt, t);
        Object* items[3] = {s, t, u};
        for (Object* o : items) Runtime::incref(o);
        Object* parts = list_from_items(rt, items, 3);
        Object* joined = str_join(rt, comma_, parts);
        rt.decref(parts);
        Object* head = str_slice(rt, w1, 0, 3);
        Object* rest = str_slice(rt, w1, 3, str_length(w1));
        Object* fresh = str_concat(rt, head, rest);
        rt.decref(head);
        rt.decref(rest);
        Object* name = intern(rt, fresh);
        chars_ += str_length(joined);
        if (keep_every_ != 0 && iteration % keep_every_ == 0 && kept_cap_ != 0) {
            list_append(rt, kept_, joined);
            if (list_size(kept_) > kept_cap_) list_del_prefix(rt, kept_, 1);
        }
        for (Object* o : {s, t, u, joined, name, ival}) rt.decref(o);
    }

    void teardown(Runtime& rt) override {
        rt.decref(kept_);
        for (Object* w : words_) rt.decref(w);
        rt.decref(dash_);
        rt.decref(comma_);
        words_.clear();
    }
    nlohmann::json counters() const override { return {{"characters_joined", chars_}}; }

private:
    std::uint64_t iterations_, keep_every_;
    std::size_t kept_cap_;
    std::vector<Object*> words_;
    Object *dash_ = nullptr, *comma_ = nullptr, *kept_ = nullptr;
    std::uint64_t chars_ = 0;
};

}  // namespace

WorkloadEntry strings_workload() {
    WorkloadEntry entry{"strings",
            "string building, slicing, joining and interning: short-lived compact ASCII strings",
            {{"iterations", 300000, "strings built (one step each)"},
             {"keep_every", 10, "every n-th joined string is kept (0 = none)"},
             {"kept", 5000, "kept strings at most (FIFO)"}},
            {{"iterations", "30000"}, {"kept", "1000"}},
            [](const Params& p, std::uint64_t) { return std::make_unique<Strings>(p); }};
    entry.steps_per_op = 8;  // a step takes ~0.3 us: 8 make an op worth timing
    return entry;
}

}  // namespace pmb
