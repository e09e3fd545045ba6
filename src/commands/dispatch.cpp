#include "commands/dispatch.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <unordered_map>

#include "commands/acl_users.hpp"
#include "commands/blocking.hpp"
#include "commands/command_table.hpp"
#include "commands/keyspace_events.hpp"
#include "store/eviction.hpp"
#include "store/memory.hpp"

namespace corokv {
namespace {

using CommandIndex = std::unordered_map<std::string_view, const CommandSpec*>;

const CommandIndex& command_index() {
    static const CommandIndex index = [] {
        CommandIndex m;
        for (const CommandSpec* spec : all_commands()) m.emplace(spec->name, spec);
        return m;
    }();
    return index;
}

// ASCII only and inline: libc's locale-aware tolower showed up in profiles.
inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c; }

// Lowercases into a stack buffer so the lookup never allocates.
template <std::size_t N>
bool lowercase_name(std::string_view name, char (&buf)[N], std::string_view& out) {
    if (name.size() > N) return false;
    for (std::size_t i = 0; i < name.size(); ++i) buf[i] = ascii_lower(name[i]);
    out = std::string_view(buf, name.size());
    return true;
}

bool arity_ok(const CommandSpec& spec, std::size_t argc) {
    const auto n = static_cast<int>(argc);
    return spec.arity >= 0 ? n == spec.arity : n >= -spec.arity;
}

void reply_unknown_command(resp::ReplyWriter& out, std::span<const std::string_view> args) {
    // Redis lists arguments until 128 bytes of the list are used ("'%.*s' " each).
    std::string listed;
    for (std::size_t i = 1; i < args.size() && listed.size() < 128; ++i) {
        const std::size_t room = 128 - listed.size();
        listed += "'";
        listed += error_arg(args[i], room);
        listed += "' ";
    }
    out.error("ERR unknown command '" + error_arg(args[0]) + "', with args beginning with: " + listed);
}

void reply_unknown_subcommand(resp::ReplyWriter& out, const CommandSpec& parent,
                              std::string_view sub) {
    std::string upper(parent.name);
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out.error("ERR unknown subcommand '" + error_arg(sub) + "'. Try " + upper + " HELP.");
}

// Locks the shards of every key at `positions`, in ascending shard order (the first key's
// hash is in the context already).
void lock_key_shards(Store& store, std::span<const std::size_t> positions, ShardLocks& locks,
                     const CommandContext& ctx) {
    if (positions.empty()) return;
    const std::span<const std::string_view> args = ctx.args;
    if (positions.size() == 1) {
        locks.lock_one(store.shard_index(ctx.hashed_value));
        return;
    }
    thread_local std::vector<std::size_t> indices;
    indices.clear();
    indices.push_back(store.shard_index(ctx.hashed_value));
    for (std::size_t i = 1; i < positions.size(); ++i)
        indices.push_back(store.shard_index(hash_bytes(args[positions[i]])));
    locks.lock_many(indices);
}

// Redis's writeCommandsDeniedByDiskError: while the AOF cannot be written, writes are
// refused instead of acknowledged without being logged.
bool refuse_unloggable_write(const AppendLog& log, resp::ReplyWriter& out) {
    const int err = log.write_error();
    if (err == 0) return false;
    out.error(misconf_error(err));
    return true;
}

void snapshot_before_write(AppendLog& log, const ShardLocks& locks) {
    thread_local std::vector<std::size_t> indices;
    locks.indices(indices);
    log.snapshot_before_write(indices);
}

// After a write command ran: logs it as sent unless the handler logged its effect, or it
// failed (an error reply changed nothing) or blocked (it runs again later).
void log_command(CommandContext& ctx, bool failed) {
    if (ctx.log_replaced || failed) return;
    ctx.append_to_log(ctx.args);
}

// CLIENT REPLY OFF|SKIP in force: the command runs, its reply (errors too) is dropped; a
// blocked command's later reply as well. SKIP covers the one command after CLIENT REPLY SKIP.
std::shared_ptr<BlockedClient> execute_with_reply_mode(ServerState& server, ClientSession& client,
                                                       std::span<const std::string_view> args,
                                                       resp::ReplyWriter& out, std::int64_t now_ms) {
    client.reply_skip = std::exchange(client.reply_skip_next, false);
    const std::size_t mark = out.buffer().size();
    std::shared_ptr<BlockedClient> blocked = execute_with(server, client, args, out, ExecOptions{now_ms, true}).blocked;
    // Checked after the command, as Redis does: CLIENT REPLY OFF drops its own reply, and
    // CLIENT REPLY ON (which clears both modes) keeps its +OK. (Un)subscribe confirmations
    // are pushes, which Redis sends regardless.
    const CommandSpec* spec = find_command(args[0]);
    const bool pushes = spec && (spec->flags & kPubsub) && (spec->flags & kSubscribedOk);
    if ((client.reply_off || client.reply_skip) && !pushes) {
        out.buffer().resize(mark);
        if (blocked) blocked->drop_reply = true;
    }
    client.reply_skip = false;
    return blocked;
}

}  // namespace

