#include "store/eviction.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <limits>

#include "store/store.hpp"

namespace corokv {
namespace {

struct PolicyName {
    EvictionPolicy policy;
    std::string_view name;
};
constexpr PolicyName kPolicyNames[] = {
    {EvictionPolicy::noeviction, "noeviction"},         {EvictionPolicy::allkeys_lru, "allkeys-lru"},
    {EvictionPolicy::volatile_lru, "volatile-lru"},     {EvictionPolicy::allkeys_lfu, "allkeys-lfu"},
    {EvictionPolicy::volatile_lfu, "volatile-lfu"},     {EvictionPolicy::allkeys_random, "allkeys-random"},
    {EvictionPolicy::volatile_random, "volatile-random"}, {EvictionPolicy::volatile_ttl, "volatile-ttl"},
};

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// Redis's LFUTimeElapsed: minutes since the counter last decayed, on a 16-bit wrapping clock.
unsigned lfu_minutes_elapsed(std::uint16_t then, std::int64_t now_ms) {
    const std::uint16_t now = lfu_minutes(now_ms);
    return now >= then ? now - then : 65535u - then + now;
}

std::uint64_t next_random() {
    thread_local std::uint64_t state = 0x9e3779b97f4a7c15ULL ^ reinterpret_cast<std::uintptr_t>(&state);
    state ^= state << 13;  // xorshift64: the LFU coin flip needs speed, not quality
    state ^= state >> 7;
    state ^= state << 17;
    return state;
}

// How much `e` deserves eviction under `policy`: idle time, inverse frequency, or nearness
// of its deadline (Redis's evictionPoolPopulate scores).
std::uint64_t eviction_score(const Entry& e, const EvictionParams& p) {
    switch (p.policy) {
        case EvictionPolicy::allkeys_lfu:
        case EvictionPolicy::volatile_lfu:
            return 255 - lfu_decayed_counter(e, p.now_ms, p.lfu_decay_time);
        case EvictionPolicy::volatile_ttl:
            return std::numeric_limits<std::uint64_t>::max() - static_cast<std::uint64_t>(e.expire_at_ms);
        default:
            return static_cast<std::uint64_t>(idle_ticks(e, p.now_ms));
    }
}

bool qualifies(const Entry& e, EvictionPolicy policy) { return !is_volatile(policy) || e.expire_at_ms != 0; }

}  // namespace

std::optional<EvictionPolicy> parse_eviction_policy(std::string_view name) {
    for (const PolicyName& p : kPolicyNames)
        if (iequals(p.name, name)) return p.policy;
    return std::nullopt;
}

const char* eviction_policy_name(EvictionPolicy policy) {
    for (const PolicyName& p : kPolicyNames)
        if (p.policy == policy) return p.name.data();
    return "noeviction";
}

std::int64_t idle_seconds(const Entry& e, std::int64_t now_ms) {
    const std::uint32_t now = lru_ticks(now_ms);
    constexpr std::uint32_t kTicksPerSecond = 1000 / kLruTickMs;
    const std::int64_t ticks = idle_ticks(e, now_ms);
    if (ticks == 0) return 0;
    if (now >= e.access_ticks) return now / kTicksPerSecond - e.access_ticks / kTicksPerSecond;
    return ticks / kTicksPerSecond;  // the clock wrapped
}

std::uint8_t lfu_decayed_counter(const Entry& e, std::int64_t now_ms, int decay_time) {
    if (decay_time <= 0) return e.lfu_counter;
    const unsigned periods = lfu_minutes_elapsed(e.lfu_minutes, now_ms) / static_cast<unsigned>(decay_time);
    return periods >= e.lfu_counter ? 0 : static_cast<std::uint8_t>(e.lfu_counter - periods);
}

void lfu_record_access(Entry& e, std::int64_t now_ms, int log_factor, int decay_time) {
    std::uint8_t counter = lfu_decayed_counter(e, now_ms, decay_time);
    if (counter < 255) {
        const double base = counter > kLfuInitialCounter ? counter - kLfuInitialCounter : 0;
        const double p = 1.0 / (base * log_factor + 1);
        const double r = static_cast<double>(next_random() >> 11) * 0x1.0p-53;
        if (r < p) ++counter;
    }
    e.lfu_counter = counter;
    e.lfu_minutes = lfu_minutes(now_ms);
}

// --- Evictor -------------------------------------------------------------------------------------

std::uint64_t eviction_time_limit_us(int tenacity) {
    if (tenacity <= 10) return 50ULL * static_cast<std::uint64_t>(std::max(tenacity, 0));
    if (tenacity < 100) return static_cast<std::uint64_t>(500.0 * std::pow(1.15, tenacity - 10.0));
    return std::numeric_limits<std::uint64_t>::max();
}

EvictionResult Evictor::make_room(Store& store, const EvictionParams& params, std::int64_t limit, UsedMemory used) {
    std::unique_lock lock(mutex_, std::try_to_lock);
    if (!lock) return last_result_.load(std::memory_order_relaxed);
    using clock = std::chrono::steady_clock;
    const auto started = clock::now();
    EvictionResult result = EvictionResult::ok;
    for (std::size_t evicted = 0; used() > limit; ++evicted) {
        if (params.policy == EvictionPolicy::noeviction || !evict_one(store, params)) {
            result = EvictionResult::failed;
            break;
        }
        // Like Redis, look at the clock every 16 keys only.
        if (evicted % 16 == 15 && static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                      clock::now() - started).count()) > params.time_limit_us) {
            result = used() > limit ? EvictionResult::running : EvictionResult::ok;
            break;
        }
    }
    last_result_.store(result, std::memory_order_relaxed);
    return result;
}

