// Server commands: INFO, CONFIG, COMMAND, DBSIZE, FLUSHDB/FLUSHALL, TIME, SHUTDOWN.
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <string>

#include "commands/command_table.hpp"
#include "commands/dispatch.hpp"
#include "commands/numbers.hpp"
#include "commands/server_state.hpp"
#include "store/glob.hpp"
#include "store/memory.hpp"

namespace corokv {

void OpsMeter::sample(std::int64_t now_ms, std::uint64_t total_commands) {
    if (last_ms_ != 0 && now_ms > last_ms_) {
        const auto ops = static_cast<std::int64_t>(total_commands - last_total_);
        samples_[next_] = ops * 1000 / (now_ms - last_ms_);
        next_ = (next_ + 1) % kSamples;
        std::int64_t sum = 0;
        for (std::int64_t s : samples_) sum += s;
        ops_per_sec_.store(sum / kSamples, std::memory_order_relaxed);
    }
    last_ms_ = now_ms;
    last_total_ = total_commands;
}

namespace {

// --- memory figures -------------------------------------------------------------------------

// Redis's bytesToHuman: "1.50M", "930B"; beyond petabytes plain bytes again.
std::string human_bytes(std::uint64_t n) {
    static constexpr char kUnits[] = "KMGTP";
    char buf[64];
    if (n < 1024) {
        std::snprintf(buf, sizeof buf, "%lluB", static_cast<unsigned long long>(n));
        return buf;
    }
    std::uint64_t scale = 1024;
    for (char unit : std::string_view(kUnits)) {
        if (n < scale * 1024) {
            std::snprintf(buf, sizeof buf, "%.2f%c", static_cast<double>(n) / static_cast<double>(scale), unit);
            return buf;
        }
        scale *= 1024;
    }
    std::snprintf(buf, sizeof buf, "%lluB", static_cast<unsigned long long>(n));
    return buf;
}

// --- INFO -------------------------------------------------------------------------------------

class InfoWriter {
public:
    // Used memory as it was before INFO allocated its own text (which would count otherwise).
    const std::int64_t used_memory = memory::used();

    void section(std::string_view title) {
        if (!text_.empty()) text_ += "\r\n";
        text_ += "# ";
        text_ += title;
        text_ += "\r\n";
    }
    template <class V>
    void field(std::string_view name, const V& value) {
        text_ += name;
        text_ += ':';
        if constexpr (std::is_arithmetic_v<V>) text_ += std::to_string(value);
        else text_ += value;
        text_ += "\r\n";
    }
    void fixed(std::string_view name, double value) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.6f", value);
        field(name, std::string(buf));
    }
    std::string& text() { return text_; }

private:
    std::string text_;
};

double seconds_of(const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; }

void info_server(CommandContext& c, InfoWriter& w) {
    ServerState& s = c.server;
    utsname u{};
    uname(&u);
    const std::int64_t uptime = (c.now_ms - s.start_time_ms) / 1000;
    w.section("Server");
    w.field("redis_version", "7.0.15");
    w.field("redis_git_sha1", "00000000");
    w.field("redis_git_dirty", 0);
    w.field("redis_build_id", "0");
    w.field("redis_mode", "standalone");
    w.field("corokv_version", COROKV_VERSION);
    w.field("os", std::string(u.sysname) + " " + u.release + " " + u.machine);
    w.field("arch_bits", 64);
    w.field("monotonic_clock", "POSIX clock_gettime");
    w.field("multiplexing_api", "epoll");
    w.field("atomicvar_api", "c11-builtin");
    w.field("gcc_version", std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) + "." +
                               std::to_string(__GNUC_PATCHLEVEL__));
    w.field("process_id", static_cast<long>(getpid()));
    w.field("process_supervised", "no");
    w.field("run_id", s.run_id);
    w.field("tcp_port", s.tcp_port);
    w.field("server_time_usec", unix_time_us());
    w.field("uptime_in_seconds", uptime);
    w.field("uptime_in_days", uptime / 86400);
    w.field("hz", s.config.hz.load());
    w.field("configured_hz", s.config.hz.load());
    w.field("lru_clock", static_cast<long long>((c.now_ms / 1000) & ((1 << 24) - 1)));  // Redis's 24-bit seconds
    w.field("executable", s.executable);
    w.field("config_file", s.config_file);
    w.field("io_threads_active", 0);
    w.field("io_threads", s.io_threads);
    w.field("shards", static_cast<long long>(s.store.shard_count()));
}

