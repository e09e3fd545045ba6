#include "store/store.hpp"

#include <algorithm>
#include <bit>

namespace corokv {

Store::Store(std::size_t shard_count, int databases)
    : mask_(std::bit_ceil(std::max<std::size_t>(shard_count, 1)) - 1), databases_(databases) {
    shards_.reserve(mask_ + 1);
    for (std::size_t i = 0; i <= mask_; ++i) shards_.push_back(std::make_unique<Shard>(databases, &observer_));
}

Store::ExpireCycle Store::active_expire_cycle(std::int64_t now_ms, std::chrono::microseconds budget, bool slow) {
    using clock = std::chrono::steady_clock;
    // Per lock hold: small enough that a client waiting on this shard barely notices.
    constexpr std::size_t kKeysPerSlice = 64;
    constexpr int kSamplesPerKeyspace = 20;  // Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP
    const auto deadline = clock::now() + budget;
    if (slow) {
        int sampled = 0, expired = 0;
        for (auto& s : shards_) {
            std::lock_guard lock(s->mutex);
            for (Keyspace& ks : s->dbs)
                if (ks.expires_count() > 0) ks.sample_ttls(sweep_rng_, now_ms, kSamplesPerKeyspace, sampled, expired);
        }
        if (sampled > 0) {
            const double current = 100.0 * expired / sampled;
            expired_stale_perc_.store(current * 0.05 + expired_stale_perc() * 0.95, std::memory_order_relaxed);
        }
    }
    std::size_t total = 0;
    std::size_t idle_shards = 0;  // consecutive shards with nothing due
    while (idle_shards < shards_.size() && clock::now() < deadline) {
        Shard& s = *shards_[expire_cursor_];
        bool shard_has_more = false;
        {
            std::lock_guard lock(s.mutex);
            for (Keyspace& ks : s.dbs) {
                bool more = false;
                total += ks.expire_due(now_ms, kKeysPerSlice, more);
                shard_has_more |= more;
            }
        }
        // Like Redis's adaptive cycle: stay on a shard while it still has due keys.
        if (shard_has_more) {
            idle_shards = 0;
        } else {
            ++idle_shards;
            expire_cursor_ = (expire_cursor_ + 1) & mask_;
        }
    }
    return {total, idle_shards < shards_.size()};
}

ShardStats Store::stats() {
    ShardStats sum;
    for (auto& s : shards_) {
        sum.keyspace_hits += s->stats.keyspace_hits;
        sum.keyspace_misses += s->stats.keyspace_misses;
        sum.expired_keys += s->stats.expired_keys;
        sum.expired_stale_entries += s->stats.expired_stale_entries;
        sum.evicted_keys += s->stats.evicted_keys;
    }
    return sum;
}

void Store::reset_stats() {
    for (auto& s : shards_) {
        s->stats = ShardStats{};
    }
}

void ShardLocks::remember(std::size_t index) {
    if (count_ < kInline) inline_[count_] = index;
    else spill_.push_back(index);
    ++count_;
}

void ShardLocks::lock_one(std::size_t index) {
    store_->shard(index).mutex.lock();
    remember(index);
}

void ShardLocks::lock_many(std::vector<std::size_t>& indices) {
    std::sort(indices.begin(), indices.end());
    indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
    for (std::size_t i : indices) lock_one(i);
}

void ShardLocks::lock_all() {
    for (std::size_t i = 0; i < store_->shard_count(); ++i) lock_one(i);
    all_ = true;
}

void ShardLocks::indices(std::vector<std::size_t>& out) const {
    out.clear();
    for (std::size_t i = 0; i < count_; ++i) out.push_back(i < kInline ? inline_[i] : spill_[i - kInline]);
}

void ShardLocks::unlock() {
    for (std::size_t i = count_; i-- > 0;)
        store_->shard(i < kInline ? inline_[i] : spill_[i - kInline]).mutex.unlock();
    count_ = 0;
    spill_.clear();
    all_ = false;
}

}  // namespace corokv
