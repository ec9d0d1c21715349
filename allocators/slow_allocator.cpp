#include "allocators/slow_allocator.h"

#include <chrono>
#include <cstdint>
#include <stdexcept>

namespace pmb {
namespace {

// A busy loop the compiler cannot remove: `n` iterations of an opaque increment.
inline void spin(std::uint64_t n) {
    for (std::uint64_t i = 0; i < n; ++i) asm volatile("" ::: "memory");
}

// Iterations of spin() per nanosecond on this machine, measured over ~10 ms.
double spins_per_ns() {
    constexpr std::uint64_t kIterations = 1u << 22;
    double best = 0;
    for (int attempt = 0; attempt < 3; ++attempt) {
        const auto t0 = std::chrono::steady_clock::now();
        spin(kIterations);
        const double ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count();
        best = std::max(best, static_cast<double>(kIterations) / ns);  // the least disturbed attempt
    }
    return best;
}

using Clock = std::chrono::steady_clock;
constexpr std::uint64_t kCallsPerCheck = 64;  // pct=P: one clock read per 64 calls

class SlowAllocator final : public Allocator {
public:
    SlowAllocator(const SlowSpec& spec, std::unique_ptr<Allocator> base)
        : base_(std::move(base)), base_ops_(base_->ops()),
          spins_(spec.ns > 0 ? static_cast<std::uint64_t>(spec.ns * spins_per_ns() + 0.5) : 0), ns_(spec.ns),
          percent_(spec.percent), by_percent_(spec.by_percent), stretch_(1 / (1 - spec.percent / 100) - 1),
          mark_(Clock::now()) {
        name_ = "slow(" + base_->name() + ")";
        ops_ = {this, &SlowAllocator::do_malloc, &SlowAllocator::do_calloc, &SlowAllocator::do_realloc,
                &SlowAllocator::do_free};
    }

    const std::string& name() const override { return name_; }
    const AllocatorOps& ops() const override { return ops_; }
    AllocatorIdentity identity() const override {
        AllocatorIdentity id = base_->identity();
        const auto one_decimal = [](double v) { return std::to_string(v).substr(0, std::to_string(v).find('.') + 2); };
        id.version += by_percent_ ? " + slow " + one_decimal(percent_) + " % throughput"
                                   : " + slow " + one_decimal(ns_) + " ns/call";
        return id;
    }
    nlohmann::json stats() const override {
        nlohmann::json s = base_->stats();
        s["slow_ns_per_call"] = ns_;
        s["slow_spins_per_call"] = spins_;
        s["slow_percent"] = percent_;
        s["slow_stretched_ns"] = stretched_ns_;
        return s;
    }

private:
    // Every call: ns=N's spin; pct=P's, at every 64th call, the time since the last check stretched.
    void delay() {
        spin(spins_);
        if (!by_percent_ || ++calls_ % kCallsPerCheck != 0) return;
        const Clock::time_point now = Clock::now();
        const auto owed = std::chrono::duration_cast<Clock::duration>((now - mark_) * stretch_);
        const Clock::time_point until = now + owed;
        while (Clock::now() < until) asm volatile("" ::: "memory");
        stretched_ns_ += static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(owed).count());
        mark_ = Clock::now();
    }

    static void* do_malloc(void* ctx, std::size_t size) {
        auto* self = static_cast<SlowAllocator*>(ctx);
        self->delay();
        return self->base_ops_.malloc(self->base_ops_.ctx, size);
    }
    static void* do_calloc(void* ctx, std::size_t nelem, std::size_t elsize) {
        auto* self = static_cast<SlowAllocator*>(ctx);
        self->delay();
        return self->base_ops_.calloc(self->base_ops_.ctx, nelem, elsize);
    }
    static void* do_realloc(void* ctx, void* ptr, std::size_t size) {
        auto* self = static_cast<SlowAllocator*>(ctx);
        self->delay();
        return self->base_ops_.realloc(self->base_ops_.ctx, ptr, size);
    }
    static void do_free(void* ctx, void* ptr) {
        auto* self = static_cast<SlowAllocator*>(ctx);
        self->delay();
        self->base_ops_.free(self->base_ops_.ctx, ptr);
    }

    std::unique_ptr<Allocator> base_;
    AllocatorOps base_ops_;
    AllocatorOps ops_{};
    std::uint64_t spins_;
    double ns_;
    double percent_;
    bool by_percent_;
    double stretch_;          // 1 / (1 - P/100) - 1

    Clock::time_point mark_;    // the last check's end
    std::uint64_t calls_ = 0, stretched_ns_ = 0;
    std::string name_;
};

}  // namespace

SlowSpec parse_slow_spec(const std::string& options) {
    const std::string usage = " (accepted: slow:ns=N:BASE, a cost per call, e.g. slow:ns=40:pool; or slow:pct=P:BASE, "
                              "throughput P % lower, 0 <= P < 90, e.g. slow:pct=5:pool)";
    const auto colon = options.find(':');
    const std::string cost = options.substr(0, colon);
    const bool ns = cost.rfind("ns=", 0) == 0, pct = cost.rfind("pct=", 0) == 0;
    if (!(ns || pct) || colon == std::string::npos || colon + 1 >= options.size())
        throw std::invalid_argument("allocator 'slow:" + options + "' needs a cost and a base" + usage);
    const std::string number = cost.substr(ns ? 3 : 4);
    double value = -1;
    std::size_t used = 0;
    try {
        value = std::stod(number, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    const double limit = ns ? 1e6 : 90;
    if (used == 0 || used != number.size() || !(value >= 0) || (ns ? value > limit : value >= limit))
        throw std::invalid_argument("allocator 'slow:" + options + "': '" + number + "' is not " +
                                    (ns ? "a cost in nanoseconds between 0 and 1e6" : "a percentage from 0 to below 90") +
                                    usage);
    SlowSpec spec;
    (ns ? spec.ns : spec.percent) = value;
    spec.by_percent = pct;
    spec.base = options.substr(colon + 1);
    if (spec.base.rfind("slow", 0) == 0)
        throw std::invalid_argument("allocator 'slow:" + options + "': a slow allocator cannot wrap another" + usage);
    return spec;
}

std::unique_ptr<Allocator> make_slow_allocator(const SlowSpec& spec, std::unique_ptr<Allocator> base) {
    return std::make_unique<SlowAllocator>(spec, std::move(base));
}

}  // namespace pmb
