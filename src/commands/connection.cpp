// Connection commands: PING, ECHO, QUIT, RESET, HELLO, AUTH, SELECT and the CLIENT container.
#include <algorithm>
#include <string>
#include <vector>

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
    c.client.select_db(0);
    c.client.proto = 2;
    c.out.set_protocol(2);
    c.client.set_name("");
    c.client.authenticated = !c.server.config.requirepass_set.load();
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

// Only the "default" user exists until ACLs arrive; its password is `requirepass`.
bool credentials_ok(CommandContext& c, std::string_view user, std::string_view password) {
    if (user != "default") return false;
    if (!c.server.config.requirepass_set.load()) return true;  // nopass: any password works
    return password == c.server.config.requirepass();
}

void auth_command(CommandContext& c) {
    if (c.argc() > 3) {
        c.out.error(errors::kSyntax);
        return;
    }
    if (c.argc() == 2 && !c.server.config.requirepass_set.load()) {
        c.out.error("ERR AUTH <password> called without any password configured for the default "
                    "user. Are you sure your configuration is correct?");
        return;
    }
    std::string_view user = c.argc() == 3 ? c.arg(1) : "default";
    std::string_view password = c.argc() == 3 ? c.arg(2) : c.arg(1);
    if (!credentials_ok(c, user, password)) {
        c.out.error(errors::kWrongPass);
        return;
    }
    c.client.authenticated = true;
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
            if (!credentials_ok(c, c.arg(j + 1), c.arg(j + 2))) {
                c.out.error(errors::kWrongPass);
                return;
            }
            c.client.authenticated = true;
            j += 2;
        } else if (option_is(c.arg(j), "setname") && more >= 1) {
            if (!set_name_or_reply(c, c.arg(j + 1))) return;
            ++j;
        } else {
            c.out.error("ERR Syntax error in HELLO option '" + error_arg(c.arg(j)) + "'");
            return;
        }
    }
    if (c.server.config.requirepass_set.load() && !c.client.authenticated) {
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
    bool normal = true;
    if (c.argc() == 4 && option_is(c.arg(2), "type")) {
        std::string_view t = c.arg(3);
        normal = option_is(t, "normal");
        if (!normal && !option_is(t, "master") && !option_is(t, "replica") &&
            !option_is(t, "slave") && !option_is(t, "pubsub")) {
            c.out.error("ERR Unknown client type '" + error_arg(t) + "'");
            return;
        }
    } else if (c.argc() != 2) {
        c.out.error(errors::kSyntax);
        return;
    }
    // Every corokv client is a normal one: no replicas, masters or subscribers yet.
    if (normal)
        for (const auto& client : clients) append(*client);
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
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "    * ID <client-id> [<client-id> ...]",
        "      Return clients with the specified IDs.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "SETINFO <LIB-NAME|LIB-VER> <value>",
        "    Set client meta attr. Options are:",
        "    * LIB-NAME: the client lib name.",
        "    * LIB-VER: the client lib version.",
        "HELP",
        "    Prints this help.",
    };
    reply_help(c.out, lines);
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
