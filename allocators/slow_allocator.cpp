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

class SlowAllocator final : public Allocator {
public:
    SlowAllocator(double ns, std::unique_ptr<Allocator> base)
        : base_(std::move(base)), base_ops_(base_->ops()),
          spins_(static_cast<std::uint64_t>(ns * spins_per_ns() + 0.5)), ns_(ns) {
        name_ = "slow(" + base_->name() + ")";
        ops_ = {this, &SlowAllocator::do_malloc, &SlowAllocator::do_calloc, &SlowAllocator::do_realloc,
                &SlowAllocator::do_free};
    }

    const std::string& name() const override { return name_; }
    const AllocatorOps& ops() const override { return ops_; }
    AllocatorIdentity identity() const override {
        AllocatorIdentity id = base_->identity();
        id.version += " + slow " + std::to_string(ns_).substr(0, std::to_string(ns_).find('.') + 2) + " ns/call";
        return id;
    }
    nlohmann::json stats() const override {
        nlohmann::json s = base_->stats();
        s["slow_ns_per_call"] = ns_;
        s["slow_spins_per_call"] = spins_;
        return s;
    }

private:
    static void* do_malloc(void* ctx, std::size_t size) {
        auto* self = static_cast<SlowAllocator*>(ctx);
        spin(self->spins_);
        return self->base_ops_.malloc(self->base_ops_.ctx, size);
    }
    static void* do_calloc(void* ctx, std::size_t nelem, std::size_t elsize) {
        auto* self = static_cast<SlowAllocator*>(ctx);
        spin(self->spins_);
        return self->base_ops_.calloc(self->base_ops_.ctx, nelem, elsize);
    }
    static void* do_realloc(void* ctx, void* ptr, std::size_t size) {
        auto* self = static_cast<SlowAllocator*>(ctx);
        spin(self->spins_);
        return self->base_ops_.realloc(self->base_ops_.ctx, ptr, size);
    }
    static void do_free(void* ctx, void* ptr) {
        auto* self = static_cast<SlowAllocator*>(ctx);
        spin(self->spins_);
        self->base_ops_.free(self->base_ops_.ctx, ptr);
    }

    std::unique_ptr<Allocator> base_;
    AllocatorOps base_ops_;
    AllocatorOps ops_{};
    std::uint64_t spins_;
    double ns_;
    std::string name_;
};

}  // namespace

SlowSpec parse_slow_spec(const std::string& options) {
    const std::string usage = " (accepted: slow:ns=N:BASE, e.g. slow:ns=40:pool)";
    const auto colon = options.find(':');
    const std::string cost = options.substr(0, colon);
    if (cost.rfind("ns=", 0) != 0 || colon == std::string::npos || colon + 1 >= options.size())
        throw std::invalid_argument("allocator 'slow:" + options + "' needs a cost and a base" + usage);
    SlowSpec spec;
    std::size_t used = 0;
    try {
        spec.ns = std::stod(cost.substr(3), &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used == 0 || used != cost.size() - 3 || !(spec.ns >= 0) || spec.ns > 1e6)
        throw std::invalid_argument("allocator 'slow:" + options + "': '" + cost.substr(3) +
                                    "' is not a cost in nanoseconds between 0 and 1e6" + usage);
    spec.base = options.substr(colon + 1);
    if (spec.base.rfind("slow", 0) == 0)
        throw std::invalid_argument("allocator 'slow:" + options + "': a slow allocator cannot wrap another" + usage);
    return spec;
}

std::unique_ptr<Allocator> make_slow_allocator(double ns, std::unique_ptr<Allocator> base) {
    return std::make_unique<SlowAllocator>(ns, std::move(base));
}

}  // namespace pmb