void info_clients(CommandContext& c, InfoWriter& w) {
    w.section("Clients");
    w.field("connected_clients", static_cast<long long>(c.server.clients.count()));
    w.field("cluster_connections", 0);
    w.field("maxclients", c.server.config.maxclients.load());
    w.field("client_recent_max_input_buffer", 0);
    w.field("client_recent_max_output_buffer", 0);
    w.field("blocked_clients", c.server.blocked_clients.load(std::memory_order_relaxed));
    w.field("tracking_clients", 0);
    w.field("clients_in_timeout_table", 0);
}

void info_memory(CommandContext& c, InfoWriter& w) {
    const std::int64_t used = w.used_memory;
    const std::int64_t rss = memory::resident();
    const std::uint64_t maxmemory = c.server.config.maxmemory.load();
    std::int64_t peak = c.server.used_memory_peak.load();
    while (used > peak && !c.server.used_memory_peak.compare_exchange_weak(peak, used)) {
    }
    peak = std::max(peak, used);
    w.section("Memory");
    w.field("used_memory", used);
    w.field("used_memory_human", human_bytes(used));
    w.field("used_memory_rss", rss);
    w.field("used_memory_rss_human", human_bytes(rss));
    w.field("used_memory_peak", peak);
    w.field("used_memory_peak_human", human_bytes(peak));
    w.field("maxmemory", static_cast<long long>(maxmemory));  // Redis prints it signed
    w.field("maxmemory_human", human_bytes(maxmemory));
    w.field("maxmemory_policy", eviction_policy_name(c.server.config.maxmemory_policy.load()));
    char ratio[32];
    std::snprintf(ratio, sizeof ratio, "%.2f", used > 0 ? static_cast<double>(rss) / used : 0.0);
    w.field("mem_fragmentation_ratio", std::string(ratio));
    w.field("mem_allocator", "libc");
}

void info_loading(const LoadingProgress& loading, InfoWriter& w) {
    const std::uint64_t total = loading.total_bytes.load(), loaded = loading.loaded_bytes.load();
    const std::int64_t start = loading.start_time_ms.load();
    const std::int64_t elapsed_s = std::max<std::int64_t>((unix_time_ms() - start) / 1000, 0);
    const double perc = total ? static_cast<double>(loaded) * 100 / static_cast<double>(total) : 0;
    // Redis's estimate: the time so far scaled to the bytes left.
    const std::int64_t eta = loaded ? static_cast<std::int64_t>((total - std::min(total, loaded)) * elapsed_s / loaded) : 1;
    char perc_text[32];
    std::snprintf(perc_text, sizeof perc_text, "%.2f", perc);
    w.field("loading_start_time", start / 1000);
    w.field("loading_total_bytes", total);
    w.field("loading_rdb_used_mem", 0);
    w.field("loading_loaded_bytes", loaded);
    w.field("loading_loaded_perc", perc_text);
    w.field("loading_eta_seconds", eta);
}

