// In-process command runner for unit tests: no sockets, no threads. `run({"SET","k","v"})`
// executes one command through the real dispatcher and returns the raw RESP reply.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <memory>
#include <stdexcept>
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
        client.set_user(state.acl.default_user());
        // Registered without ownership, so CLIENT LIST and INFO clients see it as a server
        // connection would be seen.
        state.clients.add(std::shared_ptr<ClientSession>(std::shared_ptr<ClientSession>(), &client));
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
    // Runs a command as if the clock read `now_ms`: expiry and idle times without sleeping.
    std::string run_at(std::int64_t now_ms, std::initializer_list<std::string_view> args) {
        std::string out;
        resp::ReplyWriter writer(out, client.proto);
        execute(state, client, std::vector<std::string_view>(args), writer, now_ms);
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

// A second client of the same server, as another connection would be: its own session (db,
// protocol, transaction, watches).
struct OtherClient {
    explicit OtherClient(Harness& h) : h(h), session(2, "127.0.0.1:40001", "127.0.0.1:6379", 8, unix_time_ms()) {
        session.authenticated = true;
        session.set_user(h.state.acl.default_user());
    }
    std::string run(std::initializer_list<std::string_view> args) {
        std::string reply;
        run_blocking(std::vector<std::string_view>(args), reply);
        return reply;
    }
    // Returns the registration when the command blocked (BLPOP on an empty list).
    std::shared_ptr<BlockedClient> run_blocking(std::vector<std::string_view> args, std::string& reply) {
        resp::ReplyWriter out(reply, session.proto);
        return execute(h.state, session, args, out);
    }
    Harness& h;
    ClientSession session;
};

// Reply builders so expectations read like Redis replies.
inline std::string ok() { return "+OK\r\n"; }
inline std::string nil() { return "$-1\r\n"; }
inline std::string integer(long long n) { return ":" + std::to_string(n) + "\r\n"; }
inline std::string bulk(std::string_view s) {
    return "$" + std::to_string(s.size()) + "\r\n" + std::string(s) + "\r\n";
}
inline std::string err(std::string_view s) { return "-" + std::string(s) + "\r\n"; }
inline std::string simple(std::string_view s) { return "+" + std::string(s) + "\r\n"; }
// Errors many commands share, spelled exactly as Redis does.
inline std::string wrongtype() {
    return err("WRONGTYPE Operation against a key holding the wrong kind of value");
}
inline std::string not_integer() { return err("ERR value is not an integer or out of range"); }
inline std::string syntax_error() { return err("ERR syntax error"); }
inline std::string arity_error(std::string_view command) {
    return err("ERR wrong number of arguments for '" + std::string(command) + "' command");
}
// An array of bulk strings: bulks({"a", "b"}) == "*2\r\n$1\r\na\r\n$1\r\nb\r\n".
inline std::string bulks(std::initializer_list<std::string_view> items) {
    std::string s = "*" + std::to_string(items.size()) + "\r\n";
    for (auto i : items) s += bulk(i);
    return s;
}
inline std::string array(std::initializer_list<std::string> items) {
    std::string s = "*" + std::to_string(items.size()) + "\r\n";
    for (const auto& i : items) s += i;
    return s;
}

// A decoded reply, for checks where Redis leaves the order open (HGETALL, KEYS, SCAN) or
// the content varies from run to run (TIME, INFO, CLIENT LIST, TTLs).
struct Reply {
    char type = 0;              // the RESP type byte: + - : $ * % ~ > _ , # = (
    std::string text;           // simple, error, bulk or verbatim text; integer digits
    bool is_null = false;       // $-1, *-1 and RESP3 _
    std::vector<Reply> items;   // array/set/push elements; map keys and values alternate

    long long integer() const { return std::stoll(text); }
    // The texts of the items, in reply order (for a flat array of strings).
    std::vector<std::string> strings() const {
        std::vector<std::string> out;
        for (const Reply& r : items) out.push_back(r.text);
        return out;
    }
};

namespace detail {
inline Reply decode_at(std::string_view s, std::size_t& pos) {
    const std::size_t eol = s.find("\r\n", pos);
    if (pos >= s.size() || eol == std::string_view::npos) throw std::runtime_error("truncated reply");
    Reply r;
    r.type = s[pos];
    const std::string head(s.substr(pos + 1, eol - pos - 1));
    pos = eol + 2;
    switch (r.type) {
        case '$': case '=': case '!': {
            const long long n = std::stoll(head);
            if (n < 0) {
                r.is_null = true;
                break;
            }
            r.text = std::string(s.substr(pos, static_cast<std::size_t>(n)));
            pos += static_cast<std::size_t>(n) + 2;
            break;
        }
        case '*': case '~': case '>': case '%': {
            long long n = std::stoll(head);
            if (n < 0) {
                r.is_null = true;
                break;
            }
            if (r.type == '%') n *= 2;
            for (long long i = 0; i < n; ++i) r.items.push_back(decode_at(s, pos));
            break;
        }
        case '_':
            r.is_null = true;
            break;
        default:  // + - : , # (
            r.text = head;
    }
    return r;
}
}  // namespace detail

// Decodes one complete reply; throws (a failed check in doctest) on malformed or extra bytes.
inline Reply decode(std::string_view resp) {
    std::size_t pos = 0;
    Reply r = detail::decode_at(resp, pos);
    if (pos != resp.size()) throw std::runtime_error("trailing bytes after the reply");
    return r;
}

inline std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

}  // namespace corokv::test
