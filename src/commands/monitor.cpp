// MONITOR and the monitors registry (see monitor.hpp).
#include "commands/monitor.hpp"

#include <algorithm>
#include <cstdio>

#include "commands/command_table.hpp"
#include "commands/numbers.hpp"
#include "commands/server_state.hpp"
#include "resp/repr.hpp"

namespace corokv {
namespace {

std::string monitor_line(const ClientSession& from, int db, std::span<const std::string_view> args) {
    const std::int64_t us = unix_time_us();
    char head[64];
    std::snprintf(head, sizeof head, "+%lld.%06lld [%d ", static_cast<long long>(us / 1000000),
                  static_cast<long long>(us % 1000000), db);
    std::string line = head;
    line += from.addr;
    line += ']';
    for (std::size_t i = 0; i < args.size(); ++i) {
        line += ' ';
        resp::append_repr(line, redacted_argument(args, i) ? std::string_view("(redacted)") : args[i]);
    }
    line += "\r\n";
    return line;
}

void monitor_command(CommandContext& c) {
    if (!c.may_block) {  // inside EXEC, as Redis's DENY BLOCKING
        c.out.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
        return;
    }
    if (c.client.monitoring.load(std::memory_order_relaxed)) return;  // already: no reply
    c.client.monitoring.store(true, std::memory_order_relaxed);
    c.server.monitors.add(c.client);
    c.out.ok();
}

const CommandSpec kMonitorCommands[] = {
    {"monitor", 1, kAdmin | kNoscript | kLoading | kStale, {}, monitor_command, "server", "1.0.0",
     "Listens for all requests received by the server in real-time.", ""},
};

}  // namespace

bool redacted_argument(std::span<const std::string_view> args, std::size_t i) {
    if (option_is(args[0], "auth")) return i >= 1;
    if (option_is(args[0], "hello")) {
        for (std::size_t j = 2; j + 2 < args.size(); ++j)  // HELLO <protover> ... AUTH <user> <pass>
            if (option_is(args[j], "auth") && (i == j + 1 || i == j + 2)) return true;
        return false;
    }
    // ACL SETUSER <user> <rules...>: the name too, as Redis (rules may hold passwords).
    if (option_is(args[0], "acl") && args.size() > 2 && option_is(args[1], "setuser")) return i >= 2;
    // CONFIG SET requirepass <value> (among other pairs).
    if (option_is(args[0], "config") && args.size() > 2 && option_is(args[1], "set"))
        return i >= 3 && i % 2 == 1 && option_is(args[i - 1], "requirepass");
    return false;
}

void Monitors::add(ClientSession& client) {
    std::lock_guard lock(mutex_);
    clients_.push_back(&client);
    count_.store(static_cast<int>(clients_.size()), std::memory_order_relaxed);
}

void Monitors::remove(ClientSession& client) {
    std::lock_guard lock(mutex_);
    std::erase(clients_, &client);
    count_.store(static_cast<int>(clients_.size()), std::memory_order_relaxed);
}

void Monitors::feed(ClientSession& from, int db, std::span<const std::string_view> args, resp::ReplyWriter& from_out) {
    const auto line = std::make_shared<const std::string>(monitor_line(from, db, args));
    std::lock_guard lock(mutex_);
    for (ClientSession* monitor : clients_) {
        if (monitor == &from) from_out.buffer() += *line;
        else if (monitor->deliver) monitor->deliver(line);
    }
}

std::span<const CommandSpec> monitor_commands() { return kMonitorCommands; }

}  // namespace corokv
