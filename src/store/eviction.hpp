// maxmemory eviction: Redis's policies, its approximated LRU/LFU (random samples feeding a
// small pool of the best candidates seen so far), and the access bookkeeping they rely on.
//
// Why sampling and not an exact per-shard LRU list: a list costs 16 bytes per key and turns
// every read into writes to two neighbouring entries (more cache misses on GET, the hottest
// path); sampling costs nothing until memory is full, and one mechanism serves LRU, LFU,
// volatile-ttl and the volatile-* variants. Access times have 10 ms resolution (Redis: 1 s)
// so that keys written during a burst still differ in age from keys read continuously.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "store/eviction_policy.hpp"
#include "store/values.hpp"

namespace corokv {

class Store;

// --- access times (LRU) ------------------------------------------------------------------------

constexpr std::int64_t kLruTickMs = 10;  // wraps after 2^32 ticks = 497 days
inline std::uint32_t lru_ticks(std::int64_t now_ms) { return static_cast<std::uint32_t>(now_ms / kLruTickMs); }
// Modular arithmetic survives the clock's wrap. A "future" access (another thread touched
// the key after this caller read its clock: each pipelined batch reads the clock once)
// counts as idle 0, not as 2^32 ticks, which would make the hottest key the best victim.
inline std::int64_t idle_ticks(const Entry& e, std::int64_t now_ms) {
    const std::uint32_t delta = lru_ticks(now_ms) - e.access_ticks;
    return delta >= 0x80000000u ? 0 : delta;
}
// OBJECT IDLETIME as Redis computes it: whole seconds between the access's second and now's.
std::int64_t idle_seconds(const Entry& e, std::int64_t now_ms);

// --- access frequency (LFU): Redis's logarithmic 8-bit counter with decay ----------------------

constexpr std::uint8_t kLfuInitialCounter = 5;  // Redis's LFU_INIT_VAL: new keys are not evicted first
inline std::uint16_t lfu_minutes(std::int64_t now_ms) { return static_cast<std::uint16_t>(now_ms / 60000); }
// The counter after `decay_time` minutes per step of idleness were taken off (OBJECT FREQ).
std::uint8_t lfu_decayed_counter(const Entry& e, std::int64_t now_ms, int decay_time);
// One access: decay, then a probabilistic increment (1 / ((counter - 5) * log_factor + 1)).
void lfu_record_access(Entry& e, std::int64_t now_ms, int log_factor, int decay_time);

struct EvictionParams {
    EvictionPolicy policy = EvictionPolicy::noeviction;
    int samples = 5;
    int lfu_decay_time = 1;
    std::int64_t now_ms = 0;
    // How long one call may spend evicting before it lets the command run anyway and leaves
    // the rest to later calls (Redis's maxmemory-eviction-tenacity); see time_limit_us().
    std::uint64_t time_limit_us = 500;
};

// Redis's evictionTimeLimitUs: 50 us per step up to tenacity 10, then +15% per step, and
// no limit at 100.
std::uint64_t eviction_time_limit_us(int tenacity);

enum class EvictionResult {
    ok,       // memory is under the limit
    running,  // still over, but the time limit ran out: the command may proceed
    failed,   // still over and nothing qualifies: refuse denyoom commands
};

// Chooses and deletes keys until memory is under the limit. One per server; any thread may
// call it, without holding shard locks (it locks one shard at a time).
class Evictor {
public:
    using UsedMemory = std::int64_t (*)();

    // Evicts while used() is above `limit`. When another thread is already evicting,
    // returns at once with that thread's latest verdict.
    EvictionResult make_room(Store& store, const EvictionParams& params, std::int64_t limit, UsedMemory used);

    // Deletes one key chosen by the policy; false when no key qualifies.
    bool evict_one(Store& store, const EvictionParams& params);

private:
    struct Candidate {
        std::uint64_t score;  // higher = better to evict
        std::uint64_t hash;   // of the key
        std::size_t shard;
        int db;
        std::string key;
    };
    static constexpr std::size_t kPoolSize = 16;  // Redis's EVPOOL_SIZE

    bool evict_random(Store& store, const EvictionParams& params);
    void populate_pool(Store& store, std::size_t shard, const EvictionParams& params);
    void offer(std::uint64_t score, const Dict<Entry>::Node& node, std::size_t shard, int db);
    bool evict_from_pool(Store& store, const EvictionParams& params);

    std::mutex mutex_;
    std::vector<Candidate> pool_;  // ascending by score: the best candidate is last
    std::size_t next_shard_ = 0;
    std::mt19937_64 rng_{0x5eed};
    std::atomic<EvictionResult> last_result_{EvictionResult::ok};
};

}  // namespace corokv