std::string misconf_error(int err) {
    return std::string("MISCONF Errors writing to the AOF file: ") + std::strerror(err);
}

void CommandContext::log_as(std::span<const std::string_view> command) {
    log_replaced = true;
    AppendLog* log = server.aof;
    if (log && log->logging()) append_to_log(command);
}

void CommandContext::append_to_log(std::span<const std::string_view> command) {
    if (transaction_log) {
        transaction_log->push_back(LoggedCommand{db(), std::vector<std::string>(command.begin(), command.end())});
        return;
    }
    client.aof_offset.store(server.aof->append(db(), command), std::memory_order_relaxed);
}

EvictionParams eviction_params(const ServerState& server, std::int64_t now_ms) {
    const Config& config = server.config;
    return EvictionParams{.policy = config.maxmemory_policy.load(std::memory_order_relaxed),
                          .samples = std::clamp(config.maxmemory_samples.load(std::memory_order_relaxed), 1, 1024),
                          .lfu_decay_time = config.lfu_decay_time.load(std::memory_order_relaxed),
                          .now_ms = now_ms,
                          .time_limit_us = eviction_time_limit_us(
                              config.maxmemory_eviction_tenacity.load(std::memory_order_relaxed))};
}

EvictionResult evict_to_maxmemory(ServerState& server, std::int64_t now_ms) {
    const std::uint64_t maxmemory = server.config.maxmemory.load(std::memory_order_relaxed);
    if (maxmemory == 0) return EvictionResult::ok;
    const auto limit = static_cast<std::int64_t>(std::min<std::uint64_t>(maxmemory, INT64_MAX));
    if (memory::used() <= limit || server.pause.in_effect(now_ms)) return EvictionResult::ok;
    return server.evictor.make_room(server.store, eviction_params(server, now_ms), limit, memory::used);
}

namespace {
// Redis's processCommand memory check: before every command (reads allocate reply buffers
// too), evict down to maxmemory; if that is impossible, refuse commands flagged denyoom (DEL
// and reads still run). Without a maxmemory this is one relaxed load.
bool make_room_or_refuse(ServerState& server, bool deny_on_oom, resp::ReplyWriter& out, std::int64_t now_ms) {
    if (evict_to_maxmemory(server, now_ms) != EvictionResult::failed || !deny_on_oom) return true;
    out.error(errors::kOom);
    return false;
}
}  // namespace

const CommandSpec* find_command(std::string_view name) {
    char buf[64];
    std::string_view lower;
    if (!lowercase_name(name, buf, lower)) return nullptr;
    const auto& index = command_index();
    auto it = index.find(lower);
    return it == index.end() ? nullptr : it->second;
}

const CommandSpec* find_subcommand(const CommandSpec& parent, std::string_view name) {
    char buf[64];
    std::string_view lower;
    if (!lowercase_name(name, buf, lower)) return nullptr;
    for (const CommandSpec& sub : parent.subcommands)
        if (sub.name == lower) return &sub;
    return nullptr;
}

std::string error_arg(std::string_view arg, std::size_t max) {
    std::string s(arg.substr(0, arg.find('\0')).substr(0, max));
    std::replace(s.begin(), s.end(), '\r', ' ');
    std::replace(s.begin(), s.end(), '\n', ' ');
    return s;
}

bool is_cross_protocol_attack(std::string_view name) {
    char buf[8];
    std::string_view lower;
    if (!lowercase_name(name, buf, lower)) return false;
    return lower == "post" || lower == "host:";
}

