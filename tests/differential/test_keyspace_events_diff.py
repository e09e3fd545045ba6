"""Keyspace notifications differential suite: a broad corpus of write commands runs on the server
under test and on a real redis-server 7.0 while another connection (RESP2 and RESP3) listens
with PSUBSCRIBE __key*__:*; the transcripts (every reply and every notification frame, in
order) must be identical.

What it proves: the exact events (names, keys, channels, order) of every write command family
(strings, generic keys incl. RENAME/COPY/EXPIRE variants, hashes, lists incl. blocking pops
served by a later push, sets incl. *STORE, sorted sets incl. *STORE/ZPOP*/ZRANGESTORE, SORT
STORE), MULTI/EXEC, lazy and active expiry, eviction, `keymiss` (m), `new` (n), class filters,
databases, and a RESP3 client that listens to its own events (pushes interleaved with its
replies exactly where Redis puts them).

Run:      /usr/bin/python3 tests/run_python.py --suite differential -k test_keyspace_events_diff
Validate: KS_AGAINST=redis ...   (the server under test is a real redis-server as well)
Dump:     KS_DUMP=1 ...          (prints Redis's transcripts)
"""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pylib.servers import RawClient  # noqa: E402
from pylib.transcript import TranscriptDiffMixin  # noqa: E402

AGAINST_REDIS = os.environ.get("KS_AGAINST") == "redis"

STRINGS = [
    ["SET", "k", "v"], ["SET", "k", "v2", "EX", "100"], ["SET", "k", "v3", "KEEPTTL"], ["SET", "k", "v", "PX", "90000"],
    ["SET", "k", "v", "NX"], ["SET", "k", "v4", "XX", "GET"], ["SET", "nx", "v", "XX"], ["SET", "k", "v", "GET", "EX", "5"],
    ["SET", "k", "v", "EXAT", "99999999999"], ["SET", "k", "v", "PXAT", "99999999999999"], ["SET", "k", "v", "EX", "0"],
    ["SET", "k", "v", "EX", "abc"], ["SETNX", "k", "x"], ["SETNX", "k2", "x"], ["SETEX", "e", "100", "v"],
    ["PSETEX", "e", "100000", "v"], ["SETEX", "e", "0", "v"], ["GETSET", "k", "v5"], ["GETSET", "new", "v"],
    ["GETDEL", "k2"], ["GETDEL", "k2"], ["GETEX", "k", "PERSIST"], ["GETEX", "k", "EX", "50"], ["GETEX", "k", "PX", "50000"],
    ["GETEX", "k", "EXAT", "99999999999"], ["GETEX", "k"], ["GETEX", "nokey", "EX", "5"], ["GETEX", "k", "PERSIST"],
    ["GETEX", "k", "PERSIST"], ["MSET", "a", "1", "b", "2", "a", "3"], ["MSETNX", "c", "1", "d", "2"],
    ["MSETNX", "c", "1", "f", "2"], ["APPEND", "a", "x"], ["APPEND", "ap", "new"], ["SETRANGE", "a", "0", "z"],
    ["SETRANGE", "sr", "3", "z"], ["SETRANGE", "sr2", "0", ""], ["SETRANGE", "a", "1", ""], ["INCR", "n"],
    ["INCRBY", "n", "5"], ["DECR", "n"], ["DECRBY", "n", "2"], ["DECR", "n2"], ["INCRBYFLOAT", "n", "1.5"],
    ["INCRBYFLOAT", "f", "2"], ["INCR", "ap"], ["INCRBY", "n", "x"], ["INCRBYFLOAT", "ap", "1"], ["GET", "missing"],
    ["SET", "huge", "1"], ["INCRBY", "huge", "9223372036854775807"], ["LPUSH", "lst", "x"], ["SET", "lst", "str"],
    ["APPEND", "lst", "x"], ["STRLEN", "lst"], ["GETRANGE", "lst", "0", "1"], ["MGET", "a", "zz", "lst"],
    ["SET", "past", "v", "PXAT", "1"], ["GET", "past"], ["SET", "past", "v"], ["SET", "past", "w", "EXAT", "1", "GET"],
    ["EXISTS", "past"], ["SET", "lst", "v", "NX", "GET"], ["SET", "h1", "v"], ["HSET", "h1", "f", "v"],
    ["GETDEL", "h1"], ["MSETNX", "m", "1", "m", "2"], ["SETRANGE", "h1", "-1", "x"], ["INCRBYFLOAT", "h1", "nan"],
]

