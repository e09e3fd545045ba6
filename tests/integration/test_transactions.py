"""Integration tests for MULTI / EXEC / WATCH through redis-py, under concurrency and with AOF.

What it proves:
  * optimistic locking works under contention: 20 clients on 20 threads each make 50
    WATCH/GET/MULTI/SET/EXEC increments of one counter, retrying on WatchError; the counter
    ends at exactly 1000 (no lost update, no double apply);
  * redis-py's r.transaction(func, *watched) helper: concurrent transfers keep the total;
  * isolation: readers (MGET, or a MULTI of GETs) never see half of another transaction;
  * errors as redis-py surfaces them: EXECABORT -> ExecAbortError (raw) or the queue-time
    ResponseError (pipeline); run-time errors in place; WatchError;
  * AOF (appendonly yes, aof-use-rdb-preamble no, appendfsync always): a transaction with
    several writes is one MULTI ... EXEC block holding only its writes, in order; a read-only
    (or write-free) transaction logs nothing; concurrent transactions are never interleaved in
    the log; a restart on the same dir replays to the same dataset.

Every server runs on a free 127.0.0.1 port and is stopped by pid; every wait is bounded;
temporary directories are removed (kept on failure for inspection).

Run (server under test = corokv at build/release/corokv-server, or COROKV_BIN):
    /usr/bin/python3 tests/run_python.py --suite integration -k test_transactions
Validate the suite itself against redis-server 7 (must pass 100%):
    TX_AGAINST=redis /usr/bin/python3 tests/run_python.py --suite integration -k test_transactions
"""

import os
import random
import shutil
import sys
import threading
import time
import unittest

import redis

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pylib import aofload  # noqa: E402
from pylib.servers import RawClient, start_corokv, start_redis  # noqa: E402

AGAINST = os.environ.get("TX_AGAINST", "corokv")
DEADLINE = float(os.environ.get("TX_DEADLINE", "120"))  # seconds for any concurrent phase


def connect(server, **kw):
    return redis.Redis(host="127.0.0.1", port=server.port, socket_timeout=10, socket_connect_timeout=10, **kw)


def run_threads(target, n, timeout=DEADLINE):
    """Runs target(i) on n threads; returns the exceptions raised (a thread still running after
    `timeout` counts as one)."""
    errors = []

    def wrap(i):
        try:
            target(i)
        except BaseException as e:  # noqa: BLE001 - reported by the test
            errors.append(f"thread {i}: {type(e).__name__}: {e}")

    threads = [threading.Thread(target=wrap, args=(i,), daemon=True) for i in range(n)]
    for t in threads:
        t.start()
    end = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, end - time.monotonic()))
    errors += [f"thread still running after {timeout}s" for t in threads if t.is_alive()]
    return errors


