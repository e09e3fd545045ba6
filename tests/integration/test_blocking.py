"""Blocking list and sorted-set commands against the built server: wake-ups from other
clients, timeouts, arrival order, disconnects while blocked, pipelining behind a blocked
command, and a many-producer/many-consumer BLMOVE run where every element must arrive
exactly once. The server runs with several worker threads so clients land on different ones."""

import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pylib.servers import RawClient, encode_command, parse_reply, start_corokv  # noqa: E402


def bulk(s):
    return b"$%d\r\n%s\r\n" % (len(s), s)


def array(*items):
    return b"*%d\r\n" % len(items) + b"".join(items)


class BlockingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = start_corokv("--threads", "4")

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.clients = []
        self.call("FLUSHALL")

    def tearDown(self):
        for c in self.clients:
            c.close()

    def client(self):
        c = RawClient(self.server.port)
        self.clients.append(c)
        return c

    def call(self, *args):
        c = RawClient(self.server.port)
        try:
            return c.call(*args)
        finally:
            c.close()

    def blocked_count(self):
        info = self.call("INFO", "clients").decode()
        return int(info.split("blocked_clients:")[1].split("\r\n")[0])

    def wait_blocked(self, n, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.blocked_count() == n:
                return
            time.sleep(0.01)
        self.fail(f"expected {n} blocked clients, INFO says {self.blocked_count()}")

    def test_push_wakes_blocked_blpop(self):
        waiter = self.client()
        waiter.send(encode_command("BLPOP", "q", "0"))
        self.wait_blocked(1)
        self.assertEqual(self.call("RPUSH", "q", "job"), b":1\r\n")
        self.assertEqual(waiter.read_reply(), array(bulk(b"q"), bulk(b"job")))
        self.assertEqual(self.call("EXISTS", "q"), b":0\r\n")
        self.assertEqual(self.blocked_count(), 0)

    def test_client_list_flags_blocked_client(self):
        waiter = self.client()
        waiter.send(encode_command("CLIENT", "SETNAME", "waiter") + encode_command("BLPOP", "q", "0"))
        self.assertEqual(waiter.read_reply(), b"+OK\r\n")
        self.wait_blocked(1)
        listing = parse_reply(self.call("CLIENT", "LIST")).decode()
        line = next(l for l in listing.splitlines() if "name=waiter" in l)
        self.assertIn(" flags=b ", line)
        self.assertIn(" cmd=blpop ", line)
        self.call("RPUSH", "q", "x")
        waiter.read_reply()

    def test_second_key_wakes_multi_key_waiter(self):
        waiter = self.client()
        waiter.send(encode_command("BRPOP", "a", "b", "0"))
        self.wait_blocked(1)
        self.call("LPUSH", "b", "x")
        self.assertEqual(waiter.read_reply(), array(bulk(b"b"), bulk(b"x")))

    def test_timeout_replies_null(self):
        c = self.client()
        started = time.monotonic()
        self.assertEqual(c.call("BLPOP", "empty", "0.2"), b"*-1\r\n")
        self.assertGreaterEqual(time.monotonic() - started, 0.19)
        # Redis 7.0 answers every timed-out list command with a null array, BLMOVE included.
        self.assertEqual(c.call("BLMOVE", "empty", "dst", "LEFT", "RIGHT", "0.05"), b"*-1\r\n")
        self.assertEqual(c.call("BRPOPLPUSH", "empty", "dst", "0.05"), b"*-1\r\n")
        self.assertEqual(c.call("BZPOPMIN", "empty", "0.05"), b"*-1\r\n")
        self.assertEqual(self.blocked_count(), 0)

    def test_timeout_in_resp3_is_null(self):
        c = self.client()
        c.call("HELLO", "3")
        self.assertEqual(c.call("BLPOP", "empty", "0.05"), b"_\r\n")

    def test_bad_timeouts(self):
        c = self.client()
        self.assertEqual(c.call("BLPOP", "q", "-1"), b"-ERR timeout is negative\r\n")
        self.assertEqual(c.call("BLPOP", "q", "abc"), b"-ERR timeout is not a float or out of range\r\n")

    def test_waiters_are_served_in_arrival_order(self):
        waiters = []
        for i in range(3):
            w = self.client()
            w.send(encode_command("BLPOP", "q", "0"))
            self.wait_blocked(i + 1)
            waiters.append(w)
        self.call("RPUSH", "q", "first", "second", "third")
        got = [parse_reply(w.read_reply())[1] for w in waiters]
        self.assertEqual(got, [b"first", b"second", b"third"])

    def test_one_element_goes_to_exactly_one_waiter(self):
        a, b = self.client(), self.client()
        a.send(encode_command("BLPOP", "q", "0"))
        self.wait_blocked(1)
        b.send(encode_command("BLPOP", "q", "0"))
        self.wait_blocked(2)
        self.call("LPUSH", "q", "only")
        self.assertEqual(a.read_reply(), array(bulk(b"q"), bulk(b"only")))
        self.assertFalse(b.is_closed(timeout=0.2))  # still blocked, nothing sent
        self.assertEqual(b.buf, b"")
        self.assertEqual(self.blocked_count(), 1)

    def test_disconnected_waiter_is_removed(self):
        gone = self.client()
        gone.send(encode_command("BLPOP", "q", "0"))
        self.wait_blocked(1)
        gone.close()
        self.wait_blocked(0)
        self.call("RPUSH", "q", "kept")
        self.assertEqual(self.call("LRANGE", "q", "0", "-1"), array(bulk(b"kept")))

    def test_pipelined_commands_behind_a_blocked_one_run_after_it(self):
        c = self.client()
        c.send(encode_command("PING", "before") + encode_command("BLPOP", "q", "0") + encode_command("PING", "after"))
        self.assertEqual(c.read_reply(), bulk(b"before"))
        self.wait_blocked(1)
        self.call("RPUSH", "q", "v")
        self.assertEqual(c.read_reply(), array(bulk(b"q"), bulk(b"v")))
        self.assertEqual(c.read_reply(), bulk(b"after"))

    def test_lmove_into_a_watched_key_wakes_its_waiter(self):
        waiter = self.client()
        waiter.send(encode_command("BLPOP", "dst", "0"))
        self.wait_blocked(1)
        self.call("RPUSH", "src", "moved")
        self.assertEqual(self.call("LMOVE", "src", "dst", "LEFT", "RIGHT"), bulk(b"moved"))
        self.assertEqual(waiter.read_reply(), array(bulk(b"dst"), bulk(b"moved")))

    def test_blmove_chain_serves_the_next_waiter(self):
        # A served BLMOVE pushes into its destination, which wakes that key's waiter.
        mover, end = self.client(), self.client()
        end.send(encode_command("BLPOP", "stage2", "0"))
        self.wait_blocked(1)
        mover.send(encode_command("BLMOVE", "stage1", "stage2", "LEFT", "RIGHT", "0"))
        self.wait_blocked(2)
        self.call("RPUSH", "stage1", "item")
        self.assertEqual(mover.read_reply(), bulk(b"item"))
        self.assertEqual(end.read_reply(), array(bulk(b"stage2"), bulk(b"item")))
        self.assertEqual(self.call("EXISTS", "stage1", "stage2"), b":0\r\n")

    def test_zadd_wakes_bzpopmin(self):
        waiter = self.client()
        waiter.send(encode_command("BZPOPMIN", "z", "0"))
        self.wait_blocked(1)
        self.call("ZADD", "z", "2", "b", "1", "a")
        self.assertEqual(waiter.read_reply(), array(bulk(b"z"), bulk(b"a"), bulk(b"1")))
        self.assertEqual(self.call("ZCARD", "z"), b":1\r\n")

    def test_wrong_type_written_to_watched_key(self):
        waiter = self.client()
        waiter.send(encode_command("BLPOP", "k", "0"))
        self.wait_blocked(1)
        self.call("ZADD", "k", "1", "a")  # a zset where the waiter wants a list: keeps waiting
        self.assertFalse(waiter.is_closed(timeout=0.2))
        self.assertEqual(waiter.buf, b"")
        self.call("DEL", "k")
        self.call("RPUSH", "k", "x")
        self.assertEqual(waiter.read_reply(), array(bulk(b"k"), bulk(b"x")))


class ProducersConsumersTest(unittest.TestCase):
    """8 producers and 8 consumers on a 4-thread server; BLMOVE moves each element from the
    queue into the consumer's own list and returns it: every element must be returned once,
    and each consumer's list must hold exactly what it was given."""

    PRODUCERS = 8
    CONSUMERS = 8
    TOTAL = 100_000
    BATCH = 100        # producers pipeline RPUSHes
    PIPELINE = 8       # consumers keep this many BLMOVEs in flight

    def test_every_element_exactly_once(self):
        with start_corokv("--threads", "4") as server:
            received = [[] for _ in range(self.CONSUMERS)]
            errors = []
            per_producer = self.TOTAL // self.PRODUCERS
            remaining = [self.TOTAL]
            lock = threading.Lock()
            done = threading.Event()

            def produce(p):
                try:
                    c = RawClient(server.port, timeout=60)
                    for start in range(0, per_producer, self.BATCH):
                        items = [f"{p}:{i}" for i in range(start, min(start + self.BATCH, per_producer))]
                        c.send(b"".join(encode_command("RPUSH", "queue", it) for it in items))
                        for _ in items:
                            reply = c.read_reply()
                            if not reply.startswith(b":"):
                                errors.append(reply)
                    c.close()
                except Exception as e:  # noqa: BLE001 - reported by the test below
                    errors.append(repr(e))

            def consume(n):
                try:
                    c = RawClient(server.port, timeout=60)
                    cmd = encode_command("BLMOVE", "queue", f"taken:{n}", "LEFT", "RIGHT", "0.5")
                    in_flight = 0
                    while True:
                        while in_flight < self.PIPELINE and not done.is_set():
                            c.send(cmd)
                            in_flight += 1
                        if in_flight == 0:
                            break
                        reply = parse_reply(c.read_reply())
                        in_flight -= 1
                        if reply is None:
                            continue  # timed out: nothing queued right now
                        if not isinstance(reply, bytes):
                            errors.append(reply)
                            continue
                        received[n].append(reply)
                        with lock:
                            remaining[0] -= 1
                            if remaining[0] == 0:
                                done.set()
                    c.close()
                except Exception as e:  # noqa: BLE001
                    errors.append(repr(e))
                    done.set()

            threads = [threading.Thread(target=consume, args=(n,)) for n in range(self.CONSUMERS)]
            threads += [threading.Thread(target=produce, args=(p,)) for p in range(self.PRODUCERS)]
            for t in threads:
                t.start()
            done.wait(timeout=600)
            for t in threads:
                t.join(timeout=60)
            self.assertEqual(errors, [])
            self.assertTrue(done.is_set(), f"{remaining[0]} elements never arrived")

            everything = [x for r in received for x in r]
            self.assertEqual(len(everything), self.TOTAL)
            expected = {f"{p}:{i}".encode() for p in range(self.PRODUCERS) for i in range(per_producer)}
            self.assertEqual(set(everything), expected)

            check = RawClient(server.port)
            self.assertEqual(check.call("LLEN", "queue"), b":0\r\n")
            for n in range(self.CONSUMERS):
                taken = parse_reply(check.call("LRANGE", f"taken:{n}", "0", "-1")) or []
                self.assertEqual(taken, received[n])
            check.close()


if __name__ == "__main__":
    unittest.main()
