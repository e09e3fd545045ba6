// A chained hash table with power-of-two bucket counts, keyed by strings, looked up by
// string_view without allocating.
//
// Why not std::unordered_map: SCAN/HSCAN must return every element that exists for the
// whole iteration even while the table grows or shrinks. Redis gets that from a
// power-of-two table walked in reverse-binary bucket order (dictScan); libstdc++ uses
// prime bucket counts, which breaks the trick. Owning the table also gives us cheap random
// sampling (RANDOMKEY, HRANDFIELD, later eviction) and control over memory accounting.
//
// Resizing is done all at once (not incrementally as in Redis): the store is split into
// shards, so one resize touches only a fraction of the keys while one shard lock is held.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/memory.hpp"

namespace corokv {

inline std::uint64_t hash_bytes(std::string_view s) {
    return std::hash<std::string_view>{}(s);
}

template <class V>
class Dict {
public:
    struct Node {
        Node* next;
        std::uint64_t hash;
        std::string key;
        V value;
    };

    Dict() = default;
    Dict(const Dict& other) { copy_from(other); }
    Dict& operator=(const Dict& other) {
        if (this != &other) {
            clear();
            copy_from(other);
        }
        return *this;
    }
    Dict(Dict&& other) noexcept
        : buckets_(std::move(other.buckets_)), size_(std::exchange(other.size_, 0)) {}
    Dict& operator=(Dict&& other) noexcept {
        if (this != &other) {
            clear();
            buckets_ = std::move(other.buckets_);
            size_ = std::exchange(other.size_, 0);
        }
        return *this;
    }
    ~Dict() { clear(); }

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    std::size_t bucket_count() const { return buckets_.size(); }

    Node* find_node(std::string_view key, std::uint64_t hash) const {
        if (buckets_.empty()) return nullptr;
        for (Node* n = buckets_[hash & mask()]; n; n = n->next)
            if (n->hash == hash && n->key == key) return n;
        return nullptr;
    }
    V* find(std::string_view key, std::uint64_t hash) const {
        Node* n = find_node(key, hash);
        return n ? &n->value : nullptr;
    }
    V* find(std::string_view key) const { return find(key, hash_bytes(key)); }

    // Returns the value for `key`, inserting a default-constructed one if absent.
    std::pair<V*, bool> try_emplace(std::string_view key, std::uint64_t hash) {
        if (Node* n = find_node(key, hash)) return {&n->value, false};
        grow_if_needed();
        auto* n = new Node{nullptr, hash, std::string(key), V{}};
        link(n);
        ++size_;
        return {&n->value, true};
    }
    std::pair<V*, bool> try_emplace(std::string_view key) { return try_emplace(key, hash_bytes(key)); }

    bool erase(std::string_view key, std::uint64_t hash) {
        if (buckets_.empty()) return false;
        Node** slot = &buckets_[hash & mask()];
        for (; *slot; slot = &(*slot)->next) {
            Node* n = *slot;
            if (n->hash == hash && n->key == key) {
                *slot = n->next;
                delete n;
                --size_;
                shrink_if_needed();
                return true;
            }
        }
        return false;
    }
    bool erase(std::string_view key) { return erase(key, hash_bytes(key)); }

    void clear() {
        for (Node*& head : buckets_) {
            while (head) {
                Node* next = head->next;
                delete head;
                head = next;
            }
        }
        buckets_.clear();
        buckets_.shrink_to_fit();
        size_ = 0;
    }

    template <class F>
    void for_each(F&& fn) const {
        for (Node* head : buckets_)
            for (Node* n = head; n; n = n->next) fn(std::string_view(n->key), n->value);
    }

    // Visits nodes until `fn(node)` returns false (memory sampling).
    template <class F>
    void visit_nodes(F&& fn) const {
        for (Node* head : buckets_)
            for (Node* n = head; n; n = n->next)
                if (!fn(*n)) return;
    }
    // Bytes of the bucket array.
    std::size_t table_bytes() const { return buckets_.empty() ? 0 : memory::block_size(buckets_.data()); }
    // The bucket array plus nodes measured by `node_bytes`, sampled as MEMORY USAGE does.
    template <class F>
    std::size_t allocated_bytes(std::size_t samples, F&& node_bytes) const {
        memory::ElementSampler sampler(samples);
        visit_nodes([&](const Node& n) {
            sampler.add(node_bytes(n));
            return sampler.wants_more();
        });
        return table_bytes() + sampler.estimate(size_);
    }