void reply_help(resp::ReplyWriter& out, std::span<const std::string_view> lines) {
    out.array(lines.size());
    for (std::string_view line : lines) out.simple(line);
}

void reply_wrong_arity(resp::ReplyWriter& out, std::string_view full_name) {
    std::string msg = "ERR wrong number of arguments for '";
    msg += full_name;
    msg += "' command";
    out.error(msg);
}

void reply_subcommand_syntax_error(CommandContext& c) {
    std::string container(c.arg(0));
    for (char& ch : container) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    c.out.error("ERR unknown subcommand or wrong number of arguments for '" + error_arg(c.arg(1)) + "'. Try " +
                container + " HELP.");
}

void key_positions(const CommandSpec& spec, std::span<const std::string_view> args,
                   std::vector<std::size_t>& positions) {
    positions.clear();
    if (spec.find_keys) {
        spec.find_keys(args, positions);
        std::erase_if(positions, [&](std::size_t p) { return p == 0 || p >= args.size(); });
        return;
    }
    const KeyRange& keys = spec.keys;
    if (keys.first <= 0) return;
    const int argc = static_cast<int>(args.size());
    const int last = keys.last < 0 ? argc + keys.last : std::min(keys.last, argc - 1);
    const int step = std::max(keys.step, 1);
    for (int i = keys.first; i <= last; i += step) positions.push_back(static_cast<std::size_t>(i));
}

std::shared_ptr<BlockedClient> execute(ServerState& server, ClientSession& client,
                                       std::span<const std::string_view> args, resp::ReplyWriter& out) {
    return execute(server, client, args, out, unix_time_ms());
}

std::shared_ptr<BlockedClient> execute(ServerState& server, ClientSession& client,
                                       std::span<const std::string_view> args, resp::ReplyWriter& out,
                                       std::int64_t now_ms, std::uint64_t* ticks) {
    if (!client.reply_off && !client.reply_skip_next)
        return execute_with(server, client, args, out, ExecOptions{.now_ms = now_ms, .ticks = ticks}).blocked;
    return execute_with_reply_mode(server, client, args, out, now_ms);
}