GENERIC = [
    ["SET", "a", "1"], ["SET", "b", "2"], ["SET", "c", "3"], ["DEL", "a", "zz", "b", "a"], ["UNLINK", "c", "zz"],
    ["DEL", "zz"], ["SET", "d", "v"], ["EXPIRE", "d", "100"], ["EXPIRE", "d", "100", "NX"], ["EXPIRE", "d", "200", "XX"],
    ["EXPIRE", "d", "50", "GT"], ["EXPIRE", "d", "50", "LT"], ["PEXPIRE", "d", "100000"], ["EXPIREAT", "d", "99999999999"],
    ["PEXPIREAT", "d", "99999999999999"], ["PERSIST", "d"], ["PERSIST", "d"], ["PERSIST", "zz"], ["EXPIRE", "d", "0"],
    ["EXPIRE", "nokey", "10"], ["SET", "e", "x"], ["PEXPIRE", "e", "-1"], ["SET", "e", "x"], ["EXPIREAT", "e", "1"],
    ["SET", "e", "x"], ["PEXPIREAT", "e", "0"], ["SET", "e", "x"], ["EXPIRE", "e", "x"], ["EXPIRE", "e", "10", "NX", "XX"],
    ["SET", "r1", "v", "EX", "100"], ["RENAME", "r1", "r2"], ["RENAMENX", "r2", "r3"], ["SET", "r4", "x"],
    ["RENAMENX", "r3", "r4"], ["RENAME", "r3", "r4"], ["RENAME", "r4", "r4"], ["RENAMENX", "r4", "r4"],
    ["RENAME", "nokey", "r9"], ["COPY", "r4", "r5"], ["COPY", "r4", "r5"], ["COPY", "r4", "r5", "REPLACE"],
    ["COPY", "r4", "r6", "DB", "2"], ["COPY", "r4", "r4"], ["COPY", "nokey", "r7"], ["TOUCH", "r4", "zz"],
    ["EXISTS", "r4", "zz"], ["TYPE", "zz"], ["TTL", "zz"], ["PTTL", "zz"], ["EXPIRETIME", "zz"], ["OBJECT", "ENCODING", "zz"],
    ["SELECT", "2"], ["DEL", "r6"], ["SELECT", "0"], ["FLUSHDB"], ["SET", "x", "1"], ["FLUSHALL"],
]

HASHES = [
    ["HSET", "h", "f", "v", "g", "w"], ["HSET", "h", "f", "v"], ["HMSET", "h", "a", "1"], ["HSETNX", "h", "f", "x"],
    ["HSETNX", "h", "z", "x"], ["HSETNX", "h2", "z", "x"], ["HINCRBY", "h", "n", "1"], ["HINCRBY", "h", "f", "1"],
    ["HINCRBYFLOAT", "h", "n", "1.5"], ["HINCRBYFLOAT", "h3", "n", "1.5"], ["HINCRBY", "h4", "n", "3"],
    ["HDEL", "h", "f", "nope"], ["HDEL", "h", "nope"], ["HDEL", "h", "g", "z", "n", "a"], ["HDEL", "h", "x"],
    ["HGET", "h", "f"], ["HGET", "h2", "nope"], ["HGETALL", "nokey"], ["HLEN", "nokey"], ["HEXISTS", "h2", "z"],
    ["HMGET", "nokey", "a"], ["HRANDFIELD", "nokey"], ["HSTRLEN", "nokey", "f"], ["HSET", "h2", "a"],
]

