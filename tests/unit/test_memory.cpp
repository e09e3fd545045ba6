// Memory accounting: the counted allocator, per-key MEMORY USAGE, and INFO's memory fields.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "harness.hpp"
#include "store/memory.hpp"

using namespace corokv;
using namespace corokv::test;

namespace {
long long reply_int(const std::string& reply) {
    REQUIRE(reply.starts_with(":"));
    return std::stoll(reply.substr(1));
}
}  // namespace

TEST_CASE("memory: used() follows allocations and frees, with their real block sizes") {
    const std::int64_t before = memory::used();
    auto block = std::make_unique<char[]>(100000);
    block[0] = 1;
    const std::int64_t during = memory::used();
    CHECK(during - before >= 100000);
    CHECK(during - before < 100000 + 8192);
    CHECK(memory::block_size(block.get()) >= 100000);
    block.reset();
    CHECK(memory::used() - before < 1024);
}

TEST_CASE("memory: string_bytes is 0 for strings kept in the object") {
    std::string small = "short";
    std::string large(100, 'x');
    CHECK(memory::string_bytes(small) == 0);
    CHECK(memory::string_bytes(large) >= 101);
}

TEST_CASE("memory: ElementSampler extrapolates from the first elements") {
    memory::ElementSampler all(0), five(5);
    for (int i = 0; i < 10; ++i) {
        if (all.wants_more()) all.add(i < 5 ? 10 : 30);
        if (five.wants_more()) five.add(i < 5 ? 10 : 30);
    }
    CHECK(all.estimate(10) == 200);
    CHECK(five.estimate(10) == 100);
}

TEST_CASE("memory: MEMORY USAGE grows with the value and answers nil for a missing key") {
    Harness h;
    CHECK(h.run({"MEMORY", "USAGE", "missing"}) == "$-1\r\n");
    h.run({"SET", "small", "x"});
    h.run_strings({"SET", "large", std::string(10000, 'x')});
    const long long small = reply_int(h.run({"MEMORY", "USAGE", "small"}));
    const long long large = reply_int(h.run({"MEMORY", "USAGE", "large"}));
    CHECK(small > 0);
    CHECK(large >= small + 10000);
    for (int i = 0; i < 1000; ++i) h.run_strings({"RPUSH", "list", std::string(50, 'x')});
    for (int i = 0; i < 1000; ++i) h.run_strings({"SADD", "set", "member:" + std::to_string(i)});
    for (int i = 0; i < 1000; ++i) h.run_strings({"ZADD", "zset", std::to_string(i), "m:" + std::to_string(i)});
    for (int i = 0; i < 1000; ++i) h.run_strings({"HSET", "hash", "f:" + std::to_string(i), "value"});
    for (const char* key : {"list", "set", "zset", "hash"}) {
        CAPTURE(key);
        const long long sampled = reply_int(h.run({"MEMORY", "USAGE", key}));
        const long long exact = reply_int(h.run({"MEMORY", "USAGE", key, "SAMPLES", "0"}));
        CHECK(exact > 1000 * 16);
        CHECK(sampled > exact / 2);
        CHECK(sampled < exact * 2);
    }
}

TEST_CASE("memory: MEMORY USAGE argument errors match Redis") {
    Harness h;
    h.run({"SET", "k", "v"});
    CHECK(h.run({"MEMORY", "USAGE", "k", "SAMPLES"}) == syntax_error());
    CHECK(h.run({"MEMORY", "USAGE", "k", "SAMPLES", "-1"}) == syntax_error());
    CHECK(h.run({"MEMORY", "USAGE", "k", "SAMPLES", "x"}) == not_integer());
    CHECK(h.run({"MEMORY", "USAGE", "k", "FOO", "1"}) == syntax_error());
    CHECK(h.run({"MEMORY", "USAGE", "nokey", "FOO", "1"}) == syntax_error());
    CHECK(h.run({"MEMORY", "USAGE"}) == arity_error("memory|usage"));
    CHECK(h.run({"MEMORY", "PURGE"}) == ok());
    CHECK(h.run({"MEMORY", "NOPE"}) == err("ERR unknown subcommand 'NOPE'. Try MEMORY HELP."));
}

TEST_CASE("memory: INFO memory reports used memory, limits and policy") {
    Harness h;
    h.run({"CONFIG", "SET", "maxmemory", "1gb"});
    h.run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"});
    const std::string info = h.run({"INFO", "memory"});
    for (const char* field : {"used_memory:", "used_memory_human:", "used_memory_rss:", "used_memory_peak:",
                              "mem_fragmentation_ratio:"})
        CHECK(info.find(field) != std::string::npos);
    CHECK(info.find("maxmemory:1073741824\r\n") != std::string::npos);
    CHECK(info.find("maxmemory_human:1.00G\r\n") != std::string::npos);
    CHECK(info.find("maxmemory_policy:allkeys-lfu\r\n") != std::string::npos);
    h.run({"CONFIG", "SET", "maxmemory", "1125899906842624"});
    CHECK(h.run({"INFO", "memory"}).find("maxmemory_human:1.00P\r\n") != std::string::npos);
}
