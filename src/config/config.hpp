// Server configuration: one table of parameters, named as Redis names them, shared by
// config.json, command-line flags (--port 7000) and CONFIG GET/SET.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/outcome/std_result.hpp>

#include "store/eviction_policy.hpp"

namespace corokv {

namespace outcome = BOOST_OUTCOME_V2_NAMESPACE;
// Fallible internals return values, not exceptions: the error is the message to show.
struct Error {
    std::string message;
};
template <class T>
using Result = outcome::std_result<T, Error, outcome::policy::terminate>;

inline auto fail(std::string message) { return outcome::failure(Error{std::move(message)}); }

// client-output-buffer-limit for one class of clients: a client whose pending output passes
// `hard` bytes, or stays above `soft` for `soft_seconds`, is disconnected (0 = no limit).
struct OutputBufferLimit {
    std::atomic<std::uint64_t> hard{0};
    std::atomic<std::uint64_t> soft{0};
    std::atomic<std::int64_t> soft_seconds{0};
};
enum class ClientClass : std::uint8_t { normal, replica, pubsub };

// appendfsync: when the AOF writer fsyncs.
enum class AppendFsync : std::uint8_t { always, everysec, no };

class Config {
public:
    // Settings fixed at start-up.
    std::string bind = "127.0.0.1";
    int port = 6379;
    int threads = 0;        // 0 = one per core
    int shards = 64;        // power of two
    int databases = 16;
    std::string dir = ".";
    std::string logfile;    // empty = stdout
    std::string appendfilename = "appendonly.aof";  // prefix of the AOF file names
    std::string appenddirname = "appendonlydir";    // inside dir

    // Settings CONFIG SET may change while clients run: read lock-free on hot paths.
    std::atomic<std::int64_t> maxclients{10000};
    std::atomic<std::int64_t> proto_max_bulk_len{512LL * 1024 * 1024};
    std::atomic<std::int64_t> client_query_buffer_limit{1024LL * 1024 * 1024};
    std::atomic<std::int64_t> timeout{0};  // seconds a client may stay idle; 0 = for ever
    // TCP keepalive probes on accepted connections: first after this many idle seconds (0 = off).
    std::atomic<std::int64_t> tcp_keepalive{300};
    std::atomic<std::int64_t> slowlog_log_slower_than{10000};  // µs; -1 = off, 0 = every command
    std::atomic<std::int64_t> slowlog_max_len{128};
    std::atomic<int> hz{10};
    std::atomic<int> loglevel{2};   // index into kLogLevels
    // Eviction (store/eviction.hpp). maxmemory 0 = no limit.
    std::atomic<std::uint64_t> maxmemory{0};
    std::atomic<EvictionPolicy> maxmemory_policy{EvictionPolicy::noeviction};
    std::atomic<int> maxmemory_samples{5};
    std::atomic<int> maxmemory_eviction_tenacity{10};
    std::atomic<int> lfu_log_factor{10};
    std::atomic<int> lfu_decay_time{1};
    // AOF (src/persistence/aof.hpp).
    std::atomic<bool> appendonly{false};
    std::atomic<AppendFsync> appendfsync{AppendFsync::everysec};
    std::atomic<bool> aof_load_truncated{true};
    std::atomic<bool> aof_rewrite_incremental_fsync{true};
    std::atomic<int> auto_aof_rewrite_percentage{100};
    std::atomic<std::int64_t> auto_aof_rewrite_min_size{64LL * 1024 * 1024};
    // notify-keyspace-events as keyspace_events::Flag bits (0 = off): every emission site
    // reads it with one relaxed load and does nothing else while it is 0.
    std::atomic<int> notify_keyspace_events{0};
    // client-output-buffer-limit, by ClientClass (Redis's defaults).
    OutputBufferLimit output_buffer_limits[3];
    Config();

    std::string requirepass() const;
    void set_requirepass(std::string pw);

    // Applies one setting by its Redis name; `at_runtime` refuses start-up-only settings.
    Result<void> set(std::string_view name, std::string_view value, bool at_runtime = false);
    // The value as CONFIG GET shows it; empty optional for unknown names.
    Result<std::string> get(std::string_view name) const;
    // Every parameter name, in table order (CONFIG GET patterns walk this).
    static std::vector<std::string_view> names();

    Result<void> load_json_file(const std::string& path);
    Result<void> load_json_text(std::string_view text);
    // Checks settings that depend on each other after everything was applied.
    Result<void> validate() const;

    int effective_threads() const;

    static constexpr std::string_view kLogLevels[] = {"debug", "verbose", "notice", "warning"};

private:
    mutable std::mutex strings_mutex_;  // guards requirepass_
    std::string requirepass_;
};

// Parses Redis memory sizes: "100", "1k" (1000), "1kb" (1024), "64mb", "1gb", case-insensitive.
Result<std::int64_t> parse_memory(std::string_view s);

// What `corokv-server --help` prints.
std::string usage_text();

// Applies command-line arguments (after argv[0]) in order: --config FILE first, then every
// `--name value` flag overrides the file. `--help`/`--version` are handled by main.
Result<void> apply_command_line(Config& config, std::span<const std::string_view> args);

}  // namespace corokv
