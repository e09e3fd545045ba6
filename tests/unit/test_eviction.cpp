// maxmemory eviction: policy names, the LRU clock and LFU counter arithmetic, the Evictor's
// choice of victims under each policy, and the dispatcher's OOM refusal.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "harness.hpp"
#include "store/eviction.hpp"
#include "store/memory.hpp"

using namespace corokv;
using namespace corokv::test;

namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;  // ms

// Puts `key` into db 0 of `store` with a string value, an access time and optional TTL.
Entry& put(Store& store, const std::string& key, std::int64_t accessed_ms, std::int64_t expire_ms = 0) {
    const auto h = hash_bytes(key);
    Shard& s = store.shard(store.shard_index(h));
    std::lock_guard lock(s.mutex);
    Entry& e = *s.dbs[0].find_or_create(key, h, kNow).first;
    e.value = StringValue::from_text("value of " + key);
    e.access_ticks = lru_ticks(accessed_ms);
    e.lfu_minutes = lfu_minutes(kNow);
    if (expire_ms) s.dbs[0].set_expire(key, e, expire_ms);
    return e;
}

bool exists(Store& store, const std::string& key) {
    const auto h = hash_bytes(key);
    Shard& s = store.shard(store.shard_index(h));
    std::lock_guard lock(s.mutex);
    return s.dbs[0].find(key, h, kNow) != nullptr;
}

std::size_t key_count(Store& store) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < store.shard_count(); ++i) n += store.shard(i).dbs[0].size();
    return n;
}

EvictionParams params(EvictionPolicy policy) {
    return EvictionParams{.policy = policy, .samples = 5, .lfu_decay_time = 1, .now_ms = kNow, .time_limit_us = 1000000};
}

}  // namespace

TEST_CASE("eviction: policy names round-trip, case-insensitively") {
    for (const char* name : {"noeviction", "allkeys-lru", "volatile-lru", "allkeys-lfu", "volatile-lfu",
                             "allkeys-random", "volatile-random", "volatile-ttl"}) {
        auto p = parse_eviction_policy(name);
        REQUIRE(p);
        CHECK(std::string(eviction_policy_name(*p)) == name);
    }
    CHECK(parse_eviction_policy("ALLKEYS-LRU") == EvictionPolicy::allkeys_lru);
    CHECK_FALSE(parse_eviction_policy("lru"));
    CHECK(is_volatile(EvictionPolicy::volatile_ttl));
    CHECK_FALSE(is_volatile(EvictionPolicy::allkeys_lfu));
    CHECK(is_lfu(EvictionPolicy::volatile_lfu));
}

TEST_CASE("eviction: idle time counts 10 ms ticks and never goes negative") {
    Entry e;
    e.access_ticks = lru_ticks(kNow);
    CHECK(idle_ticks(e, kNow + 2500) == 250);
    // Touched by another thread after this caller read its clock: idle 0, not 2^32 ticks.
    e.access_ticks = lru_ticks(kNow + 30);
    CHECK(idle_ticks(e, kNow) == 0);
    CHECK(idle_seconds(e, kNow) == 0);
    // OBJECT IDLETIME counts second boundaries crossed, as Redis's 1 s LRU clock does.
    e.access_ticks = lru_ticks(1'000'999);
    CHECK(idle_seconds(e, 1'001'000) == 1);
    CHECK(idle_seconds(e, 1'000'999 + 5000) == 5);
    // The clock wraps after 2^32 ticks; idle time survives the wrap.
    e.access_ticks = 0xFFFFFFF0u;
    CHECK(idle_ticks(e, (0x100000010LL) * kLruTickMs) == 0x20);
}

TEST_CASE("eviction: LFU counter grows logarithmically and decays per lfu-decay-time minutes") {
    Entry e;
    e.lfu_minutes = lfu_minutes(kNow);
    CHECK(e.lfu_counter == kLfuInitialCounter);
    SUBCASE("log factor 0 increments on every access, up to 255") {
        for (int i = 0; i < 10; ++i) lfu_record_access(e, kNow, 0, 1);
        CHECK(e.lfu_counter == 15);
        for (int i = 0; i < 1000; ++i) lfu_record_access(e, kNow, 0, 1);
        CHECK(e.lfu_counter == 255);
    }
    SUBCASE("log factor 10 needs many more accesses for each step") {
        for (int i = 0; i < 1000; ++i) lfu_record_access(e, kNow, 10, 1);
        // Redis's table: ~1K hits with factor 10 give a counter around 18.
        CHECK(e.lfu_counter > 10);
        CHECK(e.lfu_counter < 30);
    }
    SUBCASE("decay: one step per lfu-decay-time minutes idle, 0 disables it") {
        e.lfu_counter = 20;
        CHECK(lfu_decayed_counter(e, kNow + 3 * 60000, 1) == 17);
        CHECK(lfu_decayed_counter(e, kNow + 3 * 60000, 2) == 19);
        CHECK(lfu_decayed_counter(e, kNow + 3 * 60000, 0) == 20);
        CHECK(lfu_decayed_counter(e, kNow + 600 * 60000, 1) == 0);
    }
}

