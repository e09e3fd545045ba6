// Keyspace notifications (notify-keyspace-events), as Redis's notify.c: a command that changed
// a key publishes `__keyspace@<db>__:<key>` with the event name (flag K) and
// `__keyevent@<db>__:<event>` with the key (flag E), if the event's class is switched on.
// Publication goes through the Pub/Sub registry; while notifications are off, each emission
// site costs one relaxed load of the flags and nothing else.
#pragma once

#include <atomic>
#include <string_view>

#include "commands/command.hpp"
#include "commands/server_state.hpp"
#include "config/keyspace_events.hpp"
#include "store/shard.hpp"

namespace corokv {

namespace kev = keyspace_events;

// Publishes one event on the channels its flags ask for. `publisher` (may be null) is the
// client whose command raised it: its own subscriptions get the message in its reply stream
// `publisher_out`, in order with its replies, as in Redis. The slow path of notify().
void publish_keyspace_event(ServerState& server, int flags, std::string_view event, std::string_view key, int db,
                            ClientSession* publisher, resp::ReplyWriter* publisher_out);

// Redis's notifyKeyspaceEvent for the command running in `c`: `type` is the event's class
// (kev::kString, kev::kGeneric, ...).
inline void notify(CommandContext& c, int type, std::string_view event, std::string_view key, int db) {
    const int flags = c.server.config.notify_keyspace_events.load(std::memory_order_relaxed);
    if (!(flags & type)) [[likely]] return;
    publish_keyspace_event(c.server, flags, event, key, db, &c.client, &c.out);
}
inline void notify(CommandContext& c, int type, std::string_view event, std::string_view key) {
    notify(c, type, event, key, c.db());
}

// A write took the last element of the collection at `key`: Redis never keeps an empty one,
// so the key goes, with a "del" event after the command's own.
inline void delete_emptied(CommandContext& c, std::string_view key) {
    c.erase(key);
    notify(c, kev::kGeneric, "del", key);
}

// Ends a command that removed members from the collection at its first argument (HDEL,
// LREM, SREM, ZREM, ZREMRANGEBY*): when nothing went it replies 0 and logs nothing; else
// `event`, then "del" if the collection is now empty (the key goes), then the count: Redis's
// order.
void finish_removal(CommandContext& c, int type, std::string_view event, std::int64_t removed, bool now_empty);

// Publishes the events of keys the store deletes on its own (expired, evicted), then tells
// the next observer (the AOF). Events raised by a lookup inside a command (lazy expiry) reach
// that command's client in its reply stream, like the command's own events.
class StoreEventPublisher final : public KeyDeletionObserver {
public:
    StoreEventPublisher(ServerState& server, KeyDeletionObserver* next) : server_(server), next_(next) {}
    void key_deleted(int db, std::string_view key, KeyDeletion cause) override;

private:
    ServerState& server_;
    KeyDeletionObserver* next_;
};

}  // namespace corokv