LISTS = [
    ["LPUSH", "l", "a", "b"], ["RPUSH", "l", "c"], ["LPUSHX", "l", "d"], ["RPUSHX", "l", "e", "f"], ["LPUSHX", "nol", "d"],
    ["RPUSHX", "nol", "d"], ["LPOP", "l"], ["RPOP", "l"], ["LPOP", "l", "2"], ["RPOP", "l", "0"], ["LPOP", "nol"],
    ["LSET", "l", "0", "z"], ["LSET", "l", "9", "z"], ["LINSERT", "l", "BEFORE", "z", "y"],
    ["LINSERT", "l", "AFTER", "nope", "y"], ["LINSERT", "nol", "AFTER", "z", "y"], ["LTRIM", "l", "0", "0"],
    ["LTRIM", "l", "0", "-1"], ["RPUSH", "l", "y", "y", "q"], ["LREM", "l", "0", "y"], ["LREM", "l", "0", "nope"],
    ["LREM", "l", "0", "q"], ["LRANGE", "l", "0", "-1"], ["RPUSH", "l", "1"], ["LTRIM", "l", "5", "9"],
    ["RPOPLPUSH", "q", "w"], ["RPUSH", "q", "1", "2", "3"], ["LMOVE", "q", "w", "LEFT", "RIGHT"], ["RPOPLPUSH", "q", "q"],
    ["LMOVE", "q", "q", "LEFT", "LEFT"], ["LMOVE", "q", "w", "RIGHT", "LEFT"], ["LMOVE", "q", "w", "LEFT", "LEFT"],
    ["LPOP", "w", "5"], ["RPUSH", "m1", "a", "b", "c"], ["LMPOP", "2", "nol", "m1", "LEFT"],
    ["LMPOP", "2", "nol", "m1", "RIGHT", "COUNT", "5"], ["LMPOP", "1", "nol", "LEFT"], ["RPUSH", "b1", "x"],
    ["BLPOP", "nol", "b1", "1"], ["RPUSH", "b1", "x", "y"], ["BRPOP", "b1", "1"], ["BLMOVE", "b1", "b2", "LEFT", "RIGHT", "1"],
    ["BRPOPLPUSH", "b2", "b3", "1"], ["BLMPOP", "1", "2", "nol", "b3", "LEFT", "COUNT", "3"], ["LINDEX", "nol", "0"],
    ["LLEN", "nol"], ["LPOS", "nol", "x"], ["LPUSH", "s", "x"], ["SET", "s", "str"], ["LPUSH", "s", "x"],
]

SETS = [
    ["SADD", "s", "a", "b", "c"], ["SADD", "s", "a"], ["SREM", "s", "a"], ["SREM", "s", "nope"], ["SADD", "one", "x"],
    ["SPOP", "one"], ["SPOP", "one"], ["SADD", "p", "1", "2", "3"], ["SPOP", "p", "0"], ["SADD", "p1", "x"], ["SPOP", "p1", "1"],
    ["SADD", "p", "1", "2", "3", "4"], ["SPOP", "p", "10"], ["SPOP", "nokey", "3"], ["SADD", "s", "x", "y"],
    ["SMOVE", "s", "s2", "x"], ["SMOVE", "s", "s2", "nope"], ["SMOVE", "s2", "s", "x"], ["SMOVE", "s", "s", "x"],
    ["SADD", "t", "b", "q"], ["SINTERSTORE", "s3", "s", "t"], ["SUNIONSTORE", "s3", "s", "t"],
    ["SDIFFSTORE", "s3", "s", "t"], ["SINTERSTORE", "s3", "nokey"], ["SINTERSTORE", "s3", "s", "t"],
    ["SUNIONSTORE", "s4", "nokey"], ["SDIFFSTORE", "s3", "s", "s"], ["SMEMBERS", "nokey"], ["SISMEMBER", "nokey", "a"],
    ["SCARD", "nokey"], ["SINTER", "s", "nokey"], ["SUNION", "nokey", "t"], ["SDIFF", "nokey", "s"],
    ["SINTERCARD", "2", "s", "nokey"], ["SRANDMEMBER", "nokey"], ["SMISMEMBER", "nokey", "a"],
    ["SADD", "one", "z"], ["SREM", "one", "z", "q"], ["SREM", "s", "b", "c", "y"],
]

