// corokv-server: parse flags and config.json, start the server, wait for a stop signal.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "commands/keyspace_events.hpp"
#include "commands/server_state.hpp"
#include "config/config.hpp"
#include "persistence/aof.hpp"
#include "server/log.hpp"
#include "server/server.hpp"
#include "store/store.hpp"

namespace {

std::string absolute_path(const char* path) {
    char buf[PATH_MAX];
    if (realpath(path, buf)) return buf;
    return path;
}

std::string config_file_of(const std::vector<std::string_view>& args) {
    for (std::size_t i = 0; i + 1 < args.size(); ++i)
        if (args[i] == "--config") return absolute_path(std::string(args[i + 1]).c_str());
    return "";
}

// Like Redis's adjustOpenFilesLimit: maxclients connections need that many descriptors plus
// a reserve for listening sockets, logs and (later) AOF files.
void raise_open_files_limit(std::int64_t maxclients) {
    using namespace corokv;
    constexpr rlim_t kReserved = 32;
    const rlim_t wanted = static_cast<rlim_t>(maxclients) + kReserved;
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted) return;
    rlimit raised = limit;
    raised.rlim_cur = std::min(wanted, limit.rlim_max);
    if (setrlimit(RLIMIT_NOFILE, &raised) != 0 || raised.rlim_cur < wanted)
        log_message(LogLevel::warning,
                    "Open files limit " + std::to_string(raised.rlim_cur) + " is lower than maxclients + " +
                        std::to_string(kReserved) + " (" + std::to_string(wanted) +
                        "): raise 'ulimit -n' or lower maxclients");
}

}  // namespace

int main(int argc, char** argv) {
    using namespace corokv;
    std::vector<std::string_view> args(argv + 1, argv + argc);
    for (std::string_view a : args) {
        if (a == "--help" || a == "-h") {
            std::fputs(usage_text().c_str(), stdout);
            return 0;
        }
        if (a == "--version" || a == "-v") {
            std::printf("corokv-server v=%s (Redis %s compatible)\n", COROKV_VERSION, "7.0.15");
            return 0;
        }
    }

    Config config;
    if (auto r = apply_command_line(config, args); !r) {
        std::fprintf(stderr, "corokv: bad configuration: %s\n", r.error().message.c_str());
        return 1;
    }
    log_configure(config.loglevel.load(), config.logfile);
    if (chdir(config.dir.c_str()) != 0) {
        std::fprintf(stderr, "corokv: config key 'dir': can't chdir to '%s': %s\n", config.dir.c_str(),
                     std::strerror(errno));
        return 1;
    }
    std::signal(SIGPIPE, SIG_IGN);
    raise_open_files_limit(config.maxclients.load());

    Store store(static_cast<std::size_t>(config.shards), config.databases);
    ServerState state(config, store);
    state.executable = absolute_path(argv[0]);
    state.config_file = config_file_of(args);

    Aof aof(state);
    state.aof = &aof;
    // Keys the store deletes on its own: "expired"/"evicted" notifications, then a DEL in the AOF.
    StoreEventPublisher store_events(state, &aof);
    store.set_deletion_observer(&store_events);

    // An existing log is replayed while the server already answers (-LOADING until it is
    // done), as Redis; a first start only creates empty files, before anyone can connect.
    bool load_after_start = false;
    if (config.appendonly.load()) {
        load_after_start = aof.has_log();
        if (!load_after_start) {
            if (auto r = aof.load_and_open(); !r) {
                log_message(LogLevel::warning, r.error().message);
                return 1;
            }
        }
    }
    state.loading.active = load_after_start;  // set before the first client can connect
    Server server(state);
    if (auto r = server.start(); !r) {
        log_message(LogLevel::warning, r.error().message);
        return 1;
    }
    if (load_after_start) {
        if (auto r = aof.load_and_open(); !r) {
            log_message(LogLevel::warning, r.error().message);
            std::fflush(nullptr);
            std::_Exit(1);  // worker threads are running: no static destructors
        }
        state.loading.active = false;
    }
    server.run_until_stopped();
    aof.shutdown();
    return 0;
}
