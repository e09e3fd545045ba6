// Pub/Sub through the real dispatcher: (un)subscribe replies and counts, RESP2 subscribed
// mode, fan-out to other sessions' delivery hooks (channels, patterns, shard channels),
// introspection, and the client-output-buffer-limit setting.
#include <doctest/doctest.h>

#include "harness.hpp"

using namespace corokv;
using namespace corokv::test;

namespace {

// Collects the frames a session's connection would be handed.
struct Inbox {
    explicit Inbox(ClientSession& s) {
        s.deliver = [this](const PushFrame& f) { frames.push_back(*f); };
    }
    std::vector<std::string> frames;
};

std::string frame(std::initializer_list<std::string_view> parts) { return bulks(parts); }

}  // namespace

TEST_CASE("pubsub: SUBSCRIBE/PSUBSCRIBE reply per name with the running count; UNSUBSCRIBE alike") {
    Harness h;
    CHECK(h.run({"SUBSCRIBE", "a", "b", "a"}) ==
          "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n"
          "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:2\r\n");
    CHECK(h.run({"PSUBSCRIBE", "n*"}) == "*3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:3\r\n");
    CHECK(h.run({"SSUBSCRIBE", "s"}) == "*3\r\n$10\r\nssubscribe\r\n$1\r\ns\r\n:1\r\n");  // shard: own count
    CHECK(h.run({"UNSUBSCRIBE", "b"}) == "*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:2\r\n");
    CHECK(h.run({"PUNSUBSCRIBE"}) == "*3\r\n$12\r\npunsubscribe\r\n$2\r\nn*\r\n:1\r\n");
    CHECK(h.run({"PUNSUBSCRIBE"}) == "*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:1\r\n");  // none left
    CHECK(h.client.info_line(unix_time_ms()).find(" flags=P ") != std::string::npos);
    CHECK(h.client.info_line(unix_time_ms()).find(" sub=1 psub=0 ssub=1 ") != std::string::npos);
}

TEST_CASE("pubsub: a subscribed RESP2 connection may only (un)subscribe, PING, QUIT, RESET") {
    Harness h;
    h.run({"SUBSCRIBE", "a"});
    CHECK(h.run({"GET", "k"}) == err("ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / "
                                     "PING / QUIT / RESET are allowed in this context"));
    CHECK(h.run({"PUBSUB", "NUMPAT"}) == err("ERR Can't execute 'pubsub|numpat': only (P|S)SUBSCRIBE / "
                                             "(P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"));
    CHECK(h.run({"PING"}) == bulks({"pong", ""}));
    CHECK(h.run({"PING", "x"}) == bulks({"pong", "x"}));
    CHECK(h.run({"RESET"}) == simple("RESET"));
    CHECK(h.run({"GET", "k"}) == nil());
    CHECK(h.state.pubsub.subscribers(SubscriptionKind::channel, "a") == 0);
}

TEST_CASE("pubsub: RESP3 subscribers get push frames and may run any command") {
    Harness h;
    h.client.proto = 3;
    CHECK(h.run({"SUBSCRIBE", "a"}) == ">3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n");
    CHECK(h.run({"GET", "k"}) == "_\r\n");
    // Its own message comes in its reply stream, ahead of PUBLISH's reply.
    CHECK(h.run({"PUBLISH", "a", "hi"}) == ">3\r\n$7\r\nmessage\r\n$1\r\na\r\n$2\r\nhi\r\n:1\r\n");
}

