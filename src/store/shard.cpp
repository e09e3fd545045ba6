#include "store/shard.hpp"

#include <algorithm>

namespace corokv {

Entry* Keyspace::find(std::string_view key, std::uint64_t hash, std::int64_t now_ms) {
    auto* node = dict_.find_node(key, hash);
    if (!node) return nullptr;
    Entry& e = node->value;
    if (is_expired(e, now_ms)) {
        delete_expired(key, hash);
        return nullptr;
    }
    return &e;
}

std::pair<Entry*, bool> Keyspace::find_or_create(std::string_view key, std::uint64_t hash,
                                                 std::int64_t now_ms) {
    if (Entry* e = find(key, hash, now_ms)) return {e, false};
    auto [e, inserted] = dict_.try_emplace(key, hash);
    (void)inserted;
    return {e, true};
}

bool Keyspace::erase(std::string_view key, std::uint64_t hash) {
    auto* node = dict_.find_node(key, hash);
    if (!node) return false;
    if (node->value.expire_at_ms != 0) --expires_;
    // Its heap entry, if any, goes stale and is skipped when popped.
    return dict_.erase(key, hash);
}

bool Keyspace::evict(std::string_view key, std::uint64_t hash) {
    tell_observer(key, KeyDeletion::evicted);  // before erase: `key` may point into the entry's own node
    if (!erase(key, hash)) return false;
    ++stats_->evicted_keys;
    return true;
}

const Dict<Entry>::Node* Keyspace::random_volatile(std::mt19937_64& rng) const {
    if (heap_.empty() || expires_ == 0) return nullptr;
    // The heap holds at most about two entries per live deadline (push_deadline rebuilds
    // beyond that), so a handful of draws almost always finds a live one.
    // A walk from a random start settles the rare case of a heap mostly made of stale entries
    // (keys deleted since), so a live volatile key is always found when one exists.
    auto live = [&](const Deadline& d) -> const Dict<Entry>::Node* {
        const auto* node = dict_.find_node(d.key, hash_bytes(d.key));
        return node && node->value.expire_at_ms == d.when_ms ? node : nullptr;
    };
    std::uniform_int_distribution<std::size_t> pick(0, heap_.size() - 1);
    for (int attempt = 0; attempt < 8; ++attempt)
        if (const auto* node = live(heap_[pick(rng)])) return node;
    const std::size_t start = pick(rng);
    for (std::size_t i = 0; i < heap_.size(); ++i)
        if (const auto* node = live(heap_[(start + i) % heap_.size()])) return node;
    return nullptr;
}

void Keyspace::sample_ttls(std::mt19937_64& rng, std::int64_t now_ms, int samples, int& sampled, int& expired) {
    // 128 bits: deadlines may be near INT64_MAX (PEXPIREAT k 9223372036854775807), and a few
    // samples of such keys would overflow a 64-bit sum.
    __int128 ttl_sum = 0;
    int alive = 0;
    for (int i = 0; i < samples && expires_ > 0; ++i) {
        const auto* node = random_volatile(rng);
        if (!node) break;
        ++sampled;
        if (deadline_passed(node->value.expire_at_ms, now_ms)) {
            ++expired;
        } else {
            ttl_sum += node->value.expire_at_ms - now_ms;
            ++alive;
        }
    }
    if (alive == 0) return;
    const auto avg = static_cast<std::int64_t>(ttl_sum / alive);
    avg_ttl_ms_ = avg_ttl_ms_ == 0 ? avg : avg_ttl_ms_ / 50 * 49 + avg / 50;
}

void Keyspace::delete_expired(std::string_view key, std::uint64_t hash) {
    tell_observer(key, KeyDeletion::expired);  // before erase: `key` may point into the entry's own node
    erase(key, hash);
    ++stats_->expired_keys;
}

void Keyspace::set_expire(std::string_view key, Entry& entry, std::int64_t when_ms) {
    if (entry.expire_at_ms == 0 && when_ms != 0) ++expires_;
    if (entry.expire_at_ms != 0 && when_ms == 0) --expires_;
    entry.expire_at_ms = when_ms;
    if (when_ms != 0) push_deadline(key, when_ms);
}

void Keyspace::push_deadline(std::string_view key, std::int64_t when_ms) {
    // Keys whose TTL is refreshed over and over leave stale entries behind; once they
    // outnumber the live ones, rebuild instead of letting the heap grow without bound.
    if (heap_.size() > 1024 && heap_.size() > 2 * expires_) rebuild_heap();
    heap_.push_back(Deadline{when_ms, std::string(key)});
    std::push_heap(heap_.begin(), heap_.end(), later);
}

// Drops stale entries (key gone, or carrying another deadline now). Costs O(heap), not
// O(keys): a keyspace of a million persistent keys with a few churning TTLs stays cheap.
void Keyspace::rebuild_heap() {
    std::erase_if(heap_, [&](const Deadline& d) {
        const Entry* e = dict_.find(d.key);
        return !e || e->expire_at_ms != d.when_ms;
    });
    std::make_heap(heap_.begin(), heap_.end(), later);
}

std::size_t Keyspace::expire_due(std::int64_t now_ms, std::size_t max_keys, bool& more) {
    std::size_t deleted = 0;
    more = false;
    while (!heap_.empty() && deadline_passed(heap_.front().when_ms, now_ms)) {
        if (deleted >= max_keys) {
            more = true;
            break;
        }
        std::pop_heap(heap_.begin(), heap_.end(), later);
        Deadline d = std::move(heap_.back());
        heap_.pop_back();
        std::uint64_t hash = hash_bytes(d.key);
        Entry* e = dict_.find(d.key, hash);
        // A heap entry is only trusted if the key still carries exactly this deadline.
        if (e && e->expire_at_ms == d.when_ms) {
            delete_expired(d.key, hash);
            ++deleted;
        } else {
            ++stats_->expired_stale_entries;
        }
    }
    if (heap_.empty() && expires_ == 0) heap_.shrink_to_fit();
    return deleted;
}

void Keyspace::clear() {
    // FLUSHDB/FLUSHALL touch the watched keys that existed (Redis's touchAllWatchedKeysInDb).
    if (!watchers_.empty()) {
        watchers_.for_each([&](std::string_view key, const WatcherList& flags) {
            if (!dict_.find(key)) return;
            for (const auto& flag : flags) flag->touched.store(true, std::memory_order_relaxed);
        });
    }
    dict_.clear();
    heap_.clear();
    heap_.shrink_to_fit();
    expires_ = 0;
}

void Keyspace::add_waiter(std::string_view key, std::shared_ptr<BlockedClient> client) {
    waiters_.try_emplace(key).first->push_back(std::move(client));
}

void Keyspace::remove_waiter(std::string_view key, const BlockedClient* client) {
    WaiterQueue* queue = waiters_.find(key);
    if (!queue) return;
    std::erase_if(*queue, [client](const auto& w) { return w.get() == client; });
    if (queue->empty()) waiters_.erase(key);
}

void Keyspace::add_watcher(std::string_view key, std::shared_ptr<WatchFlag> flag) {
    WatcherList& list = *watchers_.try_emplace(key).first;
    for (const auto& f : list)
        if (f == flag) return;
    list.push_back(std::move(flag));
}

void Keyspace::remove_watcher(std::string_view key, const WatchFlag* flag) {
    WatcherList* list = watchers_.find(key);
    if (!list) return;
    std::erase_if(*list, [flag](const auto& f) { return f.get() == flag; });
    if (list->empty()) watchers_.erase(key);
}

void Keyspace::touch_watched_slow(std::string_view key) {
    if (WatcherList* list = watchers_.find(key))
        for (const auto& flag : *list) flag->touched.store(true, std::memory_order_relaxed);
}

}  // namespace corokv