ZSETS = [
    ["ZADD", "z", "1", "a", "2", "b"], ["ZADD", "z", "1", "a"], ["ZADD", "z", "5", "a"], ["ZADD", "z", "XX", "1", "new"],
    ["ZADD", "z", "NX", "9", "a"], ["ZADD", "z", "GT", "1", "a"], ["ZADD", "z", "INCR", "2", "a"], ["ZADD", "zn", "XX", "1", "a"],
    ["ZADD", "z", "NX", "INCR", "1", "a"], ["ZADD", "z", "CH", "7", "a", "3", "c"], ["ZINCRBY", "z", "1", "a"],
    ["ZINCRBY", "zi", "1", "a"], ["ZREM", "z", "a", "nope"], ["ZREM", "z", "nope"], ["ZREMRANGEBYSCORE", "z", "0", "2"],
    ["ZREMRANGEBYSCORE", "z", "100", "200"], ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"], ["ZPOPMIN", "z"],
    ["ZPOPMAX", "z"], ["ZPOPMIN", "z", "0"], ["ZPOPMIN", "nokey"], ["ZREMRANGEBYRANK", "z", "0", "-1"],
    ["ZADD", "z", "0", "a", "0", "b", "0", "c"], ["ZREMRANGEBYLEX", "z", "[a", "[a"], ["ZPOPMAX", "z", "5"],
    ["ZADD", "z", "1", "a", "2", "b"], ["ZADD", "y", "1", "b", "3", "c"], ["ZUNIONSTORE", "z2", "2", "z", "y"],
    ["ZINTERSTORE", "z2", "2", "z", "y"], ["ZDIFFSTORE", "z2", "2", "z", "y"], ["ZINTERSTORE", "z2", "1", "nokey"],
    ["ZUNIONSTORE", "z9", "1", "nokey"], ["ZRANGESTORE", "z3", "z", "0", "-1"], ["ZRANGESTORE", "z3", "z", "5", "9"],
    ["ZRANGESTORE", "z3", "nokey", "0", "-1"], ["ZMPOP", "2", "nokey", "z", "MIN"], ["ZMPOP", "1", "z", "MAX", "COUNT", "5"],
    ["ZADD", "bz", "1", "a", "2", "b"], ["BZPOPMIN", "bz", "1"], ["BZPOPMAX", "bz", "1"], ["ZADD", "bz", "1", "a"],
    ["BZMPOP", "1", "1", "bz", "MIN"], ["ZSCORE", "nokey", "a"], ["ZCARD", "nokey"], ["ZRANGE", "nokey", "0", "-1"],
    ["ZRANK", "nokey", "a"], ["ZCOUNT", "nokey", "0", "1"], ["ZUNION", "2", "nokey", "y"], ["ZRANDMEMBER", "nokey"],
    ["ZMSCORE", "nokey", "a"], ["ZINTERCARD", "1", "nokey"], ["ZADD", "y", "nan", "x"],
]

SORTING = [
    ["RPUSH", "sl", "3", "1", "2"], ["SORT", "sl", "STORE", "dst"], ["SORT", "sl", "LIMIT", "5", "5", "STORE", "dst"],
    ["SORT", "nokey", "STORE", "dst2"], ["SET", "w_1", "9"], ["SET", "w_2", "8"], ["SORT", "sl", "BY", "w_*", "GET", "o_*"],
    ["SORT", "sl", "BY", "w_*", "GET", "#", "STORE", "dst"], ["SORT_RO", "nokey"], ["SORT", "nokey"],
    ["SADD", "ss", "b", "a"], ["SORT", "ss", "ALPHA", "STORE", "dst"],
]

TRANSACTIONS = [
    ["MULTI"], ["SET", "a", "1"], ["INCR", "a"], ["LPUSH", "l", "x"], ["LPOP", "l"], ["EXPIRE", "a", "100"],
    ["HSET", "h", "f", "v"], ["INCR", "h"], ["DEL", "a", "h"], ["EXEC"], ["MULTI"], ["SET", "a", "1"], ["DISCARD"],
    ["MULTI"], ["SET", "a", "1"], ["NOSUCHCOMMAND"], ["EXEC"],
]

UNORDERED_REPLIES = {"SMEMBERS", "SUNION", "SINTER", "SDIFF", "KEYS"}