TEST_CASE("pubsub: PUBLISH reaches channel then pattern subscribers, once per subscription") {
    Harness h;
    OtherClient sub(h);
    Inbox inbox(sub.session);
    sub.run({"SUBSCRIBE", "news.tech"});
    sub.run({"PSUBSCRIBE", "news.*", "*"});
    CHECK(h.run({"PUBLISH", "news.tech", "m"}) == integer(3));
    REQUIRE(inbox.frames.size() == 3);
    CHECK(inbox.frames[0] == frame({"message", "news.tech", "m"}));
    CHECK(sorted({inbox.frames[1], inbox.frames[2]}) ==
          sorted({frame({"pmessage", "news.*", "news.tech", "m"}), frame({"pmessage", "*", "news.tech", "m"})}));
    CHECK(h.run({"PUBLISH", "nobody-listens", "m"}) == integer(1));  // only the "*" pattern
    CHECK(h.run({"SPUBLISH", "news.tech", "m"}) == integer(0));     // shard channels are apart
    sub.run({"SSUBSCRIBE", "news.tech"});
    CHECK(h.run({"SPUBLISH", "news.tech", "s"}) == integer(1));
    CHECK(inbox.frames.back() == frame({"smessage", "news.tech", "s"}));
}

TEST_CASE("pubsub: PUBSUB CHANNELS, NUMSUB, NUMPAT, SHARDCHANNELS, SHARDNUMSUB") {
    Harness h;
    OtherClient a(h), b(h);
    a.run({"SUBSCRIBE", "x", "y"});
    b.run({"SUBSCRIBE", "x"});
    b.run({"PSUBSCRIBE", "p*", "q*"});
    a.run({"PSUBSCRIBE", "p*"});
    a.run({"SSUBSCRIBE", "s1"});
    CHECK(sorted(decode(h.run({"PUBSUB", "CHANNELS"})).strings()) == std::vector<std::string>{"x", "y"});
    CHECK(h.run({"PUBSUB", "CHANNELS", "y*"}) == bulks({"y"}));
    CHECK(h.run({"PUBSUB", "NUMSUB", "x", "y", "z"}) == "*6\r\n$1\r\nx\r\n:2\r\n$1\r\ny\r\n:1\r\n$1\r\nz\r\n:0\r\n");
    CHECK(h.run({"PUBSUB", "NUMPAT"}) == integer(2));  // distinct patterns
    CHECK(h.run({"PUBSUB", "SHARDCHANNELS"}) == bulks({"s1"}));
    CHECK(h.run({"PUBSUB", "SHARDNUMSUB", "s1"}) == "*2\r\n$2\r\ns1\r\n:1\r\n");
    CHECK(h.run({"PUBSUB", "CHANNELS", "a", "b"}) ==
          err("ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP."));
    unsubscribe_all(h.state.pubsub, a.session);  // what a disconnect does
    unsubscribe_all(h.state.pubsub, b.session);
    CHECK(h.run({"PUBSUB", "NUMPAT"}) == integer(0));
    CHECK(h.run({"PUBSUB", "CHANNELS"}) == "*0\r\n");
}

TEST_CASE("pubsub: MULTI queues SUBSCRIBE; EXEC runs it") {
    Harness h;
    h.run({"MULTI"});
    CHECK(h.run({"SUBSCRIBE", "c"}) == simple("QUEUED"));
    CHECK(h.run({"EXEC"}) == "*1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nc\r\n:1\r\n");
    CHECK(h.client.subscriptions.any());
}

TEST_CASE("config: client-output-buffer-limit is read and set as Redis does") {
    Harness h;
    CHECK(h.run({"CONFIG", "GET", "client-output-buffer-limit"}) ==
          bulks({"client-output-buffer-limit", "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60"}));
    CHECK(h.run({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb 512kb 10 replica 1 2 3"}) == ok());
    CHECK(h.run({"CONFIG", "GET", "client-output-buffer-limit"}) ==
          bulks({"client-output-buffer-limit", "normal 0 0 0 slave 1 2 3 pubsub 1048576 524288 10"}));
    CHECK(h.run({"CONFIG", "SET", "client-output-buffer-limit", "pubsub 1mb"}) ==
          err("ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Wrong number of "
              "arguments in buffer limit configuration."));
    CHECK(h.run({"CONFIG", "SET", "client-output-buffer-limit", "foo 1 2 3"}) ==
          err("ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Invalid client "
              "class specified in buffer limit configuration."));
    CHECK(h.run({"CONFIG", "SET", "client-output-buffer-limit", "normal 1x 2 3"}) ==
          err("ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - Error in hard, "
              "soft or soft_seconds setting in buffer limit configuration."));
}
