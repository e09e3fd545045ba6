// MULTI/EXEC/DISCARD/WATCH/UNWATCH through the real dispatcher: queuing, EXECABORT, runtime
// errors in place, and every way a watched key can be touched (another client's write,
// expiry, FLUSHDB) or not (another db, a failed write, UNWATCH).
#include <doctest/doctest.h>

#include "harness.hpp"

using namespace corokv;
using namespace corokv::test;

namespace {

// Keys of `db` that some client watches, over all shards.
std::size_t watched_keys(Harness& h, int db = 0) {
    std::size_t n = 0;
    for (std::size_t s = 0; s < h.store.shard_count(); ++s)
        n += h.store.shard(s).dbs[static_cast<std::size_t>(db)].watched_keys();
    return n;
}

}  // namespace

TEST_CASE("multi: commands are queued and EXEC replies each in order, errors in place") {
    Harness h;
    CHECK(h.run({"MULTI"}) == ok());
    CHECK(h.run({"SET", "a", "1"}) == simple("QUEUED"));
    CHECK(h.run({"INCR", "a"}) == simple("QUEUED"));
    CHECK(h.run({"LPUSH", "a", "x"}) == simple("QUEUED"));
    CHECK(h.run({"GET", "a"}) == simple("QUEUED"));
    CHECK(h.run({"EXEC"}) == "*4\r\n+OK\r\n:2\r\n" + wrongtype() + "$1\r\n2\r\n");
    CHECK(h.client.tx.queued.empty());
    CHECK(h.run({"EXEC"}) == err("ERR EXEC without MULTI"));
    CHECK(h.run({"DISCARD"}) == err("ERR DISCARD without MULTI"));
}

TEST_CASE("multi: an empty transaction, nesting, WATCH inside, DISCARD") {
    Harness h;
    CHECK(h.run({"MULTI"}) == ok());
    CHECK(h.run({"MULTI"}) == err("ERR MULTI calls can not be nested"));
    CHECK(h.run({"WATCH", "k"}) == err("ERR WATCH inside MULTI is not allowed"));
    CHECK(h.run({"EXEC"}) == "*0\r\n");  // neither error aborts the transaction
    CHECK(h.run({"MULTI"}) == ok());
    CHECK(h.run({"SET", "a", "1"}) == simple("QUEUED"));
    CHECK(h.run({"DISCARD"}) == ok());
    CHECK(h.run({"EXISTS", "a"}) == integer(0));
}

TEST_CASE("multi: a command refused while queuing makes EXEC answer EXECABORT and run nothing") {
    Harness h;
    for (auto bad : {std::vector<std::string_view>{"SET", "a"}, std::vector<std::string_view>{"NOSUCH"},
                     std::vector<std::string_view>{"SHUTDOWN"}}) {
        CHECK(h.run({"MULTI"}) == ok());
        CHECK(h.run({"SET", "b", "1"}) == simple("QUEUED"));
        CHECK(h.run(bad).substr(0, 4) == "-ERR");
        CHECK(h.run({"SET", "c", "1"}) == simple("QUEUED"));
        CHECK(h.run({"EXEC"}) == err("EXECABORT Transaction discarded because of previous errors."));
        CHECK(h.run({"EXISTS", "b", "c"}) == integer(0));
    }
    CHECK(h.run({"MULTI"}) == ok());
    CHECK(h.run({"SHUTDOWN"}) == err("ERR Command not allowed inside a transaction"));
    CHECK(h.run({"DISCARD"}) == ok());
}

TEST_CASE("multi: a blocking command inside answers at once: a null array, BLMOVE a null bulk") {
    Harness h;
    h.run({"MULTI"});
    h.run({"BLPOP", "empty", "0"});
    h.run({"BLMOVE", "empty", "dst", "LEFT", "LEFT", "0"});
    h.run({"BRPOPLPUSH", "empty", "dst", "0"});
    CHECK(h.run({"EXEC"}) == "*3\r\n*-1\r\n$-1\r\n$-1\r\n");
}

