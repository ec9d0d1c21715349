// Tests of the pool allocator's option string and configuration checks.
#include <stdexcept>
#include <string>

#include "tests/allocators/pool_test_support.h"

namespace pmb::pool_test {
namespace {

TEST(PoolConfigParse, EmptyStringGivesCPython311Defaults) {
    const PoolConfig c = parse_pool_config("");
    EXPECT_EQ(c.alignment, 16u);
    EXPECT_EQ(c.small_threshold, 512u);
    EXPECT_EQ(c.pool_size, 16384u);
    EXPECT_EQ(c.arena_size, 1048576u);
}

TEST(PoolConfigParse, AcceptsGoodStrings) {
    PoolConfig c = parse_pool_config("pool_size=4K:arena_size=256K");
    EXPECT_EQ(c.pool_size, 4096u);
    EXPECT_EQ(c.arena_size, 262144u);
    EXPECT_EQ(c.alignment, 16u);
    c = parse_pool_config("alignment=8:threshold=256:pool_size=16384:arena_size=1M");
    EXPECT_EQ(c.alignment, 8u);
    EXPECT_EQ(c.small_threshold, 256u);
    EXPECT_EQ(c.pool_size, 16384u);
    EXPECT_EQ(c.arena_size, 1048576u);
    c = parse_pool_config("arena_size=4m:pool_size=64k");
    EXPECT_EQ(c.arena_size, 4u << 20);
    EXPECT_EQ(c.pool_size, 64u << 10);
    c = parse_pool_config("threshold=8:alignment=8:pool_size=1K:arena_size=4K");
    EXPECT_EQ(c.small_threshold, 8u);
    Heap tiny(c);  // the smallest accepted geometry works
    void* p = tiny.malloc(8);
    EXPECT_TRUE(tiny.owns(p));
    void* q = tiny.malloc(9);
    EXPECT_FALSE(tiny.owns(q));
    tiny.free(p);
    tiny.free(q);
    EXPECT_EQ(tiny.invariants(), "");
}

// Each bad string must be rejected with a message that names the offending key or value.
void expect_rejected(const std::string& options, const std::string& named) {
    try {
        parse_pool_config(options);
        ADD_FAILURE() << "accepted '" << options << "'";
    } catch (const std::invalid_argument& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find(named), std::string::npos) << "'" << options << "': " << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
}

TEST(PoolConfigParse, RejectsBadStringsNamingTheProblem) {
    expect_rejected("pool_size", "pool_size");
    expect_rejected("=4K", "=4K");
    expect_rejected("colour=4K", "colour");
    expect_rejected("pool_size=", "pool_size=");
    expect_rejected("pool_size=4X", "pool_size=4X");
    expect_rejected("pool_size=K", "pool_size=K");
    expect_rejected("pool_size=-4K", "pool_size=-4K");
    expect_rejected("pool_size=99999999999999999999999", "too large");
    expect_rejected("arena_size=99999999999999M", "too large");
    expect_rejected("pool_size=3K", "pool_size=3072");
    expect_rejected("pool_size=1M", "pool_size=1048576");          // > arena_size / 4
    expect_rejected("pool_size=1K", "pool_size=1024");              // two 512-byte blocks don't fit
    expect_rejected("arena_size=3M", "arena_size=3145728");
    expect_rejected("arena_size=2K", "arena_size=2048");
    expect_rejected("arena_size=2048M", "arena_size");
    expect_rejected("alignment=32", "alignment=32");
    expect_rejected("alignment=4", "alignment=4");
    expect_rejected("threshold=513", "threshold=513");
    expect_rejected("threshold=100", "threshold=100");
    expect_rejected("threshold=0", "threshold=0");
    expect_rejected("pool_size=4K:pool_size=4K", "twice");
    expect_rejected("pool_size=4K:", "''");
    expect_rejected(":pool_size=4K", "''");
}

TEST(PoolConfigParse, MakeValidatesDirectlyBuiltConfigs) {
    PoolConfig c;
    c.pool_size = 12345;
    EXPECT_THROW(make_pool_allocator(c), std::invalid_argument);
    c = PoolConfig{};
    c.arena_source.alloc = [](void*, std::size_t) -> void* { return nullptr; };
    EXPECT_THROW(make_pool_allocator(c), std::invalid_argument);  // alloc without free
}

}  // namespace
}  // namespace pmb::pool_test
