// CLIENT KILL, REPLY, NO-EVICT, UNBLOCK and the `timeout` setting, through the real
// dispatcher; the connections' kill hooks are recorded instead of closing sockets.
#include <doctest/doctest.h>

#include "commands/blocking.hpp"
#include "harness.hpp"

using namespace corokv;
using namespace corokv::test;

namespace {

// A registered second connection whose kill hook counts calls.
struct Victim : OtherClient {
    explicit Victim(Harness& h) : OtherClient(h) {
        session.kill = [this] { ++kills; };
        h.state.clients.add(std::shared_ptr<ClientSession>(std::shared_ptr<ClientSession>(), &session));
    }
    ~Victim() { h.state.clients.remove(session.id); }
    int kills = 0;
};

}  // namespace

TEST_CASE("client kill: the old form by address, the new form by filters, with Redis's errors") {
    Harness h;
    Victim v(h);
    CHECK(h.run({"CLIENT", "KILL", "1.2.3.4:5"}) == err("ERR No such client"));
    CHECK(h.run({"CLIENT", "KILL", "127.0.0.1:40001"}) == ok());
    CHECK(v.kills == 1);
    CHECK(h.run({"CLIENT", "KILL", "ID", "2"}) == integer(1));
    CHECK(h.run({"CLIENT", "KILL", "ID", "0"}) == err("ERR client-id should be greater than 0"));
    CHECK(h.run({"CLIENT", "KILL", "TYPE", "foo"}) == err("ERR Unknown client type 'foo'"));
    CHECK(h.run({"CLIENT", "KILL", "USER", "nobody"}) == err("ERR No such user 'nobody'"));
    CHECK(h.run({"CLIENT", "KILL", "SKIPME", "maybe"}) == syntax_error());
    CHECK(h.run({"CLIENT", "KILL", "ID"}) == err("ERR No such client"));
    CHECK(h.run({"CLIENT", "KILL", "TYPE", "pubsub"}) == integer(0));
    v.run({"SUBSCRIBE", "c"});
    CHECK(h.run({"CLIENT", "KILL", "TYPE", "pubsub"}) == integer(1));
    // SKIPME yes (the default) spares the caller; USER default matches everyone.
    CHECK(h.run({"CLIENT", "KILL", "USER", "default"}) == integer(1));
    CHECK(v.kills == 4);
    CHECK_FALSE(h.client.close_after_reply);
    CHECK(h.run({"CLIENT", "KILL", "LADDR", "127.0.0.1:6379", "SKIPME", "no"}) == integer(2));
    CHECK(h.client.close_after_reply);  // the caller goes after this reply
}

TEST_CASE("client reply: OFF drops every reply until ON; SKIP drops the next command's") {
    Harness h;
    CHECK(h.run({"CLIENT", "REPLY", "SKIP"}).empty());
    CHECK(h.run({"SET", "a", "1"}).empty());
    CHECK(h.run({"GET", "a"}) == bulk("1"));
    CHECK(h.run({"CLIENT", "REPLY", "OFF"}).empty());
    CHECK(h.run({"GET", "a"}).empty());
    CHECK(h.run({"NOSUCH"}).empty());  // errors too
    CHECK(h.run({"CLIENT", "REPLY", "SKIP"}).empty());  // ignored while OFF
    CHECK(h.run({"SUBSCRIBE", "c"}) == "*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n");  // pushes still go
    h.run({"UNSUBSCRIBE"});
    CHECK(h.run({"CLIENT", "REPLY", "ON"}) == ok());
    CHECK(h.run({"GET", "a"}) == bulk("1"));
    CHECK(h.run({"CLIENT", "REPLY", "MAYBE"}) == syntax_error());
}

TEST_CASE("client no-evict: sets the e flag; anything but ON/OFF is a syntax error") {
    Harness h;
    CHECK(h.run({"CLIENT", "NO-EVICT", "on"}) == ok());
    CHECK(h.client.info_line(unix_time_ms()).find(" flags=e ") != std::string::npos);
    CHECK(h.run({"CLIENT", "NO-EVICT", "maybe"}) == syntax_error());
    CHECK(h.run({"CLIENT", "NO-EVICT", "off"}) == ok());
    CHECK(h.client.info_line(unix_time_ms()).find(" flags=N ") != std::string::npos);
}