    // Visits one bucket chosen by `cursor` and returns the next cursor (0 = done). This is
    // Redis's dictScan for a single table: the cursor's bits are incremented from the top,
    // so buckets that split or merge on resize are never skipped.
    template <class F>
    std::uint64_t scan(std::uint64_t cursor, F&& fn) const {
        if (buckets_.empty()) return 0;
        const std::uint64_t m = mask();
        for (Node* n = buckets_[cursor & m]; n; n = n->next) fn(std::string_view(n->key), n->value);
        cursor |= ~m;
        cursor = reverse_bits(cursor);
        ++cursor;
        return reverse_bits(cursor);
    }

    // A uniformly chosen bucket, then a uniformly chosen node in it: cheap, slightly biased
    // towards entries in short chains, as Redis's dictGetRandomKey.
    template <class Rng>
    Node* random_node(Rng& rng) const {
        if (size_ == 0) return nullptr;
        std::uniform_int_distribution<std::size_t> pick_bucket(0, buckets_.size() - 1);
        Node* head = nullptr;
        while (!head) head = buckets_[pick_bucket(rng)];
        std::size_t len = 0;
        for (Node* n = head; n; n = n->next) ++len;
        std::size_t skip = std::uniform_int_distribution<std::size_t>(0, len - 1)(rng);
        while (skip--) head = head->next;
        return head;
    }

    // Up to `count` nodes from consecutive buckets after a random one (Redis's
    // dictGetSomeKeys): one random draw and a sequential walk, cheap enough to run on every
    // eviction; a node may be visited twice only if the table is smaller than `count`.
    // Gives up after 10 * count buckets, so a sparse table cannot make it slow.
    // The chain heads are gathered and prefetched first, so their cache misses (the whole
    // cost of sampling a big table) overlap instead of coming one after another.
    template <class Rng, class F>
    void sample_nodes(Rng& rng, std::size_t count, F&& fn) const {
        if (size_ == 0 || count == 0) return;
        constexpr std::size_t kBatch = 16;
        const std::uint64_t m = mask();
        std::uint64_t bucket = std::uniform_int_distribution<std::uint64_t>(0, m)(rng);
        std::size_t found = 0, steps = 0;
        while (found < count && steps < 10 * count) {
            Node* heads[kBatch];
            std::size_t gathered = 0;
            for (; gathered < std::min(kBatch, count - found) && steps < 10 * count; ++steps, bucket = (bucket + 1) & m) {
                if (Node* head = buckets_[bucket]) {
                    __builtin_prefetch(head);
                    heads[gathered++] = head;
                }
            }
            for (std::size_t i = 0; i < gathered && found < count; ++i)
                for (Node* n = heads[i]; n && found < count; n = n->next, ++found) fn(static_cast<const Node&>(*n));
        }
    }

private:
    static constexpr std::size_t kMinBuckets = 4;

    std::uint64_t mask() const { return buckets_.size() - 1; }

    static std::uint64_t reverse_bits(std::uint64_t v) {
        v = ((v >> 1) & 0x5555555555555555ULL) | ((v & 0x5555555555555555ULL) << 1);
        v = ((v >> 2) & 0x3333333333333333ULL) | ((v & 0x3333333333333333ULL) << 2);
        v = ((v >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((v & 0x0F0F0F0F0F0F0F0FULL) << 4);
        return __builtin_bswap64(v);
    }

    void link(Node* n) {
        Node*& head = buckets_[n->hash & mask()];
        n->next = head;
        head = n;
    }

    void grow_if_needed() {
        if (buckets_.empty()) rehash(kMinBuckets);
        else if (size_ + 1 > buckets_.size()) rehash(buckets_.size() * 2);
    }
    void shrink_if_needed() {
        if (size_ == 0) {
            buckets_.clear();
            buckets_.shrink_to_fit();
        } else if (buckets_.size() > kMinBuckets && size_ * 8 < buckets_.size()) {
            rehash(std::max(kMinBuckets, std::bit_ceil(size_) * 2));
        }
    }
    void rehash(std::size_t new_count) {
        std::vector<Node*> old = std::move(buckets_);
        buckets_.assign(new_count, nullptr);
        for (Node* head : old) {
            while (head) {
                Node* next = head->next;
                link(head);
                head = next;
            }
        }
    }
    void copy_from(const Dict& other) {
        if (other.buckets_.empty()) return;
        buckets_.assign(other.buckets_.size(), nullptr);
        other.for_each([&](std::string_view k, const V& v) {
            link(new Node{nullptr, hash_bytes(k), std::string(k), v});
        });
        size_ = other.size_;
    }

    std::vector<Node*> buckets_;
    std::size_t size_ = 0;
};

}  // namespace corokv