TEST_CASE("multi: an EXEC refused before it runs answers EXECABORT and ends the transaction") {
    Harness h;
    CHECK(h.run({"EXEC", "x"}) ==
          err("EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command"));
    h.run({"MULTI"});
    h.run({"SET", "a", "1"});
    CHECK(h.run({"EXEC", "x"}).substr(0, 10) == "-EXECABORT");
    CHECK(h.run({"EXEC"}) == err("ERR EXEC without MULTI"));
    CHECK(h.run({"EXISTS", "a"}) == integer(0));
}

TEST_CASE("multi: SELECT inside a transaction moves the later commands") {
    Harness h;
    h.run({"MULTI"});
    h.run({"SELECT", "2"});
    h.run({"SET", "k", "in2"});
    CHECK(h.run({"EXEC"}) == "*2\r\n+OK\r\n+OK\r\n");
    CHECK(h.client.db == 2);
    CHECK(h.run({"GET", "k"}) == bulk("in2"));
}

TEST_CASE("watch: another client's write aborts EXEC; no write, or UNWATCH, lets it run") {
    Harness h;
    OtherClient other(h);
    h.run({"SET", "k", "1"});
    CHECK(h.run({"WATCH", "k"}) == ok());
    CHECK(other.run({"SET", "k", "2"}) == ok());
    h.run({"MULTI"});
    h.run({"INCR", "k"});
    CHECK(h.run({"EXEC"}) == "*-1\r\n");
    CHECK(h.run({"GET", "k"}) == bulk("2"));

    CHECK(h.run({"WATCH", "k"}) == ok());  // EXEC unwatched: a fresh start
    h.run({"MULTI"});
    h.run({"INCR", "k"});
    CHECK(h.run({"EXEC"}) == "*1\r\n:3\r\n");

    h.run({"WATCH", "k"});
    CHECK(h.run({"UNWATCH"}) == ok());
    other.run({"SET", "k", "10"});
    h.run({"MULTI"});
    h.run({"INCR", "k"});
    CHECK(h.run({"EXEC"}) == "*1\r\n:11\r\n");
    CHECK(h.state.watching_clients.load() == 0);
}

TEST_CASE("watch: RESP3 answers an aborted EXEC with null") {
    Harness h;
    OtherClient other(h);
    h.client.proto = 3;
    h.run({"WATCH", "k"});
    other.run({"SET", "k", "1"});
    h.run({"MULTI"});
    h.run({"GET", "k"});
    CHECK(h.run({"EXEC"}) == "_\r\n");
}

TEST_CASE("watch: writes that change nothing, or touch another db, do not abort") {
    Harness h;
    OtherClient other(h);
    h.run({"SET", "k", "1"});
    h.run({"SADD", "s", "m"});
    h.run({"WATCH", "k", "missing", "s"});
    CHECK(other.run({"SET", "k", "x", "NX"}) == nil());      // nothing written
    CHECK(other.run({"LPUSH", "k", "x"}) == wrongtype());    // an error changes nothing
    CHECK(other.run({"DEL", "missing"}) == integer(0));
    CHECK(other.run({"PERSIST", "k"}) == integer(0));
    CHECK(other.run({"LPOP", "missing"}) == nil());
    CHECK(other.run({"SADD", "s", "m"}) == integer(0));
    CHECK(other.run({"SREM", "s", "other"}) == integer(0));
    CHECK(other.run({"ZREM", "missing", "m"}) == integer(0));
    CHECK(other.run({"HDEL", "missing", "f"}) == integer(0));
    CHECK(other.run({"GET", "k"}) == bulk("1"));              // reads never touch
    other.run({"SELECT", "1"});
    CHECK(other.run({"SET", "k", "in-db-1"}) == ok());       // same name, other db
    h.run({"MULTI"});
    h.run({"GET", "k"});
    CHECK(h.run({"EXEC"}) == "*1\r\n$1\r\n1\r\n");
}