TEST_CASE("eviction: tenacity sets the time one eviction run may take") {
    CHECK(eviction_time_limit_us(0) == 0);
    CHECK(eviction_time_limit_us(10) == 500);
    CHECK(eviction_time_limit_us(11) == 575);
    CHECK(eviction_time_limit_us(100) == UINT64_MAX);
}

TEST_CASE("eviction: allkeys-lru evicts the least recently used keys first") {
    Store store(4, 1);
    for (int i = 0; i < 200; ++i) put(store, "old:" + std::to_string(i), kNow - 100000);
    for (int i = 0; i < 200; ++i) put(store, "new:" + std::to_string(i), kNow);
    Evictor evictor;
    for (int i = 0; i < 100; ++i) REQUIRE(evictor.evict_one(store, params(EvictionPolicy::allkeys_lru)));
    // Sampling approximates LRU: a recent key goes only when a whole sample held no old one.
    int new_left = 0;
    for (int i = 0; i < 200; ++i) new_left += exists(store, "new:" + std::to_string(i));
    CHECK(new_left >= 195);
    CHECK(key_count(store) == 300);
    std::uint64_t evicted = 0;
    for (std::size_t i = 0; i < store.shard_count(); ++i) evicted += store.shard(i).stats.evicted_keys;
    CHECK(evicted == 100);
}

TEST_CASE("eviction: allkeys-lfu keeps frequently used keys") {
    Store store(4, 1);
    for (int i = 0; i < 200; ++i) put(store, "rare:" + std::to_string(i), kNow).lfu_counter = 5;
    for (int i = 0; i < 50; ++i) put(store, "hot:" + std::to_string(i), kNow).lfu_counter = 40;
    Evictor evictor;
    for (int i = 0; i < 150; ++i) REQUIRE(evictor.evict_one(store, params(EvictionPolicy::allkeys_lfu)));
    int hot_left = 0;
    for (int i = 0; i < 50; ++i) hot_left += exists(store, "hot:" + std::to_string(i));
    CHECK(hot_left == 50);
}

TEST_CASE("eviction: volatile policies only take keys with a TTL, then give up") {
    for (EvictionPolicy policy : {EvictionPolicy::volatile_lru, EvictionPolicy::volatile_lfu,
                                  EvictionPolicy::volatile_random, EvictionPolicy::volatile_ttl}) {
        CAPTURE(eviction_policy_name(policy));
        Store store(4, 1);
        for (int i = 0; i < 50; ++i) put(store, "keep:" + std::to_string(i), kNow - 100000);
        for (int i = 0; i < 30; ++i) put(store, "ttl:" + std::to_string(i), kNow, kNow + 60000 + i);
        Evictor evictor;
        int evicted = 0;
        while (evictor.evict_one(store, params(policy))) ++evicted;
        CHECK(evicted == 30);
        CHECK(key_count(store) == 50);
    }
}

TEST_CASE("eviction: volatile-ttl takes the nearest deadlines first") {
    Store store(4, 1);
    for (int i = 0; i < 100; ++i) put(store, "k:" + std::to_string(i), kNow, kNow + 1000 * (i + 1));
    Evictor evictor;
    for (int i = 0; i < 50; ++i) REQUIRE(evictor.evict_one(store, params(EvictionPolicy::volatile_ttl)));
    int late_left = 0;
    for (int i = 80; i < 100; ++i) late_left += exists(store, "k:" + std::to_string(i));
    CHECK(late_left == 20);
}

TEST_CASE("eviction: random policies and noeviction") {
    Store store(4, 1);
    for (int i = 0; i < 20; ++i) put(store, "k:" + std::to_string(i), kNow);
    Evictor evictor;
    CHECK_FALSE(evictor.evict_one(store, params(EvictionPolicy::noeviction)));
    for (int i = 0; i < 20; ++i) REQUIRE(evictor.evict_one(store, params(EvictionPolicy::allkeys_random)));
    CHECK(key_count(store) == 0);
    CHECK_FALSE(evictor.evict_one(store, params(EvictionPolicy::allkeys_random)));
}

