// What goes into an AOF: commands in RESP, and the commands that recreate a shard's keys for
// a rewrite's base file. Plain C++ over the store (no I/O): unit-tested.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "store/shard.hpp"

namespace corokv {

// Appends one command as a RESP array of bulk strings, as Redis's catAppendOnlyGenericCommand.
void append_resp_command(std::string& out, std::span<const std::string_view> args);
inline void append_resp_command(std::string& out, std::initializer_list<std::string_view> args) {
    append_resp_command(out, std::span(args.begin(), args.size()));
}

// Appends the commands that recreate every live key of one shard, database by database
// (each preceded by SELECT): SET, RPUSH, SADD, HSET and ZADD with at most 64 elements per
// command (Redis's AOF_REWRITE_ITEMS_PER_CMD), then PEXPIREAT for keys with a deadline.
// Keys already past their deadline at `now_ms` are left out, as Redis's rewrite does.
void append_shard_snapshot(std::string& out, Shard& shard, std::int64_t now_ms);

// One key's commands (used by append_shard_snapshot; exposed for tests).
void append_key(std::string& out, std::string_view key, const Entry& entry);

}  // namespace corokv
