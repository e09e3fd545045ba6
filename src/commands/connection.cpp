// Connection commands: PING, ECHO, QUIT, RESET, HELLO, AUTH, SELECT and the CLIENT container.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "commands/blocking.hpp"
#include "commands/command_table.hpp"
#include "commands/dispatch.hpp"
#include "commands/numbers.hpp"
#include "commands/server_state.hpp"

namespace corokv {
namespace {

// Version reported to clients: corokv behaves as Redis 7.0 does, and clients pick features
// by this number.
constexpr std::string_view kRedisVersion = "7.0.15";

void ping_command(CommandContext& c) {
    if (c.argc() > 2) {
        reply_wrong_arity(c.out, "ping");
        return;
    }
    // A subscribed RESP2 connection can only read arrays: ["pong", <arg or "">].
    if (c.client.subscriptions.any() && c.out.protocol() == 2) {
        c.out.array(2);
        c.out.bulk("pong");
        c.out.bulk(c.argc() == 2 ? c.arg(1) : "");
        return;
    }
    if (c.argc() == 2) c.out.bulk(c.arg(1));
    else c.out.simple("PONG");
}

void echo_command(CommandContext& c) { c.out.bulk(c.arg(1)); }

void quit_command(CommandContext& c) {
    c.out.ok();
    c.client.close_after_reply = true;
}

// Redis's clearClientConnectionState: the connection as it was right after connecting
// (CLIENT NO-EVICT stays, as in Redis 7.0).
void reset_command(CommandContext& c) {
    end_transaction(c.server, c.client);
    unsubscribe_all(c.server.pubsub, c.client);
    if (c.client.monitoring.exchange(false)) c.server.monitors.remove(c.client);
    c.client.select_db(0);
    c.client.proto = 2;
    c.out.set_protocol(2);
    c.client.set_name("");
    c.client.set_user(c.server.acl.default_user());
    c.client.authenticated = !c.server.acl.auth_required();
    c.out.simple("RESET");
}

void select_command(CommandContext& c) {
    int index = 0;
    if (!int32_arg_or_reply(c, c.arg(1), index)) return;
    if (index < 0 || index >= c.store.databases()) {
        c.out.error(errors::kDbOutOfRange);
        return;
    }
    c.client.select_db(index);
    c.out.ok();
}

// AUTH and HELLO AUTH: on success the connection runs as that user from now on.
bool authenticate(CommandContext& c, std::string_view user, std::string_view password) {
    auto as = c.server.acl.authenticate(user, password);
    if (!as) return false;
    c.client.set_user(std::move(as));
    c.client.authenticated = true;
    return true;
}

void auth_command(CommandContext& c) {
    if (c.argc() > 3) {
        c.out.error(errors::kSyntax);
        return;
    }
    if (c.argc() == 2 && c.server.acl.default_user()->with_rules([](const AclRules& r) { return r.nopass; })) {
        c.out.error("ERR AUTH <password> called without any password configured for the default "
                    "user. Are you sure your configuration is correct?");
        return;
    }
    std::string_view user = c.argc() == 3 ? c.arg(1) : "default";
    std::string_view password = c.argc() == 3 ? c.arg(2) : c.arg(1);
    if (!authenticate(c, user, password)) {
        c.out.error(errors::kWrongPass);
        return;
    }
    c.out.ok();
}

// Redis allows printable ASCII without spaces in names and library info.
bool valid_client_text(std::string_view s) {
    for (char ch : s)
        if (ch < '!' || ch > '~') return false;
    return true;
}

bool set_name_or_reply(CommandContext& c, std::string_view name) {
    if (!valid_client_text(name)) {
        c.out.error("ERR Client names cannot contain spaces, newlines or special characters.");
        return false;
    }
    c.client.set_name(std::string(name));
    return true;
}

void hello_command(CommandContext& c) {
    std::int64_t version = 0;
    std::size_t next = 1;
    if (c.argc() >= 2) {
        auto v = parse_int(c.arg(next++));
        if (!v) {
            c.out.error("ERR Protocol version is not an integer or out of range");
            return;
        }
        version = *v;
        if (version < 2 || version > 3) {
            c.out.error("NOPROTO unsupported protocol version");
            return;
        }
    }
    // Redis 7.0 acts on each option as it reads it: AUTH authenticates and SETNAME renames
    // on the spot, even if a later option (or the NOAUTH check below) then fails.
    for (std::size_t j = next; j < c.argc(); ++j) {
        const std::size_t more = c.argc() - 1 - j;
        if (option_is(c.arg(j), "auth") && more >= 2) {
            if (!authenticate(c, c.arg(j + 1), c.arg(j + 2))) {
                c.out.error(errors::kWrongPass);
                return;
            }
            j += 2;
        } else if (option_is(c.arg(j), "setname") && more >= 1) {
            if (!set_name_or_reply(c, c.arg(j + 1))) return;
            ++j;
        } else {
            c.out.error("ERR Syntax error in HELLO option '" + error_arg(c.arg(j)) + "'");
            return;
        }
    }
    if (c.server.acl.auth_required() && !c.client.authenticated) {
        c.out.error("NOAUTH HELLO must be called with the client already authenticated, otherwise "
                    "the HELLO AUTH <user> <pass> option can be used to authenticate the client and "
                    "select the RESP protocol version at the same time");
        return;
    }
    if (version != 0) {
        c.client.proto = static_cast<int>(version);
        c.out.set_protocol(c.client.proto);
    }
    c.out.map(7);
    c.out.bulk("server");
    c.out.bulk("redis");
    c.out.bulk("version");
    c.out.bulk(kRedisVersion);
    c.out.bulk("proto");
    c.out.integer(c.client.proto);
    c.out.bulk("id");
    c.out.integer(static_cast<std::int64_t>(c.client.id));
    c.out.bulk("mode");
    c.out.bulk("standalone");
    c.out.bulk("role");
    c.out.bulk("master");
    c.out.bulk("modules");
    c.out.array(0);
}

// --- CLIENT ---------------------------------------------------------------------------------

void client_id_command(CommandContext& c) { c.out.integer(static_cast<std::int64_t>(c.client.id)); }

void client_setname_command(CommandContext& c) {
    if (set_name_or_reply(c, c.arg(2))) c.out.ok();
}

void client_getname_command(CommandContext& c) {
    std::string name = c.client.name();
    if (name.empty()) c.out.null();
    else c.out.bulk(name);
}

void client_setinfo_command(CommandContext& c) {
    std::string_view attr = c.arg(2), value = c.arg(3);
    const bool is_name = option_is(attr, "lib-name");
    if (!is_name && !option_is(attr, "lib-ver")) {
        c.out.error("ERR Unrecognized option '" + error_arg(attr) + "'");
        return;
    }
    if (!valid_client_text(value)) {
        // Redis names the attribute as the client spelled it.
        c.out.error("ERR " + error_arg(attr) + " cannot contain spaces, newlines or special characters.");
        return;
    }
    if (is_name) c.client.set_lib_name(std::string(value));
    else c.client.set_lib_ver(std::string(value));
    c.out.ok();
}

void client_info_command(CommandContext& c) {
    c.out.verbatim(c.client.info_line(c.now_ms) + "\n");
}

// Redis 7.0's grammar: CLIENT LIST, CLIENT LIST TYPE <type>, or CLIENT LIST ID <id>...
// (the options do not combine). IDs are listed in the order given, repeats included.
void client_list_command(CommandContext& c) {
    const auto clients = c.server.clients.snapshot();
    std::string text;
    const auto append = [&](const ClientSession& client) {
        text += client.info_line(c.now_ms);
        text += '\n';
    };
    if (c.argc() > 3 && option_is(c.arg(2), "id")) {
        std::vector<std::int64_t> ids;
        for (std::size_t j = 3; j < c.argc(); ++j) {
            auto id = parse_int(c.arg(j));
            if (!id) {
                c.out.error("ERR Invalid client ID");
                return;
            }
            ids.push_back(*id);
        }
        for (std::int64_t id : ids) {
            auto it = std::find_if(clients.begin(), clients.end(), [&](const auto& client) {
                return static_cast<std::int64_t>(client->id) == id;
            });
            if (it != clients.end()) append(**it);
        }
        c.out.verbatim(text);
        return;
    }
    if (c.argc() == 2) {  // every client, whatever its type
        for (const auto& client : clients) append(*client);
        c.out.verbatim(text);
        return;
    }
    if (c.argc() != 4 || !option_is(c.arg(2), "type")) {
        c.out.error(errors::kSyntax);
        return;
    }
    const std::string_view t = c.arg(3);
    const bool normal = option_is(t, "normal"), want_pubsub = option_is(t, "pubsub");
    if (!normal && !want_pubsub && !option_is(t, "master") && !option_is(t, "replica") && !option_is(t, "slave")) {
        c.out.error("ERR Unknown client type '" + error_arg(t) + "'");
        return;
    }
    // A client is "pubsub" while subscribed, else "normal"; corokv has no replicas or masters.
    if (normal || want_pubsub)
        for (const auto& client : clients)
            if (client->is_pubsub() == want_pubsub) append(*client);
    c.out.verbatim(text);
}

void client_help_command(CommandContext& c) {
    static constexpr std::string_view lines[] = {
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "    * ID <client-id> [<client-id> ...]",
        "      Return clients with the specified IDs.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "SETINFO <LIB-NAME|LIB-VER> <value>",
        "    Set client meta attr. Options are:",
        "    * LIB-NAME: the client lib name.",
        "    * LIB-VER: the client lib version.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
        "HELP",
        "    Prints this help.",
    };
    reply_help(c.out, lines);
}

// CLIENT KILL's filters; empty optionals match every client.
struct KillFilter {
    std::optional<std::uint64_t> id;
    std::shared_ptr<AclUser> user;
    std::optional<bool> pubsub;  // TYPE: true = pubsub, false = normal (no replicas here)
    bool matches_no_type = false;  // TYPE master|replica|slave: nothing matches
    std::optional<std::string> addr, laddr;
    bool skip_me = true;
};

bool matches(const KillFilter& f, const ClientSession& client) {
    if (f.id && client.id != *f.id) return false;
    if (f.matches_no_type) return false;
    if (f.user && !client.runs_as(f.user.get())) return false;
    if (f.pubsub && client.is_pubsub() != *f.pubsub) return false;
    if (f.addr && client.addr != *f.addr) return false;
    if (f.laddr && client.laddr != *f.laddr) return false;
    return true;
}

// The <option> <value> pairs of the new form, with Redis's errors.
bool kill_filter_or_reply(CommandContext& c, KillFilter& f) {
    if (c.argc() % 2 != 0) {
        c.out.error(errors::kSyntax);
        return false;
    }
    for (std::size_t i = 2; i < c.argc(); i += 2) {
        const std::string_view option = c.arg(i), value = c.arg(i + 1);
        if (option_is(option, "id")) {
            const auto id = parse_int(value);
            if (!id || *id <= 0) {
                c.out.error("ERR client-id should be greater than 0");
                return false;
            }
            f.id = static_cast<std::uint64_t>(*id);
        } else if (option_is(option, "type")) {
            if (option_is(value, "normal")) f.pubsub = false;
            else if (option_is(value, "pubsub")) f.pubsub = true;
            else if (option_is(value, "master") || option_is(value, "replica") || option_is(value, "slave"))
                f.matches_no_type = true;
            else {
                c.out.error("ERR Unknown client type '" + error_arg(value) + "'");
                return false;
            }
        } else if (option_is(option, "user")) {
            f.user = c.server.acl.find(value);
            if (!f.user) {
                c.out.error("ERR No such user '" + error_arg(value) + "'");
                return false;
            }
        } else if (option_is(option, "addr")) {
            f.addr = std::string(value);
        } else if (option_is(option, "laddr")) {
            f.laddr = std::string(value);
        } else if (option_is(option, "skipme") && (option_is(value, "yes") || option_is(value, "no"))) {
            f.skip_me = option_is(value, "yes");
        } else {
            c.out.error(errors::kSyntax);
            return false;
        }
    }
    return true;
}

// Closes a client: itself after this reply, another one right away (its pending read ends).
void kill_client(CommandContext& c, ClientSession& victim) {
    if (&victim == &c.client) c.client.close_after_reply = true;
    else if (victim.kill) victim.kill();
}

// CLIENT KILL <ip:port> (old form: +OK or an error) or CLIENT KILL <filter> <value> ...
// (the number killed).
void client_kill_command(CommandContext& c) {
    const auto clients = c.server.clients.snapshot();
    if (c.argc() == 3) {
        for (const auto& client : clients) {
            if (client->addr != c.arg(2)) continue;
            c.out.ok();
            kill_client(c, *client);
            return;
        }
        c.out.error("ERR No such client");
        return;
    }
    KillFilter filter;
    if (!kill_filter_or_reply(c, filter)) return;
    std::int64_t killed = 0;
    bool kill_self = false;
    for (const auto& client : clients) {
        if (!matches(filter, *client)) continue;
        if (client.get() == &c.client) {
            if (filter.skip_me) continue;
            kill_self = true;
        } else {
            kill_client(c, *client);
        }
        ++killed;
    }
    c.out.integer(killed);
    if (kill_self) kill_client(c, c.client);
}

void client_reply_command(CommandContext& c) {
    const std::string_view mode = c.arg(2);
    if (option_is(mode, "on")) {
        c.client.reply_off = false;
        c.client.reply_skip = false;
        c.out.ok();
    } else if (option_is(mode, "off")) {
        c.client.reply_off = true;  // no reply, this one included
    } else if (option_is(mode, "skip")) {
        if (!c.client.reply_off) c.client.reply_skip_next = true;
    } else {
        c.out.error(errors::kSyntax);
    }
}

// No effect beyond the flag: corokv has no client eviction (maxmemory-clients) to exempt from.
void client_no_evict_command(CommandContext& c) {
    const std::string_view mode = c.arg(2);
    if (!option_is(mode, "on") && !option_is(mode, "off")) {
        c.out.error(errors::kSyntax);
        return;
    }
    c.client.no_evict.store(option_is(mode, "on"), std::memory_order_relaxed);
    c.out.ok();
}

// CLIENT PAUSE <ms> [WRITE|ALL]: a pause still running keeps the later end and the stronger
// mode (ALL over WRITE), as Redis's pauseClients.
void client_pause_command(CommandContext& c) {
    if (c.argc() > 4) {
        reply_subcommand_syntax_error(c);
        return;
    }
    const auto ms = parse_int(c.arg(2));
    if (!ms) {
        c.out.error("ERR timeout is not an integer or out of range");
        return;
    }
    if (*ms < 0) {
        c.out.error("ERR timeout is negative");
        return;
    }
    bool writes_only = false;
    if (c.argc() == 4) {
        if (option_is(c.arg(3), "write")) writes_only = true;
        else if (!option_is(c.arg(3), "all")) {
            c.out.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
            return;
        }
    }
    ClientPause& pause = c.server.pause;
    std::int64_t end = 0;
    if (__builtin_add_overflow(c.now_ms, *ms, &end)) end = INT64_MAX;
    const std::int64_t current = pause.end_ms.load();
    if (current > c.now_ms) {  // still running: combine
        end = std::max(end, current);
        writes_only = writes_only && pause.writes_only.load();
    }
    pause.writes_only.store(writes_only);
    pause.end_ms.store(end);
    c.out.ok();
}

void client_unpause_command(CommandContext& c) {
    c.server.pause.end_ms.store(0);
    c.out.ok();
}

void client_unblock_command(CommandContext& c) {
    std::int64_t id = 0;
    if (!int_arg_or_reply(c, c.arg(2), id)) return;
    bool with_error = false;
    if (c.argc() == 4) {
        if (option_is(c.arg(3), "error")) with_error = true;
        else if (!option_is(c.arg(3), "timeout")) {
            c.out.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            return;
        }
    }
    for (const auto& client : c.server.clients.snapshot()) {
        if (static_cast<std::int64_t>(client->id) != id) continue;
        c.out.integer(unblock_client(c.server, *client, with_error) ? 1 : 0);
        return;
    }
    c.out.integer(0);
}

constexpr std::uint32_t kConn = kNoscript | kLoading | kStale;

const CommandSpec kClientSubcommands[] = {
    {"id", 2, kConn, {}, client_id_command, "connection", "5.0.0",
     "Returns the client ID for the current connection", "O(1)"},
    {"setname", 3, kConn, {}, client_setname_command, "connection", "2.6.9",
     "Set the current connection name", "O(1)"},
    {"getname", 2, kConn, {}, client_getname_command, "connection", "2.6.9",
     "Get the current connection name", "O(1)"},
    {"setinfo", 4, kConn, {}, client_setinfo_command, "connection", "7.2.0",
     "Set client or connection specific info", "O(1)"},
    {"info", 2, kConn, {}, client_info_command, "connection", "6.2.0",
     "Returns information about the current client connection.", "O(1)"},
    {"list", -2, kAdmin | kConn, {}, client_list_command, "connection", "2.4.0",
     "Get the list of client connections", "O(N) where N is the number of client connections"},
    {"kill", -3, kAdmin | kConn, {}, client_kill_command, "connection", "2.4.0",
     "Terminates open connections.", "O(N) where N is the number of client connections"},
    {"reply", 3, kConn, {}, client_reply_command, "connection", "3.2.0",
     "Instructs the server whether to reply to commands.", "O(1)"},
    {"no-evict", 3, kAdmin | kConn, {}, client_no_evict_command, "connection", "7.0.0",
     "Sets the client eviction mode of the connection.", "O(1)"},
    {"pause", -3, kAdmin | kConn, {}, client_pause_command, "connection", "3.0.0",
     "Suspends commands processing.", "O(1)"},
    {"unpause", 2, kAdmin | kConn, {}, client_unpause_command, "connection", "6.2.0",
     "Resumes processing commands from paused clients.", "O(N) Where N is the number of paused clients"},
    {"unblock", -3, kAdmin | kConn, {}, client_unblock_command, "connection", "5.0.0",
     "Unblocks a client blocked by a blocking command from a different connection.",
     "O(log N) where N is the number of client connections"},
    {"help", 2, kLoading | kStale, {}, client_help_command, "connection", "5.0.0",
     "Show helpful text about the different subcommands", "O(1)"},
};

const CommandSpec kConnectionCommands[] = {
    {"ping", -1, kFast | kSubscribedOk, {}, ping_command, "connection", "1.0.0", "Ping the server", "O(1)"},
    {"echo", 2, kLoading | kStale | kFast, {}, echo_command, "connection", "1.0.0",
     "Echo the given string", "O(1)"},
    {"quit", -1, kConn | kFast | kNoAuth | kAllowBusy | kTxControl | kSubscribedOk, {}, quit_command, "connection", "1.0.0",
     "Close the connection", "O(1)"},
    {"reset", 1, kConn | kFast | kNoAuth | kAllowBusy | kTxControl | kSubscribedOk, {}, reset_command, "connection", "6.2.0",
     "Reset the connection", "O(1)"},
    {"select", 2, kLoading | kStale | kFast, {}, select_command, "connection", "2.0.0",
     "Change the selected database for the current connection", "O(1)"},
    {"auth", -2, kConn | kFast | kNoAuth | kAllowBusy, {}, auth_command, "connection", "1.0.0",
     "Authenticate to the server", "O(N) where N is the number of passwords defined for the user"},
    {"hello", -1, kConn | kFast | kNoAuth | kAllowBusy, {}, hello_command, "connection", "6.0.0",
     "Handshake with Redis", "O(1)"},
    {"client", -2, 0, {}, nullptr, "connection", "2.4.0",
     "A container for client connection commands", "Depends on subcommand.", kClientSubcommands},
};

}  // namespace

std::span<const CommandSpec> connection_commands() { return kConnectionCommands; }

}  // namespace corokv
