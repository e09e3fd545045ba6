"""Differential test for maxmemory, eviction policies and memory introspection: the same
commands go to corokv and to a real redis-server and the exact reply bytes are compared.

Covered: CONFIG SET/GET of maxmemory (every accepted and refused form), maxmemory-policy,
maxmemory-samples, lfu-log-factor and lfu-decay-time, the same set as startup flags; INFO
memory/stats fields of the issue; OBJECT FREQ / IDLETIME under each policy (errors, missing
keys, arity, LFU counter values made deterministic with lfu-log-factor 0 and lfu-decay-time 0);
MEMORY USAGE argument handling (the byte count itself is implementation-specific: compared
as "an integer > 0", and checked per server to grow with the value); MEMORY HELP; the OOM
error of every denyoom command under maxmemory 1 with noeviction while reads and non-denyoom
writes work, and what each volatile-*/allkeys-* policy evicts when nothing fits; and edge
cases of the TTL family (EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT with NX/XX/GT/LT, PERSIST, TTL,
PTTL, EXPIRETIME, GETEX, SET KEEPTTL) that the random differential test reaches rarely.

Run:    /usr/bin/python3 tests/run_python.py --bin <binary> --suite differential -k test_memory_diff
Extra:  DIFF_AGAINST=redis compares two redis-servers (checks the test itself).
"""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pylib.servers import RawClient, encode_command, parse_reply, start_corokv, start_redis  # noqa: E402

OOM = b"-OOM command not allowed when used memory > 'maxmemory'.\r\n"
POLICIES = ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
            "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"]
LFU_POLICIES = {"volatile-lfu", "allkeys-lfu"}
DEFAULTS = [("maxmemory", "0"), ("maxmemory-policy", "noeviction"), ("maxmemory-samples", "5"),
            ("lfu-log-factor", "10"), ("lfu-decay-time", "1")]

# Values for CONFIG SET maxmemory: suffixes in every case, bare numbers, saturation, the
# empty string and digit-less suffixes (strtoull gives 0), and refused forms.
MAXMEMORY_VALUES = [
    "100mb", "1gb", "1GB", "1Gb", "1gB", "100MB", "100", "0", "1k", "1K", "1kb", "1KB", "1kB", "1m", "1M",
    "1g", "1G", "10b", "1B", "0b", "0kb", "4294967296", "9223372036854775807", "9223372036854775808",
    "18446744073709551615", "18446744073709551616", "99999999999999999999999", "", "kb", "mb", "b",
    "-1", "-0", "+5", " 1", "1 ", "1 kb", "garbage", "1.5mb", "1.0", "5tb", "1t", "1kbb", "0x10", "1e3",
    "100mbx", "1mib", "\x00", "1\x00",
]
INT_PARAMS = {
    "maxmemory-samples": ["1", "5", "10", "64", "255", "1000", "2147483647", "0", "-1", "2147483648",
                          "abc", "1.5", "", " 5", "5 ", "+5", "0x10", "10k", "-2147483648"],
    "lfu-log-factor": ["0", "1", "10", "100", "255", "2147483647", "-1", "2147483648", "abc", "1.5", "",
                       "1e2", "007"],
    "lfu-decay-time": ["0", "1", "5", "60", "2147483647", "-1", "2147483648", "abc", "", "3.0", "-0"],
}


def bytes_to_human(n):
    """Redis's bytesToHuman (server.c) for INFO *_human fields."""
    units = [("K", 1024), ("M", 1024 ** 2), ("G", 1024 ** 3), ("T", 1024 ** 4), ("P", 1024 ** 5)]
    if n < 1024:
        return f"{n}B"
    for unit, size in units:
        if n < size * 1024:
            return f"{n / size:.2f}{unit}"
    return f"{n}B"


def info_fields(raw):
    text = parse_reply(raw).decode()
    fields = {}
    for line in text.split("\r\n"):
        if ":" in line and not line.startswith("#"):
            k, v = line.split(":", 1)
            fields[k] = v
    return fields


# Redis 7's client eviction (maxmemory-clients) is not offered by corokv (README): CONFIG GET
# patterns are compared without it.
NOT_OFFERED = {b"maxmemory-clients"}


def pairs(raw):
    """A CONFIG GET reply as sorted (name, value) pairs (its order is a hash table's)."""
    if raw[:1] == b"-":
        return raw
    flat = parse_reply(raw)
    return sorted(p for p in zip(flat[0::2], flat[1::2]) if p[0] not in NOT_OFFERED)


def positive_int(raw):
    """MEMORY USAGE's byte count is implementation-specific: only 'an integer > 0' is compared."""
    if raw[:1] == b":" and int(raw[1:-2]) > 0:
        return "integer > 0"
    return raw


class Close:
    """A TTL-like integer reply that compares equal to another within `limit` (the servers'
    clocks are read a moment apart); negative codes (-1, -2) and other replies compare exactly."""

    def __init__(self, raw, limit):
        self.raw, self.limit = raw, limit
        self.value = int(raw[1:-2]) if raw[:1] == b":" else None

    def __eq__(self, other):
        if self.value is not None and other.value is not None and self.value >= 0 and other.value >= 0:
            return abs(self.value - other.value) <= self.limit
        return self.raw == other.raw

    def __repr__(self):
        return repr(self.raw)