void info_persistence(CommandContext& c, InfoWriter& w) {
    const bool loading = c.server.loading.active.load();
    const AofStatus aof = c.server.aof ? c.server.aof->status() : AofStatus{};
    w.section("Persistence");
    w.field("loading", loading ? 1 : 0);
    w.field("async_loading", 0);
    w.field("rdb_changes_since_last_save", 0);
    w.field("rdb_bgsave_in_progress", 0);
    w.field("rdb_last_save_time", c.server.start_time_ms / 1000);
    w.field("rdb_last_bgsave_status", "ok");
    w.field("aof_enabled", aof.enabled ? 1 : 0);
    w.field("aof_rewrite_in_progress", aof.rewrite_in_progress ? 1 : 0);
    w.field("aof_rewrite_scheduled", aof.rewrite_scheduled ? 1 : 0);
    w.field("aof_last_rewrite_time_sec", aof.last_rewrite_time_sec);
    w.field("aof_current_rewrite_time_sec", aof.current_rewrite_time_sec);
    w.field("aof_last_bgrewrite_status", aof.last_bgrewrite_ok ? "ok" : "err");
    w.field("aof_rewrites", aof.rewrites);
    w.field("aof_rewrites_consecutive_failures", aof.rewrites_consecutive_failures);
    w.field("aof_last_write_status", aof.last_write_ok ? "ok" : "err");
    w.field("aof_last_cow_size", 0);
    if (aof.enabled) {
        w.field("aof_current_size", aof.current_size);
        w.field("aof_base_size", aof.base_size);
        w.field("aof_pending_rewrite", 0);
        w.field("aof_buffer_length", aof.buffer_length);
        w.field("aof_pending_bio_fsync", aof.pending_bio_fsync);
        w.field("aof_delayed_fsync", aof.delayed_fsync);
    }
    if (loading) info_loading(c.server.loading, w);
}

void info_stats(CommandContext& c, InfoWriter& w) {
    const ServerStats& st = c.server.stats;
    const ShardStats shards = c.store.stats();  // all shards are locked by the dispatcher
    char stale[32];
    std::snprintf(stale, sizeof stale, "%.2f", c.store.expired_stale_perc());
    w.section("Stats");
    w.field("total_connections_received", st.total_connections_received.load());
    w.field("total_commands_processed", st.total_commands_processed.load());
    w.field("instantaneous_ops_per_sec", c.server.ops_meter.ops_per_sec());
    w.field("total_net_input_bytes", st.total_net_input_bytes.load());
    w.field("total_net_output_bytes", st.total_net_output_bytes.load());
    w.field("rejected_connections", st.rejected_connections.load());
    w.field("expired_keys", shards.expired_keys);
    w.field("expired_stale_perc", std::string(stale));
    w.field("evicted_keys", shards.evicted_keys);
    w.field("keyspace_hits", shards.keyspace_hits);
    w.field("keyspace_misses", shards.keyspace_misses);
    w.field("pubsub_channels", 0);
    w.field("pubsub_patterns", 0);
    w.field("total_error_replies", st.total_error_replies.load());
}

void info_replication(CommandContext& c, InfoWriter& w) {
    w.section("Replication");
    w.field("role", "master");
    w.field("connected_slaves", 0);
    w.field("master_failover_state", "no-failover");
    w.field("master_replid", c.server.run_id);
    w.field("master_replid2", std::string(40, '0'));
    w.field("master_repl_offset", 0);
    w.field("second_repl_offset", -1);
    w.field("repl_backlog_active", 0);
    w.field("repl_backlog_size", 1048576);
    w.field("repl_backlog_first_byte_offset", 0);
    w.field("repl_backlog_histlen", 0);
}

void info_cpu(CommandContext&, InfoWriter& w) {
    rusage self{}, children{};
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    w.section("CPU");
    w.fixed("used_cpu_sys", seconds_of(self.ru_stime));
    w.fixed("used_cpu_user", seconds_of(self.ru_utime));
    w.fixed("used_cpu_sys_children", seconds_of(children.ru_stime));
    w.fixed("used_cpu_user_children", seconds_of(children.ru_utime));
}

void info_keyspace(CommandContext& c, InfoWriter& w) {
    w.section("Keyspace");
    for (int db = 0; db < c.store.databases(); ++db) {
        std::size_t keys = 0, expires = 0;
        double ttl_weighted = 0;  // each shard's running average, weighted by its volatile keys
        for (std::size_t s = 0; s < c.store.shard_count(); ++s) {
            const Keyspace& ks = c.store.shard(s).dbs[static_cast<std::size_t>(db)];
            keys += ks.size();
            expires += ks.expires_count();
            ttl_weighted += static_cast<double>(ks.avg_ttl_ms()) * static_cast<double>(ks.expires_count());
        }
        if (keys == 0) continue;
        const auto avg_ttl = expires ? static_cast<long long>(ttl_weighted / static_cast<double>(expires)) : 0LL;
        w.field("db" + std::to_string(db), "keys=" + std::to_string(keys) + ",expires=" + std::to_string(expires) +
                                               ",avg_ttl=" + std::to_string(avg_ttl));
    }
}