TEST_CASE("watch: creating a watched missing key aborts, as does deleting one") {
    Harness h;
    OtherClient other(h);
    h.run({"WATCH", "new"});
    other.run({"SET", "new", "v"});
    h.run({"MULTI"});
    CHECK(h.run({"EXEC"}) == "*-1\r\n");
    h.run({"WATCH", "new"});
    other.run({"DEL", "new"});
    h.run({"MULTI"});
    CHECK(h.run({"EXEC"}) == "*-1\r\n");
}

TEST_CASE("watch: a key that expires after WATCH aborts EXEC; one already expired does not") {
    Harness h;
    const std::int64_t now = unix_time_ms();
    h.run_at(now, {"SET", "e", "v", "PX", "100"});
    h.run_at(now, {"WATCH", "e"});
    h.run_at(now, {"MULTI"});
    h.run_at(now, {"GET", "e"});
    CHECK(h.run_at(now + 200, {"EXEC"}) == "*-1\r\n");

    h.run_at(now, {"SET", "gone", "v", "PX", "100"});
    h.run_at(now + 200, {"WATCH", "gone"});  // already past its deadline
    h.run_at(now + 200, {"MULTI"});
    h.run_at(now + 200, {"GET", "gone"});
    CHECK(h.run_at(now + 300, {"EXEC"}) == "*1\r\n$-1\r\n");
}

TEST_CASE("watch: FLUSHDB and FLUSHALL touch the watched keys that existed") {
    Harness h;
    OtherClient other(h);
    h.run({"SET", "k", "1"});
    h.run({"WATCH", "k"});
    other.run({"FLUSHDB"});
    h.run({"MULTI"});
    CHECK(h.run({"EXEC"}) == "*-1\r\n");

    h.run({"WATCH", "never"});
    other.run({"FLUSHALL"});
    h.run({"MULTI"});
    CHECK(h.run({"EXEC"}) == "*0\r\n");
}

TEST_CASE("watch: a client's own write before MULTI aborts its EXEC") {
    Harness h;
    h.run({"WATCH", "k"});
    h.run({"SET", "k", "mine"});
    h.run({"MULTI"});
    h.run({"GET", "k"});
    CHECK(h.run({"EXEC"}) == "*-1\r\n");
}

TEST_CASE("watch: ending the transaction (disconnect, RESET) removes every registration") {
    Harness h;
    {
        OtherClient other(h);
        CHECK(other.run({"WATCH", "a", "b", "a"}) == ok());
        CHECK(other.session.tx.watched.size() == 2);
        CHECK(h.state.watching_clients.load() == 1);
        CHECK(watched_keys(h) == 2);
        end_transaction(h.state, other.session);  // what the connection does when it closes
        CHECK(h.state.watching_clients.load() == 0);
        CHECK(watched_keys(h) == 0);
    }
    // The session is gone; a write to the keys must not reach its flag (ASAN would tell).
    CHECK(h.run({"SET", "a", "1"}) == ok());
    CHECK(h.run({"SET", "b", "1"}) == ok());
}

TEST_CASE("multi: CLIENT LIST shows the x flag and the queue length") {
    Harness h;
    h.run({"MULTI"});
    h.run({"SET", "a", "1"});
    h.run({"SET", "b", "1"});
    const std::string line = h.client.info_line(unix_time_ms());
    CHECK(line.find(" flags=x ") != std::string::npos);
    CHECK(line.find(" multi=2 ") != std::string::npos);
    h.run({"DISCARD"});
    CHECK(h.client.info_line(unix_time_ms()).find(" multi=-1 ") != std::string::npos);
}

TEST_CASE("watch: a multi-key write by another connection that names one watched key aborts EXEC") {
    Harness h;
    OtherClient other(h);
    h.run({"WATCH", "a", "b", "c"});
    other.run({"MSET", "x", "1", "c", "2"});
    h.run({"MULTI"});
    h.run({"SET", "a", "1"});
    CHECK(h.run({"EXEC"}) == "*-1\r\n");
    CHECK(h.run({"EXISTS", "a"}) == integer(0));
}