class TransactionTest(unittest.TestCase):
    """One shared server (no persistence); each test starts from FLUSHALL."""

    @classmethod
    def setUpClass(cls):
        cls.server = start_redis() if AGAINST == "redis" else start_corokv("--threads", "4")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()
        shutil.rmtree(cls.server.workdir, ignore_errors=True)

    def setUp(self):
        self.r = connect(self.server)
        self.r.flushall()
        self.addCleanup(self.r.close)

    def test_optimistic_counter_20_clients(self):
        clients, n = 20, 50
        retries = [0] * clients
        deadline = time.monotonic() + DEADLINE

        def worker(i):
            r = connect(self.server)
            try:
                for _ in range(n):
                    while True:
                        if time.monotonic() > deadline:
                            raise TimeoutError("increments not done in time")
                        with r.pipeline() as p:
                            try:
                                p.watch("counter")
                                v = int(p.get("counter") or 0)
                                p.multi()
                                p.set("counter", v + 1)
                                self.assertEqual(p.execute(), [True])
                                break
                            except redis.WatchError:
                                retries[i] += 1
            finally:
                r.close()

        errors = run_threads(worker, clients)
        self.assertEqual(errors, [])
        self.assertEqual(int(self.r.get("counter")), clients * n)
        print(f"\n    [tx:{AGAINST}] counter {clients * n}, {sum(retries)} WatchError retries", flush=True)

    def test_transaction_helper_concurrent_transfers(self):
        accounts = [f"acct:{i}" for i in range(5)]
        self.r.mset({a: 100 for a in accounts})

        def worker(i):
            r = connect(self.server)
            rng = random.Random(i)
            try:
                for _ in range(40):
                    src, dst = rng.sample(accounts, 2)
                    amount = rng.randint(1, 30)

                    def move(p):
                        have = int(p.get(src))
                        p.multi()
                        if have >= amount:
                            p.decrby(src, amount)
                            p.incrby(dst, amount)
                        return have

                    have = r.transaction(move, src, dst, value_from_callable=True, watch_delay=0.001)
                    self.assertGreaterEqual(have, 0)
            finally:
                r.close()

        self.assertEqual(run_threads(worker, 8), [])
        balances = [int(v) for v in self.r.mget(accounts)]
        self.assertEqual(sum(balances), 500, balances)
        self.assertTrue(all(b >= 0 for b in balances), balances)

    def test_readers_never_see_half_a_transaction(self):
        keys = [f"iso:{i}" for i in range(10)]  # spread over shards
        self.r.mset({k: "init" for k in keys})
        stop = threading.Event()
        torn = {"mget": [], "multi": []}

        def writer(i):
            r = connect(self.server)
            try:
                for j in range(300):
                    p = r.pipeline(transaction=True)
                    for k in keys:
                        p.set(k, f"w{i}:{j}")
                    p.execute()
            finally:
                r.close()

        def reader(i):
            r = connect(self.server)
            try:
                while not stop.is_set():
                    if i % 2:
                        kind, got = "mget", r.mget(keys)
                    else:
                        p = r.pipeline(transaction=True)
                        for k in keys:
                            p.get(k)
                        kind, got = "multi", p.execute()
                    if len(set(got)) != 1 and len(torn[kind]) < 3:
                        torn[kind].append(got)
            finally:
                r.close()

        readers = threading.Thread(target=lambda: torn.setdefault("errors", run_threads(reader, 4)), daemon=True)
        readers.start()
        errors = run_threads(writer, 3)
        stop.set()
        readers.join(DEADLINE)
        self.assertFalse(readers.is_alive(), "readers did not stop")
        self.assertEqual(errors + torn["errors"], [])
        self.assertEqual(torn["multi"], [], "a MULTI of GETs saw a partial transaction")
        self.assertEqual(torn["mget"], [], "MGET saw a partial transaction")

    def test_execabort_surfaces_as_exec_abort_error(self):
        r = connect(self.server, single_connection_client=True)
        self.addCleanup(r.close)
        self.assertTrue(r.execute_command("MULTI"))
        with self.assertRaises(redis.ResponseError):
            r.execute_command("GET")
        self.assertEqual(r.execute_command("APPEND", "k", "v"), b"QUEUED")  # (no redis-py reply callback)
        with self.assertRaises(redis.exceptions.ExecAbortError):
            r.execute_command("EXEC")
        self.assertIsNone(r.get("k"))
        # A pipeline reports the queue-time error itself; nothing ran.
        p = r.pipeline(transaction=True)
        p.set("k", 1)
        p.execute_command("NOSUCHCOMMAND", "x")
        p.incr("n")
        with self.assertRaisesRegex(redis.ResponseError, "unknown command"):
            p.execute()
        self.assertEqual(r.mget("k", "n"), [None, None])

    def test_runtime_errors_in_place_and_watch_error(self):
        self.r.set("s", "abc")
        p = self.r.pipeline(transaction=True)
        p.incr("s").set("t", "1").lpush("s", "x").incr("t")
        got = p.execute(raise_on_error=False)
        self.assertIsInstance(got[0], redis.ResponseError)
        self.assertEqual(got[1], True)
        self.assertIsInstance(got[2], redis.ResponseError)
        self.assertIn("WRONGTYPE", str(got[2]))
        self.assertEqual(got[3], 2)
        other = connect(self.server)
        self.addCleanup(other.close)
        with self.r.pipeline() as p:
            p.watch("s")
            other.set("s", "changed")
            p.multi()
            p.set("s", "mine")
            with self.assertRaises(redis.WatchError):
                p.execute()
        self.assertEqual(self.r.get("s"), b"changed")

    def test_open_multi_does_not_block_other_clients(self):
        a = RawClient(self.server.port)
        self.addCleanup(a.close)
        self.assertEqual(a.call("MULTI"), b"+OK\r\n")
        self.assertEqual(a.call("SET", "pending", "1"), b"+QUEUED\r\n")
        def incr(i):
            with connect(self.server) as r:
                for _ in range(50):
                    r.incr("free")

        errors = run_threads(incr, 4, timeout=30)
        self.assertEqual(errors, [])
        self.assertEqual(int(self.r.get("free")), 200)
        self.assertIsNone(self.r.get("pending"))
        self.assertEqual(a.call("EXEC"), b"*1\r\n+OK\r\n")
        self.assertEqual(self.r.get("pending"), b"1")


