// ACL users as Redis 7.0 has them: each user's switches, passwords (SHA-256), allowed commands
// (one bit per command and subcommand of the table, plus allowed first arguments), key
// patterns with read/write permissions, and channel patterns. Rules are parsed, described
// (ACL LIST / GETUSER) and checked here; the ACL command family (commands/acl.cpp), AUTH,
// HELLO and the dispatcher's NOPERM check use it. Plain C++.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace corokv {

struct CommandSpec;
class ClientSession;

// Redis's ACL categories, in Redis's order (ACL CAT lists them so, and the description of a
// user's command rules tries them in this order).
enum class AclCategory : std::uint8_t {
    keyspace, read, write, set, sortedset, list, hash, string, bitmap, hyperloglog, geo, stream,
    pubsub, admin, fast, slow, blocking, dangerous, connection, transaction, scripting, count
};
using AclCategoryMask = std::uint32_t;
constexpr AclCategoryMask category_bit(AclCategory c) { return AclCategoryMask{1} << static_cast<int>(c); }
std::string_view acl_category_name(AclCategory c);
std::optional<AclCategory> acl_category_by_name(std::string_view name);  // any case
// Redis's ACLStringHasSpaces: user names and key/channel patterns may hold no whitespace or NUL.
bool acl_has_space(std::string_view s);

// A Redis command as the ACL knows it even where corokv does not serve it: "xadd" or
// "client|tracking", and its categories ("write stream fast"). Generated data
// (commands/redis_acl_catalog.cpp, scripts/gen_acl_catalog.py).
struct RedisAclEntry {
    std::string_view full_name;
    std::string_view categories;
};
std::span<const RedisAclEntry> redis_acl_catalog();

// Every command and subcommand of the table, numbered in table order (Redis's command ids),
// with its categories; then the rest of Redis's commands, which rules may name (an ACL
// written for Redis loads unchanged) and which count, as in Redis, when rules are described.
class AclCatalog {
public:
    struct Command {
        const CommandSpec* spec;  // null: a Redis command corokv does not serve
        int parent;  // -1 for a top-level command
        std::string full_name;  // "get", "config|get"
        AclCategoryMask categories;
        std::vector<int> subcommands;
    };
    static const AclCatalog& instance();
    AclCatalog(std::span<const CommandSpec* const> top_level, std::span<const RedisAclEntry> known_to_redis);

    const std::vector<Command>& commands() const { return commands_; }
    int id_of(const CommandSpec& spec) const;
    // "get" or "config|get", any case; -1 when unknown.
    int find(std::string_view full_name) const;

private:
    int add(const CommandSpec* spec, std::string full_name, int parent, AclCategoryMask categories);
    void add_redis_only(const RedisAclEntry& entry);
    std::vector<Command> commands_;
    std::map<std::string, int, std::less<>> by_name_;
    std::map<const CommandSpec*, int> by_spec_;
};

enum AclKeyPermission : std::uint8_t { kAclRead = 1, kAclWrite = 2, kAclReadWrite = 3 };

struct AclKeyPattern {
    std::string pattern;
    std::uint8_t permissions;  // AclKeyPermission bits
};

// One user's rules (Redis's user + root selector). A value: ACL SETUSER edits a copy and
// swaps it in only when every modifier applied.
struct AclRules {
    bool enabled = false;
    bool nopass = false;
    enum class Sanitize : std::uint8_t { unset, skip, sanitize } sanitize = Sanitize::unset;
    std::vector<std::string> passwords;  // hex SHA-256 digests, in the order they were added
    std::vector<std::uint64_t> allowed;  // bit per AclCatalog id
    bool all_commands = false;     // every bit set since the last +@all (Redis's ALLCOMMANDS)
    bool future_commands = false;  // +@all / allcommands was the last reset (Redis's last bit)
    std::map<int, std::vector<std::string>> first_args;  // "+select|0": SELECT 0 only
    bool all_keys = false;
    std::vector<AclKeyPattern> keys;
    bool all_channels = false;
    std::vector<std::string> channels;

    bool allows(int id) const { return id >= 0 && (allowed[static_cast<std::size_t>(id) / 64] >> (id % 64)) & 1; }
    // No check can fail: every command, key and channel is allowed.
    bool unrestricted() const;
};

// Rules of a user just created by ACL SETUSER: off, no passwords, nothing allowed.
AclRules new_user_rules(const AclCatalog& catalog);
// Applies one ACL SETUSER modifier; returns Redis's reason when it is invalid (the rules may
// then be half-changed: callers work on a copy).
std::optional<std::string_view> apply_acl_rule(AclRules& rules, std::string_view op, const AclCatalog& catalog);

