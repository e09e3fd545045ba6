// The maxmemory policies by Redis's names. Kept apart from eviction.hpp so the configuration
// can name them without pulling in the store's value types.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace corokv {

enum class EvictionPolicy : std::uint8_t {
    noeviction,
    allkeys_lru,
    volatile_lru,
    allkeys_lfu,
    volatile_lfu,
    allkeys_random,
    volatile_random,
    volatile_ttl,
};

// Redis's names ("allkeys-lru"), case-insensitive.
std::optional<EvictionPolicy> parse_eviction_policy(std::string_view name);
const char* eviction_policy_name(EvictionPolicy policy);

inline bool is_lfu(EvictionPolicy p) { return p == EvictionPolicy::allkeys_lfu || p == EvictionPolicy::volatile_lfu; }
inline bool is_volatile(EvictionPolicy p) {
    return p == EvictionPolicy::volatile_lru || p == EvictionPolicy::volatile_lfu ||
           p == EvictionPolicy::volatile_random || p == EvictionPolicy::volatile_ttl;
}

}  // namespace corokv