TEST_CASE("client unblock: ends a BLPOP with its timeout reply or -UNBLOCKED; 0 when not blocked") {
    Harness h;
    Victim v(h);
    std::string reply;
    auto bc = v.run_blocking({"BLPOP", "q", "0"}, reply);
    REQUIRE(bc);
    bc->wake = [] {};
    CHECK(h.run({"CLIENT", "UNBLOCK", "2"}) == integer(1));
    CHECK(bc->state == BlockedClient::State::served);
    CHECK(bc->reply == "*-1\r\n");
    CHECK(h.state.blocked_clients.load() == 0);
    CHECK(h.run({"CLIENT", "UNBLOCK", "2"}) == integer(0));  // nothing to unblock now

    auto again = v.run_blocking({"BLMOVE", "q", "d", "LEFT", "LEFT", "0"}, reply);
    REQUIRE(again);
    CHECK(h.run({"CLIENT", "UNBLOCK", "2", "ERROR"}) == integer(1));
    CHECK(again->reply == "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
    CHECK(h.run({"RPUSH", "q", "x"}) == integer(1));  // no waiter left to take it
    CHECK(h.run({"CLIENT", "UNBLOCK", "abc"}) == not_integer());
    CHECK(h.run({"CLIENT", "UNBLOCK", "2", "FOO"}) == err("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR"));
    CHECK(h.run({"CLIENT", "UNBLOCK", "99"}) == integer(0));
}

TEST_CASE("config: timeout is read and set in seconds") {
    Harness h;
    CHECK(h.run({"CONFIG", "GET", "timeout"}) == bulks({"timeout", "0"}));
    CHECK(h.run({"CONFIG", "SET", "timeout", "5"}) == ok());
    CHECK(h.config.timeout.load() == 5);
    CHECK(h.run({"CONFIG", "SET", "timeout", "-1"}).substr(0, 4) == "-ERR");
}

TEST_CASE("monitor: other clients' commands reach the monitor as Redis formats them") {
    Harness h;
    OtherClient other(h);
    std::vector<std::string> lines;
    h.client.deliver = [&](const PushFrame& f) { lines.push_back(*f); };
    CHECK(h.run({"MONITOR"}) == ok());
    CHECK(h.client.info_line(unix_time_ms()).find(" flags=O ") != std::string::npos);
    other.run({"SET", "k", "a\x01\"b"});
    other.run({"AUTH", "pw"});
    other.run({"CONFIG", "GET", "timeout"});  // admin: not shown
    other.run({"NOSUCH"});                     // never ran: not shown
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].find(" [0 127.0.0.1:40001] \"SET\" \"k\" \"a\\x01\\\"b\"\r\n") != std::string::npos);
    CHECK(lines[0][0] == '+');
    CHECK(lines[1].ends_with("\"AUTH\" \"(redacted)\"\r\n"));
    // Its own commands come after their reply, in its own stream.
    const std::string ping = h.run({"PING"});
    CHECK(ping.starts_with("+PONG\r\n+"));
    CHECK(ping.ends_with("\"PING\"\r\n"));
    CHECK(h.run({"GET", "k"}) == err("ERR Replica can't interact with the keyspace"));
    CHECK(h.run({"RESET"}) == simple("RESET"));
    other.run({"SET", "k", "v"});
    CHECK(lines.size() == 2);  // no longer monitoring
    h.run({"MULTI"});
    h.run({"MONITOR"});
    CHECK(h.run({"EXEC"}) == "*1\r\n" + err("ERR MONITOR isn't allowed for DENY BLOCKING client"));
}