# ---------------------------------------------------------------------------------------------

def effective(cmds):
    """AOF commands as (db, [NAME, args...]) with SELECTs folded into the db number, so a
    SELECT before or inside a MULTI block compares equal."""
    db, out = 0, []
    for c in cmds:
        name = c[0].upper()
        if name == b"SELECT":
            db = int(c[1])
        else:
            out.append((db, [name] + list(c[1:])))
    return out


# Transactions and what the AOF must hold between the marker SETs around them (after SELECT
# folding, see effective()). Each entry: (name, setup commands, transaction commands, allowed logs).
AOF_CASES = [
    ("several writes: one block, in order",
     [], [["MULTI"], ["SET", "a", "1"], ["INCR", "b"], ["EXEC"]],
     [[(0, [b"MULTI"]), (0, [b"SET", b"a", b"1"]), (0, [b"INCR", b"b"]), (0, [b"EXEC"])]]),
    ("read-only: nothing",
     [["SET", "a", "1"]], [["MULTI"], ["GET", "a"], ["EXISTS", "b"], ["TTL", "a"], ["EXEC"]], [[]]),
    ("write-free (no-op DEL, failed SET NX): nothing",
     [["SET", "s", "abc"]], [["MULTI"], ["DEL", "nothing"], ["SET", "s", "x", "NX"], ["EXEC"]], [[]]),
    ("run-time error inside: only the writes that happened",
     [["SET", "s", "abc"]],
     [["MULTI"], ["SET", "c", "1"], ["GET", "a"], ["INCR", "s"], ["SET", "x", "y"], ["DEL", "nothing"], ["EXEC"]],
     [[(0, [b"MULTI"]), (0, [b"SET", b"c", b"1"]), (0, [b"SET", b"x", b"y"]), (0, [b"EXEC"])]]),
    ("SELECT inside: each write logged for its database",
     [], [["MULTI"], ["SELECT", "2"], ["SET", "d2", "v"], ["SELECT", "0"], ["SET", "d0", "v"], ["EXEC"]],
     [[(2, [b"MULTI"]), (2, [b"SET", b"d2", b"v"]), (0, [b"SET", b"d0", b"v"]), (0, [b"EXEC"])],
      [(0, [b"MULTI"]), (2, [b"SET", b"d2", b"v"]), (0, [b"SET", b"d0", b"v"]), (0, [b"EXEC"])]]),
    ("one write: Redis 7.0 logs it bare (a MULTI/EXEC wrapper is accepted too)",
     [], [["MULTI"], ["SET", "one", "1"], ["EXEC"]],
     [[(0, [b"SET", b"one", b"1"])], [(0, [b"MULTI"]), (0, [b"SET", b"one", b"1"]), (0, [b"EXEC"])]]),
]


