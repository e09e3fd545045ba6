// Per-connection state that commands read and change (selected db, protocol, name, auth),
// and the registry CLIENT LIST / INFO clients walk. Plain C++: the server layer owns the
// sockets and plugs a `kill` callback in.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace corokv {

struct CommandSpec;
struct WatchFlag;      // store/shard.hpp
struct BlockedClient;  // commands/blocking.hpp
class AclUser;         // commands/acl_users.hpp

// MULTI's queue and WATCH's keys (Redis's mstate and watched_keys). Owned by the
// connection's thread; the flag is shared with the keyspaces that hold the watched keys.
// A pub/sub message encoded once as a RESP2 array and shared by every subscriber (a RESP3
// subscriber gets it with '>' in place of the leading '*'), or a MONITOR line (sent as is).
using PushFrame = std::shared_ptr<const std::string>;

// The channels, patterns and shard channels a client listens to (owned by its thread).
struct Subscriptions {
    std::vector<std::string> names[3];  // by SubscriptionKind (commands/pubsub.hpp)
    std::size_t classic() const { return names[0].size() + names[1].size(); }
    bool any() const { return classic() + names[2].size() > 0; }
};

struct QueuedCommand {
    const CommandSpec* spec;  // looked up (and arity-checked) when queued
    std::vector<std::string> args;
};
struct Transaction {
    bool active = false;    // between MULTI and EXEC/DISCARD
    bool rejected = false;  // a command could not be queued: EXEC answers -EXECABORT
    std::uint32_t flags = 0;  // the queued commands' flags, or-ed (EXEC's write / denyoom checks)
    std::vector<QueuedCommand> queued;
    std::shared_ptr<WatchFlag> watch;                  // null until the first WATCH
    std::vector<std::pair<int, std::string>> watched;  // (db, key), each once
};

class ClientSession {
public:
    ClientSession(std::uint64_t id, std::string addr, std::string laddr, int fd,
                  std::int64_t created_ms)
        : id(id), addr(std::move(addr)), laddr(std::move(laddr)), fd(fd), created_ms(created_ms),
          last_active_ms(created_ms) {}

    // Owned by the connection's thread; other threads only read the atomics.
    const std::uint64_t id;
    const std::string addr;
    const std::string laddr;
    const int fd;
    const std::int64_t created_ms;
    int db = 0;
    int proto = 2;
    bool authenticated = false;
    // The ACL user this connection runs as (the default user until AUTH); null only in unit
    // tests, where it stands for an unrestricted default user. Changed by this connection's
    // thread through set_user; other threads read its name with user_name().
    std::shared_ptr<AclUser> user;
    bool close_after_reply = false;  // QUIT, protocol errors
    std::atomic<int> db_shown{0};    // mirrors db for CLIENT LIST from other threads
    std::atomic<std::int64_t> last_active_ms;
    std::atomic<const CommandSpec*> last_command{nullptr};
    std::atomic<const CommandSpec*> last_parent_command{nullptr};
    std::atomic<std::size_t> query_buffer_bytes{0};
    std::atomic<std::size_t> query_buffer_capacity{0};
    std::atomic<std::size_t> output_buffer_bytes{0};
    std::atomic<bool> blocked{false};  // waiting in BLPOP & co. (CLIENT LIST flags=b)
    Transaction tx;
    // CLIENT REPLY: OFF drops every reply; SKIP drops the next command's (its own has none).
    bool reply_off = false;
    bool reply_skip_next = false;
    bool reply_skip = false;  // the command running now is the skipped one
    std::atomic<bool> no_evict{false};  // CLIENT NO-EVICT (CLIENT LIST flags=e)
    std::atomic<bool> monitoring{false};  // after MONITOR (CLIENT LIST flags=O)
    Subscriptions subscriptions;
    std::atomic<int> sub_shown{0}, psub_shown{0}, ssub_shown{0};  // CLIENT LIST sub= psub= ssub=
    // Set by the server layer: queues a pub/sub frame on this client's connection, from any
    // thread. Unset (unit tests): frames are dropped.
    std::function<void(const PushFrame&)> deliver;
    // Pub/sub bytes handed to deliver and not yet written to the socket (client-output-buffer-
    // limit pubsub), and since when they exceed the soft limit (0 = not above it).
    std::atomic<std::uint64_t> push_backlog{0};
    std::atomic<std::int64_t> soft_limit_since_ms{0};
    std::atomic<bool> output_limit_reached{false};
    // The BLPOP-like wait in progress, for CLIENT UNBLOCK from another thread.
    std::mutex waiting_mutex;
    std::weak_ptr<BlockedClient> waiting;

    // Subscribed to anything (Redis's CLIENT_PUBSUB): readable from any thread.
    bool is_pubsub() const {
        return sub_shown.load(std::memory_order_relaxed) + psub_shown.load(std::memory_order_relaxed) +
                   ssub_shown.load(std::memory_order_relaxed) > 0;
    }
    std::atomic<int> multi_shown{-1};  // queued commands in MULTI, or -1 (CLIENT LIST multi=)
    // The AOF offset just past this client's last logged write: with appendfsync always its
    // replies wait until the log is synced that far. Set by whichever thread ran the command
    // (a blocked client's command runs on the thread that served it).
    std::atomic<std::uint64_t> aof_offset{0};

    // Set by the server layer: closes the connection from any thread.
    std::function<void()> kill;

    std::string name() const;
    void set_name(std::string n);
    std::string lib_name() const;
    std::string lib_ver() const;
    void set_lib_name(std::string n);
    void set_lib_ver(std::string v);
    void set_user(std::shared_ptr<AclUser> u);
    std::string user_name() const;
    bool runs_as(const AclUser* u) const;
    void select_db(int index) {
        db = index;
        db_shown.store(index, std::memory_order_relaxed);
    }

    // One CLIENT LIST line (without the trailing newline), Redis's field order.
    std::string info_line(std::int64_t now_ms) const;

private:
    mutable std::mutex strings_mutex_;
    std::string name_;
    std::string lib_name_;
    std::string lib_ver_;
};

class ClientRegistry {
public:
    std::uint64_t next_id() { return next_id_.fetch_add(1, std::memory_order_relaxed); }
    void add(const std::shared_ptr<ClientSession>& c);
    void remove(std::uint64_t id);
    std::size_t count() const;
    std::vector<std::shared_ptr<ClientSession>> snapshot() const;

private:
    mutable std::mutex mutex_;
    std::map<std::uint64_t, std::shared_ptr<ClientSession>> clients_;
    std::atomic<std::uint64_t> next_id_{1};
};

}  // namespace corokv
