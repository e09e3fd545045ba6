// From parsed arguments to a reply: find the command in the table, check arity and
// authentication, lock the shards its keys live in (ascending index order), run the
// handler. The connection calls execute() once per pipelined command.
#pragma once

#include <span>
#include <string_view>

#include "commands/command.hpp"
#include "commands/server_state.hpp"

namespace corokv {

// Looks a command up by name, case-insensitively; nullptr when unknown.
const CommandSpec* find_command(std::string_view name);
const CommandSpec* find_subcommand(const CommandSpec& parent, std::string_view name);

// Runs one command and appends its reply to `out`. `now_ms` is the time the command sees
// (expiry checks, relative TTLs); a connection passes one reading for a run of pipelined
// commands instead of asking the clock for each.
// A blocking command that found nothing to serve writes no reply and returns the client's
// registration: the caller waits for it to be served or to time out (src/server/).
// `ticks`, when given, holds a cpu_ticks() reading taken where this command started (the end
// of the previous one) and receives the reading at its end: a pipeline is timed for SLOWLOG
// with one counter read per command instead of two.
std::shared_ptr<BlockedClient> execute(ServerState& server, ClientSession& client,
                                       std::span<const std::string_view> args, resp::ReplyWriter& out,
                                       std::int64_t now_ms, std::uint64_t* ticks = nullptr);
std::shared_ptr<BlockedClient> execute(ServerState& server, ClientSession& client,
                                       std::span<const std::string_view> args, resp::ReplyWriter& out);

// How a command runs besides its arguments: the time it sees, and whether a blocking command
// may block (false when re-running a blocked client's command or inside MULTI).
struct ExecOptions {
    std::int64_t now_ms = 0;
    bool may_block = true;
    // Evict / refuse denyoom commands over maxmemory. Off when re-running a blocked client's
    // command: it was admitted when it arrived, as in Redis.
    bool check_memory = true;
    // The AOF loader replaying the log: runs while loading and is not logged again.
    bool replaying = false;
    std::uint64_t* ticks = nullptr;  // see execute()
};
struct ExecResult {
    std::shared_ptr<BlockedClient> blocked;  // the command blocked (may_block was true)
    bool would_block = false;                // the command would have blocked (may_block false)
    TimeoutReply timeout_reply = TimeoutReply::null_array;
};
ExecResult execute_with(ServerState& server, ClientSession& client, std::span<const std::string_view> args,
                        resp::ReplyWriter& out, const ExecOptions& options);

// Whether a command about to run must wait for CLIENT PAUSE to end: under a pause of
// everything, any command; under a write pause, writes, PUBLISH/SPUBLISH and an EXEC whose
// queue writes. One relaxed load while no pause was ever set.
bool paused_for(ServerState& server, const ClientSession& client, std::span<const std::string_view> args);

// EXEC's core, called by its handler once the queue may run: with the shards of every queued
// command's keys and of every watched key locked, replies the null array if a watched key was
// touched, else runs the queue and replies the array of its replies; the writes are logged
// as one MULTI/EXEC block.
void execute_transaction(CommandContext& exec);
// Leaves MULTI (dropping the queue) and unwatches every key: after EXEC and DISCARD, on RESET,
// and when the connection closes. Locks shards: never call it with shard locks held.
void end_transaction(ServerState& server, ClientSession& client);

// The argument positions of a command's keys, from its key range or its key finder.
void key_positions(const CommandSpec& spec, std::span<const std::string_view> args,
                   std::vector<std::size_t>& positions);

// True for the command names Redis treats as an HTTP request sent to the Redis port
// (cross-protocol scripting): the connection must be closed without replying.
// The eviction settings in force (config) for one eviction run at `now_ms`.
EvictionParams eviction_params(const ServerState& server, std::int64_t now_ms);
// Evicts keys while used memory is above maxmemory (no-op without a limit), for at most the
// tenacity's time limit.
EvictionResult evict_to_maxmemory(ServerState& server, std::int64_t now_ms);

bool is_cross_protocol_attack(std::string_view command_name);

}  // namespace corokv
