// The store: a power-of-two number of shards. Keys pick a shard by hash; commands that
// touch several shards lock them in ascending index order (ShardLocks), never in key
// order, so two multi-key commands can never wait on each other in a cycle.
#pragma once

#include <chrono>
#include <cstdint>
#include <atomic>
#include <memory>
#include <random>
#include <string_view>
#include <vector>

#include "store/shard.hpp"

namespace corokv {

class Store {
public:
    Store(std::size_t shard_count, int databases);

    std::size_t shard_count() const { return shards_.size(); }
    int databases() const { return databases_; }
    // The dict inside a shard indexes by the low bits, so the shard uses the high ones.
    std::size_t shard_index(std::uint64_t hash) const { return (hash >> 48) & mask_; }
    Shard& shard(std::size_t i) { return *shards_[i]; }

    // One active-expiry cycle: walks shards round-robin deleting due keys until nothing is
    // due or `budget` has been spent; holds each shard's lock for a bounded slice only.
    // A slow cycle (once per tick) also samples TTLs for INFO's expired_stale_perc and
    // avg_ttl; `more_due` tells the caller to come back soon with a fast cycle.
    struct ExpireCycle {
        std::size_t deleted = 0;
        bool more_due = false;
    };
    ExpireCycle active_expire_cycle(std::int64_t now_ms, std::chrono::microseconds budget, bool slow = true);

    // Percentage of sampled keys with a TTL found already expired, averaged over cycles
    // like Redis's stat_expired_stale_perc.
    double expired_stale_perc() const { return expired_stale_perc_.load(std::memory_order_relaxed); }

    // Set once before clients run (the AOF): told about expired and evicted keys.
    void set_deletion_observer(KeyDeletionObserver* observer) { observer_ = observer; }

    // Totals across shards; the caller holds every shard lock (an all-shards command).
    ShardStats stats();
    void reset_stats();

private:
    KeyDeletionObserver* observer_ = nullptr;  // before shards_: they keep its address
    std::vector<std::unique_ptr<Shard>> shards_;
    std::size_t mask_;
    int databases_;
    std::size_t expire_cursor_ = 0;  // next shard for the active sweep (one sweeper thread)
    std::mt19937_64 sweep_rng_{0x7e57};
    std::atomic<double> expired_stale_perc_{0};
};

// Locks a set of shards in ascending index order for the lifetime of the object.
class ShardLocks {
public:
    explicit ShardLocks(Store& store) : store_(&store) {}
    ShardLocks(const ShardLocks&) = delete;
    ShardLocks& operator=(const ShardLocks&) = delete;
    ~ShardLocks() { unlock(); }

    void lock_one(std::size_t index);
    // `indices` may be unsorted and repeat; it is sorted and deduplicated in place.
    void lock_many(std::vector<std::size_t>& indices);
    void lock_all();
    void unlock();
    bool holds_all() const { return all_; }
    // The locked shards' indices, ascending.
    void indices(std::vector<std::size_t>& out) const;

private:
    void remember(std::size_t index);

    // Most commands hold one shard; keep the indices inline so locking never allocates.
    static constexpr std::size_t kInline = 8;
    Store* store_;
    std::size_t inline_[kInline];
    std::size_t count_ = 0;
    std::vector<std::size_t> spill_;
    bool all_ = false;
};

}  // namespace corokv
