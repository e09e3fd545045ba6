#include <doctest/doctest.h>

#include <atomic>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/dict.hpp"
#include "store/store.hpp"

using namespace corokv;

TEST_CASE("dict: insert, find, erase with growth and shrink") {
    Dict<int> d;
    for (int i = 0; i < 1000; ++i) *d.try_emplace("k" + std::to_string(i)).first = i;
    CHECK(d.size() == 1000);
    CHECK(d.bucket_count() >= 1000);
    for (int i = 0; i < 1000; ++i) REQUIRE(*d.find("k" + std::to_string(i)) == i);
    CHECK_FALSE(d.try_emplace("k5").second);
    for (int i = 0; i < 990; ++i) CHECK(d.erase("k" + std::to_string(i)));
    CHECK_FALSE(d.erase("k0"));
    CHECK(d.size() == 10);
    CHECK(d.bucket_count() < 1000);  // shrank
    CHECK(*d.find("k995") == 995);
}

TEST_CASE("dict: a full scan returns every element present throughout, across resizes") {
    Dict<int> d;
    for (int i = 0; i < 500; ++i) d.try_emplace("stable" + std::to_string(i));
    std::set<std::string> seen;
    std::uint64_t cursor = 0;
    int step = 0;
    do {
        cursor = d.scan(cursor, [&](std::string_view k, int) { seen.insert(std::string(k)); });
        // Grow the table a lot, then shrink it, while the iteration is in progress.
        if (step < 20) {
            for (int i = 0; i < 200; ++i) d.try_emplace("churn" + std::to_string(step * 200 + i));
        } else if (step < 40) {
            for (int i = 0; i < 200; ++i) d.erase("churn" + std::to_string((step - 20) * 200 + i));
        }
        ++step;
    } while (cursor != 0);
    for (int i = 0; i < 500; ++i) CHECK(seen.count("stable" + std::to_string(i)) == 1);
}

TEST_CASE("dict: random_node returns existing elements and copies are deep") {
    Dict<std::string> d;
    d.try_emplace("a").first->assign("1");
    d.try_emplace("b").first->assign("2");
    std::mt19937_64 rng(1);
    std::set<std::string> picked;
    for (int i = 0; i < 100; ++i) picked.insert(d.random_node(rng)->key);
    CHECK(picked == std::set<std::string>{"a", "b"});
    Dict<std::string> copy = d;
    copy.find("a")->assign("changed");
    CHECK(*d.find("a") == "1");
}

TEST_CASE("keyspace: lazy expiry deletes on access and counts") {
    ShardStats stats;
    Keyspace ks(&stats);
    auto [e, created] = ks.find_or_create("k", hash_bytes("k"), 1000);
    CHECK(created);
    e->value = StringValue::from_bytes("v");
    ks.set_expire("k", *e, 2000);
    CHECK(ks.expires_count() == 1);
    CHECK(ks.find("k", hash_bytes("k"), 2000) != nullptr);  // alive during its deadline's ms
    CHECK(ks.find("k", hash_bytes("k"), 2001) == nullptr);
    CHECK(ks.size() == 0);
    CHECK(ks.expires_count() == 0);
    CHECK(stats.expired_keys == 1);
}

TEST_CASE("keyspace: TTL sampling copes with deadlines near INT64_MAX") {
    // PEXPIREAT k 9223372036854775807 is valid; summing a few such TTLs must not overflow
    // (the sanitizer build caught this as undefined behaviour in the expiry tick).
    ShardStats stats;
    Keyspace ks(&stats);
    for (const char* key : {"a", "b", "c"}) {
        auto* e = ks.find_or_create(key, hash_bytes(key), 0).first;
        e->value = StringValue::from_bytes("v");
        ks.set_expire(key, *e, INT64_MAX);
    }
    std::mt19937_64 rng(1);
    int sampled = 0, expired = 0;
    ks.sample_ttls(rng, 1000, 20, sampled, expired);
    CHECK(sampled == 20);
    CHECK(expired == 0);
    CHECK(ks.avg_ttl_ms() == INT64_MAX - 1000);
}

