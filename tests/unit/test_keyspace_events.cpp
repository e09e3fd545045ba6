// Keyspace notifications: notify-keyspace-events parsing and Redis's canonical formatting,
// CONFIG SET/GET, and the events handlers and the store publish (names, channels, order,
// class filters, keymiss, new, lazy and active expiry, a RESP3 client's own events).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "commands/keyspace_events.hpp"
#include "harness.hpp"

using namespace corokv;
using namespace corokv::test;

namespace {

// The frames another connection, psubscribed to every keyspace channel, is handed.
struct Listener {
    explicit Listener(Harness& h) : other(h) {
        other.session.deliver = [this](const PushFrame& f) { frames.push_back(*f); };
        other.run({"PSUBSCRIBE", "__key*__:*"});
    }
    // "channel message" per frame, then forgets them.
    std::vector<std::string> take() {
        std::vector<std::string> out;
        for (const std::string& f : frames) out.push_back(channel_and_message(f));
        frames.clear();
        return out;
    }
    // A pmessage frame is [pmessage, pattern, channel, message]: its last two bulks.
    static std::string channel_and_message(const std::string& frame) {
        std::vector<std::string> bulks;
        for (std::size_t at = 0; (at = frame.find('$', at)) != std::string::npos;) {
            const std::size_t eol = frame.find("\r\n", at);
            const auto len = static_cast<std::size_t>(std::stoul(frame.substr(at + 1, eol - at - 1)));
            bulks.push_back(frame.substr(eol + 2, len));
            at = eol + 2 + len + 2;
        }
        return bulks.size() < 2 ? frame : bulks[bulks.size() - 2] + " " + bulks.back();
    }
    OtherClient other;
    std::vector<std::string> frames;
};

// A server with notify-keyspace-events set to `flags`, and a listener on every keyspace channel.
struct Notifying {
    explicit Notifying(std::string_view flags) { h.run({"CONFIG", "SET", "notify-keyspace-events", flags}); }
    Harness h;
    Listener l{h};
};

using Events = std::vector<std::string>;

}  // namespace

TEST_CASE("keyspace events: flag letters parse as Redis's keyspaceEventsStringToFlags") {
    namespace kev = keyspace_events;
    CHECK(kev::parse("") == 0);
    CHECK(kev::parse("KEA") == (kev::kKeyspace | kev::kKeyevent | kev::kAll));
    CHECK(kev::parse("Ex") == (kev::kKeyevent | kev::kExpired));
    CHECK(kev::parse("g$lshzxetdmn") == (kev::kAll | kev::kKeyMiss | kev::kNew));
    CHECK_FALSE(kev::parse("Q").has_value());
    CHECK_FALSE(kev::parse("KE x").has_value());
    CHECK_FALSE(kev::parse("kea").has_value());  // case matters
    CHECK(kev::parse(std::string_view("K\0Q", 3)) == kev::kKeyspace);  // a C string ends at NUL
}

TEST_CASE("keyspace events: flags format as Redis's keyspaceEventsFlagsToString") {
    namespace kev = keyspace_events;
    const std::pair<std::string_view, std::string_view> cases[] = {
        {"AKE", "AKE"}, {"KEA", "AKE"}, {"Ex", "xE"},   {"Kg$", "g$K"},  {"KA", "AK"},
        {"n", "n"},     {"m", "m"},     {"", ""},       {"KEAmn", "AKEm"},  // A hides n, as Redis
        {"KEg$lshzxetd", "AKE"},        {"$Eg", "g$E"}, {"Elg", "glE"},  {"KExe", "xeKE"}};
    for (const auto& [letters, shown] : cases) {
        CAPTURE(letters);
        CHECK(kev::format(*kev::parse(letters)) == shown);
    }
}

TEST_CASE("keyspace events: CONFIG SET/GET notify-keyspace-events with Redis's error") {
    Harness h;
    CHECK(h.run({"CONFIG", "GET", "notify-keyspace-events"}) == bulks({"notify-keyspace-events", ""}));
    CHECK(h.run({"CONFIG", "SET", "notify-keyspace-events", "KEA"}) == ok());
    CHECK(h.run({"CONFIG", "GET", "notify-keyspace-events"}) == bulks({"notify-keyspace-events", "AKE"}));
    CHECK(h.run({"CONFIG", "SET", "notify-keyspace-events", "Kz!"}) ==
          err("ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event "
              "class character. Use 'Ag$lshzxeKEtmdn'."));
    CHECK(h.run({"CONFIG", "GET", "notify-keyspace-events"}) == bulks({"notify-keyspace-events", "AKE"}));
    Config fresh;
    CHECK(fresh.set("notify-keyspace-events", "Elg"));
    CHECK(fresh.get("notify-keyspace-events").value() == "glE");
    CHECK_FALSE(fresh.set("notify-keyspace-events", "y"));
}

TEST_CASE("keyspace events: nothing is published while the flags are off") {
    Harness h;
    Listener l(h);
    h.run({"SET", "k", "v", "EX", "100"});
    h.run({"LPUSH", "l", "x"});
    h.run({"GET", "missing"});
    CHECK(l.take().empty());
}

