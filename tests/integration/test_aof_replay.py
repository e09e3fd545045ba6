"""AOF replay proof: what the server logs replays to exactly the dataset its clients saw, in
the same server after a restart and in real redis-server 7 loading the same files.

One server under test (corokv by default; redis-server 7 with AOF_AGAINST=redis, which is how
this suite is validated) runs with appendonly yes, aof-use-rdb-preamble no, a fresh --dir, and
gets a broad corpus of writes: every data type, several databases and connections, every
command whose logged form must differ from what the client typed (relative expiry times,
SPOP, INCRBYFLOAT, HINCRBYFLOAT, blocking pops served by a later push, LMPOP/ZMPOP), keys
with 300 ms TTLs that expire actively and lazily, errors that must change nothing, then a
seeded randomized phase over a small key space (AOF_SEED=N replays a run; the seed is printed
and named in every failure). Then:

- GracefulRestartTest (appendfsync everysec): the files only hold replay-safe forms (absolute
  expiry times, effects instead of random or floating-point commands, no blocking commands);
  a restart on the same --dir after SIGTERM loads the same dataset; Debian's redis-server 7
  loads a copy of the files to the same dataset.
- SigkillTest (appendfsync always): after SIGKILL, every acknowledged write is back.

"The same dataset" is every key of every database with its type, value and PEXPIRETIME,
compared exactly: when the dump is taken, every short TTL has passed and every remaining one is
an hour or more away, so an absolute expiry must come back to the millisecond (a relative time
in the log would move it by the restart's duration).

Commands the server under test does not implement (COMMAND INFO answers nil; corokv has no MOVE
or SWAPDB yet) are left out of the corpus, and the run says so.

Servers listen on free ports of 127.0.0.1 and are stopped by pid; every wait is bounded; temp
dirs are removed unless a test failed (or AOF_KEEP is set), and their paths are printed then."""

import os
import random
import shutil
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pylib import aofload  # noqa: E402
from pylib.aofload import (  # noqa: E402
    AGAINST, Client, _plain, aof_dir, base_file, dump, incr_files, kill9, parse_aof, stop, wait_loaded,
    wait_until)
from pylib.servers import RawClient, encode_command, parse_reply  # noqa: E402

SEED = int(os.environ.get("AOF_SEED", str(int(time.time() * 1000) % 1_000_000_007)))
HOUR_MS = 3600 * 1000
SHORT_MS = 300
# Marks the arguments of commands that must fail: none of them may reach the log.
POISON = b"must-not-appear"
BLOCKING = {b"BLPOP", b"BRPOP", b"BLMOVE", b"BRPOPLPUSH", b"BLMPOP", b"BZPOPMIN", b"BZPOPMAX", b"BZMPOP"}


def log(msg):
    print(f"\n    [aof-replay:{AGAINST}] {msg}", flush=True)


def now_ms():
    return int(time.time() * 1000)


def is_error(reply):
    return isinstance(reply, tuple) and reply[0] == "error"


class CorpusError(AssertionError):
    pass


