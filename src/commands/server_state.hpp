// Server-wide state that commands read: configuration, the store, connected clients,
// counters, and hooks the network layer provides (shutdown). No Asio here.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "commands/acl_users.hpp"
#include "commands/append_log.hpp"
#include "commands/clients.hpp"
#include "commands/monitor.hpp"
#include "commands/pubsub.hpp"
#include "commands/slowlog.hpp"
#include "config/config.hpp"
#include "store/eviction.hpp"
#include "store/store.hpp"

namespace corokv {

struct ServerStats {
    std::atomic<std::uint64_t> total_connections_received{0};
    std::atomic<std::uint64_t> total_commands_processed{0};
    std::atomic<std::uint64_t> rejected_connections{0};
    std::atomic<std::uint64_t> total_net_input_bytes{0};
    std::atomic<std::uint64_t> total_net_output_bytes{0};
    std::atomic<std::uint64_t> total_error_replies{0};
    std::atomic<std::uint64_t> unexpected_error_replies{0};

    void reset() {
        total_connections_received = 0;
        total_commands_processed = 0;
        rejected_connections = 0;
        total_net_input_bytes = 0;
        total_net_output_bytes = 0;
        total_error_replies = 0;
        unexpected_error_replies = 0;
    }
};

// INFO's instantaneous_ops_per_sec: Redis's running average over the last 16 samples,
// taken by the server's periodic tick.
class OpsMeter {
public:
    void sample(std::int64_t now_ms, std::uint64_t total_commands);
    std::int64_t ops_per_sec() const { return ops_per_sec_.load(std::memory_order_relaxed); }

private:
    static constexpr int kSamples = 16;
    std::int64_t last_ms_ = 0;
    std::uint64_t last_total_ = 0;
    std::int64_t samples_[kSamples] = {};
    int next_ = 0;
    std::atomic<std::int64_t> ops_per_sec_{0};
};

// INFO persistence's loading fields, written by the AOF loader while it replays.
struct LoadingProgress {
    std::atomic<bool> active{false};
    std::atomic<std::int64_t> start_time_ms{0};
    std::atomic<std::uint64_t> total_bytes{0};
    std::atomic<std::uint64_t> loaded_bytes{0};
};

// CLIENT PAUSE: until `end_ms`, commands wait before they run (all of them, or with
// `writes_only` those that write or publish). Monitors are never paused.
struct ClientPause {
    std::atomic<std::int64_t> end_ms{0};
    std::atomic<bool> writes_only{false};
    // Either mode also holds active expiry and eviction, as in Redis: nothing changes the
    // dataset on its own while writers wait.
    bool in_effect(std::int64_t now_ms) const {
        const std::int64_t end = end_ms.load(std::memory_order_relaxed);
        return end != 0 && now_ms < end;
    }
};

enum class ShutdownMode { default_mode, nosave, save };

class ServerState {
public:
    ServerState(Config& config, Store& store);

    Config& config;
    Store& store;
    ClientRegistry clients;
    ServerStats stats;
    const std::int64_t start_time_ms;
    const std::string run_id;     // 40 hex chars, new per process, as Redis
    std::string executable;       // absolute path, for INFO server
    std::string config_file;      // absolute path or empty
    int tcp_port = 0;             // the port actually bound
    int io_threads = 1;
    OpsMeter ops_meter;
    std::atomic<std::int64_t> used_memory_peak{0};
    Evictor evictor;
    // Clients waiting in BLPOP & co. Write commands look for keys to serve only when this is
    // non-zero, so the common case costs one relaxed load.
    std::atomic<std::int64_t> blocked_clients{0};
    // Clients with WATCHed keys: writes touch watched keys only when this is non-zero.
    std::atomic<std::int64_t> watching_clients{0};
    // The AOF (src/persistence/); set before clients run, null only in unit tests.
    AppendLog* aof = nullptr;
    PubSub pubsub;
    AclRegistry acl;
    Monitors monitors;
    SlowLog slowlog;
    ClientPause pause;
    // While the AOF loads, commands without the loading flag get -LOADING.
    LoadingProgress loading;

    // Installed by the server layer; asks the process to stop (SHUTDOWN, signals).
    std::function<void(ShutdownMode)> request_shutdown;
};

std::int64_t unix_time_ms();
// `n` random lowercase hex digits from the system's entropy source.
std::string random_hex(std::size_t n);
std::int64_t unix_time_us();

}  // namespace corokv
