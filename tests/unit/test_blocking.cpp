// Blocked clients without sockets: one session blocks, another writes, and the blocked
// client's registration must end up holding the reply (served on the writer's thread) —
// the same path the server takes, minus the connection's wait.
#include <doctest/doctest.h>

#include <climits>

#include "commands/blocking.hpp"
#include "harness.hpp"

using namespace corokv;
using namespace corokv::test;

namespace {

BlockedClient::State state_of(BlockedClient& bc) {
    std::lock_guard lock(bc.mutex);
    return bc.state;
}

}  // namespace

TEST_CASE("blocking: a command with data available replies at once and does not block") {
    Harness h;
    h.run({"RPUSH", "q", "a"});
    OtherClient other(h);
    std::string reply;
    CHECK(other.run_blocking({"BLPOP", "q", "0"}, reply) == nullptr);
    CHECK(reply == array({bulk("q"), bulk("a")}));
    CHECK(h.state.blocked_clients.load() == 0);
}

TEST_CASE("blocking: a push serves the blocked client with the element") {
    Harness h;
    OtherClient other(h);
    std::string reply;
    auto bc = other.run_blocking({"BLPOP", "q", "0"}, reply);
    REQUIRE(bc);
    CHECK(reply.empty());
    CHECK(h.state.blocked_clients.load() == 1);
    CHECK(h.run({"RPUSH", "q", "x", "y"}) == integer(2));
    CHECK(state_of(*bc) == BlockedClient::State::served);
    CHECK(bc->reply == array({bulk("q"), bulk("x")}));
    CHECK(h.run({"LRANGE", "q", "0", "-1"}) == array({bulk("y")}));
    CHECK(h.state.blocked_clients.load() == 0);
}

TEST_CASE("blocking: waiters are served first come first served, one element each") {
    Harness h;
    OtherClient a(h), b(h);
    std::string ra, rb;
    auto first = a.run_blocking({"BRPOP", "q", "0"}, ra);
    auto second = b.run_blocking({"BRPOP", "q", "0"}, rb);
    REQUIRE(first);
    REQUIRE(second);
    h.run({"LPUSH", "q", "only"});
    CHECK(state_of(*first) == BlockedClient::State::served);
    CHECK(state_of(*second) == BlockedClient::State::waiting);
    CHECK(first->reply == array({bulk("q"), bulk("only")}));
    h.run({"LPUSH", "q", "next"});
    CHECK(second->reply == array({bulk("q"), bulk("next")}));
    CHECK(h.run({"EXISTS", "q"}) == integer(0));
}

TEST_CASE("blocking: a timed-out client is no longer served") {
    Harness h;
    OtherClient other(h);
    std::string reply;
    auto bc = other.run_blocking({"BLPOP", "q", "0"}, reply);
    REQUIRE(bc);
    CHECK(finish_waiting(*bc, BlockedClient::State::timed_out));
    unregister_blocked(h.state, bc);
    CHECK(h.state.blocked_clients.load() == 0);
    h.run({"RPUSH", "q", "kept"});
    CHECK(bc->reply.empty());
    CHECK(h.run({"LLEN", "q"}) == integer(1));
    std::string out;
    resp::ReplyWriter w(out, 2);
    reply_timeout(w, bc->on_timeout);
    CHECK(out == "*-1\r\n");
}

TEST_CASE("blocking: a served BLMOVE pushes on and serves the destination's waiter") {
    Harness h;
    OtherClient mover(h), end(h);
    std::string rm, re;
    auto last = end.run_blocking({"BLPOP", "dst", "0"}, re);
    auto middle = mover.run_blocking({"BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"}, rm);
    REQUIRE(last);
    REQUIRE(middle);
    // Redis 7.0 answers a timed-out BLMOVE with a null array, like BLPOP.
    CHECK(middle->on_timeout == TimeoutReply::null_array);
    h.run({"RPUSH", "src", "item"});
    CHECK(middle->reply == bulk("item"));
    CHECK(last->reply == array({bulk("dst"), bulk("item")}));
    CHECK(h.run({"EXISTS", "src", "dst"}) == integer(0));
}

TEST_CASE("blocking: a key of the wrong type keeps a list waiter waiting") {
    Harness h;
    OtherClient other(h);
    std::string reply;
    auto bc = other.run_blocking({"BLPOP", "k", "0"}, reply);
    REQUIRE(bc);
    h.run({"SET", "k", "string"});
    // Redis 7.0 serves list waiters from lists only: the client keeps waiting.
    CHECK(state_of(*bc) == BlockedClient::State::waiting);
    h.run({"DEL", "k"});
    h.run({"RPUSH", "k", "x"});
    CHECK(state_of(*bc) == BlockedClient::State::served);
    CHECK(bc->reply == array({bulk("k"), bulk("x")}));
}

TEST_CASE("blocking: timeouts parse as Redis parses them") {
    Harness h;
    CHECK(h.run({"BLPOP", "q", "-1"}) == err("ERR timeout is negative"));
    CHECK(h.run({"BLPOP", "q", "abc"}) == err("ERR timeout is not a float or out of range"));
    CHECK(h.run({"BLPOP", "q", ""}) == err("ERR timeout is not a float or out of range"));
    CHECK(h.run({"BLPOP", "q", "inf"}) == err("ERR timeout is negative"));
    CHECK(h.run({"BLPOP", "q", "1e300"}) == err("ERR timeout is negative"));
    CHECK(h.run({"BLPOP", "q", "9223372036854775807"}) == err("ERR timeout is negative"));
    OtherClient other(h);
    std::string reply;
    // Milliseconds round up: a tiny positive timeout waits 1 ms, a tiny negative one rounds
    // to 0 ms and blocks for ever, as Redis does.
    auto tiny = other.run_blocking({"BLPOP", "q4", "0.0001"}, reply);
    REQUIRE(tiny);
    CHECK(tiny->deadline_ms > 0);
    CHECK(tiny->deadline_ms <= unix_time_ms() + 1);
    auto bc = other.run_blocking({"BLPOP", "q", "-0.0001"}, reply);
    REQUIRE(bc);
    CHECK(bc->deadline_ms == 0);
    // Redis 7.0 does not check deadline overflow: the client waits (for ever, in effect).
    auto huge = other.run_blocking({"BLPOP", "q3", "9223372036854775"}, reply);
    REQUIRE(huge);
    CHECK(huge->deadline_ms == 0);
    auto timed = other.run_blocking({"BLPOP", "q2", "1.5"}, reply);
    REQUIRE(timed);
    CHECK(timed->deadline_ms >= unix_time_ms() + 1000);
    CHECK(timed->deadline_ms <= unix_time_ms() + 1500);
}
