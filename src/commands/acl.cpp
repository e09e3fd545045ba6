// ACL: SETUSER, GETUSER, DELUSER, LIST, USERS, WHOAMI, CAT, DRYRUN, GENPASS, HELP. The users and
// their rules live in commands/acl_users.*; this file is the commands' replies.
#include <algorithm>

#include "commands/acl_users.hpp"
#include "commands/command_table.hpp"
#include "commands/dispatch.hpp"
#include "commands/numbers.hpp"
#include "commands/server_state.hpp"

namespace corokv {
namespace {

// Closes the connections `doomed` picks: another one at once (its pending read ends), this
// one after its reply.
template <typename Pick>
void close_connections(CommandContext& c, Pick doomed) {
    for (const auto& session : c.server.clients.snapshot()) {
        if (!doomed(*session)) continue;
        if (session.get() == &c.client) c.client.close_after_reply = true;
        else if (session->kill) session->kill();
    }
}

// Closes connections of `user` subscribed to a channel or pattern its rules no longer allow
// (Redis 7.0's ACLKillPubsubClientsIfNeeded); this one after its reply.
void close_subscribers_no_longer_allowed(CommandContext& c, const AclUser& user) {
    const AclRules rules = user.rules();
    if (rules.all_channels) return;
    std::vector<const ClientSession*> victims;
    c.server.pubsub.for_each_subscription([&](SubscriptionKind kind, const std::string& name, const ClientSession& client) {
        if (client.runs_as(&user) && !acl_channel_allowed(rules, name, kind == SubscriptionKind::pattern))
            victims.push_back(&client);
    });
    if (victims.empty()) return;
    close_connections(c, [&](const ClientSession& s) { return std::find(victims.begin(), victims.end(), &s) != victims.end(); });
}

void acl_setuser_command(CommandContext& c) {
    const std::string_view name = c.arg(2);
    if (acl_has_space(name)) {
        c.out.error("ERR Usernames can't contain spaces or null characters");
        return;
    }
    if (auto failure = c.server.acl.set_user(name, c.args.subspan(3))) {
        c.out.error("ERR Error in ACL SETUSER modifier '" + error_arg(failure->first) + "': " +
                    std::string(failure->second));
        return;
    }
    close_subscribers_no_longer_allowed(c, *c.server.acl.find(name));
    c.out.ok();
}

void acl_getuser_command(CommandContext& c) {
    auto user = c.server.acl.find(c.arg(2));
    if (!user) {
        c.out.null();
        return;
    }
    const AclRules rules = user->rules();
    c.out.map(6);
    c.out.bulk("flags");
    const auto flags = describe_flags(rules);
    c.out.set(flags.size());
    for (std::string_view f : flags) c.out.bulk(f);
    c.out.bulk("passwords");
    c.out.array(rules.passwords.size());
    for (const std::string& p : rules.passwords) c.out.bulk(p);
    c.out.bulk("commands");
    c.out.bulk(describe_command_rules(rules, c.server.acl.catalog()));
    c.out.bulk("keys");
    c.out.bulk(describe_key_patterns(rules));
    c.out.bulk("channels");
    c.out.bulk(describe_channel_patterns(rules));
    c.out.bulk("selectors");
    c.out.array(0);
}

void acl_deluser_command(CommandContext& c) {
    for (std::size_t i = 2; i < c.argc(); ++i) {
        if (c.arg(i) == "default") {
            c.out.error("ERR The 'default' user cannot be removed");
            return;
        }
    }
    std::int64_t deleted = 0;
    for (std::size_t i = 2; i < c.argc(); ++i) {
        if (auto user = c.server.acl.remove(c.arg(i))) {
            // Every connection authenticated as it goes too.
            close_connections(c, [&](const ClientSession& s) { return s.runs_as(user.get()); });
            ++deleted;
        }
    }
    c.out.integer(deleted);
}

void acl_list_command(CommandContext& c) {
    const auto users = c.server.acl.users();
    c.out.array(users.size());
    for (const auto& user : users) c.out.bulk(describe_user(user->name, user->rules(), c.server.acl.catalog()));
}

void acl_users_command(CommandContext& c) {
    const auto users = c.server.acl.users();
    c.out.array(users.size());
    for (const auto& user : users) c.out.bulk(user->name);
}

void acl_whoami_command(CommandContext& c) { c.out.bulk(c.client.user_name()); }

void acl_cat_command(CommandContext& c) {
    if (c.argc() > 3) {
        reply_subcommand_syntax_error(c);
        return;
    }
    if (c.argc() == 2) {
        c.out.array(static_cast<std::size_t>(AclCategory::count));
        for (int i = 0; i < static_cast<int>(AclCategory::count); ++i) c.out.bulk(acl_category_name(static_cast<AclCategory>(i)));
        return;
    }
    const auto category = acl_category_by_name(c.arg(2));
    if (!category) {
        c.out.error("ERR Unknown category '" + error_arg(c.arg(2)) + "'");
        return;
    }
    std::vector<std::string_view> names;  // the commands served here
    for (const AclCatalog::Command& command : c.server.acl.catalog().commands())
        if (command.spec && (command.categories & category_bit(*category))) names.push_back(command.full_name);
    c.out.array(names.size());
    for (std::string_view n : names) c.out.bulk(n);
}

// The command DRYRUN asks about, resolved as a client's command would be (Redis's
// lookupCommand: a container's first argument names its subcommand).
const CommandSpec* dryrun_target(std::span<const std::string_view> command, std::string& full_name) {
    const CommandSpec* spec = find_command(command[0]);
    if (!spec) return nullptr;
    full_name = spec->name;
    if (spec->subcommands.empty() || command.size() < 2) return spec;
    const CommandSpec* sub = find_subcommand(*spec, command[1]);
    if (sub) full_name += "|" + std::string(sub->name);
    return sub;
}

void acl_dryrun_command(CommandContext& c) {
    auto user = c.server.acl.find(c.arg(2));
    if (!user) {
        c.out.error("ERR User '" + error_arg(c.arg(2)) + "' not found");
        return;
    }
    const auto command = c.args.subspan(3);
    std::string full_name;
    const CommandSpec* spec = dryrun_target(command, full_name);
    if (!spec) {
        c.out.error("ERR Command '" + error_arg(command[0]) + "' not found");
        return;
    }
    const auto argc = static_cast<int>(command.size());
    if ((spec->arity > 0 && spec->arity != argc) || argc < -spec->arity) {
        c.out.error("ERR wrong number of arguments for '" + full_name + "' command");
        return;
    }
    const AclVerdict verdict =
        user->with_rules([&](const AclRules& rules) { return acl_check(rules, c.server.acl.catalog(), *spec, command); });
    switch (verdict.denial) {
        case AclDenial::none: c.out.ok(); return;
        case AclDenial::command:
            c.out.bulk("This user has no permissions to run the '" + full_name + "' command");
            return;
        case AclDenial::key:
            c.out.bulk("This user has no permissions to access the '" + std::string(command[verdict.arg]) + "' key");
            return;
        case AclDenial::channel:
            c.out.bulk("This user has no permissions to access the '" + std::string(command[verdict.arg]) + "' channel");
            return;
    }
}

// GENPASS [bits]: hex digits from the system's entropy source, 4 bits each, rounded up.
void acl_genpass_command(CommandContext& c) {
    std::int64_t bits = 256;
    if (c.argc() > 3) {
        reply_subcommand_syntax_error(c);
        return;
    }
    if (c.argc() == 3) {
        auto n = parse_int(c.arg(2));
        if (!n) {
            c.out.error(errors::kNotInteger);
            return;
        }
        if (*n <= 0 || *n > 4096) {
            c.out.error("ERR ACL GENPASS argument must be the number of bits for the output password, a positive "
                        "number up to 4096");
            return;
        }
        bits = *n;
    }
    c.out.bulk(random_hex(static_cast<std::size_t>((bits + 3) / 4)));
}

void acl_help_command(CommandContext& c) {
    static constexpr std::string_view lines[] = {
        "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CAT [<category>]",
        "    List all commands that belong to <category>, or all command categories",
        "    when no category is specified.",
        "DELUSER <username> [<username> ...]",
        "    Delete a list of users.",
        "DRYRUN <username> <command> [<arg> ...]",
        "    Returns whether the user can execute the given command without executing the command.",
        "GETUSER <username>",
        "    Get the user's details.",
        "GENPASS [<bits>]",
        "    Generate a secure 256-bit user password. The optional `bits` argument can",
        "    be used to specify a different size.",
        "LIST",
        "    Show users details in config file format.",
        "SETUSER <username> <attribute> [<attribute> ...]",
        "    Create or modify a user with the specified attributes.",
        "USERS",
        "    List all the registered usernames.",
        "WHOAMI",
        "    Return the current connection username.",
        "HELP",
        "    Prints this help.",
    };
    reply_help(c.out, lines);
}

constexpr std::uint32_t kAclAdmin = kAdmin | kNoscript | kLoading | kStale;
constexpr std::uint32_t kAclPlain = kNoscript | kLoading | kStale;

const CommandSpec kAclSubcommands[] = {
    {"cat", -2, kAclPlain, {}, acl_cat_command, "server", "6.0.0",
     "Lists the ACL categories, or the commands inside a category.", "O(1) since the categories and commands are a fixed set."},
    {"deluser", -3, kAclAdmin, {}, acl_deluser_command, "server", "6.0.0",
     "Deletes ACL users, and terminates their connections.", "O(1) amortized time considering the typical user."},
    {"dryrun", -4, kAclAdmin, {}, acl_dryrun_command, "server", "7.0.0",
     "Simulates the execution of a command by a user, without executing the command.", "O(1)."},
    {"genpass", -2, kAclPlain, {}, acl_genpass_command, "server", "6.0.0",
     "Generates a pseudorandom, secure password that can be used to identify ACL users.", "O(1)"},
    {"getuser", 3, kAclAdmin, {}, acl_getuser_command, "server", "6.0.0", "Lists the ACL rules of a user.",
     "O(N). Where N is the number of password, command and pattern rules that the user has."},
    {"help", 2, kLoading | kStale, {}, acl_help_command, "server", "6.0.0",
     "Returns helpful text about the different subcommands.", "O(1)"},
    {"list", 2, kAclAdmin, {}, acl_list_command, "server", "6.0.0",
     "Dumps the effective rules in ACL file format.", "O(N). Where N is the number of configured users."},
    {"setuser", -3, kAclAdmin, {}, acl_setuser_command, "server", "6.0.0",
     "Creates and modifies an ACL user and its rules.", "O(N). Where N is the number of rules provided."},
    {"users", 2, kAclAdmin, {}, acl_users_command, "server", "6.0.0", "Lists all ACL users.",
     "O(N). Where N is the number of configured users."},
    {"whoami", 2, kAclPlain, {}, acl_whoami_command, "server", "6.0.0",
     "Returns the authenticated username of the current connection.", "O(1)"},
};

const CommandSpec kAclCommands[] = {
    {"acl", -2, 0, {}, nullptr, "server", "6.0.0", "A container for Access List Control commands.",
     "Depends on subcommand.", kAclSubcommands},
};

}  // namespace

std::span<const CommandSpec> acl_commands() { return kAclCommands; }

}  // namespace corokv
