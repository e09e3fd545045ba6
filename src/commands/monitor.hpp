// MONITOR: clients that see every command the server runs, as Redis's
// replicationFeedMonitors formats it. Plain C++: lines go out through ClientSession::deliver.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <span>
#include <string_view>
#include <vector>

#include "commands/clients.hpp"
#include "resp/writer.hpp"

namespace corokv {

// Whether argument `i` is a credential that MONITOR and SLOWLOG show as "(redacted)": AUTH's,
// HELLO ... AUTH's, CONFIG SET requirepass's.
bool redacted_argument(std::span<const std::string_view> args, std::size_t i);

class Monitors {
public:
    void add(ClientSession& client);
    void remove(ClientSession& client);
    // One relaxed load: the dispatcher formats nothing while nobody monitors.
    bool any() const { return count_.load(std::memory_order_relaxed) > 0; }

    // Shows a command `from` ran on `db` to every monitor: `+<sec>.<usec> [<db> <addr>] "arg" ...`.
    // A monitor's own commands go into its reply stream `from_out`, after their reply.
    void feed(ClientSession& from, int db, std::span<const std::string_view> args, resp::ReplyWriter& from_out);

private:
    std::mutex mutex_;
    std::vector<ClientSession*> clients_;  // removed before their session goes away
    std::atomic<int> count_{0};
};

}  // namespace corokv