class TransactionAofTest(unittest.TestCase):
    """appendonly yes, aof-use-rdb-preamble no, appendfsync always; one fresh server per test."""

    def setUp(self):
        self.server = aofload.start(AGAINST, appendfsync="always")
        self.servers = [self.server]
        self.marks = 0
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        for s in self.servers:
            aofload.stop(s)
        if getattr(getattr(self, "_outcome", None), "success", True):
            shutil.rmtree(self.server.workdir, ignore_errors=True)

    def restart(self):
        aofload.stop(self.server)
        self.server = aofload.start(AGAINST, self.server.workdir, self.server.port, appendfsync="always")
        self.servers.append(self.server)
        aofload.wait_loaded(self.server.port)

    def logged(self, until, timeout=10.0):
        """Commands in the incr AOF file(s), after waiting (bounded) for `until` to be logged."""
        def read():
            data = b""
            for path in aofload.incr_files(self.server.workdir):
                with open(path, "rb") as f:
                    data += f.read()
            return effective(aofload.parse_aof(data))
        ok = aofload.wait_until(lambda: any(c == until for _, c in read()), timeout)
        self.assertTrue(ok, f"{until!r} not in the AOF after {timeout}s: {read()}")
        return read()

    def mark(self, c):
        """SETs a new marker key; returns it as logged (a list of bytes)."""
        self.marks += 1
        key = b"marker:%d" % self.marks
        self.assertEqual(c.call("SET", key, "1"), b"+OK\r\n")
        return [b"SET", key, b"1"]

    def between(self, c, cmds):
        """Runs cmds between two markers; returns what the AOF holds between them."""
        first = self.mark(c)
        replies = [c.call(*cmd) for cmd in cmds]
        self.assertNotIn(b"-EXECABORT", b"".join(replies))
        last = self.mark(c)
        log = self.logged(last)
        i = next(i for i, (_, cmd) in enumerate(log) if cmd == first)
        j = next(j for j, (_, cmd) in enumerate(log) if cmd == last)
        return log[i + 1:j]

    def test_transactions_in_the_aof(self):
        c = RawClient(self.server.port)
        self.addCleanup(c.close)
        for name, setup, cmds, allowed in AOF_CASES:
            with self.subTest(name):
                for cmd in setup:
                    self.assertFalse(c.call(*cmd).startswith(b"-"), cmd)
                self.assertIn(self.between(c, cmds), allowed)
                c.call("SELECT", "0")

    def test_restart_replays_transactions(self):
        c = RawClient(self.server.port)
        self.addCleanup(c.close)
        for _, setup, cmds, _ in AOF_CASES:
            for cmd in setup + cmds + [["SELECT", "0"]]:
                c.call(*cmd)
        before = aofload.dump(self.server.port)
        self.assertEqual(before[(2, b"d2")][1], b"v")
        self.assertEqual(before[(0, b"x")][1], b"y")
        c.close()
        self.restart()
        self.assertEqual(aofload.dump(self.server.port), before)

    def test_concurrent_transactions_are_logged_whole_and_replay_in_order(self):
        threads, n = 8, 25

        def worker(i):
            r = connect(self.server)
            try:
                for j in range(n):
                    p = r.pipeline(transaction=True)
                    p.execute_command("INCR", "counter").rpush("order", f"{i}:{j}").set(f"last:{i}", j)
                    self.assertEqual(p.execute()[2], True)
            finally:
                r.close()

        self.assertEqual(run_threads(worker, threads), [])
        r = connect(self.server)
        order = r.lrange("order", 0, -1)
        self.assertEqual(int(r.get("counter")), threads * n)
        r.set("marker", "1")
        r.close()
        log = [c for _, c in self.logged(until=[b"SET", b"marker", b"1"])]
        blocks = 0
        for i, c in enumerate(log):
            if c == [b"MULTI"]:
                blocks += 1
                body = log[i + 1:i + 5]
                self.assertEqual([x[0].upper() for x in body], [b"INCR", b"RPUSH", b"SET", b"EXEC"],
                                 f"block {blocks} is not whole: {body}")
        self.assertEqual(blocks, threads * n)
        before = aofload.dump(self.server.port)
        self.restart()
        self.assertEqual(aofload.dump(self.server.port), before)
        r = connect(self.server)
        self.addCleanup(r.close)
        self.assertEqual(r.lrange("order", 0, -1), order)


if __name__ == "__main__":
    unittest.main()