bool Evictor::evict_one(Store& store, const EvictionParams& params) {
    if (params.policy == EvictionPolicy::noeviction) return false;
    if (params.policy == EvictionPolicy::allkeys_random || params.policy == EvictionPolicy::volatile_random)
        return evict_random(store, params);
    // Like Redis's performEvictions: sample, keep the best candidates in the pool, evict the
    // best one that still exists. One shard is sampled per eviction (Redis samples each db);
    // when the pool runs dry the next shards are tried before giving up.
    for (std::size_t tried = 0; tried < store.shard_count(); ++tried) {
        populate_pool(store, next_shard_, params);
        next_shard_ = (next_shard_ + 1) % store.shard_count();
        if (evict_from_pool(store, params)) return true;
    }
    return false;
}

bool Evictor::evict_random(Store& store, const EvictionParams& params) {
    const bool volatile_only = is_volatile(params.policy);
    for (std::size_t tried = 0; tried < store.shard_count(); ++tried) {
        Shard& shard = store.shard(next_shard_);
        next_shard_ = (next_shard_ + 1) % store.shard_count();
        std::lock_guard lock(shard.mutex);
        for (Keyspace& ks : shard.dbs) {
            const Dict<Entry>::Node* node = volatile_only ? ks.random_volatile(rng_) : ks.dict().random_node(rng_);
            if (!node) continue;
            const std::string key = node->key;  // erase frees the node
            return ks.evict(key, node->hash);
        }
    }
    return false;
}

void Evictor::populate_pool(Store& store, std::size_t shard_index, const EvictionParams& params) {
    Shard& shard = store.shard(shard_index);
    std::lock_guard lock(shard.mutex);
    const bool volatile_only = is_volatile(params.policy);
    for (std::size_t db = 0; db < shard.dbs.size(); ++db) {
        Keyspace& ks = shard.dbs[db];
        if (ks.size() == 0 || (volatile_only && ks.expires_count() == 0)) continue;
        auto consider = [&](const Dict<Entry>::Node& node) {
            offer(eviction_score(node.value, params), node, shard_index, static_cast<int>(db));
        };
        if (!volatile_only) {
            ks.dict().sample_nodes(rng_, static_cast<std::size_t>(params.samples), consider);
            continue;
        }
        for (int i = 0; i < params.samples; ++i) {
            const Dict<Entry>::Node* node = ks.random_volatile(rng_);
            if (!node) break;
            consider(*node);
        }
    }
}

// Keeps the kPoolSize best candidates, ascending by score (Redis's eviction pool).
// The key is copied only once the candidate is known to enter the pool; duplicates are
// recognised by hash first, so the key bytes are compared only on a hash match.
void Evictor::offer(std::uint64_t score, const Dict<Entry>::Node& node, std::size_t shard, int db) {
    if (pool_.size() == kPoolSize && score <= pool_.front().score) return;
    for (const Candidate& have : pool_)
        if (have.hash == node.hash && have.shard == shard && have.db == db && have.key == node.key) return;
    if (pool_.size() == kPoolSize) pool_.erase(pool_.begin());
    auto at = std::upper_bound(pool_.begin(), pool_.end(), score,
                               [](std::uint64_t s, const Candidate& x) { return s < x.score; });
    pool_.insert(at, Candidate{score, node.hash, shard, db, node.key});
}

bool Evictor::evict_from_pool(Store& store, const EvictionParams& params) {
    while (!pool_.empty()) {
        Candidate best = std::move(pool_.back());
        pool_.pop_back();
        Shard& shard = store.shard(best.shard);
        std::lock_guard lock(shard.mutex);
        Keyspace& ks = shard.dbs[static_cast<std::size_t>(best.db)];
        const Dict<Entry>::Node* node = ks.dict().find_node(best.key, best.hash);
        // Gone or no longer qualifying since it was sampled: try the next best.
        if (!node || !qualifies(node->value, params.policy)) continue;
        return ks.evict(best.key, best.hash);
    }
    return false;
}

}  // namespace corokv