class Corpus:
    """Runs the write corpus against one server. Records the keys whose expiry was given as a
    relative time (they must be logged with an absolute one), the commands left out because
    the server lacks them, and the deadline of the last short TTL."""

    def __init__(self, server, seed):
        self.port = server.port
        self.seed = seed
        self.rng = random.Random(seed)
        self.clients = []
        self.c = self.client()
        self.relative_ttl = set()      # (db, key) given a relative expiry time by the corpus
        self.skipped = set()
        self.supported = {}
        self.last_short_deadline = 0.0  # time.monotonic() by which every short TTL has passed
        self.counts = {"commands": 0, "errors": 0}

    # -- plumbing ----------------------------------------------------------------------------

    def client(self):
        c = Client(self.port, timeout=20.0)
        self.clients.append(c)
        return c

    def close(self):
        for c in self.clients:
            c.close()
        self.clients = []

    def fail(self, msg):
        raise CorpusError(f"{msg} (AOF_SEED={self.seed})")

    def has(self, name):
        """Whether the server implements `name` (COMMAND INFO answers nil when it does not)."""
        name = name.lower()
        if name not in self.supported:
            info = self.c.call("COMMAND", "INFO", name)
            self.supported[name] = bool(info and info[0])
            if not self.supported[name]:
                self.skipped.add(name.upper())
        return self.supported[name]

    def ok(self, *cmd, c=None):
        r = (c or self.c).call(*cmd)
        self.counts["commands"] += 1
        if is_error(r):
            self.fail(f"{cmd!r} failed: {r[1]!r}")
        return r

    def expect(self, want, *cmd, c=None):
        r = self.ok(*cmd, c=c)
        if r != want:
            self.fail(f"{cmd!r} answered {r!r}, expected {want!r}")
        return r

    def err(self, *cmd, c=None):
        r = (c or self.c).call(*cmd)
        self.counts["commands"] += 1
        self.counts["errors"] += 1
        if not is_error(r):
            self.fail(f"{cmd!r} should have failed, answered {r!r}")
        return r

    def select(self, db, c=None):
        self.ok("SELECT", db, c=c)
        (c or self.c).db = db

    def rel(self, key, c=None, db=None):
        """`key` (in `db`, default the connection's) ends up with an expiry that the corpus gave
        as a relative time, possibly through a RENAME, COPY or MOVE."""
        db = (c or self.c).db if db is None else db
        self.relative_ttl.add((db, key.encode() if isinstance(key, str) else key))

    def swapdb(self, a, b):
        self.ok("SWAPDB", a, b)
        swap = {a: b, b: a}
        self.relative_ttl = {(swap.get(db, db), key) for db, key in self.relative_ttl}

    def short(self, ms=SHORT_MS):
        self.last_short_deadline = max(self.last_short_deadline, time.monotonic() + ms / 1000.0)

    def blocked_count(self):
        return int(self.c.info("clients")["blocked_clients"])

    def wait_blocked(self, n, timeout=10.0):
        if not wait_until(lambda: self.blocked_count() == n, timeout, 0.005):
            self.fail(f"expected {n} blocked clients, INFO says {self.blocked_count()}")

    # -- the corpus --------------------------------------------------------------------------

    def run(self, random_commands=3000):
        self.c.db = 0
        self.strings()
        self.expiry()
        self.keyspace()
        self.databases()
        self.hashes()
        self.lists()
        self.sets()
        self.zsets()
        self.sort()
        self.blocking()
        self.errors()
        self.randomized(random_commands)
        self.short_ttls()
        self.select(0)

    def strings(self):
        far_s = now_ms() // 1000 + 2 * 3600
        far_ms = now_ms() + 3 * HOUR_MS + 777
        self.select(0)
        self.ok("SET", "s:plain", "hello")
        self.ok("SET", "s:bin", b"\x00\r\n\xff*3\r\n$3\r\nSET\r\n")
        self.ok("SET", b"s:\x00bin-key\r\n", "v")
        self.ok("SET", "s:ex", "v", "EX", 3600); self.rel("s:ex")
        self.ok("SET", "s:px", "v", "PX", 2 * HOUR_MS + 5); self.rel("s:px")
        self.ok("SET", "s:exat", "v", "EXAT", far_s)
        self.ok("SET", "s:pxat", "v", "PXAT", far_ms)
        self.expect(b"OK", "SET", "s:ex", "v2", "KEEPTTL")
        self.expect(b"OK", "SET", "s:nx", "v", "NX")
        self.expect(None, "SET", "s:nx", "other", "NX")
        self.expect(None, "SET", "s:xx", "v", "XX")
        self.expect(b"OK", "SET", "s:plain", "world", "XX")
        self.expect(b"world", "SET", "s:plain", "again", "GET")
        self.expect(b"again", "SET", "s:plain", "final", "EX", 4000, "GET"); self.rel("s:plain")
        self.expect(b"OK", "SET", "s:nxex", "v", "NX", "PX", 5 * HOUR_MS); self.rel("s:nxex")
        self.expect(b"OK", "SET", "s:xxkeep", "v", "EX", 3600); self.rel("s:xxkeep")
        self.expect(b"OK", "SET", "s:xxkeep", "v2", "XX", "KEEPTTL")
        self.ok("SET", "s:ttl-cleared", "v", "EX", 3600)
        self.ok("SET", "s:ttl-cleared", "v2")  # a plain SET drops the TTL
        self.ok("SET", "s:past-exat", "v", "EXAT", 1)
        self.ok("SET", "s:past-pxat", "v", "PXAT", 1000)
        self.ok("SETEX", "s:setex", 3600, "v"); self.rel("s:setex")
        self.ok("PSETEX", "s:psetex", 2 * HOUR_MS, "v"); self.rel("s:psetex")
        for opt, arg, rel in (("EX", 3600, True), ("PX", 2 * HOUR_MS, True), ("EXAT", far_s, False),
                              ("PXAT", far_ms + 1, False)):
            key = f"s:getex-{opt.lower()}"
            self.ok("SET", key, "v")
            self.expect(b"v", "GETEX", key, opt, arg)
            if rel:
                self.rel(key)
        self.ok("SET", "s:getex-persist", "v", "EX", 3600)
        self.expect(b"v", "GETEX", "s:getex-persist", "PERSIST")
        self.expect(b"v", "GETEX", "s:nx")  # no option: nothing changes
        self.ok("SET", "s:getex-past", "v")
        self.expect(b"v", "GETEX", "s:getex-past", "EXAT", 1)
        self.expect(0, "EXISTS", "s:getex-past")
        self.ok("SET", "s:getdel", "v")
        self.expect(b"v", "GETDEL", "s:getdel")
        self.expect(None, "GETDEL", "s:getdel")
        self.expect(1, "SETNX", "s:setnx", "v")
        self.expect(0, "SETNX", "s:setnx", "w")
        self.expect(None, "GETSET", "s:getset", "1")
        self.expect(b"1", "GETSET", "s:getset", "2")
        self.ok("MSET", "m:a", "1", "m:b", "2", "m:c", "3")
        self.expect(1, "MSETNX", "m:d", "4", "m:e", "5")
        self.expect(0, "MSETNX", "m:a", "x", "m:f", "6")
        self.ok("APPEND", "s:append", "abc")
        self.ok("APPEND", "s:append", "def")
        self.ok("APPEND", "s:ex", "-more")  # keeps the TTL
        self.ok("SETRANGE", "s:range", 5, "xyz")  # zero padded
        self.ok("SETRANGE", "s:setex", 1, "ZZ")
        self.ok("INCR", "n:i")
        self.ok("INCRBY", "n:i", 41)
        self.ok("DECR", "n:i")
        self.ok("DECRBY", "n:i", 10)
        self.ok("DECRBY", "n:neg", 5)
        self.ok("SET", "n:ttl", 5, "EX", 3600); self.rel("n:ttl")
        self.ok("INCR", "n:ttl")
        self.ok("SET", "f:x", "10.5")
        for _ in range(10):
            self.ok("INCRBYFLOAT", "f:x", "0.1")
        self.ok("INCRBYFLOAT", "f:new", "3.0e3")
        for _ in range(7):
            self.ok("INCRBYFLOAT", "f:neg", "-0.3")
        self.ok("SET", "f:ttl", "1", "PX", 4 * HOUR_MS); self.rel("f:ttl")
        self.ok("INCRBYFLOAT", "f:ttl", "1.5")  # keeps the TTL
        self.ok("INCRBYFLOAT", "f:int", "5")

    def expiry(self):
        far_s = now_ms() // 1000 + 6 * 3600
        far_ms = now_ms() + 7 * HOUR_MS + 123
        self.select(0)
        self.ok("SET", "e:a", "v")
        self.expect(1, "EXPIRE", "e:a", 3600); self.rel("e:a")
        self.expect(0, "EXPIRE", "e:a", 7200, "NX")
        self.expect(1, "EXPIRE", "e:a", 7200, "XX")
        self.expect(0, "EXPIRE", "e:a", 3600, "GT")
        self.expect(1, "EXPIRE", "e:a", 10000, "GT")
        self.expect(1, "EXPIRE", "e:a", 5000, "LT")
        self.ok("SET", "e:nottl", "v")
        self.expect(0, "EXPIRE", "e:nottl", 3600, "XX")
        self.expect(0, "EXPIRE", "e:nottl", 3600, "GT")  # no TTL counts as infinite
        self.ok("SET", "e:lt", "v")
        self.expect(1, "EXPIRE", "e:lt", 3600, "LT"); self.rel("e:lt")
        self.ok("SET", "e:b", "v")
        self.expect(1, "PEXPIRE", "e:b", 3 * HOUR_MS, "NX"); self.rel("e:b")
        self.expect(1, "PEXPIRE", "e:b", 2 * HOUR_MS, "LT")
        self.ok("SET", "e:c", "v")
        self.expect(1, "EXPIREAT", "e:c", far_s)
        self.expect(1, "EXPIREAT", "e:c", far_s + 60, "GT")
        self.ok("SET", "e:d", "v")
        self.expect(1, "PEXPIREAT", "e:d", far_ms)
        self.expect(0, "PEXPIREAT", "e:d", far_ms + 1, "NX")
        for i, cmd in enumerate((("EXPIRE", -1), ("PEXPIRE", 0), ("EXPIREAT", 1), ("PEXPIREAT", 1),
                                 ("EXPIRE", -5, "XX"), ("PEXPIRE", -100, "LT"))):
            key = f"e:past{i}"
            self.ok("SET", key, "v", *(("EX", 3600) if "XX" in cmd else ()))
            self.expect(1, cmd[0], key, *cmd[1:])
            self.expect(0, "EXISTS", key)
        self.ok("HSET", "e:hash", "f", "v")
        self.expect(1, "EXPIRE", "e:hash", 3600); self.rel("e:hash")
        self.ok("RPUSH", "e:list", "a", "b")
        self.expect(1, "PEXPIRE", "e:list", 3 * HOUR_MS); self.rel("e:list")
        self.ok("SADD", "e:set", "a")
        self.expect(1, "EXPIREAT", "e:set", far_s)
        self.ok("ZADD", "e:zset", 1, "a")
        self.expect(1, "PEXPIREAT", "e:zset", far_ms)
        self.ok("SET", "e:persist", "v", "EX", 3600)
        self.expect(1, "PERSIST", "e:persist")
        self.expect(0, "PERSIST", "e:persist")
        self.ok("RPUSH", "e:persist-list", "a")
        self.ok("EXPIRE", "e:persist-list", 3600)
        self.expect(1, "PERSIST", "e:persist-list")

    def keyspace(self):
        self.select(0)
        self.ok("SET", "k:del1", "v")
        self.ok("RPUSH", "k:del2", "v")
        self.expect(2, "DEL", "k:del1", "k:del2", "k:missing")
        self.ok("SET", "k:unlink", "v")
        self.expect(1, "UNLINK", "k:unlink", "k:missing")
        self.ok("SET", "k:r", "v", "EX", 3600); self.rel("k:r2", db=0)
        self.ok("RENAME", "k:r", "k:r2")  # the TTL moves with it
        self.ok("HSET", "k:r3", "f", "v")
        self.ok("RENAME", "k:r3", "k:r3")
        self.ok("SET", "k:over", "old", "EX", 3600)
        self.ok("SET", "k:r4", "new")
        self.ok("RENAME", "k:r4", "k:over")  # the target's TTL goes
        self.ok("SET", "k:rn", "v")
        self.ok("SET", "k:rn2", "w")
        self.expect(0, "RENAMENX", "k:rn", "k:rn2")
        self.expect(1, "RENAMENX", "k:rn", "k:rn3")
        self.ok("RPUSH", "k:cp", "a", "b", "c")
        self.ok("PEXPIRE", "k:cp", 2 * HOUR_MS); self.rel("k:cp"); self.rel("k:cp2"); self.rel("k:cp3", db=4)
        self.expect(1, "COPY", "k:cp", "k:cp2")
        self.expect(0, "COPY", "k:cp", "k:cp2")
        self.ok("RPUSH", "k:cp", "d")
        self.expect(1, "COPY", "k:cp", "k:cp2", "REPLACE")
        self.expect(1, "COPY", "k:cp", "k:cp3", "DB", 4)
        self.ok("ZADD", "k:cpz", 1, "a", 2.5, "b")
        self.expect(1, "COPY", "k:cpz", "k:cpz", "DB", 4)
        self.ok("ZADD", "k:cpz", 3, "c")
        self.expect(0, "COPY", "k:cpz", "k:cpz", "DB", 4)
        self.expect(1, "COPY", "k:cpz", "k:cpz", "DB", 4, "REPLACE")
        self.ok("SADD", "k:cps", "x", "y")
        self.expect(1, "COPY", "k:cps", "k:cps-copy")
        self.ok("HSET", "k:cph", "f", "v")
        self.expect(1, "COPY", "k:cph", "k:cph-copy", "DB", 0)
        if self.has("move"):
            self.ok("SET", "k:mv", "v", "EX", 3600); self.rel("k:mv", db=5)  # moves to db 5
            self.expect(1, "MOVE", "k:mv", 5)
            self.ok("SET", "k:mv2", "v")
            self.ok("SELECT", 5)
            self.ok("SET", "k:mv2", "there")
            self.ok("SELECT", 0)
            self.expect(0, "MOVE", "k:mv2", 5)

    def databases(self):
        for db in (1, 2):
            self.select(db)
            self.ok("SET", "s", f"string-{db}")
            self.ok("SET", "ttl", "v", "EX", 3600 + db); self.rel("ttl")
            self.ok("HSET", "h", "f", db)
            self.ok("RPUSH", "l", db, db + 1)
            self.ok("INCRBYFLOAT", "f", "0.5")
        # Two connections interleaving writes in two databases: the log must say which is which.
        a, b = self.client(), self.client()
        self.select(6, c=a)
        self.select(7, c=b)
        for i in range(20):
            self.ok("RPUSH", "inter", f"a{i}", c=a)
            self.ok("RPUSH", "inter", f"b{i}", c=b)
            self.ok("SET", f"k{i % 3}", f"a{i}", c=a)
            self.ok("INCRBYFLOAT", "f", "0.25", c=b)
        self.ok("SET", "ttl", "v", "PX", 2 * HOUR_MS, c=a); self.rel("ttl", c=a)
        if self.has("swapdb"):
            self.select(8)
            self.ok("SET", "s", "was-in-8")
            self.ok("RPUSH", "l", "x")
            self.select(9)
            self.ok("SET", "s", "was-in-9")
            self.swapdb(8, 9)
            self.ok("SET", "after-swap", "v")  # connection still on db 9 (which holds 8's data)
            self.ok("APPEND", "s", "+appended")
            self.swapdb(6, 13)  # the interleaved data moves to 13
            self.swapdb(13, 13)
            self.ok("SET", "ttl-after-swap", "v", "EX", 3600); self.rel("ttl-after-swap")
        self.select(10)
        self.ok("SET", "doomed", "1")
        self.ok("RPUSH", "doomed-list", "1")
        self.ok("FLUSHDB")
        self.ok("SET", "after-flush", "1")
        self.select(3)
        self.ok("SET", "db3", "v")

    def hashes(self):
        self.select(0)
        self.ok("HSET", "h:a", "f1", "v1", "f2", "v2", "f3", "v3")
        self.expect(0, "HSETNX", "h:a", "f1", "x")
        self.expect(1, "HSETNX", "h:a", "f4", "v4")
        self.expect(1, "HDEL", "h:a", "f2", "missing")
        self.ok("HINCRBY", "h:a", "cnt", 5)
        self.ok("HINCRBY", "h:a", "cnt", -2)
        self.ok("HINCRBYFLOAT", "h:a", "fl", "10.5")
        for _ in range(10):
            self.ok("HINCRBYFLOAT", "h:a", "fl", "0.1")
        self.ok("HINCRBYFLOAT", "h:a", "fl2", "-1.25e2")
        self.ok("HMSET", "h:b", "x", "1", "y", "2")
        self.ok("HSET", "h:b", "x", "1b")
        self.expect(2, "HDEL", "h:b", "x", "y")  # the last field goes: the key goes
        self.ok("HSET", "h:ttl", "f", "v")
        self.ok("EXPIRE", "h:ttl", 3600); self.rel("h:ttl")
        self.ok("HINCRBYFLOAT", "h:ttl", "g", "0.3")

    def lists(self):
        self.select(0)
        self.ok("LPUSH", "l:a", "c", "b", "a")
        self.ok("RPUSH", "l:a", *"defghijk")
        self.ok("LPUSHX", "l:a", "z")
        self.expect(0, "LPUSHX", "l:missing", "z")
        self.ok("RPUSHX", "l:a", "tail")
        self.ok("LINSERT", "l:a", "BEFORE", "d", "x")
        self.ok("LINSERT", "l:a", "AFTER", "d", "y")
        self.expect(-1, "LINSERT", "l:a", "BEFORE", "nosuch", "q")
        self.ok("LSET", "l:a", 0, "first")
        self.ok("LSET", "l:a", -1, "last")
        self.ok("RPUSH", "l:rem", "a", "b", "a", "c", "a", "a")
        self.expect(2, "LREM", "l:rem", 2, "a")
        self.expect(1, "LREM", "l:rem", -1, "a")
        self.expect(1, "LREM", "l:rem", 0, "c")
        self.ok("LTRIM", "l:a", 1, -2)
        self.ok("LPOP", "l:a")
        self.ok("LPOP", "l:a", 2)
        self.ok("RPOP", "l:a")
        self.ok("RPOP", "l:a", 2)
        self.ok("RPUSH", "l:src", 1, 2, 3, 4, 5, 6, 7, 8)
        self.ok("LMOVE", "l:src", "l:dst", "LEFT", "RIGHT")
        self.ok("LMOVE", "l:src", "l:dst", "RIGHT", "LEFT")
        self.ok("LMOVE", "l:src", "l:src", "LEFT", "RIGHT")  # rotation
        self.ok("RPOPLPUSH", "l:src", "l:dst")
        self.expect([b"l:src", [b"3", b"4"]], "LMPOP", 2, "l:missing", "l:src", "LEFT", "COUNT", 2)
        self.ok("LMPOP", 1, "l:dst", "RIGHT")
        self.ok("LMPOP", 1, "l:dst", "LEFT", "COUNT", 100)  # empties it
        self.expect(0, "EXISTS", "l:dst")
        self.ok("RPUSH", "l:gone", "x")
        self.ok("LPOP", "l:gone")
        self.ok("RPUSH", "l:trimmed", "a", "b")
        self.ok("LTRIM", "l:trimmed", 5, 10)  # empties it
        self.ok("RPUSH", "l:ttl", "a", "b", "c")
        self.ok("EXPIRE", "l:ttl", 3600); self.rel("l:ttl")
        self.ok("LPOP", "l:ttl")

    def sets(self):
        self.select(0)
        self.ok("SADD", "st:a", *[f"m{i}" for i in range(30)])
        self.expect(0, "SADD", "st:a", "m0")
        self.expect(2, "SREM", "st:a", "m1", "m2", "missing")
        self.ok("SPOP", "st:a")
        self.ok("SPOP", "st:a", 3)
        self.ok("SPOP", "st:a", 0)
        self.ok("SADD", "st:small", "a", "b")
        self.ok("SPOP", "st:small", 5)  # all of it: the key goes
        self.expect(0, "EXISTS", "st:small")
        self.ok("SADD", "st:one", "only")
        self.ok("SPOP", "st:one")
        self.ok("SADD", "st:int", *range(50))
        self.ok("SPOP", "st:int", 10)
        self.ok("SADD", "st:big", *[f"b{i}" for i in range(300)])
        self.ok("SPOP", "st:big", 250)  # more than half: Redis's "keep the rest" path
        self.ok("SADD", "st:mid", *[f"c{i}" for i in range(300)])
        self.ok("SPOP", "st:mid", 40)
        self.ok("SADD", "st:ttl", "a", "b", "c")
        self.ok("EXPIRE", "st:ttl", 3600); self.rel("st:ttl")
        self.ok("SPOP", "st:ttl")
        self.ok("SADD", "st:a", "m3")  # SPOP may have taken it
        self.expect(1, "SMOVE", "st:a", "st:b", "m3")
        self.expect(0, "SMOVE", "st:a", "st:b", "missing")
        self.ok("SADD", "st:x", "a", "b", "c", "d")
        self.ok("SADD", "st:y", "c", "d", "e")
        self.ok("SINTERSTORE", "st:inter", "st:x", "st:y")
        self.ok("SUNIONSTORE", "st:union", "st:x", "st:y")
        self.ok("SDIFFSTORE", "st:diff", "st:x", "st:y")
        self.ok("SADD", "st:empty", "z")
        self.expect(0, "SINTERSTORE", "st:empty", "st:x", "st:missing")  # the target goes
        self.ok("SUNIONSTORE", "st:x", "st:x", "st:y")  # target among the sources

    def zsets(self):
        self.select(0)
        self.ok("ZADD", "z:a", 1, "a", 2, "b", 3, "c", 4, "d", 5, "e")
        self.ok("ZADD", "z:a", "NX", 10, "a", 6, "f")
        self.ok("ZADD", "z:a", "XX", 20, "b", 7, "g")
        self.ok("ZADD", "z:a", "GT", 0.5, "c", 30, "d")
        self.ok("ZADD", "z:a", "LT", 0.25, "e", 100, "a")
        self.ok("ZADD", "z:a", "CH", 2.5, "c", 8, "h")
        self.ok("ZADD", "z:a", "INCR", 0.1, "a")
        self.expect(None, "ZADD", "z:a", "XX", "INCR", 0.7, "missing")
        self.ok("ZADD", "z:a", "GT", "CH", "INCR", 0.3, "e")
        self.ok("ZADD", "z:a", -1.5e-3, "neg", "+inf", "inf", "-inf", "minf")
        for _ in range(5):
            self.ok("ZINCRBY", "z:a", "0.1", "b")
        self.ok("ZINCRBY", "z:a", "-1.3", "new")
        self.expect(1, "ZREM", "z:a", "h", "missing")
        self.ok("ZADD", "z:pop", 1, "a", 2, "b", 3, "c", 4, "d", 5, "e", 6, "f", 7, "g", 8, "h")
        self.ok("ZPOPMIN", "z:pop")
        self.ok("ZPOPMIN", "z:pop", 2)
        self.ok("ZPOPMAX", "z:pop")
        self.ok("ZPOPMAX", "z:pop", 1)
        self.expect([b"z:pop", [[b"d", b"4"]]], "ZMPOP", 2, "z:missing", "z:pop", "MIN", "COUNT", 1)
        self.ok("ZMPOP", 1, "z:pop", "MAX", "COUNT", 10)  # empties it
        self.expect(0, "EXISTS", "z:pop")
        self.ok("ZADD", "z:b", 1, "a", 2, "c", 3, "x", 4, "y")
        self.ok("ZRANGESTORE", "z:rs", "z:a", 0, 2)
        self.ok("ZRANGESTORE", "z:rs2", "z:a", "(1", "(50", "BYSCORE", "LIMIT", 1, 3)
        self.ok("ZADD", "z:lex", 0, "a", 0, "b", 0, "c", 0, "d", 0, "e", 0, "f")
        self.ok("ZRANGESTORE", "z:rsl", "z:lex", "[b", "(e", "BYLEX")
        self.ok("ZRANGESTORE", "z:rsrev", "z:a", 0, 1, "REV")
        self.ok("ZUNIONSTORE", "z:u", 2, "z:a", "z:b", "WEIGHTS", 2, 0.5, "AGGREGATE", "MAX")
        self.ok("ZINTERSTORE", "z:i", 2, "z:a", "z:b", "WEIGHTS", 1.5, 3, "AGGREGATE", "SUM")
        self.ok("ZINTERSTORE", "z:i2", 2, "z:a", "z:b", "AGGREGATE", "MIN")
        self.ok("ZDIFFSTORE", "z:d", 2, "z:a", "z:b")
        self.ok("SADD", "z:set", "a", "q")
        self.ok("ZUNIONSTORE", "z:us", 2, "z:a", "z:set", "WEIGHTS", 0.1, 7)
        self.ok("ZADD", "z:c", *[x for i in range(10) for x in (i, f"m{i}")])
        self.expect(2, "ZREMRANGEBYSCORE", "z:c", 2, "(4")
        self.expect(1, "ZREMRANGEBYRANK", "z:c", 0, 0)
        self.expect(2, "ZREMRANGEBYLEX", "z:lex", "[b", "(d")
        self.ok("ZADD", "z:ttl", 1, "a", 2, "b")
        self.ok("PEXPIRE", "z:ttl", 2 * HOUR_MS); self.rel("z:ttl")
        self.ok("ZINCRBY", "z:ttl", "0.2", "a")
        self.ok("ZPOPMIN", "z:ttl")

    def sort(self):
        self.select(0)
        self.ok("RPUSH", "srt:l", 3, 1, 2, 10, 7)
        self.ok("SORT", "srt:l", "STORE", "srt:out")
        self.ok("SORT", "srt:l", "DESC", "LIMIT", 0, 3, "STORE", "srt:out2")
        self.ok("SADD", "srt:s", "c", "a", "b")
        self.ok("SORT", "srt:s", "ALPHA", "STORE", "srt:out3")
        self.ok("ZADD", "srt:z", 1, "x", 2, "y")
        self.ok("SORT", "srt:z", "ALPHA", "DESC", "STORE", "srt:out4")
        self.ok("MSET", "w_1", 30, "w_2", 20, "w_3", 10, "w_7", 5, "w_10", 1, "o_1", "one", "o_2", "two")
        self.ok("SORT", "srt:l", "BY", "w_*", "GET", "#", "GET", "o_*", "STORE", "srt:out5")
        self.ok("SET", "srt:out6", "will-be-replaced")
        self.ok("SORT", "srt:missing", "STORE", "srt:out6")  # empty result: the target goes

    def blocking(self):
        """Blocking pops served by a push from another connection, served at once, or timing
        out; one in another database."""
        pusher = self.client()
        cases = [
            (("BLPOP", "b:l1", 10), [("RPUSH", "b:l1", "x", "y")]),
            (("BRPOP", "b:l2", "b:l3", 10), [("LPUSH", "b:l3", "a", "b")]),
            (("BLMOVE", "b:src", "b:dst", "LEFT", "RIGHT", 10), [("RPUSH", "b:src", "a", "b")]),
            (("BRPOPLPUSH", "b:src2", "b:dst2", 10), [("RPUSH", "b:src2", "a", "b", "c")]),
            (("BLMPOP", 10, 2, "b:m1", "b:m2", "LEFT", "COUNT", 2), [("RPUSH", "b:m2", "a", "b", "c")]),
            (("BLMPOP", 10, 1, "b:m3", "RIGHT"), [("RPUSH", "b:m3", "a")]),
            (("BZPOPMIN", "b:z1", 10), [("ZADD", "b:z1", 1, "a", 2, "b")]),
            (("BZPOPMAX", "b:z2", "b:z2b", 10), [("ZADD", "b:z2b", 1, "a", 2.5, "b")]),
            (("BZMPOP", 10, 1, "b:z3", "MAX", "COUNT", 2), [("ZADD", "b:z3", 1, "a", 2, "b", 3, "c")]),
            (("BZMPOP", 10, 2, "b:z4", "b:z5", "MIN"), [("ZADD", "b:z5", 1, "a")]),
            (("BLPOP", "b:pushed-twice", 10), [("RPUSH", "b:pushed-twice", "1"), ("RPUSH", "b:pushed-twice", "2")]),
        ]
        for db in (0, 3):
            self.select(db, c=pusher)
            for blocking_cmd, pushes in (cases if db == 0 else cases[:3] + cases[6:7]):
                b = self.client()
                self.select(db, c=b)
                b.raw.send(encode_command(*blocking_cmd))
                self.wait_blocked(1)
                for push in pushes:
                    self.ok(*push, c=pusher)
                r = _plain(parse_reply(b.raw.read_reply()))
                self.counts["commands"] += 1
                if r is None or is_error(r):
                    self.fail(f"db {db}: {blocking_cmd!r} after {pushes!r} answered {r!r}")
                b.close()
                self.clients.remove(b)
        # Two clients blocked on one key; one push serves both in turn.
        self.select(0, c=pusher)
        b1, b2 = self.client(), self.client()
        for b in (b1, b2):
            self.select(0, c=b)
        b1.raw.send(encode_command("BLPOP", "b:two", 10))
        self.wait_blocked(1)
        b2.raw.send(encode_command("BRPOP", "b:two", 10))
        self.wait_blocked(2)
        self.ok("RPUSH", "b:two", "1", "2", "3", c=pusher)
        for b in (b1, b2):
            r = _plain(parse_reply(b.raw.read_reply()))
            if not isinstance(r, list):
                self.fail(f"blocked pop on b:two answered {r!r}")
        # Served at once (the key has data), and timing out (nothing to log).
        self.ok("RPUSH", "b:ready", "a", "b")
        self.expect([b"b:ready", b"a"], "BLPOP", "b:ready", 1)
        self.ok("ZADD", "b:zready", 1, "a")
        self.ok("BZPOPMAX", "b:zready", 1)
        for cmd in (("BLPOP", "b:none", 0.1), ("BZPOPMIN", "b:none2", 0.1),
                    ("BLMOVE", "b:none3", "b:never", "LEFT", "LEFT", 0.1),
                    ("BZMPOP", 0.1, 1, "b:none4", "MIN")):
            self.expect(None, *cmd)
        self.expect(0, "EXISTS", "b:never")

    def errors(self):
        """Errors that must change nothing (and so log nothing)."""
        self.select(0)
        self.ok("SET", "err:str", "v")
        self.ok("RPUSH", "err:list", "a")
        for cmd in (("LPUSH", "err:str", POISON), ("HSET", "err:str", "f", POISON),
                    ("SADD", "err:str", POISON), ("ZADD", "err:str", 1, POISON),
                    ("APPEND", "err:list", POISON), ("SETRANGE", "err:list", 0, POISON),
                    ("SET", "err:k", POISON, "EX", "notanumber"), ("SET", "err:k", POISON, "EX", 0),
                    ("SET", "err:k", POISON, "PX", -5), ("SET", "err:k", POISON, "NX", "XX"),
                    ("SET", "err:k", POISON, "EX", 10, "PX", 10000), ("SET", "err:k", POISON, "KEEPTTL", "EX", 10),
                    ("SETEX", "err:k", 0, POISON), ("SETEX", "err:k", -1, POISON),
                    ("GETEX", "err:str", "EX", "x"), ("GETEX", "err:str", "EX", 10, "PERSIST"),
                    ("INCR", "err:str"), ("INCRBY", "err:list", 1), ("INCRBYFLOAT", "err:str", "1"),
                    ("INCRBYFLOAT", "f:x", POISON), ("HINCRBY", "h:a", "f1", 1),
                    ("HINCRBYFLOAT", "h:a", "f1", "0.5"), ("HINCRBY", "h:a", "cnt", POISON),
                    ("ZADD", "z:a", "NX", "XX", 1, POISON), ("ZADD", "z:a", "GT", "LT", 1, POISON),
                    ("ZADD", "z:a", "INCR", 1, "a", 2, POISON), ("ZINCRBY", "z:a", "nan", POISON),
                    ("ZADD", "z:a", "nan", POISON),
                    ("EXPIRE", "err:str", 10, "XX", "NX"), ("EXPIRE", "err:str", "soon"),
                    ("LSET", "err:list", 1000, POISON), ("LSET", "err:missing", 0, POISON),
                    ("RENAME", "err:missing", POISON), ("LMOVE", "err:str", "err:list", "LEFT", "RIGHT"),
                    ("LMOVE", "err:list", "err:str", "LEFT", "RIGHT"), ("SMOVE", "st:x", "err:str", "a"),
                    ("SPOP", "err:str"), ("SPOP", "st:x", -1), ("SINTERSTORE", "err:k", "err:str"),
                    ("ZUNIONSTORE", "err:k", 1, "err:str"), ("ZINTERSTORE", "err:k", 2, "z:a", "z:b", "WEIGHTS", 1),
                    ("SORT", "err:str", "STORE", POISON), ("SORT", "st:x", "STORE", POISON),
                    ("LMPOP", 1, "err:str", "LEFT"), ("ZMPOP", 1, "err:str", "MIN"),
                    ("BLPOP", "err:str", 1), ("BZPOPMIN", "err:str", 1), ("COPY", "err:str", "err:k", "DB", 99),
                    ("SELECT", 999), ("MSET", "err:k", POISON, "err:k2"), ("RPUSH", POISON)):
            self.err(*cmd)
        self.expect(b"v", "GET", "err:str")
        self.expect([b"a"], "LRANGE", "err:list", 0, -1)
        self.expect(0, "EXISTS", "err:k", "err:k2", POISON)

    # -- randomized phase --------------------------------------------------------------------

    def randomized(self, n):
        """`n` random commands over 16 keys in 3 databases, pipelined; replies are not checked
        (many are WRONGTYPE and the like, which must change nothing). Expiry times are either
        short (<= 300 ms: gone by the dump) or an hour or more away, never in between."""
        rng = self.rng
        keys = [f"r:{i}" for i in range(16)]
        members = [chr(ord("a") + i) for i in range(8)]
        fields = [f"f{i}" for i in range(5)]
        floats = ["0.1", "-0.3", "1.5", "2.25", "10.5", "-7.75", "0.001", "3e2"]
        c = RawClient(self.port, timeout=30.0)
        sent_short = []

        def k():
            return rng.choice(keys)

        def long_s():
            return rng.randint(3600, 4 * 3600)

        def short_ms():
            sent_short.append(True)
            return rng.randint(20, SHORT_MS)

        def far_ms():
            return now_ms() + rng.randint(2 * HOUR_MS, 5 * HOUR_MS)

        def m():
            return rng.choice(members)

        def gen():
            f = rng.randrange(12)
            key = k()
            if f == 0:
                opt = rng.choice([(), ("EX", long_s()), ("PX", short_ms()), ("KEEPTTL",), ("NX",), ("XX",),
                                  ("GET",), ("PXAT", far_ms()), ("EXAT", 1), ("XX", "EX", long_s())])
                return ("SET", key, rng.choice(["v", "1", "2.5", "x" * rng.randint(0, 40)]), *opt)
            if f == 1:
                return rng.choice([("GETEX", key, "EX", long_s()), ("GETEX", key, "PERSIST"),
                                   ("GETEX", key, "PX", short_ms()), ("GETEX", key, "PXAT", far_ms()),
                                   ("GETDEL", key), ("APPEND", key, m()), ("SETRANGE", key, rng.randint(0, 5), m()),
                                   ("INCR", key), ("DECRBY", key, rng.randint(-5, 5)), ("SETNX", key, "1"),
                                   ("INCRBYFLOAT", key, rng.choice(floats)), ("INCRBYFLOAT", key, rng.choice(floats)),
                                   ("SETEX", key, long_s(), "v"), ("PSETEX", key, short_ms(), "v"),
                                   ("MSET", key, "1", k(), "2"), ("MSETNX", key, "3", k(), "4")])
            if f == 2:
                cond = rng.choice([(), (), ("NX",), ("XX",), ("GT",), ("LT",)])
                return rng.choice([("EXPIRE", key, long_s(), *cond), ("PEXPIRE", key, short_ms(), *cond),
                                   ("PEXPIRE", key, long_s() * 1000, *cond), ("EXPIREAT", key, 1, *cond),
                                   ("PEXPIREAT", key, far_ms(), *cond), ("PERSIST", key),
                                   ("EXPIRE", key, -1), ("PEXPIREAT", key, now_ms() - 1000)])
            if f == 3:
                ops = [("DEL", key, k()), ("UNLINK", key), ("RENAME", key, k()), ("RENAMENX", key, k()),
                       ("COPY", key, k()), ("COPY", key, k(), "REPLACE"),
                       ("COPY", key, k(), "DB", rng.randint(0, 2), "REPLACE")]
                if self.supported.get("move"):
                    ops.append(("MOVE", key, rng.randint(0, 2)))
                return rng.choice(ops)
            if f == 4:
                fld = rng.choice(fields)
                return rng.choice([("HSET", key, fld, m(), rng.choice(fields), "1"), ("HSETNX", key, fld, m()),
                                   ("HDEL", key, fld), ("HINCRBY", key, fld, rng.randint(-3, 3)),
                                   ("HINCRBYFLOAT", key, fld, rng.choice(floats))])
            if f == 5:
                return rng.choice([("LPUSH", key, m(), m()), ("RPUSH", key, m()), ("LPUSHX", key, m()),
                                   ("RPUSHX", key, m()), ("LINSERT", key, rng.choice(["BEFORE", "AFTER"]), m(), m()),
                                   ("LSET", key, rng.randint(-3, 3), m()), ("LREM", key, rng.randint(-2, 2), m()),
                                   ("LTRIM", key, rng.randint(0, 2), rng.randint(-3, 5)),
                                   ("LPOP", key), ("RPOP", key, rng.randint(1, 3))])
            if f == 6:
                return rng.choice([("LMOVE", key, k(), rng.choice(["LEFT", "RIGHT"]), rng.choice(["LEFT", "RIGHT"])),
                                   ("RPOPLPUSH", key, k()), ("LMPOP", 2, key, k(), rng.choice(["LEFT", "RIGHT"]),
                                                             "COUNT", rng.randint(1, 3))])
            if f == 7:
                return rng.choice([("SADD", key, m(), m(), m()), ("SREM", key, m()), ("SPOP", key),
                                   ("SPOP", key, rng.randint(1, 6)), ("SMOVE", key, k(), m()),
                                   ("SINTERSTORE", key, k(), k()), ("SUNIONSTORE", key, k(), k()),
                                   ("SDIFFSTORE", key, k(), k())])
            if f == 8:
                flags = rng.choice([(), (), ("NX",), ("XX",), ("GT",), ("LT",), ("CH",), ("GT", "CH")])
                score = rng.choice(["1", "2.5", "-0.75", "0.1", "100", "3e-2"])
                return rng.choice([("ZADD", key, *flags, score, m(), rng.choice(floats), m()),
                                   ("ZADD", key, "INCR", rng.choice(floats), m()),
                                   ("ZINCRBY", key, rng.choice(floats), m()), ("ZREM", key, m()),
                                   ("ZPOPMIN", key, rng.randint(1, 2)), ("ZPOPMAX", key),
                                   ("ZMPOP", 2, key, k(), rng.choice(["MIN", "MAX"]), "COUNT", rng.randint(1, 3))])
            if f == 9:
                return rng.choice([("ZRANGESTORE", key, k(), 0, rng.randint(0, 3)),
                                   ("ZUNIONSTORE", key, 2, k(), k(), "WEIGHTS", rng.choice(floats), 2,
                                    "AGGREGATE", rng.choice(["SUM", "MIN", "MAX"])),
                                   ("ZINTERSTORE", key, 2, k(), k(), "AGGREGATE", rng.choice(["SUM", "MIN", "MAX"])),
                                   ("ZDIFFSTORE", key, 2, k(), k()),
                                   ("ZREMRANGEBYSCORE", key, "-inf", rng.choice(["0", "1", "(2.5"])),
                                   ("ZREMRANGEBYRANK", key, 0, rng.randint(0, 1)),
                                   ("ZREMRANGEBYLEX", key, "[a", rng.choice(["[c", "(e"])),
                                   ("SORT", key, "ALPHA", "STORE", k()),
                                   ("SORT", key, "ALPHA", "DESC", "LIMIT", 0, 2, "STORE", k())])
            if f == 10:
                # Blocking pops on keys that may be empty: served at once or a 10 ms timeout.
                if rng.random() < 0.3:
                    return rng.choice([("BLPOP", key, k(), 0.01), ("BRPOP", key, 0.01),
                                       ("BLMOVE", key, k(), "RIGHT", "LEFT", 0.01), ("BRPOPLPUSH", key, k(), 0.01),
                                       ("BLMPOP", 0.01, 1, key, "LEFT", "COUNT", 2), ("BZPOPMIN", key, 0.01),
                                       ("BZPOPMAX", key, 0.01), ("BZMPOP", 0.01, 1, key, "MAX")])
                return ("RPUSH", key, m())
            return ("SELECT", rng.randint(0, 2))

        try:
            c.send(encode_command("SELECT", 0))
            c.read_reply()
            sent = 0
            while sent < n:
                batch = [gen() for _ in range(min(100, n - sent))]
                c.send(b"".join(encode_command(*cmd) for cmd in batch))
                if any(sent_short):
                    self.short()
                    sent_short.clear()
                for _ in batch:
                    r = c.read_reply()
                    self.counts["errors"] += r.startswith(b"-")
                sent += len(batch)
                self.counts["commands"] += len(batch)
            self.short()  # replies read: every short TTL set so far started before now
        finally:
            c.close()

    def short_ttls(self):
        """300 ms TTLs that expire while the server runs: actively in db 11 (nobody touches the
        keys), lazily in db 12 (read right after the deadline)."""
        self.select(11)
        self.ok("SET", "t:active", "v", "PX", SHORT_MS)
        self.ok("HSET", "t:active-hash", "f", "v")
        self.ok("PEXPIRE", "t:active-hash", SHORT_MS)
        self.ok("RPUSH", "t:active-list", "a")
        self.ok("EXPIREAT", "t:active-list", (now_ms() + SHORT_MS + 999) // 1000)  # <= 1.3 s
        self.ok("SETEX", "t:active-setex", 1, "v")
        self.short(1300)
        self.select(12)
        self.ok("SET", "t:lazy", "v", "PX", SHORT_MS)
        self.ok("SADD", "t:lazy-set", "a", "b")
        self.ok("PEXPIRE", "t:lazy-set", SHORT_MS)
        self.ok("SET", "t:incr", "41", "PX", SHORT_MS)
        self.ok("ZADD", "t:lazy-z", 1, "a")
        self.ok("PEXPIREAT", "t:lazy-z", now_ms() + SHORT_MS)
        self.ok("SET", "t:recreate", "old", "PX", SHORT_MS)
        self.ok("SET", "t:overwritten", "v", "PX", SHORT_MS)
        self.ok("SET", "t:overwritten", "v2")  # no TTL any more: stays
        self.ok("SET", "t:extended", "v", "PX", SHORT_MS)
        self.ok("PEXPIRE", "t:extended", 3 * HOUR_MS); self.rel("t:extended")
        self.ok("SET", "t:getex", "v", "PX", SHORT_MS)
        self.ok("GETEX", "t:getex", "PERSIST")
        self.short()
        time.sleep(max(0.0, self.last_short_deadline - time.monotonic()) + 0.05)
        self.expect(None, "GET", "t:lazy")
        self.expect(0, "EXISTS", "t:lazy-set")
        self.expect(1, "INCR", "t:incr")  # an expired key counts as missing
        self.expect(0, "ZCARD", "t:lazy-z")
        self.expect(b"OK", "SET", "t:recreate", "new")
        self.expect(b"v2", "GET", "t:overwritten")
        self.expect(b"v", "GET", "t:getex")
        self.select(11)
        if not wait_until(lambda: self.c.call("DBSIZE") == 0, 10.0, 0.02):
            self.fail(f"db 11: short-TTL keys not reclaimed by active expiry: {self.c.call('KEYS', '*')!r}")
        self.select(0)


# ---------------------------------------------------------------------------------------------

def log_commands(workdir):
    """Every command in the base and incr files named by the manifest, in load order."""
    out = []
    for path in [base_file(workdir)] + incr_files(workdir):
        if path:
            with open(path, "rb") as f:
                out += parse_aof(f.read())
    return out


def copy_aof(workdir):
    """A new workdir holding a copy of `workdir`'s appendonlydir."""
    dst = aofload.new_workdir("copy")
    shutil.copytree(aof_dir(workdir), aof_dir(dst))
    return dst


def diff_dumps(expected, got, limit=12):
    lines = []
    for k in sorted(set(expected) | set(got), key=repr):
        if expected.get(k) != got.get(k):
            lines.append(f"  db {k[0]} {k[1]!r}: expected {expected.get(k)!r}, got {got.get(k)!r}")
    more = f"\n  ... {len(lines) - limit} more" if len(lines) > limit else ""
    return "\n".join(lines[:limit]) + more


class ReplayCase(unittest.TestCase):
    """Shared plumbing: servers stopped by pid, workdirs removed unless a test failed."""

    servers = []
    workdirs = []
    failed = False

    @classmethod
    def track(cls, server):
        cls.servers.append(server)
        if server.workdir not in cls.workdirs:
            cls.workdirs.append(server.workdir)
        return server

    @classmethod
    def start(cls, kind=None, workdir=None, **config):
        return cls.track(aofload.start(kind, workdir, **config))

    @classmethod
    def cleanup_class(cls):
        for s in cls.servers:
            stop(s)
        if cls.failed or os.environ.get("AOF_KEEP"):
            log(f"kept for inspection: {' '.join(cls.workdirs)}")
        else:
            for d in cls.workdirs:
                shutil.rmtree(d, ignore_errors=True)

    @classmethod
    def run_corpus(cls, appendfsync, seed):
        """Starts the server under test, runs the corpus, returns (server, corpus, dump)."""
        server = cls.start(appendfsync=appendfsync)
        corpus = Corpus(server, seed)
        try:
            t0 = time.monotonic()
            corpus.run()
            expected = dump(server.port)
        finally:
            corpus.close()
        # The dump is only comparable to the millisecond if no key expires from now on.
        soon = now_ms() + 30 * 60 * 1000
        near = [(k, v[2]) for k, v in expected.items() if 0 <= v[2] < soon]
        if near:
            raise CorpusError(f"keys with a TTL under 30 min at dump time (corpus bug): {near[:5]} "
                              f"(AOF_SEED={seed})")
        if corpus.skipped:
            log(f"left out, the server lacks them: {', '.join(sorted(corpus.skipped))}")
        log(f"appendfsync {appendfsync}: {corpus.counts['commands']} commands "
            f"({corpus.counts['errors']} errors) in {time.monotonic() - t0:.1f} s, {len(expected)} keys in "
            f"{len({k[0] for k in expected})} databases (AOF_SEED={seed})")
        return server, corpus, expected

    def tearDown(self):
        if not getattr(getattr(self, "_outcome", None), "success", True):
            type(self).failed = True

    def assertSameDataset(self, expected, got, what):
        if got != expected:
            self.fail(f"{what}: {len(expected)} keys expected, {len(got)} loaded; differences:\n"
                      f"{diff_dumps(expected, got)}\n(AOF_SEED={self.seed})")

    def restart(self, server, **config):
        self.assertIsNotNone(server.proc.poll(), "restart of a running server")
        s = self.start(server.kind, server.workdir, port=server.port, **config)
        wait_loaded(s.port)
        return s


class GracefulRestartTest(ReplayCase):
    """appendfsync everysec, SIGTERM: the log's forms, a restart, and Redis loading the files."""

    @classmethod
    def setUpClass(cls):
        cls.servers, cls.workdirs, cls.failed = [], [], False
        cls.seed = SEED
        try:
            cls.server, cls.corpus, cls.expected = cls.run_corpus("everysec", cls.seed)
            code = stop(cls.server)
            if code not in (0, -15):
                raise AssertionError(f"server exited with {code} on SIGTERM:\n{cls.server.log_text()[-2000:]}")
            cls.pristine = copy_aof(cls.server.workdir)  # untouched by the restart test
            cls.workdirs.append(cls.pristine)
            cls.commands = log_commands(cls.pristine)
        except BaseException:
            cls.failed = True
            cls.cleanup_class()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.cleanup_class()

    def test_log_holds_only_replay_safe_forms(self):
        """No relative expiry time, no random or floating-point command, no blocking command,
        nothing from a failed command; every relative expiry given by the corpus is in the log
        as an absolute time equal to the key's PEXPIRETIME."""
        problems = []
        names = {}
        absolute = {}  # (db, key) -> last absolute expiry logged for it
        db = 0
        for cmd in self.commands:
            name = cmd[0].upper()
            names[name] = names.get(name, 0) + 1
            args = [a.upper() for a in cmd[1:]]
            if name == b"SELECT":
                db = int(cmd[1])
            elif name in (b"EXPIRE", b"PEXPIRE", b"EXPIREAT", b"SETEX", b"PSETEX"):
                problems.append(f"relative or second-resolution expiry: {cmd!r}")
            elif name == b"GETEX":
                problems.append(f"GETEX (logged as PEXPIREAT or PERSIST): {cmd!r}")
            elif name == b"SET":
                bad = {b"EX", b"PX", b"EXAT"} & set(args[2:])
                if bad:
                    problems.append(f"SET with {sorted(bad)}: {cmd!r}")
                if b"PXAT" in args[2:]:
                    absolute[(db, cmd[1])] = int(cmd[args.index(b"PXAT", 2) + 2])
                elif b"KEEPTTL" not in args[2:]:
                    absolute.pop((db, cmd[1]), None)
            elif name == b"PEXPIREAT":
                absolute[(db, cmd[1])] = int(cmd[2])
            # Follow absolute times through the commands that move or drop them.
            if name in (b"PERSIST", b"DEL", b"UNLINK", b"GETDEL", b"PSETEX", b"SETEX"):
                for key in cmd[1:] if name in (b"DEL", b"UNLINK") else cmd[1:2]:
                    absolute.pop((db, key), None)
            elif name in (b"RENAME", b"RENAMENX") and len(cmd) == 3:
                t = absolute.pop((db, cmd[1]), None)
                absolute.pop((db, cmd[2]), None)
                if t is not None:
                    absolute[(db, cmd[2])] = t
            elif name == b"COPY" and len(cmd) >= 3:
                dst_db = int(cmd[args.index(b"DB") + 2]) if b"DB" in args[2:] else db
                t = absolute.get((db, cmd[1]))
                absolute.pop((dst_db, cmd[2]), None)
                if t is not None:
                    absolute[(dst_db, cmd[2])] = t
            elif name == b"MOVE" and len(cmd) == 3:
                t = absolute.pop((db, cmd[1]), None)
                if t is not None:
                    absolute[(int(cmd[2]), cmd[1])] = t
            elif name == b"SWAPDB" and len(cmd) == 3:
                a, b = int(cmd[1]), int(cmd[2])
                absolute = {({a: b, b: a}.get(d, d), key): t for (d, key), t in absolute.items()}
            elif name == b"FLUSHDB":
                absolute = {k: t for k, t in absolute.items() if k[0] != db}
            elif name == b"FLUSHALL":
                absolute = {}
            elif name in (b"SPOP", b"SRANDMEMBER"):
                problems.append(f"random command: {cmd!r}")
            elif name in (b"INCRBYFLOAT", b"HINCRBYFLOAT"):
                problems.append(f"floating-point increment (logged as SET/HSET of the result): {cmd!r}")
            elif name in BLOCKING:
                problems.append(f"blocking command: {cmd!r}")
            elif name in (b"LMPOP", b"ZMPOP"):
                problems.append(f"{name.decode()} (logged as LPOP/RPOP/ZPOPMIN/ZPOPMAX): {cmd!r}")
            if any(POISON in a for a in cmd):
                problems.append(f"argument of a failed command: {cmd!r}")
        for key in sorted(self.corpus.relative_ttl):
            want = self.expected.get(key, (None, None, None))[2]
            if want is None:
                problems.append(f"corpus key db {key[0]} {key[1]!r} is not in the dataset")
            elif want >= 0 and absolute.get(key) != want:
                problems.append(f"db {key[0]} {key[1]!r}: PEXPIRETIME {want}, last absolute time in the log "
                                f"{absolute.get(key)}")
        log(f"{len(self.commands)} commands in the log: "
            + ", ".join(f"{n.decode()} {c}" for n, c in sorted(names.items())))
        self.assertFalse(problems, "\n".join(problems[:30]) + f"\n(AOF_SEED={self.seed})")

    def test_restart_replays_the_same_dataset(self):
        server = self.restart(self.server, appendfsync="everysec")
        got = dump(server.port)
        self.assertSameDataset(self.expected, got, f"{server.kind} restarted after SIGTERM")
        log(f"{server.kind} restart: {len(got)} keys equal")
        stop(server)

    def test_redis_loads_the_files_to_the_same_dataset(self):
        workdir = copy_aof(self.pristine)
        self.workdirs.append(workdir)
        reader = self.start("redis", workdir, appendfsync="everysec")
        wait_loaded(reader.port)
        got = dump(reader.port)
        self.assertSameDataset(self.expected, got, f"redis-server loading {AGAINST}'s files")
        log(f"{AGAINST} -> redis-server 7: {len(got)} keys equal; files {sorted(os.listdir(aof_dir(workdir)))}")
        stop(reader)


class SigkillTest(ReplayCase):
    """appendfsync always: SIGKILL right after the last acknowledged write loses nothing."""

    @classmethod
    def setUpClass(cls):
        cls.servers, cls.workdirs, cls.failed = [], [], False
        cls.seed = SEED + 1

    @classmethod
    def tearDownClass(cls):
        cls.cleanup_class()

    def test_acknowledged_writes_survive_sigkill(self):
        server, corpus, expected = self.run_corpus("always", self.seed)
        kill9(server)
        server = self.restart(server, appendfsync="always")
        got = dump(server.port)
        self.assertSameDataset(expected, got, f"{server.kind} restarted after SIGKILL")
        log(f"SIGKILL with appendfsync always: {len(got)} keys equal after restart")
        stop(server)


if __name__ == "__main__":
    unittest.main()