namespace {
// "Used memory" for make_room: 100 bytes per key of the store under test.
Store* g_measured = nullptr;
std::int64_t hundred_bytes_per_key() { return static_cast<std::int64_t>(key_count(*g_measured)) * 100; }
}  // namespace

TEST_CASE("eviction: make_room evicts until under the limit, and fails when nothing qualifies") {
    Store store(4, 1);
    for (int i = 0; i < 100; ++i) put(store, "k:" + std::to_string(i), kNow - i);
    g_measured = &store;
    Evictor evictor;
    CHECK(evictor.make_room(store, params(EvictionPolicy::allkeys_lru), 5000, hundred_bytes_per_key) ==
          EvictionResult::ok);
    CHECK(key_count(store) == 50);
    CHECK(evictor.make_room(store, params(EvictionPolicy::volatile_lru), 1000, hundred_bytes_per_key) ==
          EvictionResult::failed);
    CHECK(evictor.make_room(store, params(EvictionPolicy::noeviction), 1000, hundred_bytes_per_key) ==
          EvictionResult::failed);
    CHECK(key_count(store) == 50);
    // Tenacity 0: a run stops after its first 16 keys and lets the command through.
    EvictionParams hasty = params(EvictionPolicy::allkeys_lru);
    hasty.time_limit_us = 0;
    CHECK(evictor.make_room(store, hasty, 1000, hundred_bytes_per_key) == EvictionResult::running);
    CHECK(key_count(store) == 34);
    g_measured = nullptr;
}

TEST_CASE("eviction: the dispatcher refuses denyoom commands over maxmemory under noeviction") {
    Harness h;
    CHECK(h.run({"SET", "k", "v"}) == ok());
    CHECK(h.run({"CONFIG", "SET", "maxmemory", "1"}) == ok());
    const std::string oom = err("OOM command not allowed when used memory > 'maxmemory'.");
    CHECK(h.run({"SET", "k2", "v"}) == oom);
    CHECK(h.run({"LPUSH", "l", "a"}) == oom);
    CHECK(h.run({"INCR", "k"}) == oom);
    // Reads and commands that free memory still run.
    CHECK(h.run({"GET", "k"}) == bulk("v"));
    CHECK(h.run({"DEL", "k"}) == integer(1));
    // Argument errors come first, as in Redis.
    CHECK(h.run({"SET", "k"}) == arity_error("set"));
    CHECK(h.run({"CONFIG", "SET", "maxmemory", "0"}) == ok());
    CHECK(h.run({"SET", "k2", "v"}) == ok());
}

TEST_CASE("eviction: CONFIG SET maxmemory under allkeys-lru evicts at once") {
    Harness h;
    for (int i = 0; i < 100; ++i) h.run_strings({"SET", "k:" + std::to_string(i), std::string(100, 'x')});
    CHECK(h.run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lru"}) == ok());
    CHECK(h.run({"CONFIG", "SET", "maxmemory", "1"}) == ok());
    CHECK(h.run({"DBSIZE"}) == integer(0));
    const std::string info = h.run({"INFO", "stats"});
    CHECK(info.find("evicted_keys:100\r\n") != std::string::npos);
}

TEST_CASE("eviction: OBJECT FREQ and IDLETIME follow the policy") {
    Harness h;
    h.run_at(kNow, {"SET", "k", "v"});
    CHECK(h.run_at(kNow + 3000, {"OBJECT", "IDLETIME", "k"}) == integer(3));
    CHECK(h.run({"OBJECT", "FREQ", "k"}).starts_with("-ERR An LFU maxmemory policy is not selected"));
    h.run({"CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"});
    h.run({"CONFIG", "SET", "lfu-log-factor", "0"});
    CHECK(h.run({"OBJECT", "IDLETIME", "k"}).starts_with("-ERR An LFU maxmemory policy is selected"));
    h.run_at(kNow, {"SET", "n", "v"});
    CHECK(h.run_at(kNow, {"OBJECT", "FREQ", "n"}) == integer(5));
    h.run_at(kNow, {"GET", "n"});
    h.run_at(kNow, {"GET", "n"});
    CHECK(h.run_at(kNow, {"OBJECT", "FREQ", "n"}) == integer(7));
    // RENAME keeps the access history (Redis moves the object), plus the rename's own access.
    h.run_at(kNow, {"RENAME", "n", "m"});
    CHECK(h.run_at(kNow, {"OBJECT", "FREQ", "m"}) == integer(8));
    CHECK(h.run_at(kNow + 5 * 60000, {"OBJECT", "FREQ", "m"}) == integer(3));
}