TEST_CASE("slowlog: entries newest first, truncated and redacted as Redis; LEN, RESET, max-len") {
    Harness h;
    CHECK(h.run({"CONFIG", "GET", "slowlog-log-slower-than"}) == bulks({"slowlog-log-slower-than", "10000"}));
    h.run({"CONFIG", "SET", "slowlog-log-slower-than", "0"});
    CHECK(h.run({"SLOWLOG", "RESET"}) == ok());
    CHECK(h.run({"SLOWLOG", "LEN"}) == integer(1));  // the RESET itself
    h.run({"CLIENT", "SETNAME", "me"});
    const std::string long_value(130, 'x');
    h.run({"SET", "k", long_value});
    h.run({"AUTH", "secret"});
    std::vector<std::string> many{"RPUSH", "l"};
    for (int i = 0; i < 40; ++i) many.push_back(std::to_string(i));
    h.run_strings(many);
    h.run({"NOSUCH"});  // never ran: not logged
    const Reply got = decode(h.run({"SLOWLOG", "GET", "3"}));
    REQUIRE(got.items.size() == 3);
    const std::vector<std::string> rpush = got.items[0].items[3].strings();
    REQUIRE(rpush.size() == 32);
    CHECK(rpush[31] == "... (11 more arguments)");
    CHECK(got.items[1].items[3].strings() == std::vector<std::string>{"AUTH", "(redacted)"});
    CHECK(got.items[2].items[3].strings()[2] == std::string(128, 'x') + "... (2 more bytes)");
    CHECK(got.items[0].items[4].text == "127.0.0.1:40000");
    CHECK(got.items[0].items[5].text == "me");
    CHECK(std::stoll(got.items[0].items[0].text) > std::stoll(got.items[1].items[0].text));  // ids grow
    CHECK(h.run({"SLOWLOG", "GET", "-2"}) == err("ERR count should be greater than or equal to -1"));
    h.run({"CONFIG", "SET", "slowlog-max-len", "2"});
    h.run({"PING"});
    CHECK(h.run({"SLOWLOG", "LEN"}) == integer(2));
    h.run({"CONFIG", "SET", "slowlog-log-slower-than", "-1"});
    h.run({"SLOWLOG", "RESET"});
    h.run({"PING"});
    CHECK(h.run({"SLOWLOG", "LEN"}) == integer(0));  // -1: nothing is logged
}

TEST_CASE("client pause: which commands wait, how pauses combine, UNPAUSE, Redis's errors") {
    Harness h;
    OtherClient other(h);
    const auto waits = [&](std::initializer_list<std::string_view> args) {
        return paused_for(h.state, other.session, std::vector<std::string_view>(args));
    };
    CHECK_FALSE(waits({"GET", "k"}));
    CHECK(h.run({"CLIENT", "PAUSE", "10000", "WRITE"}) == ok());
    CHECK_FALSE(waits({"GET", "k"}));
    CHECK(waits({"SET", "k", "v"}));
    CHECK(waits({"PUBLISH", "c", "m"}));
    other.run({"MULTI"});
    other.run({"INCR", "n"});
    CHECK(waits({"EXEC"}));
    CHECK(h.run({"CLIENT", "PAUSE", "10", "ALL"}) == ok());  // the stronger mode, the later end
    CHECK(waits({"GET", "k"}));
    CHECK(h.state.pause.end_ms.load() > unix_time_ms() + 5000);
    other.session.monitoring = true;  // monitors are never paused
    CHECK_FALSE(waits({"PING"}));
    other.session.monitoring = false;
    CHECK(h.run({"CLIENT", "UNPAUSE"}) == ok());
    CHECK_FALSE(waits({"SET", "k", "v"}));
    CHECK(h.run({"CLIENT", "PAUSE", "abc"}) == err("ERR timeout is not an integer or out of range"));
    CHECK(h.run({"CLIENT", "PAUSE", "-1"}) == err("ERR timeout is negative"));
    CHECK(h.run({"CLIENT", "PAUSE", "10", "foo"}) == err("ERR CLIENT PAUSE mode must be WRITE or ALL"));
    CHECK(h.run({"CLIENT", "PAUSE", "10", "write", "x"}) ==
          err("ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP."));
}
