// In-process command runner for unit tests: no sockets, no threads. `run({"SET","k","v"})`
// executes one command through the real dispatcher and returns the raw RESP reply.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "commands/dispatch.hpp"
#include "commands/server_state.hpp"
#include "config/config.hpp"
#include "store/store.hpp"

namespace corokv::test {

class Harness {
public:
    explicit Harness(std::size_t shards = 4, int databases = 16)
        : store(shards, databases), state(config, store),
          client(1, "127.0.0.1:40000", "127.0.0.1:6379", 7, unix_time_ms()) {
        client.authenticated = true;
    }

    std::string run(std::initializer_list<std::string_view> args) {
        return run(std::vector<std::string_view>(args));
    }
    std::string run(const std::vector<std::string_view>& args) {
        std::string out;
        resp::ReplyWriter writer(out, client.proto);
        execute(state, client, args, writer);
        return out;
    }
    // A vector of owned strings (for generated arguments).
    std::string run_strings(const std::vector<std::string>& args) {
        std::vector<std::string_view> views(args.begin(), args.end());
        return run(views);
    }

    Config config;
    Store store;
    ServerState state;
    ClientSession client;
};

// Reply builders so expectations read like Redis replies.
inline std::string ok() { return "+OK\r\n"; }
inline std::string nil() { return "$-1\r\n"; }
inline std::string integer(long long n) { return ":" + std::to_string(n) + "\r\n"; }
inline std::string bulk(std::string_view s) {
    return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}
inline std::string err(std::string_view s) { return "-" + std::string(s) + "\r\n"; }
inline std::string array(std::initializer_list<std::string> items) {
    std::string s = "*" + std::to_string(items.size()) + "\r\n";
    for (const auto& i : items) s += i;
    return s;
}

}  // namespace corokv::test