CORPORA = {"strings": STRINGS, "generic": GENERIC, "hashes": HASHES, "lists": LISTS, "sets": SETS, "zsets": ZSETS,
           "sorting": SORTING, "transactions": TRANSACTIONS}

# Read commands on missing keys (and a few writes, which never miss): keymiss with `m`.
KEYMISS = [
    ["GET", "nokey"], ["MGET", "a", "nokey", "nokey2"], ["SET", "a", "1"], ["GET", "a"], ["STRLEN", "nokey"],
    ["GETRANGE", "nokey", "0", "1"], ["EXISTS", "nokey"], ["TYPE", "nokey"], ["TTL", "nokey"], ["PTTL", "nokey"],
    ["OBJECT", "ENCODING", "nokey"], ["HGET", "nokey", "f"], ["HGETALL", "nokey"], ["LRANGE", "nokey", "0", "1"],
    ["LLEN", "nokey"], ["SMEMBERS", "nokey"], ["SCARD", "nokey"], ["ZSCORE", "nokey", "m"], ["ZRANGE", "nokey", "0", "1"],
    ["SINTER", "nokey", "a"], ["SUNION", "nokey", "nokey2"], ["SORT", "nokey"], ["RPUSH", "sl", "2", "1"],
    ["SORT", "sl", "BY", "w_*", "GET", "o_*"], ["INCR", "nokey"], ["DEL", "nokey", "nokey2"], ["GETDEL", "nok"],
    ["GETEX", "nok", "PERSIST"], ["EXPIRE", "nok", "1"], ["LPOP", "nok"], ["RENAME", "nok", "x"], ["COPY", "nok", "x"],
    ["APPEND", "nok3", "x"], ["SETRANGE", "nok4", "0", ""], ["HINCRBY", "nok5", "f", "1"], ["SMOVE", "nok", "x", "m"],
    ["LMOVE", "nok", "x", "LEFT", "LEFT"], ["RPOPLPUSH", "nok", "x"], ["ZINCRBY", "nok6", "1", "m"],
    ["SINTERSTORE", "d", "nok"], ["ZUNIONSTORE", "d", "1", "nok"], ["ZRANGESTORE", "d", "nok", "0", "1"],
    ["SORT", "nok", "STORE", "d"], ["TOUCH", "nok"], ["EXPIRETIME", "nok"], ["HEXISTS", "nok", "f"],
    ["SISMEMBER", "nok", "m"], ["ZCARD", "nok"], ["LINDEX", "nok", "0"], ["HRANDFIELD", "nok"], ["SRANDMEMBER", "nok"],
    ["ZRANDMEMBER", "nok"], ["SPOP", "nok"], ["ZPOPMIN", "nok"], ["LMPOP", "1", "nok", "LEFT"],
    ["ZMPOP", "1", "nok", "MIN"], ["BLPOP", "nok", "0.01"], ["SINTERCARD", "1", "nok"], ["ZINTERCARD", "1", "nok"],
    ["LPOS", "nok", "x"], ["HMGET", "nok", "f"], ["SMISMEMBER", "nok", "m"], ["ZMSCORE", "nok", "m"],
    ["DBSIZE"], ["KEYS", "nok*"],
]


