"""Real clients against the built server: redis-cli (the README's examples), nc, redis-py."""

import os
import shutil
import subprocess
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pylib.servers import start_corokv  # noqa: E402

import redis  # noqa: E402  (Debian's python3-redis)


class RedisCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = start_corokv()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def cli(self, *args):
        out = subprocess.run(["redis-cli", "-p", str(self.server.port), *args], capture_output=True,
                             text=True, timeout=10)
        return out.stdout.strip()

    def test_seed_examples(self):
        self.assertEqual(self.cli("set", "foo", "bar"), "OK")
        self.assertEqual(self.cli("get", "foo"), "bar")
        self.assertEqual(self.cli("expire", "foo", "10"), "1")
        self.assertIn(self.cli("ttl", "foo"), ("10", "9"))
        self.assertEqual(self.cli("hset", "user", "name", "huy"), "1")
        self.assertEqual(self.cli("hget", "user", "name"), "huy")

    def test_nc_ping(self):
        if not shutil.which("nc"):
            self.skipTest("nc (netcat-openbsd) is not installed")
        out = subprocess.run(["nc", "-q1", "127.0.0.1", str(self.server.port)], input=b"*1\r\n$4\r\nPING\r\n",
                             capture_output=True, timeout=10)
        self.assertEqual(out.stdout, b"+PONG\r\n")

    def test_redis_cli_resp3_and_info(self):
        self.assertIn("proto", self.cli("-3", "hello", "3"))
        info = self.cli("info", "server")
        self.assertIn("redis_version:7.", info)
        self.assertIn("corokv_version:", info)


class RedisPyTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = start_corokv("--threads", "2")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def client(self, db=0):
        return redis.Redis(host="127.0.0.1", port=self.server.port, db=db, socket_timeout=10)

    def setUp(self):
        self.r = self.client()
        self.r.flushall()

    def test_strings(self):
        r = self.r
        self.assertTrue(r.set("a", "1"))
        self.assertEqual(r.incr("a", 41), 42)
        self.assertEqual(r.get("a"), b"42")
        self.assertEqual(r.incrbyfloat("a", 0.5), 42.5)
        self.assertEqual(r.append("s", "hello"), 5)
        self.assertEqual(r.getrange("s", 1, 3), b"ell")
        self.assertTrue(r.mset({"x": "1", "y": "2"}))
        self.assertEqual(r.mget("x", "y", "nope"), [b"1", b"2", None])
        self.assertIsNone(r.set("x", "3", nx=True))
        self.assertEqual(r.getdel("x"), b"1")
        with self.assertRaises(redis.ResponseError) as e:
            r.hset("y", "f", "v")
        self.assertIn("WRONGTYPE", str(e.exception))

    def test_hashes(self):
        r = self.r
        self.assertEqual(r.hset("h", mapping={"a": "1", "b": "2"}), 2)
        self.assertEqual(r.hgetall("h"), {b"a": b"1", b"b": b"2"})
        self.assertEqual(r.hincrby("h", "a", 5), 6)
        self.assertEqual(sorted(r.hkeys("h")), [b"a", b"b"])
        self.assertEqual(r.hdel("h", "a", "b"), 2)
        self.assertEqual(r.exists("h"), 0)

    def test_expiry(self):
        r = self.r
        r.set("temp", "v", px=1000)
        self.assertEqual(r.get("temp"), b"v")
        time.sleep(1.2)
        self.assertIsNone(r.get("temp"))
        r.set("t2", "v", ex=100)
        self.assertTrue(95 <= r.ttl("t2") <= 100)
        self.assertTrue(r.persist("t2"))
        self.assertEqual(r.ttl("t2"), -1)

    def test_active_expiry_reclaims_untouched_keys(self):
        r = self.r
        pipe = r.pipeline(transaction=False)
        for i in range(2000):
            pipe.set(f"vol:{i}", "x", px=50)
        pipe.execute()
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and r.dbsize() > 0:
            time.sleep(0.1)
        self.assertEqual(r.dbsize(), 0)  # never read, reclaimed in the background
        self.assertGreaterEqual(int(r.info("stats")["expired_keys"]), 2000)

    def test_pipeline_of_10000_commands_in_order(self):
        pipe = self.r.pipeline(transaction=False)
        for i in range(10000):
            pipe.set(f"p{i}", i)
            pipe.get(f"p{i}")
        replies = pipe.execute()
        self.assertEqual(len(replies), 20000)
        for i in range(10000):
            self.assertEqual(replies[2 * i + 1], str(i).encode())

    def test_concurrent_incr_from_20_threads(self):
        def work():
            c = self.client()
            for _ in range(500):
                c.incr("counter")
        threads = [threading.Thread(target=work) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        self.assertEqual(self.r.get("counter"), b"10000")

    def test_select_isolates_databases(self):
        self.r.set("k", "db0")
        other = self.client(db=3)
        self.assertIsNone(other.get("k"))
        other.set("k", "db3")
        self.assertEqual(self.r.get("k"), b"db0")
        self.assertEqual(other.get("k"), b"db3")

    def test_keys_glob_patterns(self):
        for k in ["user:1", "user:2", "user:10", "admin", "u[x]"]:
            self.r.set(k, 1)
        self.assertEqual(sorted(self.r.keys("user:?")), [b"user:1", b"user:2"])
        self.assertEqual(sorted(self.r.keys("user:*")), [b"user:1", b"user:10", b"user:2"])
        self.assertEqual(sorted(self.r.keys("[a-b]*")), [b"admin"])
        self.assertEqual(self.r.keys("u\\[x\\]"), [b"u[x]"])

    def test_scan_returns_every_stable_key_while_others_change(self):
        stable = {f"stable:{i}".encode() for i in range(3000)}
        pipe = self.r.pipeline(transaction=False)
        for k in stable:
            pipe.set(k, 1)
        pipe.execute()
        stop = threading.Event()

        def churn():
            c = self.client()
            i = 0
            while not stop.is_set():
                p = c.pipeline(transaction=False)
                for j in range(200):
                    p.set(f"churn:{i + j}", 1)
                for j in range(0, 200, 2):
                    p.delete(f"churn:{i + j}")
                p.execute()
                i += 200
        t = threading.Thread(target=churn)
        t.start()
        try:
            seen = set()
            cursor = 0
            while True:
                cursor, keys = self.r.scan(cursor=cursor, count=50)
                seen.update(keys)
                if cursor == 0:
                    break
        finally:
            stop.set()
            t.join(timeout=30)
        self.assertEqual(stable - seen, set())

    def test_hscan_and_client_commands(self):
        self.r.hset("big", mapping={f"f{i}": i for i in range(500)})
        fields = {}
        for f, v in self.r.hscan_iter("big", count=20):
            fields[f] = v
        self.assertEqual(len(fields), 500)
        self.assertTrue(self.r.client_setname("worker-1"))
        self.assertEqual(self.r.client_getname(), "worker-1")
        self.assertTrue(any(c["name"] == "worker-1" for c in self.r.client_list()))
        self.assertIsInstance(self.r.client_id(), int)


if __name__ == "__main__":
    unittest.main()