TEST_CASE("keyspace events: a write publishes on __keyspace@db__:key and __keyevent@db__:event") {
    Notifying n("KEA");
    auto& [h, l] = n;
    h.run({"SET", "k", "v", "EX", "100"});
    CHECK(l.take() == Events{"__keyspace@0__:k set", "__keyevent@0__:set k", "__keyspace@0__:k expire",
                             "__keyevent@0__:expire k"});
    h.run({"SELECT", "3"});
    h.run({"MSET", "a", "1", "b", "2"});
    CHECK(l.take() == Events{"__keyspace@3__:a set", "__keyevent@3__:set a", "__keyspace@3__:b set",
                             "__keyevent@3__:set b"});
    h.run({"RPUSH", "q", "x"});
    h.run({"LMOVE", "q", "w", "LEFT", "RIGHT"});
    l.take();
    h.run({"RENAME", "w", "w2"});
    CHECK(l.take() == Events{"__keyspace@3__:w rename_from", "__keyevent@3__:rename_from w",
                             "__keyspace@3__:w2 rename_to", "__keyevent@3__:rename_to w2"});
}

TEST_CASE("keyspace events: the last element taken deletes the key with a del event") {
    Notifying n("Elsghz");
    auto& [h, l] = n;
    h.run({"RPUSH", "l", "a"});
    h.run({"SADD", "s", "a"});
    h.run({"HSET", "h", "f", "v"});
    h.run({"ZADD", "z", "1", "m"});
    l.take();
    h.run({"LPOP", "l"});
    h.run({"SREM", "s", "a"});
    h.run({"HDEL", "h", "f"});
    h.run({"ZPOPMAX", "z"});
    CHECK(l.take() == Events{"__keyevent@0__:lpop l", "__keyevent@0__:del l", "__keyevent@0__:srem s",
                             "__keyevent@0__:del s", "__keyevent@0__:hdel h", "__keyevent@0__:del h",
                             "__keyevent@0__:zpopmax z", "__keyevent@0__:del z"});
    h.run({"LPOP", "l"});  // nothing left: no event
    h.run({"SINTERSTORE", "dst", "nokey"});
    CHECK(l.take().empty());
}

TEST_CASE("keyspace events: classes filter, K and E pick the channels") {
    Notifying n("Kl");
    auto& [h, l] = n;
    h.run({"SET", "k", "v"});
    h.run({"LPUSH", "l", "x"});
    h.run({"DEL", "k", "l"});
    CHECK(l.take() == Events{"__keyspace@0__:l lpush"});
    h.run({"CONFIG", "SET", "notify-keyspace-events", "g"});  // a class without K or E: nothing
    h.run({"SET", "k", "v"});
    h.run({"DEL", "k"});
    CHECK(l.take().empty());
}

TEST_CASE("keyspace events: keymiss (m) on read misses only, new (n) when a key is added") {
    Notifying n("Emn");
    auto& [h, l] = n;
    h.run({"GET", "nokey"});
    h.run({"MGET", "a", "b"});
    h.run({"OBJECT", "ENCODING", "nokey"});  // Redis looks it up without notifying
    h.run({"INCR", "n"});                    // a write: no keymiss, a new key
    h.run({"INCR", "n"});
    CHECK(l.take() == Events{"__keyevent@0__:keymiss nokey", "__keyevent@0__:keymiss a",
                             "__keyevent@0__:keymiss b", "__keyevent@0__:new n"});
    h.run({"SET", "x", "1"});
    h.run({"RENAME", "n", "x"});  // Redis deletes the destination and adds it: new again
    CHECK(l.take() == Events{"__keyevent@0__:new x", "__keyevent@0__:new x"});
}

TEST_CASE("keyspace events: a key found expired by a lookup publishes expired first") {
    Harness h;
    Listener l(h);
    StoreEventPublisher publisher(h.state, nullptr);
    h.store.set_deletion_observer(&publisher);
    h.run({"CONFIG", "SET", "notify-keyspace-events", "KExm"});
    const std::int64_t now = unix_time_ms();
    h.run_at(now, {"SET", "k", "v", "PX", "10"});
    h.run_at(now + 100, {"GET", "k"});
    CHECK(l.take() == Events{"__keyspace@0__:k expired", "__keyevent@0__:expired k", "__keyspace@0__:k keymiss",
                             "__keyevent@0__:keymiss k"});
    h.run_at(now, {"SET", "scanned", "v", "PX", "10"});
    h.run_at(now + 100, {"SCAN", "0"});  // SCAN deletes the expired keys it meets, as Redis
    CHECK(l.take() == Events{"__keyspace@0__:scanned expired", "__keyevent@0__:expired scanned"});
    h.run_at(now, {"SET", "gone", "v", "PX", "10"});
    h.store.active_expire_cycle(now + 100, std::chrono::milliseconds(50));
    CHECK(l.take() == Events{"__keyspace@0__:gone expired", "__keyevent@0__:expired gone"});
}

TEST_CASE("keyspace events: a RESP3 client gets its own events in its reply stream, where Redis puts them") {
    Harness h;
    h.client.proto = 3;
    h.run({"CONFIG", "SET", "notify-keyspace-events", "E$l"});
    h.run({"SUBSCRIBE", "__keyevent@0__:set", "__keyevent@0__:rpush"});
    const std::string set_push = ">3\r\n$7\r\nmessage\r\n$18\r\n__keyevent@0__:set\r\n$1\r\nk\r\n";
    CHECK(h.run({"SET", "k", "v"}) == set_push + "+OK\r\n");  // SET notifies, then replies
    const std::string rpush_push = ">3\r\n$7\r\nmessage\r\n$20\r\n__keyevent@0__:rpush\r\n$1\r\nl\r\n";
    CHECK(h.run({"RPUSH", "l", "x"}) == ":1\r\n" + rpush_push);  // RPUSH replies, then notifies
}