TEST_CASE("keyspace: stale heap entries never delete the wrong key") {
    ShardStats stats;
    Keyspace ks(&stats);
    auto* e = ks.find_or_create("k", hash_bytes("k"), 0).first;
    e->value = StringValue::from_bytes("v");
    ks.set_expire("k", *e, 100);   // heap: (100, k)
    ks.set_expire("k", *e, 5000);  // TTL extended: (100, k) is now stale
    bool more = false;
    CHECK(ks.expire_due(1000, 100, more) == 0);
    CHECK(ks.find("k", hash_bytes("k"), 1000) != nullptr);
    CHECK(stats.expired_stale_entries == 1);

    ks.set_expire("k", *e, 0);  // persisted: the 5000 entry is stale too
    CHECK(ks.expire_due(6000, 100, more) == 0);
    CHECK(ks.find("k", hash_bytes("k"), 6000) != nullptr);

    ks.erase("k", hash_bytes("k"));  // a deleted and recreated key keeps its own deadline
    e = ks.find_or_create("k", hash_bytes("k"), 6000).first;
    e->value = StringValue::from_bytes("new");
    ks.set_expire("k", *e, 9000);
    CHECK(ks.expire_due(9000, 100, more) == 0);
    CHECK(ks.expire_due(9001, 100, more) == 1);
}

TEST_CASE("keyspace: expire_due is bounded per call and reports more work") {
    ShardStats stats;
    Keyspace ks(&stats);
    for (int i = 0; i < 300; ++i) {
        std::string k = "k" + std::to_string(i);
        auto* e = ks.find_or_create(k, hash_bytes(k), 0).first;
        e->value = StringValue::from_int(i);
        ks.set_expire(k, *e, 10 + i);
    }
    bool more = false;
    CHECK(ks.expire_due(1000, 100, more) == 100);
    CHECK(more);
    CHECK(ks.expire_due(1000, 1000, more) == 200);
    CHECK_FALSE(more);
    CHECK(ks.size() == 0);
}

TEST_CASE("keyspace: a key refreshed many times does not grow the heap without bound") {
    ShardStats stats;
    Keyspace ks(&stats);
    auto* e = ks.find_or_create("session", hash_bytes("session"), 0).first;
    e->value = StringValue::from_bytes("v");
    for (int i = 0; i < 100000; ++i) ks.set_expire("session", *e, 1000000 + i);
    bool more = false;
    ks.expire_due(2000000, 1000000, more);
    CHECK(stats.expired_keys == 1);
    CHECK(stats.expired_stale_entries < 3000);  // heap was rebuilt instead of keeping 100k
}

TEST_CASE("store: active expiry reclaims untouched keys across shards") {
    Store store(8, 2);
    for (int i = 0; i < 5000; ++i) {
        std::string k = "key:" + std::to_string(i);
        const auto h = hash_bytes(k);
        Shard& s = store.shard(store.shard_index(h));
        std::lock_guard lock(s.mutex);
        auto* e = s.dbs[1].find_or_create(k, h, 0).first;
        e->value = StringValue::from_int(i);
        if (i % 2 == 0) s.dbs[1].set_expire(k, *e, 100);
    }
    std::size_t total = 0;
    for (int tick = 0; tick < 100 && total < 2500; ++tick)
        total += store.active_expire_cycle(200, std::chrono::milliseconds(50)).deleted;
    CHECK(total == 2500);
    std::size_t left = 0;
    for (std::size_t i = 0; i < store.shard_count(); ++i) left += store.shard(i).dbs[1].size();
    CHECK(left == 2500);
}

TEST_CASE("store: shard count is rounded to a power of two") {
    CHECK(Store(5, 1).shard_count() == 8);
    CHECK(Store(1, 1).shard_count() == 1);
    CHECK(Store(64, 1).shard_count() == 64);
}

TEST_CASE("shard locks: many threads locking overlapping sets in any order never deadlock") {
    Store store(8, 1);
    std::atomic<long> counter{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            std::mt19937 rng(static_cast<unsigned>(t));
            for (int i = 0; i < 2000; ++i) {
                std::vector<std::size_t> idx = {rng() % 8, rng() % 8, rng() % 8};
                ShardLocks locks(store);
                locks.lock_many(idx);  // sorted + deduplicated inside
                counter.fetch_add(1, std::memory_order_relaxed);
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(counter.load() == 8000);
}
