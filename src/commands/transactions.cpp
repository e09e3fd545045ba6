// Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH. The dispatcher queues commands while a
// client is in MULTI (dispatch.cpp: execute_with) and runs the queue for EXEC
// (execute_transaction); this file holds the handlers and the WATCH bookkeeping.
//
// WATCH is optimistic locking: each watched key registers the client's flag in the keyspace
// that holds it; any write, expiry, eviction or flush of the key sets the flag under the
// key's shard lock, and EXEC checks it with those shards locked.
#include "commands/command_table.hpp"
#include "commands/dispatch.hpp"
#include "commands/server_state.hpp"

namespace corokv {
namespace {

void unwatch_all(ServerState& server, ClientSession& client) {
    Transaction& tx = client.tx;
    if (tx.watched.empty()) return;
    for (const auto& [db, key] : tx.watched) {
        const std::uint64_t h = hash_bytes(key);
        const std::size_t shard = server.store.shard_index(h);
        ShardLocks locks(server.store);
        locks.lock_one(shard);
        server.store.shard(shard).dbs[static_cast<std::size_t>(db)].remove_watcher(key, tx.watch.get());
    }
    tx.watched.clear();
    // No keyspace holds the flag any more, so nothing can set it behind our back.
    tx.watch->touched.store(false, std::memory_order_relaxed);
    server.watching_clients.fetch_sub(1, std::memory_order_relaxed);
}

bool is_watched(const Transaction& tx, int db, std::string_view key) {
    for (const auto& [d, k] : tx.watched)
        if (d == db && k == key) return true;
    return false;
}

void multi_command(CommandContext& c) {
    Transaction& tx = c.client.tx;
    if (tx.active) {
        c.out.error("ERR MULTI calls can not be nested");
        return;
    }
    tx.active = true;
    c.client.multi_shown.store(0, std::memory_order_relaxed);
    c.out.ok();
}

void exec_command(CommandContext& c) {
    Transaction& tx = c.client.tx;
    if (!tx.active) {
        c.out.error("ERR EXEC without MULTI");
        return;
    }
    if (tx.rejected) c.out.error("EXECABORT Transaction discarded because of previous errors.");
    else execute_transaction(c);
    end_transaction(c.server, c.client);
}

void discard_command(CommandContext& c) {
    if (!c.client.tx.active) {
        c.out.error("ERR DISCARD without MULTI");
        return;
    }
    end_transaction(c.server, c.client);
    c.out.ok();
}

// The dispatcher locked the shards of every key named.
void watch_command(CommandContext& c) {
    Transaction& tx = c.client.tx;
    if (tx.active) {
        c.out.error("ERR WATCH inside MULTI is not allowed");
        return;
    }
    if (!tx.watch) tx.watch = std::make_shared<WatchFlag>();
    if (tx.watched.empty()) c.server.watching_clients.fetch_add(1, std::memory_order_relaxed);
    for (std::size_t i = 1; i < c.argc(); ++i) {
        const std::string_view key = c.arg(i);
        if (is_watched(tx, c.db(), key)) continue;
        // A key already past its deadline is deleted first: its expiry is not a change
        // made after the WATCH (Redis's watchedKey.expired).
        c.peek(key);
        c.keyspace(c.hash_of(key), c.db()).add_watcher(key, tx.watch);
        tx.watched.emplace_back(c.db(), std::string(key));
    }
    c.out.ok();
}

void unwatch_command(CommandContext& c) {
    unwatch_all(c.server, c.client);
    c.out.ok();
}

constexpr std::uint32_t kTx = kNoscript | kLoading | kStale | kTxControl;

const CommandSpec kTransactionCommands[] = {
    {"multi", 1, kTx | kFast | kAllowBusy, {}, multi_command, "transactions", "1.2.0",
     "Starts a transaction.", "O(1)"},
    {"exec", 1, kTx | kSkipSlowlog, {}, exec_command, "transactions", "1.2.0",
     "Executes all commands in a transaction.", "Depends on commands in the transaction"},
    {"discard", 1, kTx | kFast | kAllowBusy, {}, discard_command, "transactions", "2.0.0",
     "Discards a transaction.", "O(N), when N is the number of queued commands"},
    {"watch", -2, kTx | kFast | kAllowBusy | kKeysBlind, {1, -1, 1}, watch_command, "transactions", "2.2.0",
     "Monitors changes to keys to determine the execution of a transaction.", "O(1) for every key."},
    {"unwatch", 1, kNoscript | kLoading | kStale | kFast | kAllowBusy, {}, unwatch_command, "transactions",
     "2.2.0", "Forgets about watched keys of a transaction.", "O(N)"},
};

}  // namespace

void end_transaction(ServerState& server, ClientSession& client) {
    Transaction& tx = client.tx;
    tx.active = false;
    tx.rejected = false;
    tx.flags = 0;
    tx.queued.clear();
    tx.queued.shrink_to_fit();
    client.multi_shown.store(-1, std::memory_order_relaxed);
    unwatch_all(server, client);
}

std::span<const CommandSpec> transaction_commands() { return kTransactionCommands; }

}  // namespace corokv