// The command rules as Redis 7.0 describes them: "+@all" or "-@all", then the categories that
// best fit the allowed bits, then single commands to make the description exact.
std::string describe_command_rules(const AclRules& rules, const AclCatalog& catalog);
std::string describe_key_patterns(const AclRules& rules);      // "~k* %R~r*", "~*" or ""
std::string describe_channel_patterns(const AclRules& rules);  // "&a &b", "&*" or ""
std::vector<std::string_view> describe_flags(const AclRules& rules);  // "on", "nopass", ...
// One ACL LIST line.
std::string describe_user(std::string_view name, const AclRules& rules, const AclCatalog& catalog);

// What an ACL check refused (Redis's ACL_DENIED_*), and the argument at fault.
enum class AclDenial : std::uint8_t { none, command, key, channel };
struct AclVerdict {
    AclDenial denial = AclDenial::none;
    std::size_t arg = 0;  // the key's or channel's argument index
};
// Whether `rules` let a client run `spec` (already resolved to its subcommand) with `args`.
AclVerdict acl_check(const AclRules& rules, const AclCatalog& catalog, const CommandSpec& spec,
                     std::span<const std::string_view> args);
// Whether the rules allow a channel (`is_pattern`: a PSUBSCRIBE pattern, which needs an equal
// channel rule).
bool acl_channel_allowed(const AclRules& rules, std::string_view channel, bool is_pattern);
// Whether the connection's user may read any key (allkeys, or a "*" pattern with read
// permission). SORT's BY and GET patterns name keys that are not arguments, so no check saw
// them: Redis allows those options only then.
bool may_read_every_key(const ClientSession& client);
// "NOPERM ..." as the dispatcher replies it (command_name: "get", "config|get").
std::string noperm_error(AclDenial denial, std::string_view command_name);
// Why a queued command may no longer run when EXEC comes (Redis's wording there).
std::string_view acl_denial_reason(AclDenial denial);

// A user: its name and its current rules. Connections keep a share of the user they
// authenticated as, so rule changes apply to them at once; `unrestricted` lets the dispatcher
// skip the check with one relaxed load for users (like the default one) allowed everything.
class AclUser {
public:
    AclUser(std::string name, AclRules rules) : name(std::move(name)) { replace(std::move(rules)); }
    const std::string name;
    std::atomic<bool> unrestricted{false};

    AclRules rules() const {
        std::lock_guard lock(mutex_);
        return rules_;
    }
    void replace(AclRules rules);
    template <typename F>
    auto with_rules(F&& f) const {
        std::lock_guard lock(mutex_);
        return f(rules_);
    }

private:
    mutable std::mutex mutex_;
    AclRules rules_;
};

// Every user, by name (sorted: ACL USERS and LIST list them so). The default user always
// exists; `requirepass` sets its password.
class AclRegistry {
public:
    explicit AclRegistry(const AclCatalog& catalog = AclCatalog::instance());

    const AclCatalog& catalog() const { return catalog_; }
    std::shared_ptr<AclUser> default_user() const { return default_user_; }
    std::shared_ptr<AclUser> find(std::string_view name) const;
    std::vector<std::shared_ptr<AclUser>> users() const;

    // Applies ACL SETUSER's modifiers to `name` (created when missing); on an invalid one
    // changes nothing and returns (the modifier, Redis's reason).
    std::optional<std::pair<std::string, std::string_view>> set_user(std::string_view name,
                                                                     std::span<const std::string_view> ops);
    // Removes a user; false when there is none (the default user is never removed).
    std::shared_ptr<AclUser> remove(std::string_view name);
    // CONFIG SET requirepass: the default user gets exactly this password ("" = nopass).
    void set_default_password(std::string_view password);

    // The user `name` if it is on and `password` is one of its passwords (or it is nopass).
    std::shared_ptr<AclUser> authenticate(std::string_view name, std::string_view password) const;
    // Redis's authRequired: new and reset connections must AUTH when the default user is off
    // or has a password.
    bool auth_required() const { return auth_required_.load(std::memory_order_relaxed); }

private:
    void refresh_auth_required();
    const AclCatalog& catalog_;
    mutable std::mutex mutex_;
    std::map<std::string, std::shared_ptr<AclUser>, std::less<>> users_;
    std::shared_ptr<AclUser> default_user_;
    std::atomic<bool> auth_required_{false};
};

}  // namespace corokv
