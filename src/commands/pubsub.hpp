// Pub/Sub's registry: which clients listen to which channels, patterns and shard channels,
// and the fan-out of a published message. Plain C++: a subscriber is a ClientSession whose
// `deliver` hook (installed by the server layer) queues a frame on its connection.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "commands/clients.hpp"
#include "resp/writer.hpp"

namespace corokv {

enum class SubscriptionKind : std::uint8_t { channel, pattern, shard };

class PubSub {
public:
    // Both return false when nothing changed (already subscribed / not subscribed).
    bool subscribe(SubscriptionKind kind, std::string_view name, ClientSession& client);
    bool unsubscribe(SubscriptionKind kind, std::string_view name, ClientSession& client);

    // Sends `message` to every subscriber of `channel` (and, unless `shard`, of every matching
    // pattern); returns how many received it. The publisher's own copies go straight into its
    // reply stream `publisher_out`, ahead of the reply, as Redis does.
    std::int64_t publish(bool shard, std::string_view channel, std::string_view message,
                         ClientSession& publisher, resp::ReplyWriter& publisher_out) {
        return publish(shard, channel, message, &publisher, &publisher_out);
    }
    // The same on a classic channel for keyspace notifications, whose publisher is the client
    // whose command raised them, or none (active expiry, eviction in the background).
    std::int64_t publish(std::string_view channel, std::string_view message, ClientSession* publisher,
                         resp::ReplyWriter* publisher_out) {
        return publish(false, channel, message, publisher, publisher_out);
    }

    // PUBSUB CHANNELS / SHARDCHANNELS (optionally matching a glob), NUMSUB, NUMPAT.
    std::vector<std::string> names(SubscriptionKind kind, std::optional<std::string_view> pattern) const;
    std::int64_t subscribers(SubscriptionKind kind, std::string_view name) const;
    std::int64_t pattern_count() const;

    // Calls f(kind, name, client) for every subscription, under the shared lock (f must not
    // subscribe or unsubscribe).
    template <typename F>
    void for_each_subscription(F&& f) const {
        std::shared_lock lock(mutex_);
        for (std::size_t k = 0; k < 3; ++k)
            for (const auto& [name, subscribers] : tables_[k])
                for (ClientSession* client : subscribers) f(static_cast<SubscriptionKind>(k), name, *client);
    }

private:
    std::int64_t publish(bool shard, std::string_view channel, std::string_view message, ClientSession* publisher,
                         resp::ReplyWriter* publisher_out);

    // Looked up by string_view: publishing allocates nothing for the lookup.
    struct NameHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    using Subscribers = std::vector<ClientSession*>;
    using Table = std::unordered_map<std::string, Subscribers, NameHash, std::equal_to<>>;
    Table& table(SubscriptionKind kind) { return tables_[static_cast<std::size_t>(kind)]; }
    const Table& table(SubscriptionKind kind) const { return tables_[static_cast<std::size_t>(kind)]; }

    // Publishers share the lock; (un)subscribing takes it alone. A session is removed from
    // every table (under the lock) before it is destroyed, so the pointers stay valid.
    mutable std::shared_mutex mutex_;
    Table tables_[3];
};

// Leaves every channel, pattern and shard channel without replying: RESET, disconnect.
void unsubscribe_all(PubSub& pubsub, ClientSession& client);

}  // namespace corokv