// Redis lists these in every default INFO; clients probe cluster_enabled to pick a mode.
void info_modules(CommandContext&, InfoWriter& w) { w.section("Modules"); }

void info_cluster(CommandContext&, InfoWriter& w) {
    w.section("Cluster");
    w.field("cluster_enabled", 0);
}

struct InfoSection {
    std::string_view name;
    void (*write)(CommandContext&, InfoWriter&);
};

constexpr InfoSection kInfoSections[] = {
    {"server", info_server},         {"clients", info_clients}, {"memory", info_memory},
    {"persistence", info_persistence}, {"stats", info_stats},   {"replication", info_replication},
    {"cpu", info_cpu},               {"modules", info_modules}, {"cluster", info_cluster},
    {"keyspace", info_keyspace},
};

void info_command(CommandContext& c) {
    std::set<std::string> wanted;
    bool everything = c.argc() == 1;
    for (std::size_t i = 1; i < c.argc(); ++i) {
        std::string name(c.arg(i));
        for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (name == "all" || name == "everything" || name == "default") everything = true;
        else wanted.insert(name);
    }
    InfoWriter w;
    for (const InfoSection& s : kInfoSections)
        if (everything || wanted.count(std::string(s.name))) s.write(c, w);
    c.out.verbatim(w.text());
}

// --- keyspace-wide commands ---------------------------------------------------------------------

void dbsize_command(CommandContext& c) {
    std::size_t n = 0;
    for (std::size_t s = 0; s < c.store.shard_count(); ++s)
        n += c.store.shard(s).dbs[static_cast<std::size_t>(c.db())].size();
    c.out.integer(static_cast<std::int64_t>(n));
}

// FLUSHDB/FLUSHALL accept ASYNC or SYNC; both free memory right away here.
bool flush_mode_ok_or_reply(CommandContext& c) {
    if (c.argc() > 2 || (c.argc() == 2 && !option_is(c.arg(1), "async") && !option_is(c.arg(1), "sync"))) {
        c.out.error(errors::kSyntax);
        return false;
    }
    return true;
}

void flushdb_command(CommandContext& c) {
    if (!flush_mode_ok_or_reply(c)) return;
    for (std::size_t s = 0; s < c.store.shard_count(); ++s)
        c.store.shard(s).dbs[static_cast<std::size_t>(c.db())].clear();
    c.out.ok();
}

void flushall_command(CommandContext& c) {
    if (!flush_mode_ok_or_reply(c)) return;
    for (std::size_t s = 0; s < c.store.shard_count(); ++s)
        for (Keyspace& ks : c.store.shard(s).dbs) ks.clear();
    c.out.ok();
}

void time_command(CommandContext& c) {
    const std::int64_t us = unix_time_us();
    c.out.array(2);
    c.out.bulk_int(us / 1000000);
    c.out.bulk_int(us % 1000000);
}

void shutdown_command(CommandContext& c) {
    bool save = false, nosave = false, other_flags = false, abort = false;
    for (std::size_t i = 1; i < c.argc(); ++i) {
        if (option_is(c.arg(i), "nosave")) nosave = true;
        else if (option_is(c.arg(i), "save")) save = true;
        else if (option_is(c.arg(i), "now") || option_is(c.arg(i), "force")) other_flags = true;
        else if (option_is(c.arg(i), "abort")) abort = true;
        else {
            c.out.error(errors::kSyntax);
            return;
        }
    }
    // As Redis: ABORT takes no other flag, and SAVE with NOSAVE is refused rather than
    // letting one of them win.
    if ((abort && (save || nosave || other_flags)) || (save && nosave)) {
        c.out.error(errors::kSyntax);
        return;
    }
    if (abort) {
        c.out.error("ERR No shutdown in progress.");
        return;
    }
    // Like Redis, a successful SHUTDOWN answers nothing: the connection just closes.
    c.client.close_after_reply = true;
    const ShutdownMode mode = nosave ? ShutdownMode::nosave
                              : save ? ShutdownMode::save
                                     : ShutdownMode::default_mode;
    if (c.server.request_shutdown) c.server.request_shutdown(mode);
}

