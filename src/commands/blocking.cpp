// Blocked clients: registration (block_on), timeouts, and serving them when a write makes
// one of their keys ready. The waiting itself happens in src/server/connection.cpp.
#include "commands/blocking.hpp"

#include <climits>
#include <cmath>
#include <deque>
#include <utility>

#include "commands/dispatch.hpp"
#include "commands/numbers.hpp"
#include "commands/server_state.hpp"

namespace corokv {
namespace {

struct ReadyKey {
    int db;
    std::string key;
};

// Keys noted by write commands on this thread, waiting to be served. Serving a client runs
// its command, which may itself make keys ready (BLMOVE pushes to its destination): those
// join the same queue and the outer loop serves them, so serving never recurses.
thread_local std::deque<ReadyKey> ready_keys;
thread_local bool serving_ready_keys = false;

Keyspace& keyspace_of(ServerState& server, int db, std::string_view key) {
    Store& store = server.store;
    return store.shard(store.shard_index(hash_bytes(key))).dbs[static_cast<std::size_t>(db)];
}

std::mutex& shard_mutex_of(ServerState& server, std::string_view key) {
    Store& store = server.store;
    return store.shard(store.shard_index(hash_bytes(key))).mutex;
}

// The first client queued on `key` that is still waiting and wants the type the key now
// holds, moved to `serving` so that neither its own timeout nor another serving thread can
// take it meanwhile.
std::shared_ptr<BlockedClient> claim_first_waiter(ServerState& server, int db, const std::string& key) {
    std::lock_guard shard_lock(shard_mutex_of(server, key));
    Keyspace& keyspace = keyspace_of(server, db, key);
    Keyspace::WaiterQueue* queue = keyspace.waiters(key);
    if (!queue) return nullptr;
    const Entry* entry = keyspace.find(key, hash_bytes(key), unix_time_ms());
    if (!entry) return nullptr;
    const ValueType type = type_of(entry->value);
    for (const auto& waiter : *queue) {
        if (waiter->wanted != type) continue;
        std::lock_guard lock(waiter->mutex);
        if (waiter->state == BlockedClient::State::waiting) {
            waiter->state = BlockedClient::State::serving;
            return waiter;
        }
    }
    return nullptr;
}

// Runs the blocked client's command again, now unable to block. False if it still found
// nothing (another client took the data first): the client goes back to waiting.
bool run_for_waiter(ServerState& server, BlockedClient& waiter) {
    std::vector<std::string_view> args(waiter.args.begin(), waiter.args.end());
    std::string reply;
    resp::ReplyWriter out(reply, waiter.proto);
    const ExecResult result =
        execute_with(server, *waiter.session, args, out, ExecOptions{.now_ms = unix_time_ms(), .may_block = false, .check_memory = false});
    std::function<void()> wake;
    {
        std::lock_guard lock(waiter.mutex);
        waiter.state = result.would_block ? BlockedClient::State::waiting : BlockedClient::State::served;
        if (!result.would_block) waiter.reply = std::move(reply);
        wake = waiter.wake;
    }
    if (result.would_block) {
        // Its timeout may have fired while it was claimed: let the connection look again.
        if (wake) wake();
        return false;
    }
    return true;
}

void wake_served(const std::shared_ptr<BlockedClient>& waiter) {
    std::function<void()> wake;
    {
        std::lock_guard lock(waiter->mutex);
        wake = waiter->wake;
    }
    // Without a wake function yet, the connection finds `served` when it installs one.
    if (wake) wake();
}

// Serves the clients waiting on one key, first come first served, while it has data.
void serve_key(ServerState& server, const ReadyKey& ready) {
    for (;;) {
        std::shared_ptr<BlockedClient> waiter = claim_first_waiter(server, ready.db, ready.key);
        if (!waiter) return;
        if (!run_for_waiter(server, *waiter)) return;
        unregister_blocked(server, waiter);
        wake_served(waiter);
    }
}

}  // namespace

bool timeout_arg_or_reply(CommandContext& c, std::string_view arg, std::int64_t& deadline_ms) {
    const std::optional<long double> seconds = parse_long_double(arg);
    if (!seconds) {
        c.out.error("ERR timeout is not a float or out of range");
        return false;
    }
    // Redis rounds milliseconds up (0.0001 s waits 1 ms; -0.0001 s rounds to 0: for ever) and
    // casts to long long; on x86-64 an out-of-range or infinite value becomes LLONG_MIN
    // ("timeout is negative"), which is what we answer too.
    const long double ms = std::ceil(*seconds * 1000.0L);
    const std::int64_t timeout = (std::isfinite(ms) && ms > static_cast<long double>(LLONG_MIN) &&
                                  ms < static_cast<long double>(LLONG_MAX))
                                     ? static_cast<std::int64_t>(ms)
                                     : LLONG_MIN;
    if (timeout < 0) {
        c.out.error("ERR timeout is negative");
        return false;
    }
    // Redis 7.0 adds the clock without an overflow check; the wrapped deadline never comes.
    deadline_ms = (timeout > 0 && timeout <= LLONG_MAX - c.now_ms) ? c.now_ms + timeout : 0;
    return true;
}

void CommandContext::block_on(std::span<const std::string_view> keys, std::int64_t deadline_ms,
                              TimeoutReply on_timeout, TimeoutReply instead_of_blocking) {
    if (!may_block) {
        would_block = true;
        timeout_reply = instead_of_blocking;
        return;
    }
    auto waiter = std::make_shared<BlockedClient>();
    waiter->session = &client;
    waiter->db = db();
    waiter->proto = client.proto;
    waiter->args.assign(args.begin(), args.end());
    waiter->keys.assign(keys.begin(), keys.end());
    waiter->deadline_ms = deadline_ms;
    waiter->on_timeout = on_timeout;
    waiter->wanted = spec->group == "sorted-set" ? ValueType::zset : ValueType::list;
    // The dispatcher holds the shard locks of every key: no write can come between the
    // lookups that found the keys empty and this registration.
    for (std::string_view key : keys) keyspace(hash_of(key), db()).add_waiter(key, waiter);
    server.blocked_clients.fetch_add(1, std::memory_order_relaxed);
    {
        std::lock_guard lock(client.waiting_mutex);
        client.waiting = waiter;  // for CLIENT UNBLOCK
    }
    blocked = std::move(waiter);
}

bool unblock_client(ServerState& server, ClientSession& client, bool with_error) {
    std::shared_ptr<BlockedClient> bc;
    {
        std::lock_guard lock(client.waiting_mutex);
        bc = client.waiting.lock();
    }
    if (!bc) return false;
    {
        std::lock_guard lock(bc->mutex);
        if (bc->state != BlockedClient::State::waiting) return false;
        bc->state = BlockedClient::State::served;
        resp::ReplyWriter out(bc->reply, bc->proto);
        if (with_error) out.error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
        else reply_timeout(out, bc->on_timeout);
    }
    unregister_blocked(server, bc);
    std::function<void()> wake;
    {
        std::lock_guard lock(bc->mutex);
        wake = bc->wake;
    }
    if (wake) wake();
    return true;
}

bool note_ready_keys(CommandContext& c, std::span<const std::string_view> args,
                     std::span<const std::size_t> key_positions) {
    bool noted = false;
    for (std::size_t pos : key_positions) {
        const std::string_view key = args[pos];
        if (!c.keyspace(c.hash_of(key), c.db()).waiters(key)) continue;
        ready_keys.push_back({c.db(), std::string(key)});
        noted = true;
    }
    return noted;
}

void serve_ready_keys(ServerState& server) {
    if (serving_ready_keys) return;  // the loop below, further up this thread's stack, will
    serving_ready_keys = true;
    while (!ready_keys.empty()) {
        const ReadyKey ready = std::move(ready_keys.front());
        ready_keys.pop_front();
        serve_key(server, ready);
    }
    serving_ready_keys = false;
}

bool finish_waiting(BlockedClient& bc, BlockedClient::State final_state) {
    std::lock_guard lock(bc.mutex);
    if (bc.state != BlockedClient::State::waiting) return false;
    bc.state = final_state;
    return true;
}

void unregister_blocked(ServerState& server, const std::shared_ptr<BlockedClient>& bc) {
    // One shard at a time: no lock is held while taking the next, so no ordering concerns.
    for (const std::string& key : bc->keys) {
        std::lock_guard shard_lock(shard_mutex_of(server, key));
        keyspace_of(server, bc->db, key).remove_waiter(key, bc.get());
    }
    server.blocked_clients.fetch_sub(1, std::memory_order_relaxed);
}

void reply_timeout(resp::ReplyWriter& out, TimeoutReply kind) {
    if (kind == TimeoutReply::null_array) out.null_array();
    else out.null();
}

}  // namespace corokv
