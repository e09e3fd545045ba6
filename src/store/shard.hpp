// A shard: one mutex guarding, for every logical database, a hash table of keys and an
// expiry min-heap. Keys map to shards by hash, so most commands lock exactly one shard.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "store/dict.hpp"
#include "store/values.hpp"

namespace corokv {

struct BlockedClient;  // commands/blocking.hpp: a client waiting in BLPOP & co.

// Counters that change on every lookup live in the shard (under its mutex), not in global
// atomics, so two threads working on different shards never share a cache line.
struct ShardStats {
    std::uint64_t keyspace_hits = 0;
    std::uint64_t keyspace_misses = 0;
    std::uint64_t expired_keys = 0;
    std::uint64_t expired_stale_entries = 0;  // heap entries skipped: TTL changed or key gone
    std::uint64_t evicted_keys = 0;
};

// One client's WATCH: set when any key it watches is written, expires, is evicted or flushed
// (Redis's CLIENT_DIRTY_CAS), read by its EXEC.
struct WatchFlag {
    std::atomic<bool> touched{false};
};

enum class KeyDeletion : std::uint8_t { expired, evicted };

// Told about keys the store deletes on its own (expiry, eviction), while the shard is
// locked, so the AOF logs them as DEL in order with the commands around them, and keyspace
// notifications publish "expired" / "evicted".
class KeyDeletionObserver {
public:
    virtual void key_deleted(int db, std::string_view key, KeyDeletion cause) = 0;

protected:
    ~KeyDeletionObserver() = default;
};

// One logical database's slice of keys inside one shard.
class Keyspace {
public:
    explicit Keyspace(ShardStats* stats, int db = 0, KeyDeletionObserver* const* observer = nullptr)
        : stats_(stats), observer_(observer), db_(db) {}

    // Lookups check the deadline first and delete an expired key on the spot (lazy expiry).
    Entry* find(std::string_view key, std::uint64_t hash, std::int64_t now_ms);
    // Returns the live entry for key, or a fresh empty one (inserted = true).
    std::pair<Entry*, bool> find_or_create(std::string_view key, std::uint64_t hash,
                                           std::int64_t now_ms);
    bool erase(std::string_view key, std::uint64_t hash);
    // Deletes a key chosen by maxmemory eviction and counts it (INFO evicted_keys).
    bool evict(std::string_view key, std::uint64_t hash);

    // A random key that carries a deadline, drawn from the expiry heap (volatile-* eviction);
    // null when a few draws found only stale heap entries.
    const Dict<Entry>::Node* random_volatile(std::mt19937_64& rng) const;

    // Sets or clears (when_ms == 0) the deadline of a live entry.
    void set_expire(std::string_view key, Entry& entry, std::int64_t when_ms);

    // Deletes up to `max_keys` keys whose deadline has passed, using the heap; returns how
    // many keys were deleted and sets `more` when due entries remain.
    std::size_t expire_due(std::int64_t now_ms, std::size_t max_keys, bool& more);

    std::size_t size() const { return dict_.size(); }
    std::size_t expires_count() const { return expires_; }

    // Samples up to `samples` keys with a deadline: counts those already past it into
    // `expired` and folds the others' remaining TTL into avg_ttl_ms() (Redis's running
    // average: 2% weight per cycle). Called by the active expiry sweep before it deletes.
    void sample_ttls(std::mt19937_64& rng, std::int64_t now_ms, int samples, int& sampled, int& expired);
    std::int64_t avg_ttl_ms() const { return expires_ == 0 ? 0 : avg_ttl_ms_; }
    void clear();
    const Dict<Entry>& dict() const { return dict_; }
    Dict<Entry>& dict() { return dict_; }

    // Clients blocked on keys of this keyspace, in arrival order per key (Redis's
    // db->blocking_keys). Guarded by the shard mutex like the keys, so a blocking command
    // registers under the same lock as the lookup that found its keys empty. FLUSHDB and
    // clear() leave them alone: blocked clients stay blocked, as in Redis.
    using WaiterQueue = std::deque<std::shared_ptr<BlockedClient>>;
    void add_waiter(std::string_view key, std::shared_ptr<BlockedClient> client);
    void remove_waiter(std::string_view key, const BlockedClient* client);
    WaiterQueue* waiters(std::string_view key) { return waiters_.empty() ? nullptr : waiters_.find(key); }

    // Clients WATCHing keys of this keyspace (Redis's db->watched_keys), guarded by the shard
    // mutex. Every write of a watched key, and its expiry, eviction or flush, sets their flags.
    using WatcherList = std::vector<std::shared_ptr<WatchFlag>>;
    void add_watcher(std::string_view key, std::shared_ptr<WatchFlag> flag);
    void remove_watcher(std::string_view key, const WatchFlag* flag);
    void touch_watched(std::string_view key) {
        if (!watchers_.empty()) touch_watched_slow(key);
    }
    std::size_t watched_keys() const { return watchers_.size(); }

private:
    struct Deadline {
        std::int64_t when_ms;
        std::string key;
    };
    static bool later(const Deadline& a, const Deadline& b) { return a.when_ms > b.when_ms; }
    void push_deadline(std::string_view key, std::int64_t when_ms);
    void rebuild_heap();  // drops stale entries
    void delete_expired(std::string_view key, std::uint64_t hash);
    // The store deleted a key on its own: the AOF logs it, its watchers see it touched.
    void tell_observer(std::string_view key, KeyDeletion cause) {
        touch_watched(key);
        if (observer_ && *observer_) (*observer_)->key_deleted(db_, key, cause);
    }
    void touch_watched_slow(std::string_view key);

    Dict<Entry> dict_;
    std::vector<Deadline> heap_;  // min-heap on when_ms; may hold stale entries
    std::size_t expires_ = 0;     // keys with a deadline (INFO keyspace "expires=")
    std::int64_t avg_ttl_ms_ = 0;
    Dict<WaiterQueue> waiters_;   // only keys that have at least one waiter
    Dict<WatcherList> watchers_;  // only keys that have at least one watcher
    ShardStats* stats_;
    KeyDeletionObserver* const* observer_;  // the store's (set once before clients run), or null
    int db_;
};

struct Shard {
    Shard(int databases, KeyDeletionObserver* const* observer) {
        dbs.reserve(static_cast<std::size_t>(databases));
        for (int i = 0; i < databases; ++i) dbs.emplace_back(&stats, i, observer);
    }
    std::mutex mutex;
    ShardStats stats;
    std::vector<Keyspace> dbs;
};

}  // namespace corokv