// --- CONFIG -------------------------------------------------------------------------------------

// As Redis: a name without glob characters is looked up directly and answered under the
// spelling the client used ("CONFIG GET HZ" -> "HZ"); a pattern answers canonical names.
// Each parameter is reported once, however many patterns match it.
void config_get_command(CommandContext& c) {
    std::vector<std::pair<std::string_view, std::string_view>> found;  // (reply name, canonical)
    auto seen = [&](std::string_view canonical) {
        return std::any_of(found.begin(), found.end(),
                           [&](const auto& f) { return f.second == canonical; });
    };
    const std::vector<std::string_view> names = Config::names();
    for (std::size_t i = 2; i < c.argc(); ++i) {
        std::string_view pattern = c.arg(i);
        const bool is_glob = pattern.find_first_of("[*?") != std::string_view::npos;
        for (std::string_view name : names) {
            const bool match = is_glob ? glob_match(pattern, name, true) : option_is(pattern, name);
            if (match && !seen(name)) found.emplace_back(is_glob ? name : pattern, name);
        }
    }
    c.out.map(found.size());
    for (const auto& [reply_name, canonical] : found) {
        c.out.bulk(reply_name);
        c.out.bulk(c.server.config.get(canonical).value());
    }
}

void config_set_command(CommandContext& c) {
    // An odd count means a parameter without its value: Redis calls that a syntax error.
    if (c.argc() % 2 != 0) {
        c.out.error(errors::kSyntax);
        return;
    }
    auto failed = [&](std::string_view name, std::string_view why) {
        c.out.error("ERR CONFIG SET failed (possibly related to argument '" + error_arg(name) +
                    "') - " + std::string(why));
    };
    // Validate everything before applying anything: CONFIG SET is all or nothing.
    std::set<std::string> seen;
    for (std::size_t i = 2; i < c.argc(); i += 2) {
        std::string name(c.arg(i));
        for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (!c.server.config.get(name)) {
            c.out.error("ERR Unknown option or number of arguments for CONFIG SET - '" +
                        error_arg(c.arg(i)) + "'");
            return;
        }
        if (!seen.insert(name).second) {
            failed(c.arg(i), "duplicate parameter");
            return;
        }
    }
    std::vector<std::pair<std::string, std::string>> previous;
    const std::string requirepass_before = c.server.config.requirepass();
    for (std::size_t i = 2; i < c.argc(); i += 2) {
        std::string before = c.server.config.get(c.arg(i)).value();
        auto r = c.server.config.set(c.arg(i), c.arg(i + 1), /*at_runtime=*/true);
        if (!r) {
            for (auto& [name, value] : previous) (void)c.server.config.set(name, value, true);
            failed(c.arg(i), r.error().message);
            return;
        }
        previous.emplace_back(std::string(c.arg(i)), std::move(before));
    }
    // A lowered maxmemory takes effect now, as in Redis: evict down to it before replying.
    if (seen.contains("maxmemory") || seen.contains("maxmemory-policy")) evict_to_maxmemory(c.server, c.now_ms);
    // The default user gets requirepass as its only password, as in Redis only when the
    // value changed (ACL SETUSER default's passwords survive setting the same value again).
    if (const std::string now = c.server.config.requirepass(); now != requirepass_before)
        c.server.acl.set_default_password(now);
    // appendonly yes starts a rewrite that writes the base, then logs; no stops logging.
    if (seen.contains("appendonly") && c.server.aof) c.server.aof->set_enabled(c.server.config.appendonly.load());
    c.out.ok();
}

void config_resetstat_command(CommandContext& c) {
    c.server.stats.reset();
    c.store.reset_stats();
    c.out.ok();
}

