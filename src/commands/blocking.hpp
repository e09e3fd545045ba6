// Clients blocked in BLPOP-like commands, as plain data. A blocked client is queued, per
// key, in the shard that owns the key (Redis's db->blocking_keys), so registering happens
// under the same lock as the check that found the key empty: no push can slip between.
// When a write command touches a key with waiters, the dispatcher re-runs the first
// waiter's command on the writer's thread after the writer's locks are released, writes
// the reply into the waiter and wakes its connection. The connection (src/server/) awaits
// that wake-up or its timeout; this file has no Asio in it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command.hpp"

namespace corokv {

class ServerState;

struct BlockedClient {
    enum class State : std::uint8_t {
        waiting,    // queued on its keys
        serving,    // claimed by a thread that is re-running its command
        served,     // `reply` holds the answer
        timed_out,  // the connection gave up waiting (timeout)
        cancelled,  // disconnected, or unblocked
    };

    ClientSession* session = nullptr;   // alive until the connection sees a final state
    int db = 0;
    int proto = 2;
    std::vector<std::string> args;      // the command, run again when a key is ready
    std::vector<std::string> keys;      // the keys waited on, in `db`
    std::int64_t deadline_ms = 0;       // absolute; 0 = forever
    TimeoutReply on_timeout = TimeoutReply::null_array;
    bool drop_reply = false;            // CLIENT REPLY OFF/SKIP: the connection writes nothing
    // The type of key that can serve it (list for BLPOP, zset for BZPOPMIN): as in Redis 7.0,
    // a key that now holds another type does not wake the client; it keeps waiting.
    ValueType wanted = ValueType::list;

    std::mutex mutex;                   // guards everything below
    State state = State::waiting;
    std::string reply;                  // RESP bytes, written by whoever served it
    std::function<void()> wake;         // installed by the connection; safe from any thread
};

// BLPOP's timeout argument (seconds, fractions allowed) as an absolute deadline in ms, 0 for
// "forever"; replies Redis's error ("timeout is not a float or out of range", "timeout is
// negative") and returns false on bad input.

bool timeout_arg_or_reply(CommandContext& c, std::string_view arg, std::int64_t& deadline_ms);

// Called by the dispatcher while the command's shard locks are still held: notes the keys of
// a write command that have blocked clients waiting, to be served after the locks go.
// Returns true if it noted any.
bool note_ready_keys(CommandContext& c, std::span<const std::string_view> args, std::span<const std::size_t> key_positions);
// Called by the dispatcher after the command's locks are released: serves the clients
// waiting on every noted key, in arrival order, for as long as the keys have data.
void serve_ready_keys(ServerState& server);

// Tries to move a waiter from `waiting` to a final state (timed_out/cancelled) for its
// connection; false if it was served (or is being served) first. Then call unregister.
bool finish_waiting(BlockedClient& bc, BlockedClient::State final_state);
// Removes the client from the queue of every key it waited on.
void unregister_blocked(ServerState& server, const std::shared_ptr<BlockedClient>& bc);
// CLIENT UNBLOCK: ends the client's wait as if it timed out, or with -UNBLOCKED; false when
// it is not waiting (or a write is serving it right now).
bool unblock_client(ServerState& server, ClientSession& client, bool with_error);
// Writes the timeout reply for a blocked client's command.
void reply_timeout(resp::ReplyWriter& out, TimeoutReply kind);

}  // namespace corokv
