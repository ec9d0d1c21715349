#include "collectors/refcount_collector.h"

#include "measure/latency_histogram.h"

#include "objects/runtime.h"

namespace pmb {
namespace {

class RefcountCollector final : public Collector {
public:
    explicit RefcountCollector(Heap& heap) : heap_(heap) {}

    const std::string& name() const override { return name_; }
    void attach(Runtime& rt) override { rt_ = &rt; }
    std::size_t gc_header_size() const override { return 0; }

    Object* allocate(const TypeInfo* type, std::size_t size) override {
        Object* obj = static_cast<Object*>(heap_.allocate(size));
        obj->refcnt = 1;
        obj->type = type;
        ++live_objects_;
        return obj;
    }
    void track(Object*) override {}
    void untrack(Object*) override {}
    bool is_tracked(const Object*) const override { return false; }
    void release(Object* obj, std::size_t size) override {
        heap_.release(obj, size);
        --live_objects_;
    }

    void collect() override {}

    CollectorReport finish() override {
        if (rt_ != nullptr) rt_->clear_free_lists();
        CollectorReport report;
        report.leaked_objects = live_objects_;
        report.leaked_bytes = heap_.live_bytes();
        // The same shape as a cycle collector's statistics, so results compare column by column.
        report.gc = {{"collections", {0, 0, 0}},
                     {"collected", {0, 0, 0}},
                     {"uncollectable", {0, 0, 0}},
                     {"pause_ns", LatencyHistogram().summary_json()},
                     {"pause_histogram_ns", nlohmann::json::array()},
                     {"pauses", nlohmann::json::array()}};
        report.gc["pause_ns"]["total"] = 0;
        return report;
    }

private:
    const std::string name_ = "rc";
    Heap& heap_;
    Runtime* rt_ = nullptr;
    std::uint64_t live_objects_ = 0;
};

}  // namespace

std::unique_ptr<Collector> make_refcount_collector(Heap& heap) {
    return std::make_unique<RefcountCollector>(heap);
}

}  // namespace pmb