void config_help_command(CommandContext& c) {
    static constexpr std::string_view lines[] = {
        "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "HELP",
        "    Prints this help.",
    };
    reply_help(c.out, lines);
}

// --- COMMAND ------------------------------------------------------------------------------------

void reply_key_specs(CommandContext& c, const CommandSpec& spec) {
    if (spec.keys.first <= 0) {
        c.out.array(0);
        return;
    }
    const bool write = spec.flags & kWrite;
    c.out.array(1);
    c.out.map(3);
    c.out.bulk("flags");
    c.out.set(2);
    c.out.simple(write ? "RW" : "RO");
    c.out.simple(write ? "update" : "access");
    c.out.bulk("begin_search");
    c.out.map(2);
    c.out.bulk("type");
    c.out.bulk("index");
    c.out.bulk("spec");
    c.out.map(1);
    c.out.bulk("index");
    c.out.integer(spec.keys.first);
    c.out.bulk("find_keys");
    c.out.map(2);
    c.out.bulk("type");
    c.out.bulk("range");
    c.out.bulk("spec");
    c.out.map(3);
    c.out.bulk("lastkey");
    c.out.integer(spec.keys.last < 0 ? spec.keys.last : spec.keys.last - spec.keys.first);
    c.out.bulk("keystep");
    c.out.integer(spec.keys.step);
    c.out.bulk("limit");
    c.out.integer(0);
}

void reply_command_info(CommandContext& c, const CommandSpec& spec, std::string_view parent) {
    c.out.array(10);
    if (parent.empty()) c.out.bulk(spec.name);
    else c.out.bulk(std::string(parent) + "|" + std::string(spec.name));
    c.out.integer(spec.arity);
    auto flags = flag_names(spec);
    c.out.set(flags.size());
    for (std::string_view f : flags) c.out.simple(f);
    c.out.integer(spec.keys.first);
    c.out.integer(spec.keys.last);
    c.out.integer(spec.keys.step);
    auto cats = acl_categories(spec, parent.empty() ? nullptr : find_command(parent));
    c.out.set(cats.size());
    for (std::string_view cat : cats) c.out.simple("@" + std::string(cat));
    c.out.set(0);  // tips
    reply_key_specs(c, spec);
    c.out.array(spec.subcommands.size());
    for (const CommandSpec& sub : spec.subcommands) reply_command_info(c, sub, spec.name);
}

void reply_command_docs(CommandContext& c, const CommandSpec& spec, std::string_view parent) {
    c.out.bulk(parent.empty() ? std::string(spec.name)
                              : std::string(parent) + "|" + std::string(spec.name));
    const bool has_subs = !spec.subcommands.empty();
    c.out.map(4 + (has_subs ? 1 : 0));
    c.out.bulk("summary");
    c.out.bulk(spec.summary);
    c.out.bulk("since");
    c.out.bulk(spec.since);
    c.out.bulk("group");
    c.out.bulk(spec.group);
    c.out.bulk("complexity");
    c.out.bulk(spec.complexity);
    if (has_subs) {
        c.out.bulk("subcommands");
        c.out.map(spec.subcommands.size());
        for (const CommandSpec& sub : spec.subcommands) reply_command_docs(c, sub, spec.name);
    }
}

void command_command(CommandContext& c) {
    const auto& all = all_commands();
    c.out.array(all.size());
    for (const CommandSpec* spec : all) reply_command_info(c, *spec, "");
}

void command_count_command(CommandContext& c) {
    c.out.integer(static_cast<std::int64_t>(all_commands().size()));
}

void command_info_command(CommandContext& c) {
    if (c.argc() == 2) {
        command_command(c);
        return;
    }
    c.out.array(c.argc() - 2);
    for (std::size_t i = 2; i < c.argc(); ++i) {
        // Redis 7.0 answers an unknown name with a null bulk ($-1), not a null array.
        if (const CommandSpec* spec = find_command(c.arg(i))) reply_command_info(c, *spec, "");
        else c.out.null();
    }
}