namespace {

// Finds the command (or subcommand) and checks what Redis checks before running or queuing
// it. Replies the error and returns null when it may not run.
// Whether the client's ACL user may run the command with these keys and channels; most
// clients run as a user allowed everything, which costs one relaxed load.
AclDenial acl_denial(const ServerState& server, const ClientSession& client, const CommandSpec& spec,
                     std::span<const std::string_view> args) {
    if (!client.user || client.user->unrestricted.load(std::memory_order_relaxed)) return AclDenial::none;
    return client.user->with_rules(
        [&](const AclRules& rules) { return acl_check(rules, server.acl.catalog(), spec, args).denial; });
}

const CommandSpec* admit(ServerState& server, ClientSession& client, std::span<const std::string_view> args,
                         resp::ReplyWriter& out, const ExecOptions& options) {
    const CommandSpec* spec = find_command(args[0]);
    if (!spec) {
        reply_unknown_command(out, args);
        return nullptr;
    }
    if (!arity_ok(*spec, args.size())) {
        reply_wrong_arity(out, spec->name);
        return nullptr;
    }
    const CommandSpec* parent = nullptr;
    // A container (CLIENT, CONFIG, ...) dispatches on its first argument; COMMAND alone runs
    // the container's own handler.
    if (!spec->subcommands.empty() && (args.size() >= 2 || !spec->handler)) {
        const CommandSpec* sub = find_subcommand(*spec, args[1]);
        if (!sub) {
            reply_unknown_subcommand(out, *spec, args[1]);
            return nullptr;
        }
        parent = spec;
        spec = sub;
        if (!arity_ok(*spec, args.size())) {
            reply_wrong_arity(out, std::string(parent->name) + "|" + std::string(spec->name));
            return nullptr;
        }
    }
    if (server.acl.auth_required() && !client.authenticated &&
        !(spec->flags & kNoAuth)) {
        out.error(errors::kNoAuth);
        return nullptr;
    }
    client.last_command.store(spec, std::memory_order_relaxed);
    client.last_parent_command.store(parent, std::memory_order_relaxed);
    if (client.proto == 2 && !(spec->flags & kSubscribedOk) && client.subscriptions.any()) {
        std::string name = parent ? std::string(parent->name) + "|" + std::string(spec->name) : std::string(spec->name);
        out.error("ERR Can't execute '" + name +
                  "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
        return nullptr;
    }
    if ((spec->flags & (kReadonly | kWrite)) && client.monitoring.load(std::memory_order_relaxed)) {
        out.error("ERR Replica can't interact with the keyspace");  // Redis's monitors are replicas
        return nullptr;
    }
    const Transaction& tx = client.tx;
    if (tx.active && (spec->flags & kNoMulti)) {
        out.error("ERR Command not allowed inside a transaction");
        return nullptr;
    }
    if (const AclDenial denial = acl_denial(server, client, *spec, args); denial != AclDenial::none) {
        out.error(noperm_error(denial, parent ? std::string(parent->name) + "|" + std::string(spec->name)
                                              : std::string(spec->name)));
        return nullptr;
    }
    if (server.loading.active.load(std::memory_order_relaxed) && !options.replaying && !(spec->flags & kLoading)) {
        out.error(errors::kLoading);
        return nullptr;
    }
    // EXEC counts as a write, and as denyoom, when its queue holds one (Redis does the same).
    const bool is_exec = tx.active && spec->name == "exec";
    const std::uint32_t flags = spec->flags | (is_exec ? tx.flags : 0u);
    AppendLog* const log = options.replaying ? nullptr : server.aof;
    // PING too, as Redis: a health check must not report a server that cannot persist writes.
    if (((flags & kWrite) || spec->name == "ping") && log && refuse_unloggable_write(*log, out)) return nullptr;
    // Queuing takes memory too: over maxmemory, MULTI refuses everything but EXEC (unless its
    // queue holds a denyoom command), DISCARD, QUIT and RESET.
    const bool deny_on_oom = (flags & kDenyOom) || (tx.active && !is_exec && spec->name != "discard" &&
                                                   spec->name != "quit" && spec->name != "reset");
    if (options.check_memory && !make_room_or_refuse(server, deny_on_oom, out, options.now_ms)) return nullptr;
    return spec;
}

// Whether a command's name is `name` (given in lowercase), in any case.
bool is_named(std::string_view arg, std::string_view name) {
    char buf[16];
    std::string_view lower;
    return lowercase_name(arg, buf, lower) && lower == name;
}

// Redis's execCommandAbort: an EXEC refused before it runs (wrong arity, -OOM, -NOAUTH, ...)
// ends the transaction, and its error, already written at `reply_start`, is rewritten as
// "-EXECABORT Transaction discarded because of: <error without its ERR prefix>".
void abort_exec(ServerState& server, ClientSession& client, resp::ReplyWriter& out, std::size_t reply_start) {
    std::string& buffer = out.buffer();
    std::string_view error(buffer);
    error.remove_prefix(reply_start + 1);  // the '-'
    error.remove_suffix(2);                // CRLF
    if (error.starts_with("ERR ")) error.remove_prefix(4);
    const std::string reason(error);
    buffer.resize(reply_start);
    out.error("EXECABORT Transaction discarded because of: " + reason);
    end_transaction(server, client);
}

// Inside MULTI: keeps the command for EXEC.
void queue_command(ClientSession& client, const CommandSpec& spec, std::span<const std::string_view> args,
                   resp::ReplyWriter& out) {
    Transaction& tx = client.tx;
    tx.queued.push_back(QueuedCommand{&spec, std::vector<std::string>(args.begin(), args.end())});
    tx.flags |= spec.flags;
    client.multi_shown.store(static_cast<int>(tx.queued.size()), std::memory_order_relaxed);
    out.simple("QUEUED");
}

// Every WATCH on the keys a write just changed sees it (Redis's signalModifiedKey).
void touch_watched_keys(CommandContext& ctx, std::span<const std::size_t> positions) {
    for (std::size_t p : positions) {
        const std::string_view key = ctx.args[p];
        ctx.keyspace(ctx.hash_of(key), ctx.db()).touch_watched(key);
    }
}

// Runs the handler of a command whose shards the caller locked, then what follows a write:
// logging, touching watched keys. Returns whether blocked clients may now be served.
bool run_locked(ServerState& server, CommandContext& ctx, std::span<const std::size_t> positions, bool logging) {
    const CommandSpec& spec = *ctx.spec;
    const std::size_t reply_start = ctx.out.buffer().size();
    spec.handler(ctx);
    if (!(spec.flags & kWrite)) return false;
    const bool failed = ctx.blocked || ctx.would_block || ctx.replied_error_since(reply_start);
    if (logging) log_command(ctx, failed);
    if (!failed && !ctx.nothing_changed && server.watching_clients.load(std::memory_order_relaxed) > 0)
        touch_watched_keys(ctx, positions);
    return server.blocked_clients.load(std::memory_order_relaxed) > 0 && note_ready_keys(ctx, ctx.args, positions);
}

// Redis's slowlogPushCurrentCommand: a command that ran for at least slowlog-log-slower-than
// microseconds (-1: never) is kept. A command that blocked is timed when it is served.
// Returns the counter reading it took at the end.
std::uint64_t log_if_slow(ServerState& server, const CommandContext& ctx, std::uint64_t started_ticks,
                          std::int64_t threshold_us) {
    const std::uint64_t ended = cpu_ticks();
    if ((ctx.spec->flags & kSkipSlowlog) || ctx.blocked || ctx.would_block) return ended;
    // Compared in ticks: no division for the common, fast command.
    const auto ticks = static_cast<double>(ended - started_ticks);
    if (ticks < static_cast<double>(threshold_us) * ticks_per_us()) return ended;
    const auto us = static_cast<std::int64_t>(ticks / ticks_per_us());
    const auto max_len = server.config.slowlog_max_len.load(std::memory_order_relaxed);
    server.slowlog.record(ctx.args, us, ctx.client, static_cast<std::size_t>(max_len));
    return ended;
}

void set_first_key_hash(CommandContext& ctx, std::span<const std::size_t> positions) {
    if (positions.empty()) return;
    ctx.hashed_key = ctx.args[positions[0]];
    ctx.hashed_value = hash_bytes(ctx.hashed_key);
}

}  // namespace

bool paused_for(ServerState& server, const ClientSession& client, std::span<const std::string_view> args) {
    const std::int64_t end = server.pause.end_ms.load(std::memory_order_relaxed);
    if (end == 0 || client.monitoring.load(std::memory_order_relaxed) || unix_time_ms() >= end) return false;
    if (!server.pause.writes_only.load(std::memory_order_relaxed)) return true;
    const CommandSpec* spec = find_command(args[0]);
    if (!spec) return false;
    if (spec->flags & (kWrite | kMayReplicate)) return true;
    return spec->name == "exec" && client.tx.active && (client.tx.flags & (kWrite | kMayReplicate));
}

ExecResult execute_with(ServerState& server, ClientSession& client, std::span<const std::string_view> args,
                        resp::ReplyWriter& out, const ExecOptions& options) {
    if (args.empty()) return {};
    const std::size_t reply_start = out.buffer().size();
    const CommandSpec* spec = admit(server, client, args, out, options);
    if (!spec) {
        // Redis's flagTransaction: a command refused while queuing fails the whole EXEC.
        if (client.tx.active) client.tx.rejected = true;
        if (is_named(args[0], "exec")) abort_exec(server, client, out, reply_start);
        return {};
    }
    if (client.tx.active && !(spec->flags & kTxControl) && !options.replaying) {
        queue_command(client, *spec, args, out);
        return {};
    }
    AppendLog* const log = options.replaying ? nullptr : server.aof;
    CommandContext ctx{.args = args, .out = out, .store = server.store, .server = server,
                       .client = client, .now_ms = options.now_ms, .spec = spec,
                       .expiry_clock_ms = options.replaying ? 0 : options.now_ms};
    ctx.may_block = options.may_block;
    // Handlers run with their keys' shards locked; clients blocked on keys this write
    // touched are served after the locks are gone (serving may lock other shards).
    thread_local std::vector<std::size_t> positions;
    key_positions(*spec, args, positions);
    set_first_key_hash(ctx, positions);
    const std::int64_t slow_us = options.replaying ? -1 : server.config.slowlog_log_slower_than.load(std::memory_order_relaxed);
    std::uint64_t started = 0;
    if (slow_us >= 0) started = options.ticks ? *options.ticks : cpu_ticks();
    bool wakes_waiters = false;
    {
        ShardLocks locks(server.store);
        if (spec->flags & kAllShards) locks.lock_all();
        else lock_key_shards(server.store, positions, locks, ctx);
        const bool logging = (spec->flags & kWrite) && log && log->logging();
        if (logging && log->rewriting()) snapshot_before_write(*log, locks);
        wakes_waiters = run_locked(server, ctx, positions, logging);
    }
    if (slow_us >= 0) {
        const std::uint64_t ended = log_if_slow(server, ctx, started, slow_us);
        if (options.ticks) *options.ticks = ended;
    }
    if (wakes_waiters) serve_ready_keys(server);
    // After the command, as Redis: SELECT shows the db it selected. Admin commands are not
    // shown, nor re-runs of a blocked command or the AOF's replay.
    if (server.monitors.any() && !(spec->flags & kAdmin) && !options.replaying && options.may_block)
        server.monitors.feed(client, client.db, args, out);
    return {std::move(ctx.blocked), ctx.would_block, ctx.timeout_reply};
}

namespace {

// The shards an EXEC must hold: those of every queued command's keys and of every watched
// key (so no write can touch a watched key between the check and the run).
void lock_transaction_shards(Store& store, const Transaction& tx, ShardLocks& locks) {
    std::vector<std::size_t> indices;
    std::vector<std::size_t> positions;
    for (const QueuedCommand& q : tx.queued) {
        if (q.spec->flags & kAllShards) {
            locks.lock_all();
            return;
        }
        const std::vector<std::string_view> args(q.args.begin(), q.args.end());
        key_positions(*q.spec, args, positions);
        for (std::size_t p : positions) indices.push_back(store.shard_index(hash_bytes(args[p])));
    }
    for (const auto& [db, key] : tx.watched) indices.push_back(store.shard_index(hash_bytes(key)));
    if (!indices.empty()) locks.lock_many(indices);
}

// Redis's isWatchedKeyExpired: a watched key whose deadline has passed counts as touched.
// The lookup deletes it, and the deletion touches every watch on it.
void expire_watched_keys(CommandContext& exec) {
    for (const auto& [db, key] : exec.client.tx.watched) {
        const std::uint64_t h = hash_bytes(key);
        exec.keyspace(h, db).find(key, h, exec.expiry_clock_ms);
    }
}

}  // namespace

void execute_transaction(CommandContext& exec) {
    ServerState& server = exec.server;
    const Transaction& tx = exec.client.tx;
    AppendLog* const log = server.aof;
    std::vector<LoggedCommand> written;
    bool wakes_waiters = false;
    {
        ShardLocks locks(server.store);
        lock_transaction_shards(server.store, tx, locks);
        expire_watched_keys(exec);
        if (tx.watch && tx.watch->touched.load(std::memory_order_relaxed)) {
            exec.out.null_array();
            return;
        }
        const bool logging = log && log->logging() && (tx.flags & kWrite);
        if (logging && log->rewriting()) snapshot_before_write(*log, locks);
        exec.out.array(tx.queued.size());
        std::vector<std::size_t> positions;
        const std::int64_t slow_us = server.config.slowlog_log_slower_than.load(std::memory_order_relaxed);
        for (const QueuedCommand& q : tx.queued) {
            const std::uint64_t started = slow_us >= 0 ? cpu_ticks() : 0;
            const std::vector<std::string_view> args(q.args.begin(), q.args.end());
            // The rules may have changed since the command was queued (Redis checks again).
            if (const AclDenial denial = acl_denial(server, exec.client, *q.spec, args); denial != AclDenial::none) {
                exec.out.error(std::string("NOPERM ACLs rules changed between the moment the transaction was accumulated "
                                           "and the EXEC call. This command is no longer allowed for the following "
                                           "reason: ") + std::string(acl_denial_reason(denial)));
                continue;
            }
            CommandContext ctx{.args = args, .out = exec.out, .store = server.store, .server = server,
                               .client = exec.client, .now_ms = exec.now_ms, .spec = q.spec,
                               .expiry_clock_ms = exec.expiry_clock_ms};
            ctx.may_block = false;  // a blocking command answers its timeout reply at once
            ctx.transaction_log = &written;
            key_positions(*q.spec, args, positions);
            set_first_key_hash(ctx, positions);
            wakes_waiters |= run_locked(server, ctx, positions, logging && (q.spec->flags & kWrite));
            if (ctx.would_block) reply_timeout(exec.out, ctx.timeout_reply);
            ctx.would_block = false;  // answered in place: it ran, and is timed like any other
            if (slow_us >= 0) log_if_slow(server, ctx, started, slow_us);
            if (server.monitors.any() && !(q.spec->flags & kAdmin))
                server.monitors.feed(exec.client, exec.client.db, args, exec.out);
        }
        if (logging && !written.empty())
            exec.client.aof_offset.store(log->append_transaction(written), std::memory_order_relaxed);
    }
    if (wakes_waiters) serve_ready_keys(server);
}

// --- CommandContext: key access on shards the dispatcher already locked -----------------

Entry* CommandContext::find_in(std::string_view key, int db) {
    const std::uint64_t h = hash_of(key);
    Entry* e = keyspace(h, db).find(key, h, expiry_clock_ms);
    if (e) touch(*e);
    return e;
}

Entry* CommandContext::peek(std::string_view key) {
    const std::uint64_t h = hash_of(key);
    return keyspace(h, db()).find(key, h, expiry_clock_ms);
}

Entry* CommandContext::peek_read(std::string_view key) {
    Entry* e = peek(key);
    ShardStats& st = shard_stats(hash_of(key));
    ++(e ? st.keyspace_hits : st.keyspace_misses);
    if (!e) notify(*this, kev::kKeyMiss, "keymiss", key);
    return e;
}

Entry* CommandContext::find_read(std::string_view key) {
    const std::uint64_t h = hash_of(key);
    Entry* e = keyspace(h, db()).find(key, h, expiry_clock_ms);
    ShardStats& st = shard_stats(h);
    if (e) {
        ++st.keyspace_hits;
        touch(*e);
    } else {
        ++st.keyspace_misses;
        notify(*this, kev::kKeyMiss, "keymiss", key);
    }
    return e;
}

std::pair<Entry*, bool> CommandContext::find_or_create_in(std::string_view key, int db) {
    const std::uint64_t h = hash_of(key);
    auto result = keyspace(h, db).find_or_create(key, h, expiry_clock_ms);
    Entry& e = *result.first;
    if (result.second) {
        // A new key starts with Redis's initial LFU counter, as if accessed a few times, so
        // it is not the first to go.
        e.access_ticks = lru_ticks(now_ms);
        e.lfu_minutes = lfu_minutes(now_ms);
        notify(*this, kev::kNew, "new", key, db);
    } else {
        touch(e);
    }
    return result;
}

void CommandContext::touch(Entry& e) {
    e.access_ticks = lru_ticks(now_ms);
    const Config& config = server.config;
    if (is_lfu(config.maxmemory_policy.load(std::memory_order_relaxed)))
        lfu_record_access(e, now_ms, config.lfu_log_factor.load(std::memory_order_relaxed),
                          config.lfu_decay_time.load(std::memory_order_relaxed));
}

bool CommandContext::erase_in(std::string_view key, int db) {
    const std::uint64_t h = hash_of(key);
    return keyspace(h, db).erase(key, h);
}

void CommandContext::set_expire(std::string_view key, Entry& e, std::int64_t when_ms) {
    keyspace(hash_of(key), db()).set_expire(key, e, when_ms);
}

Entry& CommandContext::overwrite(std::string_view key, Value value) {
    auto [e, created] = find_or_create(key);
    e->value = std::move(value);
    if (!created && e->expire_at_ms != 0) set_expire(key, *e, 0);
    return *e;
}

// --- ServerState ----------------------------------------------------------------------------

// Straight from the system's entropy source (Redis's getRandomHexChars reads /dev/urandom):
// run ids and ACL GENPASS passwords must not be guessable.
std::string random_hex(std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::random_device entropy;
    std::string s(n, '0');
    for (std::size_t i = 0; i < n; i += 8) {
        std::uint32_t word = entropy();
        for (std::size_t j = i; j < std::min(i + 8, n); ++j, word >>= 4) s[j] = digits[word & 15];
    }
    return s;
}

ServerState::ServerState(Config& config, Store& store)
    : config(config), store(store), start_time_ms(unix_time_ms()), run_id(random_hex(40)) {
    if (const std::string password = config.requirepass(); !password.empty()) acl.set_default_password(password);
}

std::int64_t unix_time_us() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

std::int64_t unix_time_ms() { return unix_time_us() / 1000; }

}  // namespace corokv