class KeyspaceEventsDiffTest(TranscriptDiffMixin, unittest.TestCase):
    dump_env = "KS_DUMP"
    against_redis = AGAINST_REDIS

    @staticmethod
    def listen(t, flags, proto, pattern="__key*__:*"):
        """A client connection and an events connection psubscribed with `flags` set."""
        c, s = t.conn("client", proto), t.conn("events", proto)
        c.cmd("CONFIG", "SET", "notify-keyspace-events", flags)
        s.cmd("PSUBSCRIBE", pattern)
        return c, s

    @staticmethod
    def run_corpus(c, s, commands):
        """Runs each command on `c`, then records what `s` (if any) was sent meanwhile."""
        queuing = False
        for args in commands:
            name = args[0].upper()
            if queuing and name not in ("EXEC", "DISCARD"):
                c.call(*args)  # queued: its events come with EXEC
                continue
            if name == "MULTI":
                c.call(*args)  # a PING after it would be queued
                queuing = True
                continue
            queuing = False
            # Set replies come in each server's hash order: compare them as sets.
            unordered = name in UNORDERED_REPLIES or (name == "SPOP" and len(args) == 3)
            order = "elements" if unordered else "exact"
            c.cmd(*args, order=order)
            if s:
                s.drain()

    @staticmethod
    def wait_blocked(t, n, timeout=3.0):
        """Waits (bounded) until `n` clients are blocked, so a later push serves them."""
        admin = RawClient(t.port, timeout=3.0)
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                info = admin.call("INFO", "clients").decode()
                if int(info.split("blocked_clients:")[1].split("\r\n")[0]) >= n:
                    return
                time.sleep(0.01)
        finally:
            admin.close()

    def run_corpora(self, runs):
        """Each (flags, commands) run, for a RESP2 and a RESP3 client and listener."""
        def scenario(t, proto, label):
            flags, commands = runs[label]
            c, s = self.listen(t, flags, proto)
            self.run_corpus(c, s, commands)
        for label in runs:
            for proto in (2, 3):
                with self.subTest(run=label, proto=proto):
                    self.run_both(scenario, proto, label)

    # ------------------------------------------------------------------ every write command family
    def test_command_families(self):
        self.run_corpora({family: ("KEA", commands) for family, commands in CORPORA.items()})

    def test_new_and_keymiss(self):
        self.run_corpora({"KEAmn": ("KEAmn", STRINGS + GENERIC), "En": ("En", HASHES + LISTS),
                          "Kn": ("Kn", SETS + ZSETS), "KEn": ("KEn", SORTING), "KEm": ("KEm", KEYMISS),
                          "Km": ("Km", KEYMISS[:20]), "Enm": ("Enm", TRANSACTIONS)})

    def test_class_filters_and_databases(self):
        commands = [["SET", "k", "v", "EX", "100"], ["GET", "nokey"], ["LPUSH", "l", "x"], ["LPOP", "l"],
                    ["HSET", "h", "f", "v"], ["SADD", "s", "m"], ["ZADD", "z", "1", "m"], ["SELECT", "5"],
                    ["SET", "k", "v"], ["RENAME", "k", "k2"], ["SELECT", "0"], ["DEL", "k", "h", "s", "z", "k2"],
                    ["MULTI"], ["SELECT", "9"], ["INCR", "n"], ["EXEC"]]

        def scenario(t, flags, pattern):
            c, s = self.listen(t, flags, 2, pattern)
            self.run_corpus(c, s, commands)
        for flags, pattern in (("Ex", "*"), ("Kg$", "*"), ("El", "*"), ("Kh", "*"), ("Esz", "*"), ("KEd", "*"),
                               ("", "*"), ("E", "*"), ("K", "*"), ("g", "*"), ("A", "*"), ("KEA", "__keyspace@5__:*"),
                               ("KEA", "__keyevent@0__:del"), ("KEAn", "__key*@9__:*"), ("AKE", "__keyevent@*__:set")):
            with self.subTest(flags=flags, pattern=pattern):
                self.run_both(scenario, flags, pattern)

    # ------------------------------------------------------------------ blocking pops served later
    def test_blocking_pops_served_by_a_later_push(self):
        pops = [(["BLPOP", "bl", "5"], ["RPUSH", "bl", "a", "b"]),
                (["BRPOP", "bl2", "x", "5"], ["LPUSH", "bl2", "a"]),
                (["BLMOVE", "bl3", "dst", "LEFT", "RIGHT", "5"], ["RPUSH", "bl3", "a"]),
                (["BRPOPLPUSH", "bl4", "bl4", "5"], ["RPUSH", "bl4", "a"]),
                (["BLMPOP", "5", "2", "x", "bl5", "RIGHT", "COUNT", "2"], ["RPUSH", "bl5", "a", "b", "c"]),
                (["BZPOPMIN", "bz", "5"], ["ZADD", "bz", "1", "a", "2", "b"]),
                (["BZPOPMAX", "bz2", "5"], ["ZADD", "bz2", "1", "a"]),
                (["BZMPOP", "5", "1", "bz3", "MAX", "COUNT", "9"], ["ZADD", "bz3", "1", "a", "2", "b"])]

        def scenario(t, proto):
            c, s = self.listen(t, "KEAn", proto)
            b = t.conn("blocked", proto)
            for pop, push in pops:
                b.send(*pop)
                self.wait_blocked(t, 1)
                c.cmd(*push)
                b.collect()
                s.drain()
            # Two waiters, one push of one element then of two: served in arrival order.
            b2 = t.conn("blocked2", proto)
            b.send("BLPOP", "two", "5")
            self.wait_blocked(t, 1)
            b2.send("BLPOP", "two", "5")
            self.wait_blocked(t, 2)
            c.cmd("RPUSH", "two", "x")
            b.collect()
            s.drain()
            c.call("MULTI")
            c.call("RPUSH", "two", "y", "z")
            c.cmd("EXEC")
            b2.collect()
            s.drain()
        self.each_proto(scenario)

    # ------------------------------------------------------------------ expiry
    def test_lazy_expiry(self):
        def scenario(t, proto):
            c, s = self.listen(t, "KEAmn", proto)
            for i, args in enumerate((["GET", "k"], ["EXISTS", "k"], ["SET", "k", "new"], ["LPUSH", "k", "x"],
                                      ["INCR", "k"], ["TTL", "k"], ["EXPIRE", "k", "5"], ["DEL", "k"],
                                      ["RENAME", "k", "z"], ["APPEND", "k", "x"], ["SCAN", "0", "MATCH", "k"],
                                      ["RANDOMKEY"], ["COPY", "k", "c"], ["SORT", "x", "BY", "k"],
                                      ["GETDEL", "k"], ["SMOVE", "k", "s", "m"])):
                c.cmd("SET", "k", "v", "PX", "40")
                s.drain()
                time.sleep(0.15)
                c.cmd(*args)  # expired by now: lazily here or actively before, the same events
                s.drain()
        self.each_proto(scenario)

    def test_active_expiry(self):
        def scenario(t, proto):
            c, s = self.listen(t, "Ex", proto)
            c.cmd("SET", "gone", "v", "PX", "50")
            s.wait_frames(1)
            c.cmd("HSET", "h", "f", "v")
            c.cmd("PEXPIRE", "h", "30")
            s.wait_frames(1)
            c.cmd("SELECT", "3")
            c.cmd("SET", "in3", "v", "PX", "20")
            s.wait_frames(1)
            s.drain()
        self.each_proto(scenario)

    # ------------------------------------------------------------------ eviction
    def test_eviction(self):
        def scenario(t, proto):
            c, s = self.listen(t, "KEA", proto)
            for key in ("e1", "e2", "e3"):
                c.cmd("SET", key, "x" * 100)
            s.drain()
            c.cmd("CONFIG", "SET", "maxmemory-policy", "allkeys-random")
            c.cmd("CONFIG", "SET", "maxmemory", "1")  # below anything: every key goes at once
            c.cmd("CONFIG", "SET", "maxmemory", "0")
            s.drain(order="set")  # which key is evicted first is random
            c.cmd("CONFIG", "SET", "maxmemory-policy", "noeviction")
            c.cmd("DBSIZE")
        self.each_proto(scenario)

    # ------------------------------------------------------------------ a client listening to itself
    def test_resp3_client_receives_its_own_events(self):
        commands = [["SET", "k", "v", "EX", "100"], ["GET", "nokey"], ["MSET", "a", "1", "b", "2"], ["DEL", "a", "b"],
                    ["LPUSH", "l", "x", "y"], ["LPOP", "l", "2"], ["RPUSH", "l", "x"], ["RPOP", "l"],
                    ["HSET", "h", "f", "v"], ["HDEL", "h", "f"], ["SADD", "s", "a"], ["SPOP", "s"],
                    ["ZADD", "z", "1", "a"], ["ZPOPMIN", "z"], ["INCR", "n"], ["EXPIRE", "n", "0"],
                    ["RENAME", "k", "k2"], ["SINTERSTORE", "d", "nokey"], ["MULTI"], ["SET", "x", "1"], ["DEL", "x"],
                    ["EXEC"], ["SETNX", "sn", "1"], ["GETSET", "sn", "2"], ["PSETEX", "sn", "100000", "3"],
                    ["GETEX", "sn", "EX", "100"], ["GETEX", "sn", "PERSIST"], ["GETEX", "sn", "PXAT", "1"],
                    ["MSETNX", "m1", "1", "m2", "2"], ["GETDEL", "m1"], ["APPEND", "m2", "x"], ["SETRANGE", "m2", "0", "y"],
                    ["INCRBYFLOAT", "f", "1.5"], ["DECRBY", "f2", "3"], ["EXPIRE", "m2", "100"], ["PERSIST", "m2"],
                    ["PEXPIREAT", "m2", "1"], ["SET", "c1", "v"], ["COPY", "c1", "c2"], ["RENAMENX", "c2", "c3"],
                    ["UNLINK", "c1", "c3"], ["HSET", "h", "a", "1", "b", "2"], ["HSETNX", "h", "c", "3"],
                    ["HINCRBY", "h", "a", "1"], ["HINCRBYFLOAT", "h", "a", "1.5"], ["HDEL", "h", "a"],
                    ["RPUSH", "l", "a", "b", "c", "d"], ["LSET", "l", "0", "z"], ["LINSERT", "l", "AFTER", "z", "y"],
                    ["LTRIM", "l", "0", "3"], ["LREM", "l", "1", "y"], ["LMOVE", "l", "l2", "LEFT", "RIGHT"],
                    ["RPOPLPUSH", "l", "l2"], ["LPOP", "l", "1"], ["RPOP", "l2", "1"], ["LMPOP", "1", "l2", "LEFT"],
                    ["LPUSHX", "l", "q"], ["BLPOP", "l", "1"], ["BRPOP", "l2", "1"], ["BLMOVE", "l2", "l3", "LEFT", "LEFT", "1"],
                    ["BLMPOP", "1", "1", "l3", "RIGHT", "COUNT", "5"], ["SADD", "s", "a", "b", "c"], ["SREM", "s", "a"],
                    ["SMOVE", "s", "s2", "b"], ["SINTERSTORE", "s3", "s", "s2"], ["SUNIONSTORE", "s3", "s", "s2"],
                    ["SDIFFSTORE", "s4", "s", "s2"], ["SPOP", "s3", "5"], ["SINTERSTORE", "s4", "nokey"],
                    ["ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"], ["ZADD", "z", "INCR", "1", "a"],
                    ["ZINCRBY", "z", "1", "a"], ["ZREM", "z", "a"], ["ZREMRANGEBYSCORE", "z", "0", "2"],
                    ["ZREMRANGEBYRANK", "z", "0", "0"], ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
                    ["ZREMRANGEBYLEX", "z", "-", "+"], ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
                    ["ZUNIONSTORE", "z2", "1", "z"], ["ZINTERSTORE", "z3", "1", "z"], ["ZDIFFSTORE", "z4", "1", "z"],
                    ["ZRANGESTORE", "z5", "z", "0", "0"], ["ZPOPMIN", "z", "1"], ["ZPOPMAX", "z2"], ["ZPOPMAX", "z2", "5"],
                    ["ZMPOP", "1", "z3", "MIN", "COUNT", "1"], ["BZPOPMIN", "z3", "1"], ["BZPOPMAX", "z4", "1"],
                    ["BZMPOP", "1", "1", "z5", "MAX"], ["RPUSH", "sl", "2", "1"], ["SORT", "sl", "STORE", "sd"],
                    ["SORT", "sl", "LIMIT", "9", "9", "STORE", "sd"], ["FLUSHALL"]]

        def scenario(t):
            c = t.conn("self", 3)
            c.cmd("CONFIG", "SET", "notify-keyspace-events", "KEAmn")
            c.cmd("PSUBSCRIBE", "__key*__:*")
            self.run_corpus(c, None, commands)
            c.cmd("SET", "lazy", "v", "PX", "30")
            time.sleep(0.15)
            c.cmd("GET", "lazy")
        self.run_both(scenario)


if __name__ == "__main__":
    unittest.main()