void command_docs_command(CommandContext& c) {
    std::vector<const CommandSpec*> specs;
    if (c.argc() == 2) {
        specs = all_commands();
    } else {
        for (std::size_t i = 2; i < c.argc(); ++i)
            if (const CommandSpec* spec = find_command(c.arg(i))) specs.push_back(spec);
    }
    c.out.map(specs.size());
    for (const CommandSpec* spec : specs) reply_command_docs(c, *spec, "");
}

void command_help_command(CommandContext& c) {
    static constexpr std::string_view lines[] = {
        "COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "HELP",
        "    Prints this help.",
    };
    reply_help(c.out, lines);
}

// COMMAND with no subcommand lists everything; the container handler covers that case.
void command_container(CommandContext& c) { command_command(c); }

constexpr std::uint32_t kAdminNoscript = kAdmin | kNoscript;

const CommandSpec kConfigSubcommands[] = {
    {"get", -3, kAdminNoscript | kLoading | kStale, {}, config_get_command, "server", "2.0.0",
     "Get the values of configuration parameters",
     "O(N) when N is the number of configuration parameters provided"},
    {"set", -4, kAdminNoscript | kLoading | kStale, {}, config_set_command, "server", "2.0.0",
     "Set configuration parameters to the given values",
     "O(N) when N is the number of configuration parameters provided"},
    {"resetstat", 2, kAdminNoscript | kLoading | kStale | kAllShards, {}, config_resetstat_command,
     "server", "2.0.0", "Reset the stats returned by INFO", "O(1)"},
    {"help", 2, kLoading | kStale, {}, config_help_command, "server", "5.0.0",
     "Show helpful text about the different subcommands", "O(1)"},
};

const CommandSpec kCommandSubcommands[] = {
    {"count", 2, kLoading | kStale, {}, command_count_command, "server", "2.8.13",
     "Get total number of Redis commands", "O(1)"},
    {"info", -2, kLoading | kStale, {}, command_info_command, "server", "2.8.13",
     "Get array of specific Redis command details, or all when no argument is given.",
     "O(N) where N is the number of commands to look up"},
    {"docs", -2, kLoading | kStale, {}, command_docs_command, "server", "7.0.0",
     "Get array of specific Redis command documentation",
     "O(N) where N is the number of commands to look up"},
    {"help", 2, kLoading | kStale, {}, command_help_command, "server", "5.0.0",
     "Show helpful text about the different subcommands", "O(1)"},
};

const CommandSpec kServerCommands[] = {
    {"info", -1, kLoading | kStale | kAllShards, {}, info_command, "server", "1.0.0",
     "Get information and statistics about the server", "O(1)"},
    {"dbsize", 1, kReadonly | kFast | kAllShards, {}, dbsize_command, "server", "1.0.0",
     "Return the number of keys in the selected database", "O(1)"},
    {"flushdb", -1, kWrite | kAllShards, {}, flushdb_command, "server", "1.0.0",
     "Remove all keys from the current database",
     "O(N) where N is the number of keys in the selected database"},
    {"flushall", -1, kWrite | kAllShards, {}, flushall_command, "server", "1.0.0",
     "Remove all keys from all databases", "O(N) where N is the total number of keys in all databases"},
    {"time", 1, kLoading | kStale | kFast, {}, time_command, "server", "2.6.0",
     "Return the current server time", "O(1)"},
    {"shutdown", -1, kAdminNoscript | kLoading | kStale | kNoMulti | kAllowBusy, {}, shutdown_command,
     "server", "1.0.0", "Synchronously save the dataset to disk and then shut down the server",
     "O(N) when saving, where N is the total number of keys in all databases when saving data, "
     "otherwise O(1)"},
    {"config", -2, 0, {}, nullptr, "server", "2.0.0", "A container for server configuration commands",
     "Depends on subcommand.", kConfigSubcommands},
    {"command", -1, kLoading | kStale, {}, command_container, "server", "2.8.13",
     "Get array of Redis command details", "O(N) where N is the total number of Redis commands",
     kCommandSubcommands},
};

}  // namespace

std::span<const CommandSpec> server_commands() { return kServerCommands; }

}  // namespace corokv
