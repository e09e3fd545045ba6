// SLOWLOG GET|LEN|RESET|HELP and the log itself (see slowlog.hpp).
#include "commands/slowlog.hpp"

#include <chrono>
#include <thread>

#include "commands/command_table.hpp"
#include "commands/monitor.hpp"
#include "commands/numbers.hpp"
#include "commands/server_state.hpp"

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace corokv {
namespace {

// Redis's SLOWLOG_ENTRY_MAX_ARGC and SLOWLOG_ENTRY_MAX_STRING.
constexpr std::size_t kMaxArgs = 32;
constexpr std::size_t kMaxArgBytes = 128;

std::string logged_argument(std::span<const std::string_view> args, std::size_t i) {
    if (redacted_argument(args, i)) return "(redacted)";
    const std::string_view a = args[i];
    if (a.size() <= kMaxArgBytes) return std::string(a);
    return std::string(a.substr(0, kMaxArgBytes)) + "... (" + std::to_string(a.size() - kMaxArgBytes) + " more bytes)";
}

void slowlog_get_command(CommandContext& c) {
    if (c.argc() > 3) {
        reply_subcommand_syntax_error(c);
        return;
    }
    std::int64_t count = 10;
    if (c.argc() == 3) {
        const auto n = parse_int(c.arg(2));
        if (!n || *n < -1) {
            c.out.error("ERR count should be greater than or equal to -1");
            return;
        }
        count = *n;
    }
    c.server.slowlog.reply_entries(c.out, count);
}

void slowlog_len_command(CommandContext& c) { c.out.integer(static_cast<std::int64_t>(c.server.slowlog.size())); }

void slowlog_reset_command(CommandContext& c) {
    c.server.slowlog.reset();
    c.out.ok();
}

void slowlog_help_command(CommandContext& c) {
    static constexpr std::string_view lines[] = {
        "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET [<count>]",
        "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
        "    Entries are made of:",
        "    id, timestamp, time in microseconds, arguments array, client IP and port,",
        "    client name",
        "LEN",
        "    Return the length of the slowlog.",
        "RESET",
        "    Reset the slowlog.",
        "HELP",
        "    Prints this help.",
    };
    reply_help(c.out, lines);
}

constexpr std::uint32_t kSlowlogAdmin = kAdmin | kLoading | kStale;

const CommandSpec kSlowlogSubcommands[] = {
    {"get", -2, kSlowlogAdmin, {}, slowlog_get_command, "server", "2.2.12", "Returns the slow log's entries.",
     "O(N) where N is the number of entries returned"},
    {"len", 2, kSlowlogAdmin, {}, slowlog_len_command, "server", "2.2.12",
     "Returns the number of entries in the slow log.", "O(1)"},
    {"reset", 2, kSlowlogAdmin, {}, slowlog_reset_command, "server", "2.2.12", "Clears all entries from the slow log.",
     "O(N) where N is the number of entries in the slowlog"},
    {"help", 2, kLoading | kStale, {}, slowlog_help_command, "server", "6.2.0", "Show helpful text about the different subcommands",
     "O(1)"},
};

const CommandSpec kSlowlogCommands[] = {
    {"slowlog", -2, 0, {}, nullptr, "server", "2.2.12", "A container for slow log commands.", "Depends on subcommand.",
     kSlowlogSubcommands},
};

}  // namespace

std::uint64_t cpu_ticks() {
#if defined(__x86_64__)
    return __rdtsc();
#else
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count());
#endif
}

double ticks_per_us() {
    // Measured once against the steady clock over a few milliseconds.
    static const double rate = [] {
        using clock = std::chrono::steady_clock;
        const auto t0 = clock::now();
        const std::uint64_t c0 = cpu_ticks();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        const std::uint64_t c1 = cpu_ticks();
        const double us = std::chrono::duration<double, std::micro>(clock::now() - t0).count();
        return us > 0 && c1 > c0 ? static_cast<double>(c1 - c0) / us : 1000.0;
    }();
    return rate;
}

void SlowLog::record(std::span<const std::string_view> args, std::int64_t duration_us, const ClientSession& client,
                     std::size_t max_len) {
    Entry e{0, unix_time_ms() / 1000, duration_us, {}, client.addr, client.name()};
    const std::size_t shown = args.size() > kMaxArgs ? kMaxArgs - 1 : args.size();
    for (std::size_t i = 0; i < shown; ++i) e.args.push_back(logged_argument(args, i));
    if (shown < args.size()) e.args.push_back("... (" + std::to_string(args.size() - shown) + " more arguments)");
    std::lock_guard lock(mutex_);
    e.id = next_id_++;
    entries_.push_front(std::move(e));
    while (entries_.size() > max_len) entries_.pop_back();
}

void SlowLog::reply_entries(resp::ReplyWriter& out, std::int64_t count) const {
    std::lock_guard lock(mutex_);
    const std::size_t n = count < 0 ? entries_.size() : std::min(entries_.size(), static_cast<std::size_t>(count));
    out.array(n);
    for (std::size_t i = 0; i < n; ++i) {
        const Entry& e = entries_[i];
        out.array(6);
        out.integer(static_cast<std::int64_t>(e.id));
        out.integer(e.time_s);
        out.integer(e.duration_us);
        out.array(e.args.size());
        for (const std::string& a : e.args) out.bulk(a);
        out.bulk(e.client_addr);
        out.bulk(e.client_name);
    }
}

std::size_t SlowLog::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

void SlowLog::reset() {
    std::lock_guard lock(mutex_);
    entries_.clear();
}

std::span<const CommandSpec> slowlog_commands() { return kSlowlogCommands; }

}  // namespace corokv
