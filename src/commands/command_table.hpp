// The command table: every family contributes its list of rows; dispatch, COMMAND, and
// (later) ACL categories, MULTI key locking and AOF all read the same rows.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "commands/command.hpp"

namespace corokv {

std::span<const CommandSpec> connection_commands();
std::span<const CommandSpec> server_commands();
std::span<const CommandSpec> string_commands();
std::span<const CommandSpec> hash_commands();
std::span<const CommandSpec> key_commands();
std::span<const CommandSpec> list_commands();
std::span<const CommandSpec> set_commands();
std::span<const CommandSpec> zset_commands();
std::span<const CommandSpec> sort_commands();
std::span<const CommandSpec> memory_commands();
std::span<const CommandSpec> persistence_commands();
std::span<const CommandSpec> transaction_commands();
std::span<const CommandSpec> pubsub_commands();
std::span<const CommandSpec> monitor_commands();
std::span<const CommandSpec> slowlog_commands();
std::span<const CommandSpec> acl_commands();

// All top-level commands, in family order.
const std::vector<const CommandSpec*>& all_commands();

// Data derived from a row, as COMMAND INFO reports it.
std::vector<std::string_view> flag_names(const CommandSpec& spec);
// ACL categories (for a subcommand, `parent` is its container), as names without the '@' and
// as a mask of AclCategory bits (commands/acl_users.hpp).
std::vector<std::string_view> acl_categories(const CommandSpec& spec, const CommandSpec* parent = nullptr);
std::uint32_t acl_category_mask(const CommandSpec& spec, const CommandSpec* parent = nullptr);

}  // namespace corokv
