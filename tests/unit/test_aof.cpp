// The AOF from the command layer down: what each write logs (a recording AppendLog), the
// base-file encoding of every value type, replay (MULTI/EXEC, truncation, unknown commands),
// and the real Aof writing, reloading and rewriting files in a temporary directory.
#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "harness.hpp"
#include "persistence/aof.hpp"
#include "persistence/aof_encode.hpp"
#include "persistence/aof_loader.hpp"

using namespace corokv;
using namespace corokv::test;

namespace {

// An AppendLog that keeps what it is given, as "db:ARG ARG ..." lines.
class RecordingLog final : public AppendLog, public KeyDeletionObserver {
public:
    bool logging() const override { return true; }
    std::uint64_t append(int db, std::span<const std::string_view> args) override {
        std::string line = std::to_string(db) + ":";
        for (std::size_t i = 0; i < args.size(); ++i) line += (i ? " " : "") + std::string(args[i]);
        lines.push_back(line);
        return lines.size();
    }
    std::uint64_t append_transaction(std::span<const LoggedCommand> commands) override {
        const bool wrap = commands.size() > 1;
        if (wrap) lines.push_back("MULTI");
        for (const LoggedCommand& c : commands) {
            const std::vector<std::string_view> args(c.args.begin(), c.args.end());
            append(c.db, args);
        }
        if (wrap) lines.push_back("EXEC");
        return lines.size();
    }
    bool rewriting() const override { return false; }
    void snapshot_before_write(std::span<const std::size_t>) override {}
    RewriteStart start_rewrite() override { return RewriteStart::started; }
    void set_enabled(bool) override {}
    int write_error() const override { return error; }
    AofStatus status() const override { return {}; }
    bool wait_durable(std::uint64_t, std::function<void()>) override { return false; }
    bool must_wait(std::uint64_t) const override { return false; }
    void tick(std::int64_t) override {}
    void key_deleted(int db, std::string_view key, KeyDeletion) override {
        append(db, std::initializer_list<std::string_view>{"DEL", key});
    }