def ttl_close(limit):
    return lambda raw: Close(raw, limit)


class Side:
    def __init__(self, name, server):
        self.name, self.server = name, server
        self.client = RawClient(server.port, timeout=10.0)

    def call(self, *args):
        return self.client.call(*args)

    def pipeline(self, commands):
        self.client.send(b"".join(encode_command(*c) for c in commands))
        return [self.client.read_reply() for _ in commands]


class MemoryDiffTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        against_redis = os.environ.get("DIFF_AGAINST", "") == "redis"
        cls.ours_server = start_redis() if against_redis else start_corokv("--threads", "2")
        try:
            cls.theirs_server = start_redis()
        except BaseException:
            cls.ours_server.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.ours_server.stop()
        cls.theirs_server.stop()

    def setUp(self):
        self.ours = Side("corokv", self.ours_server)
        self.theirs = Side("redis", self.theirs_server)
        self.mismatches = []
        self.reset()

    def tearDown(self):
        try:
            self.reset()
        finally:
            self.ours.client.close()
            self.theirs.client.close()

    def reset(self):
        for side in (self.ours, self.theirs):
            for name, value in DEFAULTS:
                side.call("CONFIG", "SET", name, value)
            side.call("FLUSHALL")

    # -- comparing -------------------------------------------------------------------------

    def same(self, *args, norm=None):
        """Sends one command to both servers; records a mismatch unless the (normalized)
        replies are equal. Returns redis's raw reply."""
        a, b = self.ours.call(*args), self.theirs.call(*args)
        self.compare(args, a, b, norm)
        return b

    def compare(self, args, a, b, norm=None):
        na, nb = (norm(a), norm(b)) if norm else (a, b)
        if not (na == nb):
            shown = [x if len(x) < 60 else x[:57] + "..." for x in map(str, args)]
            self.mismatches.append(f"{shown!r}\n    corokv: {a!r}\n    redis:  {b!r}")

    def both(self, *args):
        """Runs a set-up command on both servers; fails at once if they disagree."""
        a, b = self.ours.call(*args), self.theirs.call(*args)
        self.assertEqual(a, b, f"set-up command {args!r} differs")
        return b

    def verify(self):
        if self.mismatches:
            self.fail(f"{len(self.mismatches)} mismatch(es):\n" + "\n".join(self.mismatches))

    def config_set(self, name, value):
        for side in (self.ours, self.theirs):
            self.assertEqual(side.call("CONFIG", "SET", name, value), b"+OK\r\n", f"{side.name}: {name} {value}")

    def info(self, side, section):
        return info_fields(side.call("INFO", section))

    def make_keys(self):
        """One key of each type, plus a key with a TTL."""
        for cmd in (["SET", "s", "abc"], ["SET", "n", "10"], ["RPUSH", "l", "a", "b", "c"],
                    ["HSET", "h", "f", "v"], ["SADD", "st", "a", "b"], ["ZADD", "z", "1", "a", "2", "b"],
                    ["SET", "t", "x", "EX", "1000"]):
            self.both(*cmd)

    # -- CONFIG ----------------------------------------------------------------------------

    def test_config_maxmemory_forms(self):
        for value in MAXMEMORY_VALUES:
            self.same("CONFIG", "SET", "maxmemory", value)
            self.same("CONFIG", "GET", "maxmemory")
            self.same("CONFIG", "SET", "maxmemory", "0")
        self.same("CONFIG", "SET", "MAXMEMORY", "2mb")
        self.same("CONFIG", "GET", "MAXMEMORY")
        self.same("CONFIG", "SET", "maxmemory")
        self.same("CONFIG", "SET", "maxmemory", "1", "2")
        self.verify()

    def test_config_policy(self):
        for policy in POLICIES + [p.upper() for p in POLICIES] + ["Allkeys-Lru", "volatile-TTL"]:
            self.same("CONFIG", "SET", "maxmemory-policy", policy)
            self.same("CONFIG", "GET", "maxmemory-policy")
        for bad in ["lru", "", "allkeys_lru", "allkeys-lru ", " noeviction", "allkeys-lru,volatile-lru",
                    "volatile", "noevict", "allkeys-lru\x00", "0", "1"]:
            self.same("CONFIG", "SET", "maxmemory-policy", bad)
            self.same("CONFIG", "GET", "maxmemory-policy")
        self.verify()

    def test_config_integer_params(self):
        for name, values in INT_PARAMS.items():
            for value in values:
                self.same("CONFIG", "SET", name, value)
                self.same("CONFIG", "GET", name)
            self.same("CONFIG", "SET", name.upper(), "7")
            self.same("CONFIG", "GET", name)
        self.verify()

    def test_config_get_patterns(self):
        self.config_set("maxmemory", "3mb")
        self.config_set("maxmemory-policy", "volatile-lfu")
        self.config_set("maxmemory-samples", "9")
        self.config_set("lfu-log-factor", "4")
        self.config_set("lfu-decay-time", "2")
        for pattern in ["maxmemory*", "lfu*", "lfu-*", "maxmemory-s*", "MAXMEMORY-POLICY", "maxmemory?policy",
                        "*-samples", "lfu-log-factor", "maxmemory-[ps]*"]:
            self.same("CONFIG", "GET", pattern, norm=pairs)
        self.same("CONFIG", "GET", "maxmemory", "maxmemory-policy", "lfu-decay-time", norm=pairs)
        self.verify()

    def test_config_set_several_at_once(self):
        self.same("CONFIG", "SET", "maxmemory", "2mb", "maxmemory-policy", "allkeys-lru", "maxmemory-samples", "3")
        self.same("CONFIG", "GET", "maxmemory*", norm=pairs)
        # One bad value: nothing is applied.
        self.same("CONFIG", "SET", "maxmemory", "5mb", "maxmemory-policy", "bogus")
        self.same("CONFIG", "SET", "lfu-log-factor", "3", "lfu-decay-time", "-1")
        self.same("CONFIG", "GET", "maxmemory*", norm=pairs)
        self.same("CONFIG", "GET", "lfu*", norm=pairs)
        self.same("CONFIG", "SET", "maxmemory", "1mb", "maxmemory", "2mb")
        self.same("CONFIG", "SET", "maxmemory", "1mb", "MAXMEMORY", "2mb")
        self.same("CONFIG", "SET", "maxmemory", "1mb", "maxmemory-policy")
        self.same("CONFIG", "GET", "maxmemory")
        self.verify()

    def test_startup_flags(self):
        flags = ["--maxmemory", "1gb", "--maxmemory-policy", "ALLKEYS-LFU", "--maxmemory-samples", "7",
                 "--lfu-log-factor", "3", "--lfu-decay-time", "9"]
        against_redis = os.environ.get("DIFF_AGAINST", "") == "redis"
        ours = start_redis(*flags) if against_redis else start_corokv("--threads", "2", *flags)
        try:
            theirs = start_redis(*flags)
            try:
                a, b = RawClient(ours.port), RawClient(theirs.port)
                for pattern in ["maxmemory*", "lfu*"]:
                    self.compare(("CONFIG", "GET", pattern), a.call("CONFIG", "GET", pattern),
                                 b.call("CONFIG", "GET", pattern), pairs)
                fa, fb = info_fields(a.call("INFO", "memory")), info_fields(b.call("INFO", "memory"))
                for field in ("maxmemory", "maxmemory_human", "maxmemory_policy"):
                    self.compare(("INFO", field), fa.get(field), fb.get(field))
                a.close()
                b.close()
            finally:
                theirs.stop()
        finally:
            ours.stop()
        self.verify()

    # -- INFO ------------------------------------------------------------------------------

    def test_info_fields(self):
        memory_fields = ["used_memory", "used_memory_human", "used_memory_rss", "used_memory_peak", "maxmemory",
                         "maxmemory_human", "maxmemory_policy", "mem_fragmentation_ratio"]
        stats_fields = ["evicted_keys", "expired_keys", "expired_stale_perc"]
        for side in (self.ours, self.theirs):
            memory, stats = self.info(side, "memory"), self.info(side, "stats")
            for field in memory_fields:
                self.assertIn(field, memory, f"{side.name}: INFO memory lacks {field}")
            for field in stats_fields:
                self.assertIn(field, stats, f"{side.name}: INFO stats lacks {field}")
            used, peak = int(memory["used_memory"]), int(memory["used_memory_peak"])
            self.assertGreater(used, 0, side.name)
            self.assertGreater(int(memory["used_memory_rss"]), 0, side.name)
            self.assertGreaterEqual(peak, used, f"{side.name}: used_memory_peak < used_memory")
            self.assertRegex(memory["used_memory_human"], r"^\d+(\.\d\d[KMGTP]|B)$", side.name)
            self.assertRegex(memory["mem_fragmentation_ratio"], r"^\d+\.\d\d$", side.name)
            self.assertRegex(stats["expired_stale_perc"], r"^\d+\.\d\d$", side.name)
            self.assertRegex(stats["evicted_keys"], r"^\d+$", side.name)
            self.assertRegex(stats["expired_keys"], r"^\d+$", side.name)
            # used_memory_human is bytesToHuman(used_memory) when both are read at once.
            self.assertEqual(memory["used_memory_human"], bytes_to_human(used), f"{side.name}: used_memory_human")
        # maxmemory, maxmemory_human and maxmemory_policy are the same on both servers.
        for value, policy in [("0", "noeviction"), ("100", "allkeys-lru"), ("1000", "volatile-lfu"),
                              ("1023", "noeviction"), ("1024", "volatile-ttl"), ("1536", "allkeys-random"),
                              ("100mb", "allkeys-lfu"), ("1gb", "volatile-random"), ("1099511627776", "volatile-lru"),
                              ("1125899906842624", "noeviction"), ("1152921504606846976", "noeviction"),
                              ("18446744073709551615", "noeviction"), ("0", "noeviction")]:
            self.config_set("maxmemory-policy", policy)
            self.config_set("maxmemory", value)
            a, b = self.info(self.ours, "memory"), self.info(self.theirs, "memory")
            for field in ("maxmemory", "maxmemory_human", "maxmemory_policy"):
                self.compare(("CONFIG SET maxmemory", value, policy, field), a.get(field), b.get(field))
        self.verify()

    def test_expired_and_evicted_counters(self):
        before = {s.name: self.info(s, "stats") for s in (self.ours, self.theirs)}
        for i in range(20):
            self.both("SET", f"e{i}", "v", "PX", "1")
        time.sleep(0.05)
        self.same("OBJECT", "IDLETIME", "e0")
        self.same("OBJECT", "FREQ", "e1")
        self.same("OBJECT", "ENCODING", "e2")
        for i in range(20):
            self.same("GET", f"e{i}")
        self.same("DBSIZE")
        # Expiry is counted once per key, whichever of lazy or active expiry got it first.
        for s in (self.ours, self.theirs):
            after = self.info(s, "stats")
            self.assertEqual(int(after["expired_keys"]) - int(before[s.name]["expired_keys"]), 20,
                             f"{s.name}: expired_keys delta")
            self.assertEqual(int(after["evicted_keys"]), int(before[s.name]["evicted_keys"]),
                             f"{s.name}: evicted_keys moved without maxmemory")
        self.verify()

    # -- OBJECT FREQ / IDLETIME ------------------------------------------------------------

    def test_object_freq_and_idletime_by_policy(self):
        self.make_keys()
        for policy in POLICIES:
            self.config_set("maxmemory-policy", policy)
            self.both("SET", f"fresh-{policy}", "v")
            self.same("OBJECT", "FREQ", "missing")
            self.same("OBJECT", "IDLETIME", "missing")
            self.same("OBJECT", "freq", "missing")
            if policy in LFU_POLICIES:
                # A key created under an LFU policy starts at LFU_INIT_VAL (5), decayed by the
                # minutes since... creation: 0 here.
                self.same("OBJECT", "FREQ", f"fresh-{policy}")
                self.same("OBJECT", "IDLETIME", f"fresh-{policy}")
                self.same("OBJECT", "IDLETIME", "s")
            else:
                self.same("OBJECT", "FREQ", f"fresh-{policy}")
                self.same("OBJECT", "FREQ", "s")
                self.same("OBJECT", "FREQ", "l")
                self.same("OBJECT", "IDLETIME", f"fresh-{policy}", norm=ttl_close(2))
        for args in (["OBJECT", "FREQ"], ["OBJECT", "FREQ", "s", "x"], ["OBJECT", "IDLETIME"],
                     ["OBJECT", "IDLETIME", "s", "x"], ["OBJECT"], ["OBJECT", "BOGUS", "s"],
                     ["OBJECT", "ENCODING"]):
            self.same(*args)
        self.verify()

    def test_lfu_counter_is_deterministic_with_log_factor_0(self):
        # lfu-log-factor 0: every access increments (probability 1/(0*x+1)); lfu-decay-time 0:
        # no decay. The counter starts at 5 and saturates at 255.
        self.config_set("maxmemory-policy", "allkeys-lfu")
        # A limit (never reached) also stops Redis from sharing small integer objects, whose
        # one counter would be shared by every key holding that integer.
        self.config_set("maxmemory", "1gb")
        self.config_set("lfu-log-factor", "0")
        self.config_set("lfu-decay-time", "0")
        steps = [
            ["SET", "k", "v"], ["GET", "k"], ["GET", "k"], ["MGET", "k", "k"], ["EXISTS", "k"], ["TYPE", "k"],
            ["STRLEN", "k"], ["TOUCH", "k"], ["OBJECT", "ENCODING", "k"], ["MEMORY", "USAGE", "k"],
            ["TTL", "k"], ["APPEND", "k", "x"], ["SET", "k", "w"], ["SET", "k", "w", "KEEPTTL"],
            ["GETRANGE", "k", "0", "0"],
            ["EXPIRE", "k", "1000"], ["PERSIST", "k"], ["INCR", "n"], ["INCR", "n"], ["RPUSH", "l", "a"],
            ["LRANGE", "l", "0", "-1"], ["HSET", "h", "f", "v"], ["HGET", "h", "f"], ["SADD", "st", "a"],
            ["SISMEMBER", "st", "a"], ["ZADD", "z", "1", "a"], ["ZSCORE", "z", "a"], ["RENAME", "k", "k2"],
            ["COPY", "k2", "k3"], ["GETEX", "k2"], ["DBSIZE"],
        ]
        keys = ["k", "k2", "k3", "n", "l", "h", "st", "z"]
        for step in steps:
            self.same(*step, norm=ttl_close(2) if step[0] == "TTL" else positive_int if step[0] == "MEMORY" else None)
            for key in keys:
                self.same("OBJECT", "FREQ", key)
        gets = [["GET", "k2"]] * 300
        a, b = self.ours.pipeline(gets), self.theirs.pipeline(gets)
        self.compare(("GET k2 x 300",), a, b)
        self.same("OBJECT", "FREQ", "k2")
        self.verify()

    def test_idletime_of_touched_key(self):
        for policy in ("noeviction", "allkeys-lru", "volatile-ttl"):
            self.config_set("maxmemory-policy", policy)
            self.both("SET", "k", "v")
            self.same("GET", "k")
            self.same("OBJECT", "IDLETIME", "k", norm=ttl_close(2))
        self.verify()

    # -- MEMORY ----------------------------------------------------------------------------

    def test_memory_usage_arguments(self):
        self.make_keys()
        cases = [
            ["MEMORY", "USAGE", "missing"], ["MEMORY", "USAGE", "s"], ["memory", "usage", "l"],
            ["MEMORY", "USAGE", "h"], ["MEMORY", "USAGE", "st"], ["MEMORY", "USAGE", "z"], ["MEMORY", "USAGE", "n"],
            ["MEMORY", "USAGE", "t"], ["MEMORY", "USAGE", "s", "SAMPLES", "0"],
            ["MEMORY", "USAGE", "l", "samples", "1"],
            ["MEMORY", "USAGE", "s", "SAMPLES", "5", "SAMPLES", "3"], ["MEMORY", "USAGE", "missing", "SAMPLES", "5"],
            ["MEMORY", "USAGE", "s", "SAMPLES"], ["MEMORY", "USAGE", "s", "SAMPLES", "-1"],
            ["MEMORY", "USAGE", "missing", "SAMPLES", "-1"], ["MEMORY", "USAGE", "s", "SAMPLES", "abc"],
            ["MEMORY", "USAGE", "s", "SAMPLES", "1.5"], ["MEMORY", "USAGE", "s", "SAMPLES", "9223372036854775808"],
            ["MEMORY", "USAGE", "s", "SAMPLES", "9223372036854775807"], ["MEMORY", "USAGE", "s", "BAD", "1"],
            ["MEMORY", "USAGE", "missing", "BAD"], ["MEMORY", "USAGE", "s", "SAMPLES", "5", "extra"],
            ["MEMORY", "USAGE", "s", "samples", "5", "samples"], ["MEMORY", "USAGE"], ["MEMORY"],
            ["MEMORY", "BOGUS"], ["MEMORY", "bogus", "x"], ["MEMORY", "USAGE", ""],
        ]
        for case in cases:
            self.same(*case, norm=positive_int)
        self.verify()

    def test_memory_usage_grows_with_value(self):
        for side in (self.ours, self.theirs):
            sizes = []
            for n in (10, 1000, 100000):
                side.call("SET", f"v{n}", "x" * n)
                reply = side.call("MEMORY", "USAGE", f"v{n}")
                self.assertTrue(reply.startswith(b":"), f"{side.name}: {reply!r}")
                sizes.append(int(reply[1:-2]))
            self.assertTrue(0 < sizes[0] < sizes[1] < sizes[2], f"{side.name}: MEMORY USAGE {sizes}")
            self.assertGreaterEqual(sizes[2], 100000, f"{side.name}: 100000-byte value counted as {sizes[2]}")
            side.call("DEL", "biglist")
            for n in (10, 10000):
                side.call("RPUSH", "biglist", *(["y" * 20] * n))
                side.call("HSET", f"hash{n}", *[x for i in range(n) for x in (f"field{i}", "v" * 20)])
            for key in ("hash10", "hash10000"):
                reply = side.call("MEMORY", "USAGE", key, "SAMPLES", "0")
                self.assertTrue(reply.startswith(b":") and int(reply[1:-2]) > 0, f"{side.name}: {key} {reply!r}")
            small = int(side.call("MEMORY", "USAGE", "hash10")[1:-2])
            big = int(side.call("MEMORY", "USAGE", "hash10000", "SAMPLES", "0")[1:-2])
            self.assertGreater(big, 10000 * 25, f"{side.name}: 10000-field hash counted as {big}")
            self.assertLess(small, big, side.name)

    def test_memory_help(self):
        """Every line of corokv's MEMORY HELP is in Redis's, in the same order (corokv may leave
        out subcommands it does not offer, like STATS and DOCTOR), starting and ending alike."""
        a, b = parse_reply(self.ours.call("MEMORY", "HELP")), parse_reply(self.theirs.call("MEMORY", "HELP"))
        self.assertIsInstance(a, list)
        ours = [x[1] if isinstance(x, tuple) else x for x in a]
        theirs = [x[1] if isinstance(x, tuple) else x for x in b]
        self.assertEqual(ours[0], theirs[0])
        self.assertEqual(ours[-2:], theirs[-2:])
        rest = iter(theirs)
        missing = [line for line in ours if line not in rest]
        self.assertEqual(missing, [], f"lines not in Redis's MEMORY HELP (or out of order):\n{ours}\n{theirs}")
        usage = [i for i, line in enumerate(theirs) if line.startswith(b"USAGE")][0]
        self.assertIn(b"".join(theirs[usage:usage + 3]), b"".join(ours))

    # -- OOM -------------------------------------------------------------------------------

    def oom_commands(self):
        """(command, expect OOM under noeviction) in an order that keeps both servers' data
        equal: denyoom commands change nothing, the others run after them."""
        denyoom = [
            ["SET", "s", "x"], ["SET", "new", "x"], ["SET", "s", "x", "NX"], ["SET", "s", "x", "BADOPT"],
            ["SET", "s", "x", "EX", "abc"], ["SETNX", "new", "x"], ["SETNX", "s", "x"], ["SETEX", "new", "100", "x"],
            ["PSETEX", "new", "100000", "x"], ["GETSET", "s", "y"], ["MSET", "a", "1", "b", "2"], ["MSETNX", "a", "1"],
            ["APPEND", "s", "x"], ["APPEND", "s", ""], ["INCR", "n"], ["INCR", "s"], ["INCR", "new"], ["DECR", "n"],
            ["INCRBY", "n", "5"], ["INCRBY", "n", "abc"], ["DECRBY", "n", "5"], ["INCRBYFLOAT", "n", "1.5"],
            ["SETRANGE", "s", "0", "x"], ["SETRANGE", "s", "0", ""], ["HSET", "h", "f", "v2"],
            ["HMSET", "h", "f", "v"], ["HSETNX", "h", "g", "v"], ["HINCRBY", "h", "c", "1"],
            ["HINCRBYFLOAT", "h", "c", "1.5"], ["LPUSH", "l", "x"], ["RPUSH", "l", "x"], ["LPUSHX", "l", "x"],
            ["RPUSHX", "missing", "x"], ["LINSERT", "l", "BEFORE", "a", "x"], ["LSET", "l", "0", "x"],
            ["RPOPLPUSH", "l", "l2"], ["LMOVE", "l", "l2", "LEFT", "RIGHT"],
            ["BLMOVE", "l", "l2", "LEFT", "RIGHT", "0.01"],
            ["BRPOPLPUSH", "l", "l2", "0.01"], ["SADD", "st", "c"], ["SINTERSTORE", "d", "st"],
            ["SUNIONSTORE", "d", "st"], ["SDIFFSTORE", "d", "st"], ["ZADD", "z", "3", "c"],
            ["ZADD", "z", "XX", "5", "a"],
            ["ZINCRBY", "z", "1", "a"], ["ZUNIONSTORE", "d", "1", "z"], ["ZINTERSTORE", "d", "1", "z"],
            ["ZDIFFSTORE", "d", "1", "z"], ["ZRANGESTORE", "d", "z", "0", "-1"], ["COPY", "s", "s2"],
            ["COPY", "s", "missing2"], ["SORT", "l", "ALPHA"], ["SORT", "l", "ALPHA", "STORE", "d"],
            ["LPUSH", "s", "x"], ["SADD", "s", "x"], ["HSET", "s", "f", "v"], ["ZADD", "s", "1", "x"],
            ["set", "s", "x"], ["Incr", "n"],
        ]
        allowed = [
            # Errors found before the OOM check: arity, unknown command.
            ["SET", "s"], ["LPUSH", "l"], ["ZADD", "z"], ["MSET"], ["INCR"], ["NOSUCHCOMMAND", "x"],
            # Reads.
            ["GET", "s"], ["MGET", "s", "n", "missing"], ["EXISTS", "s", "l", "missing"], ["STRLEN", "s"],
            ["TYPE", "l"], ["LRANGE", "l", "0", "-1"], ["LLEN", "l"], ["LINDEX", "l", "0"], ["HGETALL", "h"],
            ["HGET", "h", "f"], ["SCARD", "st"], ["SISMEMBER", "st", "a"], ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
            ["ZSCORE", "z", "a"], ["GETRANGE", "s", "0", "-1"], ["DBSIZE"], ["PING"], ["ECHO", "hi"],
            ["SELECT", "0"], ["EXPIRETIME", "s"], ["OBJECT", "ENCODING", "s"], ["SMISMEMBER", "st", "a", "b", "x"],
            ["ZUNION", "1", "z"], ["SORT_RO", "l", "ALPHA"],
            # Writes that are not denyoom.
            ["GETEX", "s"], ["GETEX", "s", "PX", "100000000"], ["PEXPIRE", "s", "100000000"], ["EXPIRE", "n", "1000"],
            ["PERSIST", "s"], ["PERSIST", "n"], ["EXPIREAT", "s", "99999999999"], ["PERSIST", "s"], ["TOUCH", "s", "l"],
            ["HDEL", "h", "nope"], ["LPOP", "l"], ["RPOP", "l"], ["LREM", "l", "0", "zz"], ["LTRIM", "l", "0", "-1"],
            ["LMPOP", "1", "l", "LEFT"], ["BLPOP", "l", "0.01"], ["SREM", "st", "nope"], ["SMOVE", "st", "st2", "a"],
            ["SMOVE", "st2", "st", "a"], ["ZREM", "z", "nope"], ["ZPOPMIN", "z"], ["ZMPOP", "1", "z", "MAX"],
            ["ZREMRANGEBYSCORE", "z", "100", "200"], ["ZREMRANGEBYRANK", "z", "5", "6"],
            ["ZREMRANGEBYLEX", "z", "[x", "[y"], ["BZPOPMIN", "z", "0.01"], ["RENAME", "s", "s3"],
            ["RENAMENX", "s3", "s"], ["GETDEL", "n"], ["INCR", "n"], ["DEL", "l", "missing"], ["UNLINK", "h"],
            ["DBSIZE"], ["CONFIG", "GET", "maxmemory"], ["FLUSHDB"], ["DBSIZE"], ["SET", "after-flush", "x"],
        ]
        return [(c, True) for c in denyoom] + [(c, False) for c in allowed]

    def test_oom_noeviction(self):
        self.make_keys()
        self.config_set("maxmemory", "1")
        for command, is_denyoom in self.oom_commands():
            reply = self.same(*command, norm=ttl_close(2) if command[0] == "EXPIRETIME" else None)
            if is_denyoom:
                self.compare(command + ["(redis itself)"], OOM, reply)
        self.config_set("maxmemory", "0")
        self.same("SET", "s", "fine")
        self.same("INCR", "n")
        self.same("DBSIZE")
        self.verify()

    def test_oom_volatile_policies_without_volatile_keys(self):
        for policy in ("volatile-ttl", "volatile-lru", "volatile-lfu", "volatile-random"):
            self.make_keys()
            self.both("PERSIST", "t")
            before = {s.name: self.info(s, "stats")["evicted_keys"] for s in (self.ours, self.theirs)}
            self.config_set("maxmemory-policy", policy)
            self.config_set("maxmemory", "1")
            self.same("SET", "s", "x")
            self.same("LPUSH", "l", "x")
            self.same("GET", "s")
            self.same("DBSIZE")
            self.same("DEL", "s")
            self.same("DBSIZE")
            for s in (self.ours, self.theirs):
                self.compare((policy, "evicted_keys"), self.info(s, "stats")["evicted_keys"], before[s.name])
            self.config_set("maxmemory", "0")
            self.both("FLUSHALL")
        self.verify()

    def test_volatile_policies_evict_only_volatile_keys(self):
        for policy in ("volatile-ttl", "volatile-lru", "volatile-lfu", "volatile-random"):
            self.make_keys()
            for i in range(10):
                self.both("SET", f"vol{i}", "x", "EX", str(1000 + i))
            before = {s.name: int(self.info(s, "stats")["evicted_keys"]) for s in (self.ours, self.theirs)}
            self.config_set("maxmemory-policy", policy)
            self.config_set("maxmemory", "1")
            self.same("SET", "s", "x")
            self.same("DBSIZE")
            self.same("EXISTS", "vol0", "vol9", "t")
            self.same("EXISTS", "s", "n", "l", "h", "st", "z")
            for s in (self.ours, self.theirs):
                delta = int(self.info(s, "stats")["evicted_keys"]) - before[s.name]
                self.compare((policy, "evicted_keys delta", s.name), delta, 11)
            self.config_set("maxmemory", "0")
            self.both("FLUSHALL")
        self.verify()

    def test_allkeys_policies_evict_everything(self):
        for policy in ("allkeys-lru", "allkeys-lfu", "allkeys-random"):
            self.make_keys()
            before = {s.name: int(self.info(s, "stats")["evicted_keys"]) for s in (self.ours, self.theirs)}
            self.config_set("maxmemory-policy", policy)
            self.config_set("maxmemory", "1")
            # Redis evicts in CONFIG SET itself, and before every command: the keyspace is
            # empty by the next command, and a write still finds no room.
            self.same("DBSIZE")
            self.same("GET", "s")
            self.same("SET", "s", "x")
            self.same("DEL", "s")
            self.same("DBSIZE")
            for s in (self.ours, self.theirs):
                delta = int(self.info(s, "stats")["evicted_keys"]) - before[s.name]
                self.compare((policy, "evicted_keys delta", s.name), delta, 7)
            self.config_set("maxmemory", "0")
            self.same("SET", "s", "x")
            self.both("FLUSHALL")
        self.verify()

    def test_eviction_keeps_within_a_small_limit(self):
        """With a limit a few hundred KB above the empty server's use, an allkeys policy keeps
        accepting writes (no OOM) and evicts; noeviction refuses them with the OOM error."""
        for side in (self.ours, self.theirs):
            for policy in ("allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"):
                side.call("FLUSHALL")
                used = int(self.info(side, "memory")["used_memory"])
                side.call("CONFIG", "SET", "maxmemory-policy", policy)
                side.call("CONFIG", "SET", "maxmemory", str(used + 512 * 1024))
                # Small batches: a query buffer of megabytes would count towards used_memory.
                replies = []
                for start in range(0, 5000, 20):
                    replies += side.pipeline([["SET", f"key:{i}", "v" * 1000] for i in range(start, start + 20)])
                ooms = sum(1 for r in replies if r == OOM)
                others = [r for r in replies if r not in (OOM, b"+OK\r\n")]
                stats, memory = self.info(side, "stats"), self.info(side, "memory")
                dbsize = int(side.call("DBSIZE")[1:-2])
                side.call("CONFIG", "SET", "maxmemory", "0")
                label = f"{side.name} {policy}"
                self.assertEqual(others, [], label)
                if policy == "noeviction":
                    self.assertGreater(ooms, 0, label)
                    self.assertLess(dbsize, 5000, label)
                else:
                    self.assertEqual(ooms, 0, label)
                    self.assertGreater(int(stats["evicted_keys"]), 0, label)
                    self.assertLess(dbsize, 5000, label)
                    self.assertGreater(dbsize, 50, label)
                    # used_memory stays near the limit (one write's worth of slack).
                    self.assertLess(int(memory["used_memory"]), used + 512 * 1024 + 64 * 1024, label)

    # -- TTL family ------------------------------------------------------------------------

    def test_ttl_family_edges(self):
        now = int(time.time())
        far, far_ms = now + 100000, (now + 100000) * 1000
        steps = [
            ["SET", "p", "v"], ["SET", "t", "v", "EX", "1000"],
            # GT/LT against no TTL (infinite): GT never sets, LT always does.
            ["EXPIRE", "p", "100", "GT"], ["TTL", "p"], ["EXPIRE", "p", "100", "XX"], ["TTL", "p"],
            ["EXPIRE", "p", "500", "LT"], ["TTL", "p"], ["PERSIST", "p"], ["PERSIST", "p"], ["TTL", "p"],
            ["EXPIRE", "p", "100", "NX"], ["EXPIRE", "p", "200", "NX"], ["TTL", "p"], ["PERSIST", "p"],
            ["EXPIRE", "t", "2000", "GT"], ["TTL", "t"], ["EXPIRE", "t", "100", "GT"], ["EXPIRE", "t", "3000", "LT"],
            ["EXPIRE", "t", "50", "LT"], ["TTL", "t"], ["EXPIRE", "t", "60", "XX", "GT"], ["TTL", "t"],
            ["EXPIRE", "t", "70", "NX", "XX"], ["EXPIRE", "t", "70", "GT", "LT"], ["EXPIRE", "t", "70", "NX", "GT"],
            ["EXPIRE", "t", "70", "NX", "LT"], ["EXPIRE", "t", "70", "gt", "gt"], ["EXPIRE", "t", "70", "BAD"],
            ["EXPIRE", "missing", "70", "XX"], ["EXPIRE", "missing", "70"], ["EXPIRE", "t"], ["EXPIRE", "t", "x"],
            ["EXPIRE", "t", "9223372036854775807"], ["EXPIRE", "t", "9223372036854775"],
            ["EXPIRE", "t", "9223372036854776"], ["EXPIRE", "t", "-9223372036854775808"],
            ["PEXPIRE", "t", "9223372036854775807"], ["PEXPIRE", "t", "9223372036854775000"],
            ["EXPIREAT", "t", str(far), "GT"], ["EXPIRETIME", "t"], ["PEXPIRETIME", "t"],
            ["PEXPIREAT", "t", str(far_ms + 5), "LT"], ["PEXPIRETIME", "t"], ["PEXPIREAT", "t", str(far_ms - 5), "LT"],
            ["PEXPIRETIME", "t"], ["PEXPIREAT", "t", "9223372036854775807"], ["EXPIREAT", "t", "9223372036854775807"],
            ["EXPIRETIME", "missing"], ["EXPIRETIME", "p"], ["PEXPIRETIME", "p"], ["PTTL", "missing"], ["PTTL", "p"],
            # A time in the past deletes, with or without the options that allow it.
            ["SET", "d1", "v"], ["EXPIRE", "d1", "-1", "GT"], ["EXISTS", "d1"], ["EXPIRE", "d1", "-1", "LT"],
            ["EXISTS", "d1"], ["SET", "d2", "v", "EX", "100"], ["EXPIRE", "d2", "0", "XX"], ["EXISTS", "d2"],
            ["SET", "d3", "v"], ["EXPIREAT", "d3", "1", "NX"], ["EXISTS", "d3"], ["SET", "d4", "v", "EX", "100"],
            ["PEXPIREAT", "d4", "1", "GT"], ["EXISTS", "d4"], ["SET", "d5", "v"], ["PEXPIRE", "d5", "0"],
            ["EXISTS", "d5"],
            # SET/GETEX keep or drop the TTL.
            ["SET", "k", "v", "EX", "500"], ["SET", "k", "w", "KEEPTTL"], ["TTL", "k"], ["SET", "k", "w"],
            ["TTL", "k"], ["SET", "k", "v", "PX", "500000"], ["GETEX", "k", "PERSIST"], ["TTL", "k"],
            ["GETEX", "k", "EX", "300"], ["TTL", "k"], ["GETEX", "k", "EXAT", str(far)], ["EXPIRETIME", "k"],
            ["GETEX", "k", "PXAT", str(far_ms)], ["PEXPIRETIME", "k"], ["GETEX", "k", "EX", "0"],
            ["GETEX", "k", "EX", "-1"], ["GETEX", "k", "PERSIST", "EX", "1"], ["GETEX", "k", "KEEPTTL"],
            ["SET", "k", "v", "KEEPTTL", "EX", "10"], ["SET", "k", "v", "EX", "0"], ["SET", "k", "v", "PX", "-5"],
            ["SET", "k", "v", "EXAT", "0"], ["SET", "k", "v", "EX", "9223372036854775807"],
            ["SET", "k", "v", "PX", "9223372036854775807"], ["SET", "k", "v", "EXAT", "1"], ["EXISTS", "k"],
            ["SETEX", "k", "0", "v"], ["PSETEX", "k", "-1", "v"], ["SETEX", "k", "9223372036854775807", "v"],
            # RENAME and COPY carry the TTL.
            ["SET", "r", "v", "EX", "700"], ["RENAME", "r", "r2"], ["TTL", "r2"], ["COPY", "r2", "r3"], ["TTL", "r3"],
            ["PERSIST", "missing"], ["TTL"], ["PTTL", "a", "b"], ["PERSIST"], ["EXPIRETIME"],
        ]
        for step in steps:
            name = step[0].upper()
            if name in ("TTL", "EXPIRETIME"):
                norm = ttl_close(2)
            elif name in ("PTTL", "PEXPIRETIME"):
                norm = ttl_close(2000)
            else:
                norm = None
            self.same(*step, norm=norm)
        self.verify()


if __name__ == "__main__":
    unittest.main()
