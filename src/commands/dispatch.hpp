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
void execute(ServerState& server, ClientSession& client, std::span<const std::string_view> args,
             resp::ReplyWriter& out, std::int64_t now_ms);
void execute(ServerState& server, ClientSession& client, std::span<const std::string_view> args,
             resp::ReplyWriter& out);

// True for the command names Redis treats as an HTTP request sent to the Redis port
// (cross-protocol scripting): the connection must be closed without replying.
bool is_cross_protocol_attack(std::string_view command_name);

}  // namespace corokv