    std::vector<std::string> lines;
    int error = 0;
};

struct LoggedHarness : Harness {
    LoggedHarness() {
        state.aof = &log;
        store.set_deletion_observer(&log);
    }
    // The log lines the command produced.
    std::vector<std::string> logged(std::initializer_list<std::string_view> args) {
        log.lines.clear();
        run(args);
        return log.lines;
    }
    RecordingLog log;
};

using Lines = std::vector<std::string>;

// A value as text that does not depend on hash-table order.
std::string canonical(const Value& v) {
    std::vector<std::string> parts;
    std::string kind = type_name(type_of(v));
    if (const auto* s = std::get_if<StringValue>(&v)) {
        char scratch[24];
        parts.emplace_back(s->view(scratch));
    } else if (const auto* h = std::get_if<HashValue>(&v)) {
        h->fields().for_each([&](std::string_view f, const std::string& val) { parts.push_back(std::string(f) + "=" + val); });
        std::sort(parts.begin(), parts.end());
    } else if (const auto* l = std::get_if<ListValue>(&v)) {
        l->for_each(0, l->size(), [&](std::string_view e) { parts.emplace_back(e); });
    } else if (const auto* set = std::get_if<SetValue>(&v)) {
        set->for_each([&](std::string_view m) { parts.emplace_back(m); });
        std::sort(parts.begin(), parts.end());
    } else if (const auto* z = std::get_if<ZSetValue>(&v)) {
        z->for_each([&](std::string_view m, double score) { parts.push_back(std::string(m) + ":" + resp::ReplyWriter::format_double(score)); });
    }
    for (const auto& p : parts) kind += "|" + p;
    return kind;
}

// Every key of every db, with type, value and deadline, in a canonical text form.
std::string dataset(Harness& h) {
    std::vector<std::string> rows;
    for (std::size_t s = 0; s < h.store.shard_count(); ++s) {
        Shard& shard = h.store.shard(s);
        for (std::size_t db = 0; db < shard.dbs.size(); ++db)
            shard.dbs[db].dict().for_each([&](std::string_view key, const Entry& e) {
                rows.push_back(std::to_string(db) + "/" + std::string(key) + "@" + std::to_string(e.expire_at_ms) +
                               "=" + canonical(e.value));
            });
    }
    std::sort(rows.begin(), rows.end());
    std::string all;
    for (const auto& r : rows) all += r + "\n";
    return all;
}

std::string snapshot_of(Harness& h) {
    std::string out;
    for (std::size_t s = 0; s < h.store.shard_count(); ++s) append_shard_snapshot(out, h.store.shard(s), unix_time_ms());
    return out;
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

}  // namespace

TEST_CASE("aof: writes are logged as sent, in the client's db, errors and no-ops aside") {
    LoggedHarness h;
    CHECK(h.logged({"SET", "k", "v"}) == Lines{"0:SET k v"});
    CHECK(h.logged({"GET", "k"}).empty());
    CHECK(h.logged({"LPUSH", "k", "x"}).empty());  // WRONGTYPE: nothing changed
    CHECK(h.logged({"SET", "k", "v", "EX", "0"}).empty());
    CHECK(h.logged({"SET", "k", "w", "NX"}).empty());
    for (auto no_op : {std::vector<std::string_view>{"DEL", "missing"}, {"PERSIST", "k"}, {"LPOP", "missing"},
                       {"SREM", "missing", "m"}, {"HDEL", "missing", "f"}, {"ZREM", "missing", "m"},
                       {"LREM", "missing", "0", "x"}, {"GETDEL", "missing"}, {"SETNX", "k", "x"}}) {
        h.log.lines.clear();
        h.run(no_op);
        CHECK_MESSAGE(h.log.lines.empty(), no_op[0]);
    }
    h.run({"SELECT", "3"});
    CHECK(h.logged({"MSET", "a", "1", "b", "2"}) == Lines{"3:MSET a 1 b 2"});
}

TEST_CASE("aof: relative times are logged as absolute deadlines") {
    LoggedHarness h;
    const std::int64_t now = 1'800'000'000'000;
    auto at = [&](std::initializer_list<std::string_view> args) {
        h.log.lines.clear();
        h.run_at(now, args);
        return h.log.lines;
    };
    CHECK(at({"SET", "k", "v", "EX", "100"}) == Lines{"0:SET k v PXAT 1800000100000"});
    CHECK(at({"SET", "k", "v", "PX", "1500", "GET"}) == Lines{"0:SET k v PXAT 1800000001500"});
    CHECK(at({"SETEX", "k", "10", "v"}) == Lines{"0:SET k v PXAT 1800000010000"});
    CHECK(at({"PSETEX", "k", "10", "v"}) == Lines{"0:SET k v PXAT 1800000000010"});
    CHECK(at({"EXPIRE", "k", "5"}) == Lines{"0:PEXPIREAT k 1800000005000"});
    CHECK(at({"PEXPIRE", "k", "5", "XX"}) == Lines{"0:PEXPIREAT k 1800000000005"});
    CHECK(at({"EXPIRE", "k", "5", "NX"}).empty());  // has a TTL: nothing changed
    CHECK(at({"GETEX", "k", "EX", "7"}) == Lines{"0:PEXPIREAT k 1800000007000"});
    CHECK(at({"GETEX", "k", "PERSIST"}) == Lines{"0:PERSIST k"});
    CHECK(at({"GETEX", "k"}).empty());
    CHECK(at({"EXPIREAT", "k", "1"}) == Lines{"0:DEL k"});
}

TEST_CASE("aof: nondeterministic and blocking commands are logged as their effect") {
    LoggedHarness h;
    CHECK(h.logged({"INCRBYFLOAT", "f", "10.5"}) == Lines{"0:SET f 10.5 KEEPTTL"});
    CHECK(h.logged({"HINCRBYFLOAT", "h", "x", "0.25"}) == Lines{"0:HSET h x 0.25"});
    h.run({"SADD", "s", "only"});
    CHECK(h.logged({"SPOP", "s"}) == Lines{"0:SREM s only"});
    h.run({"SADD", "s", "a", "b", "c"});
    CHECK(h.logged({"SPOP", "s", "5"}) == Lines{"0:DEL s"});
    h.run({"SADD", "s", "1", "2", "3", "4"});
    const Lines popped = h.logged({"SPOP", "s", "2"});
    REQUIRE(popped.size() == 1);
    CHECK(popped[0].rfind("0:SREM s ", 0) == 0);
    CHECK(h.run({"SCARD", "s"}) == integer(2));
    h.run({"RPUSH", "l", "a", "b"});
    CHECK(h.logged({"BLPOP", "l", "0"}) == Lines{"0:LPOP l"});
    CHECK(h.logged({"BRPOPLPUSH", "l", "m", "0"}) == Lines{"0:LMOVE l m RIGHT LEFT"});
    CHECK(h.logged({"BLMPOP", "0", "2", "none", "m", "RIGHT", "COUNT", "3"}) == Lines{"0:RPOP m 3"});
    h.run({"ZADD", "z", "1", "a", "2", "b"});
    CHECK(h.logged({"BZPOPMAX", "z", "0"}) == Lines{"0:ZPOPMAX z"});
    CHECK(h.logged({"BZMPOP", "0", "1", "z", "MIN"}) == Lines{"0:ZPOPMIN z 1"});
}

TEST_CASE("aof: LMPOP and ZMPOP are logged as the pop they did, and not at all when they found nothing") {
    LoggedHarness h;
    h.run({"RPUSH", "l", "a", "b", "c"});
    CHECK(h.logged({"LMPOP", "2", "none", "l", "LEFT", "COUNT", "2"}) == Lines{"0:LPOP l 2"});
    CHECK(h.logged({"LMPOP", "1", "none", "LEFT"}).empty());
    h.run({"ZADD", "z", "1", "a", "2", "b"});
    CHECK(h.logged({"ZMPOP", "1", "z", "MAX"}) == Lines{"0:ZPOPMAX z 1"});
    CHECK(h.logged({"ZMPOP", "1", "none", "MIN"}).empty());
    CHECK(h.logged({"GETEX", "none", "EX", "100"}).empty());
}

TEST_CASE("aof: EXEC logs its writes as one MULTI/EXEC block, a lone write alone, reads not at all") {
    LoggedHarness h;
    h.run({"MULTI"});
    h.run({"SET", "a", "1"});
    h.run({"GET", "a"});
    h.run({"SELECT", "2"});
    h.run({"INCR", "b"});
    h.run({"EXPIRE", "b", "100"});
    h.log.lines.clear();
    h.run({"EXEC"});
    REQUIRE(h.log.lines.size() == 5);
    CHECK(h.log.lines[0] == "MULTI");
    CHECK(h.log.lines[1] == "0:SET a 1");
    CHECK(h.log.lines[2] == "2:INCR b");
    CHECK(h.log.lines[3].rfind("2:PEXPIREAT b ", 0) == 0);  // the effect, as outside MULTI
    CHECK(h.log.lines[4] == "EXEC");

    h.run({"MULTI"});
    h.run({"SET", "c", "1"});
    h.run({"LPUSH", "c", "x"});  // fails: not logged
    CHECK(h.logged({"EXEC"}) == Lines{"2:SET c 1"});

    h.run({"MULTI"});
    h.run({"GET", "c"});
    CHECK(h.logged({"EXEC"}).empty());
}

TEST_CASE("aof: a blocking command that blocks logs nothing until it is served") {
    LoggedHarness h;
    ClientSession other(2, "127.0.0.1:40001", "127.0.0.1:6379", 8, unix_time_ms());
    other.authenticated = true;
    std::string reply;
    resp::ReplyWriter out(reply);
    h.log.lines.clear();
    auto blocked = execute(h.state, other, std::vector<std::string_view>{"BLPOP", "q", "0"}, out);
    REQUIRE(blocked);
    CHECK(h.log.lines.empty());
    h.run({"RPUSH", "q", "x"});
    // The push, then the waiter's pop in its effect form, in execution order.
    CHECK(h.log.lines == Lines{"0:RPUSH q x", "0:LPOP q"});
}

TEST_CASE("aof: keys the store deletes on its own are logged as DEL") {
    LoggedHarness h;
    const std::int64_t now = unix_time_ms();
    h.run_at(now, {"SET", "k", "v", "PX", "10"});
    h.log.lines.clear();
    CHECK(h.run_at(now + 100, {"GET", "k"}) == nil());  // lazy expiry
    CHECK(h.log.lines == Lines{"0:DEL k"});
    h.run_at(now, {"SET", "j", "v", "PX", "10"});
    h.log.lines.clear();
    h.store.active_expire_cycle(now + 100, std::chrono::milliseconds(10));
    CHECK(h.log.lines == Lines{"0:DEL j"});
}

TEST_CASE("aof: writes are refused with MISCONF while the log cannot be written") {
    LoggedHarness h;
    h.log.error = ENOSPC;
    CHECK(h.run({"SET", "k", "v"}) == err("MISCONF Errors writing to the AOF file: No space left on device"));
    CHECK(h.run({"PING"}) == err("MISCONF Errors writing to the AOF file: No space left on device"));
    CHECK(h.run({"GET", "k"}) == nil());
    h.log.error = 0;
    CHECK(h.run({"PING"}) == simple("PONG"));
    CHECK(h.run({"SET", "k", "v"}) == ok());
}

TEST_CASE("aof: a shard snapshot replays to the same dataset, every type and deadline") {
    Harness source;
    const std::string far = std::to_string(unix_time_ms() + 1'000'000);
    source.run({"SET", "s", "hello"});
    source.run({"SET", "n", "12345"});
    source.run({"HSET", "h", "f1", "v1", "f2", ""});
    source.run({"RPUSH", "l", "a", "b", "c", "a"});
    source.run({"SADD", "i", "1", "2", "-3"});
    source.run({"SADD", "t", "x", "y"});
    source.run({"ZADD", "z", "1.5", "a", "-inf", "b", "0.1", "c"});
    source.run({"PEXPIREAT", "l", far});
    source.run({"SELECT", "5"});
    source.run({"SET", "other", "db"});
    for (int i = 0; i < 200; ++i) source.run_strings({"RPUSH", "big", "e" + std::to_string(i)});
    const std::string snapshot = snapshot_of(source);

    Harness copy;
    AofReplayer replayer(copy.state);
    const ReplayOutcome out = replayer.replay(snapshot);
    CHECK(out.kind == ReplayOutcome::Kind::complete);
    CHECK(dataset(copy) == dataset(source));
    CHECK(copy.run({"SELECT", "0"}) == ok());
    CHECK(copy.run({"PEXPIRETIME", "l"}) == integer(std::stoll(far)));
    CHECK(copy.run({"ZSCORE", "z", "c"}) == bulk("0.10000000000000001"));
}

TEST_CASE("aof: replay runs MULTI/EXEC blocks whole and drops one the end cut off") {
    Harness h;
    AofReplayer replayer(h.state);
    std::string data;
    append_resp_command(data, {"SET", "a", "1"});
    append_resp_command(data, {"MULTI"});
    append_resp_command(data, {"INCR", "a"});
    append_resp_command(data, {"EXEC"});
    const std::size_t before_open_multi = data.size();
    append_resp_command(data, {"MULTI"});
    append_resp_command(data, {"INCR", "a"});
    const ReplayOutcome out = replayer.replay(data);
    CHECK(out.kind == ReplayOutcome::Kind::truncated);
    CHECK(out.valid_bytes == before_open_multi);
    CHECK(h.run({"GET", "a"}) == bulk("2"));
}

TEST_CASE("aof: nothing expires during replay, so later commands of the log find their keys") {
    // SET k v PXAT <soon>, then PEXPIREAT k <later>: logged as it happened, and the restart
    // comes after the first deadline. Redis replays this to a live key; so must we.
    Harness h;
    AofReplayer replayer(h.state);
    const std::int64_t past = unix_time_ms() - 60'000, future = unix_time_ms() + 3'600'000;
    char p[24], f[24];
    std::string data;
    append_resp_command(data, {"SET", "extended", "v", "PXAT", format_int64(past, p)});
    append_resp_command(data, {"PEXPIREAT", "extended", format_int64(future, f)});
    append_resp_command(data, {"SET", "persisted", "v", "PXAT", format_int64(past, p)});
    append_resp_command(data, {"PERSIST", "persisted"});
    append_resp_command(data, {"SET", "appended", "1", "PXAT", format_int64(past, p)});
    append_resp_command(data, {"APPEND", "appended", "e"});
    append_resp_command(data, {"PERSIST", "appended"});
    append_resp_command(data, {"SET", "gone", "v", "PXAT", format_int64(past, p)});
    REQUIRE(replayer.replay(data).kind == ReplayOutcome::Kind::complete);
    CHECK(h.run({"PEXPIRETIME", "extended"}) == integer(future));
    CHECK(h.run({"GET", "persisted"}) == bulk("v"));
    CHECK(h.run({"GET", "appended"}) == bulk("1e"));
    CHECK(h.run({"GET", "gone"}) == nil());  // expired once clients look
}

TEST_CASE("aof: replay reports unknown commands and garbage with their offsets") {
    Harness h;
    AofReplayer replayer(h.state);
    std::string data;
    append_resp_command(data, {"SET", "a", "1"});
    const std::size_t at = data.size();
    append_resp_command(data, {"NOSUCHCOMMAND", "x"});
    ReplayOutcome out = replayer.replay(data);
    CHECK(out.kind == ReplayOutcome::Kind::unknown_command);
    CHECK(out.command == "NOSUCHCOMMAND");
    CHECK(out.error_offset == at);

    std::string bad;
    append_resp_command(bad, {"SET", "b", "2"});
    const std::size_t bad_at = bad.size();
    bad += "garbage\r\n";
    out = replayer.replay(bad);
    CHECK(out.kind == ReplayOutcome::Kind::bad_format);
    CHECK(out.error_offset == bad_at);
    CHECK(h.run({"GET", "b"}) == bulk("2"));
}

TEST_CASE("aof: while loading, clients get -LOADING and the replayer still runs") {
    Harness h;
    h.state.loading.active = true;
    CHECK(h.run({"GET", "k"}) == err("LOADING Redis is loading the dataset in memory"));
    CHECK(h.run({"PING"}).substr(0, 8) == "-LOADING");
    CHECK(h.run({"INFO", "persistence"}).find("loading:1") != std::string::npos);
    AofReplayer replayer(h.state);
    std::string data;
    append_resp_command(data, {"SET", "k", "v"});
    CHECK(replayer.replay(data).kind == ReplayOutcome::Kind::complete);
    h.state.loading.active = false;
    CHECK(h.run({"GET", "k"}) == bulk("v"));
}

namespace {

// A real Aof over a temporary directory.
struct AofDir {
    AofDir() {
        char templ[] = "/tmp/corokv-aof-unit-XXXXXX";
        dir = mkdtemp(templ);
    }
    ~AofDir() { std::filesystem::remove_all(dir); }
    void configure(Harness& h) const {
        h.config.appenddirname = (dir / "appendonlydir").string();
        h.config.appendonly = true;
        h.config.appendfsync = AppendFsync::always;
    }
    std::filesystem::path aofdir() const { return dir / "appendonlydir"; }
    std::filesystem::path dir;
};

bool wait_for(const std::function<bool()>& done) {
    for (int i = 0; i < 1000 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return done();
}

}  // namespace

TEST_CASE("aof: the real log writes, reloads, and rewrites into a new base") {
    AofDir tmp;
    const std::string far = std::to_string(unix_time_ms() + 10'000'000);
    std::string before;
    {
        Harness h;
        tmp.configure(h);
        Aof aof(h.state);
        h.state.aof = &aof;
        h.store.set_deletion_observer(&aof);
        REQUIRE(aof.load_and_open());
        CHECK(read_file(tmp.aofdir() / "appendonly.aof.manifest") ==
              "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n");
        for (int i = 0; i < 100; ++i) h.run_strings({"INCR", "counter"});
        h.run({"SET", "t", "v", "PXAT", far});
        h.run({"SELECT", "2"});
        h.run({"RPUSH", "l", "a", "b"});
        // With always, the offset of the last write becomes durable without waiting on a reply.
        const std::uint64_t offset = h.client.aof_offset.load();
        CHECK(wait_for([&] { return !aof.must_wait(offset); }));
        before = dataset(h);
        aof.shutdown();
    }
    {
        Harness h;
        tmp.configure(h);
        Aof aof(h.state);
        h.state.aof = &aof;
        h.store.set_deletion_observer(&aof);
        REQUIRE(aof.load_and_open());
        CHECK(dataset(h) == before);
        CHECK(h.run({"GET", "counter"}) == bulk("100"));

        REQUIRE(aof.start_rewrite() == RewriteStart::started);
        CHECK(wait_for([&] { return !aof.status().rewrite_in_progress; }));
        CHECK(aof.status().last_bgrewrite_ok);
        CHECK(read_file(tmp.aofdir() / "appendonly.aof.manifest") ==
              "file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n");
        CHECK_FALSE(std::filesystem::exists(tmp.aofdir() / "appendonly.aof.1.incr.aof"));
        // The base holds the counter's value, not its 100 INCRs.
        const std::string base = read_file(tmp.aofdir() / "appendonly.aof.2.base.aof");
        CHECK(base.find("INCR") == std::string::npos);
        CHECK(base.find("$7\r\ncounter\r\n$3\r\n100\r\n") != std::string::npos);
        h.run({"SELECT", "0"});
        h.run({"INCR", "counter"});
        before = dataset(h);
        aof.shutdown();
    }
    Harness h;
    tmp.configure(h);
    Aof aof(h.state);
    h.state.aof = &aof;
    REQUIRE(aof.load_and_open());
    CHECK(dataset(h) == before);
    CHECK(h.run({"GET", "counter"}) == bulk("101"));
    aof.shutdown();
}

TEST_CASE("aof: a write to a shard the rewrite has not visited puts the shard in the base first") {
    AofDir tmp;
    Harness h(4);
    tmp.configure(h);
    Aof aof(h.state);
    h.state.aof = &aof;
    REQUIRE(aof.load_and_open());
    h.run({"SET", "n", "1"});
    // Lock every shard so the rewrite switches files, then waits at the first shard: writes
    // now happen between the switch and the snapshot of their shard.
    std::string before_rewrite;
    {
        ShardLocks all(h.store);
        all.lock_all();
        REQUIRE(aof.start_rewrite() == RewriteStart::started);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    for (int i = 0; i < 50; ++i) h.run({"INCR", "n"});
    CHECK(wait_for([&] { return !aof.status().rewrite_in_progress; }));
    REQUIRE(aof.status().last_bgrewrite_ok);
    const std::string expected = dataset(h);
    aof.shutdown();

    Harness reloaded(4);
    tmp.configure(reloaded);
    Aof again(reloaded.state);
    REQUIRE(again.load_and_open());
    CHECK(dataset(reloaded) == expected);  // base + incr: each INCR applied exactly once
    CHECK(reloaded.run({"GET", "n"}) == bulk("51"));
    again.shutdown();
}

TEST_CASE("aof: a truncated tail loads up to the last whole command only with aof-load-truncated") {
    AofDir tmp;
    {
        Harness h;
        tmp.configure(h);
        Aof aof(h.state);
        h.state.aof = &aof;
        REQUIRE(aof.load_and_open());
        h.run({"SET", "a", "1"});
        h.run({"SET", "b", "2"});
        aof.shutdown();
    }
    const auto incr = tmp.aofdir() / "appendonly.aof.1.incr.aof";
    const auto full = std::filesystem::file_size(incr);
    std::filesystem::resize_file(incr, full - 3);
    {
        Harness h;
        tmp.configure(h);
        h.config.aof_load_truncated = false;
        Aof aof(h.state);
        auto r = aof.load_and_open();
        REQUIRE_FALSE(r);
        CHECK(r.error().message.find("Unexpected end of file") != std::string::npos);
        CHECK(r.error().message.find("aof-load-truncated") != std::string::npos);
        aof.shutdown();
    }
    Harness h;
    tmp.configure(h);
    Aof aof(h.state);
    REQUIRE(aof.load_and_open());
    CHECK(h.run({"GET", "a"}) == bulk("1"));
    CHECK(h.run({"GET", "b"}) == nil());
    CHECK(std::filesystem::file_size(incr) < full - 3);  // cut back to the last whole command
    aof.shutdown();
}
