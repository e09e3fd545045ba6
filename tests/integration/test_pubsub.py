"""Pub/Sub integration suite (python3-redis and raw sockets, many threads).

What it proves:
  * fan-out under concurrency: several subscriber threads (own connections, channel + pattern
    subscriptions) and several publisher threads; every subscriber gets every matching message
    exactly once per matching subscription, in each publisher's publish order, and every
    PUBLISH returns the number of matching subscriptions;
  * subscribe/unsubscribe churn from many connections while messages flow, and abrupt
    disconnects, leave no subscription behind (PUBSUB NUMSUB / NUMPAT back to 0);
  * a subscriber that never reads is disconnected once its output buffer passes the
    `client-output-buffer-limit pubsub 32mb 8mb 60` hard limit, while a well-behaved subscriber
    receives all 100 MB and the server's RSS stays bounded.

Run:      /usr/bin/python3 tests/run_python.py --suite integration -k test_pubsub
Validate: PS_AGAINST=redis ...   (the server under test is a real redis-server)
"""

import collections
import fnmatch
import os
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pylib.servers import (RawClient, encode_command, is_sanitized_binary, rss_bytes,  # noqa: E402
                           start_under_test, stop_and_clean)

import redis  # noqa: E402  (Debian's python3-redis)

AGAINST_REDIS = os.environ.get("PS_AGAINST") == "redis"
PUBSUB_LIMIT = ("--client-output-buffer-limit", "pubsub 32mb 8mb 60")


def join_all(threads, timeout):
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(timeout=max(0.1, deadline - time.monotonic()))
    return [t.name for t in threads if t.is_alive()]


class PubSubIntegrationTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = start_under_test(AGAINST_REDIS)

    @classmethod
    def tearDownClass(cls):
        stop_and_clean(cls.server)

    def client(self):
        return redis.Redis(host="127.0.0.1", port=self.server.port, socket_timeout=10)

    def wait_no_subscriptions(self, r, channels, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(n == 0 for _, n in r.pubsub_numsub(*channels)) and r.pubsub_numpat() == 0:
                return
            time.sleep(0.05)
        self.fail(f"subscriptions left after {timeout}s: {r.pubsub_numsub(*channels)}, "
                  f"numpat {r.pubsub_numpat()}")

    def test_patterns_and_channels_across_threads(self):
        channels = ["news.tech", "news.sport", "weather.eu", "weather.us", "misc", "nobody.listens"]
        subscribers = [  # (channels, patterns) per subscriber connection
            (["news.tech"], ["news.*"]),
            ([], ["weather.*", "*.us", "*"]),
            (["weather.eu", "misc"], ["w?ather.[eu][us]"]),
            (["news.sport", "weather.us", "misc"], ["news.[st]*", "m*c"]),
        ]
        publishers, per_publisher = 3, 1000

        def matching(sub, ch):
            """Subscription keys of one subscriber that a message on `ch` reaches."""
            subs, pats = sub
            return ([("message", ch)] if ch in subs else []) + \
                [("pmessage", p) for p in pats if fnmatch.fnmatchcase(ch, p)]

        plan = [[(channels[(i + j) % len(channels)], f"p{j}:{i}") for i in range(per_publisher)]
                for j in range(publishers)]
        expected = [collections.Counter((key, payload) for msgs in plan for ch, payload in msgs
                                        for key in matching(sub, ch)) for sub in subscribers]
        received = [[] for _ in subscribers]
        ready = threading.Barrier(len(subscribers) + publishers, timeout=15)
        publish_replies = [[] for _ in range(publishers)]
        errors = []

        def subscribe_and_listen(k):
            subs, pats = subscribers[k]
            ps = self.client().pubsub()
            try:
                if subs:
                    ps.subscribe(*subs)
                if pats:
                    ps.psubscribe(*pats)
                confirmations = 0
                while confirmations < len(subs) + len(pats):
                    msg = ps.get_message(timeout=5)
                    if msg is None:
                        raise AssertionError(f"subscriber {k}: no subscribe confirmation")
                    confirmations += msg["type"] in ("subscribe", "psubscribe")
                ready.wait()
                want = sum(expected[k].values())
                deadline = time.monotonic() + 60
                while len(received[k]) < want and time.monotonic() < deadline:
                    msg = ps.get_message(timeout=1)
                    if msg is not None:
                        key = (msg["type"], (msg["pattern"] if msg["type"] == "pmessage" else msg["channel"]).decode())
                        received[k].append((key, msg["channel"].decode(), msg["data"].decode()))
                # Anything beyond the expected count would be a duplicate: give it a moment to show.
                extra = ps.get_message(timeout=0.3)
                if extra is not None:
                    received[k].append((("extra", extra["type"]), "", repr(extra["data"])))
            except Exception as e:  # reported by the main thread
                errors.append(f"subscriber {k}: {e!r}")
                ready.abort()
            finally:
                ps.close()

        def publish(j):
            r = self.client()
            try:
                ready.wait()
                for ch, payload in plan[j]:
                    publish_replies[j].append((ch, r.publish(ch, payload)))
            except Exception as e:
                errors.append(f"publisher {j}: {e!r}")

        threads = [threading.Thread(target=subscribe_and_listen, args=(k,), name=f"sub{k}")
                   for k in range(len(subscribers))]
        threads += [threading.Thread(target=publish, args=(j,), name=f"pub{j}") for j in range(publishers)]
        for t in threads:
            t.start()
        stuck = join_all(threads, timeout=90)
        self.assertEqual(stuck, [], "threads did not finish")
        self.assertEqual(errors, [])

        receivers = {ch: sum(len(matching(sub, ch)) for sub in subscribers) for ch in channels}
        for j, replies in enumerate(publish_replies):
            wrong = [(ch, n, receivers[ch]) for ch, n in replies if n != receivers[ch]]
            self.assertEqual(wrong[:5], [], f"publisher {j}: PUBLISH counts (channel, got, expected)")
            self.assertEqual(len(replies), per_publisher)

        for k, got in enumerate(received):
            counts = collections.Counter((key, payload) for key, _, payload in got)
            missing, dupes = expected[k] - counts, counts - expected[k]
            self.assertEqual((len(missing), len(dupes)), (0, 0),
                             f"subscriber {k}: missing e.g. {list(missing)[:3]}, unexpected e.g. {list(dupes)[:3]}")
            for j in range(publishers):
                seqs = [int(payload.split(":")[1]) for _, _, payload in got if payload.startswith(f"p{j}:")]
                self.assertEqual(seqs, sorted(seqs), f"subscriber {k}: publisher {j}'s messages out of order")
            for key, ch, payload in got:  # the channel in a frame is the one published to
                self.assertEqual(ch, plan[int(payload[1:payload.index(":")])][int(payload.split(":")[1])][0])

    def test_subscribe_churn_and_abrupt_disconnects_leave_nothing_behind(self):
        stop = threading.Event()
        errors = []
        published = [0]

        def churn(k):
            try:
                c = RawClient(self.server.port, timeout=10)
                for i in range(150):
                    c.send(encode_command("SUBSCRIBE", "churn", f"churn:{k}") +
                           encode_command("PSUBSCRIBE", "ch*") + encode_command("UNSUBSCRIBE") +
                           encode_command("PUNSUBSCRIBE", "ch*") + encode_command("PING", f"done{i}"))
                    # Replies and pushed messages interleave; read up to our PING's reply.
                    tail = b"$%d\r\ndone%d\r\n" % (len(f"done{i}"), i)
                    for _ in range(100000):
                        if c.read_reply().endswith(tail):
                            break
                c.close()
            except Exception as e:
                errors.append(f"churn {k}: {e!r}")

        def publisher():
            try:
                r = self.client()
                while not stop.is_set():
                    r.publish("churn", "x")
                    published[0] += 1
            except Exception as e:
                errors.append(f"publisher: {e!r}")

        pub = threading.Thread(target=publisher)
        pub.start()
        workers = [threading.Thread(target=churn, args=(k,)) for k in range(6)]
        # Abrupt disconnects: subscribed sockets closed without unsubscribing.
        abrupt = []
        for k in range(40):
            s = RawClient(self.server.port)
            s.send(encode_command("SUBSCRIBE", "churn", f"abrupt:{k}") + encode_command("PSUBSCRIBE", f"ab{k}*"))
            abrupt.append(s)
        for w in workers:
            w.start()
        try:
            stuck = join_all(workers, timeout=60)
        finally:
            stop.set()
            pub.join(timeout=10)
            for s in abrupt:
                s.close()
        self.assertEqual(stuck, [])
        self.assertEqual(errors, [])
        self.assertGreater(published[0], 0)
        r = self.client()
        self.wait_no_subscriptions(r, ["churn"] + [f"churn:{k}" for k in range(6)] + [f"abrupt:{k}" for k in range(40)])
        self.assertEqual(r.pubsub_channels(), [])
        self.assertTrue(r.ping())


class SlowSubscriberTest(unittest.TestCase):
    MESSAGE = 100 * 1024
    COUNT = 1000  # 100 MB in total

    def test_slow_subscriber_is_disconnected_and_memory_stays_bounded(self):
        server = start_under_test(AGAINST_REDIS, *PUBSUB_LIMIT)
        try:
            self.run_slow_subscriber(server)
        finally:
            stop_and_clean(server)

    def run_slow_subscriber(self, server):
        r = redis.Redis(host="127.0.0.1", port=server.port, socket_timeout=10)
        limit = r.config_get("client-output-buffer-limit")["client-output-buffer-limit"]
        self.assertIn("pubsub 33554432 8388608 60", limit)

        # The slow subscriber subscribes, then never reads again. (No tiny SO_RCVBUF: the kernel
        # would then trickle the server's leftover socket buffer at 4 KB per delayed ACK.)
        slow_client = RawClient(server.port)
        slow_client.send(encode_command("CLIENT", "SETNAME", "slow") + encode_command("SUBSCRIBE", "big"))
        self.assertEqual(slow_client.read_reply(), b"+OK\r\n")
        self.assertEqual(slow_client.read_reply(), b"*3\r\n$9\r\nsubscribe\r\n$3\r\nbig\r\n:1\r\n")

        good = redis.Redis(host="127.0.0.1", port=server.port, socket_timeout=10).pubsub()
        good.subscribe("big")
        self.assertEqual(good.get_message(timeout=5)["type"], "subscribe")
        good_seqs, good_bad = [], []
        published = [0]
        rss = {"base": rss_bytes(server.proc.pid), "max": 0}
        done = threading.Event()

        def listen():
            deadline = time.monotonic() + 60
            while len(good_seqs) < self.COUNT and time.monotonic() < deadline:
                msg = good.get_message(timeout=1)
                if msg and msg["type"] == "message":
                    seq = int(msg["data"][:8])
                    good_seqs.append(seq)
                    if len(msg["data"]) != self.MESSAGE:
                        good_bad.append(seq)

        def sample_rss():
            while not done.is_set():
                rss["max"] = max(rss["max"], rss_bytes(server.proc.pid))
                time.sleep(0.02)

        listener = threading.Thread(target=listen)
        sampler = threading.Thread(target=sample_rss)
        listener.start()
        sampler.start()
        receivers = []
        try:
            filler = b"x" * (self.MESSAGE - 8)
            deadline = time.monotonic() + 60
            for i in range(self.COUNT):
                # Stay at most ~5 MB ahead of the good subscriber (which must not be dropped).
                while i - len(good_seqs) > 50 and time.monotonic() < deadline and listener.is_alive():
                    time.sleep(0.001)
                receivers.append(r.publish("big", b"%08d" % i + filler))
                published[0] += 1
            listener.join(timeout=60)
        finally:
            done.set()
            sampler.join(timeout=5)
        self.assertFalse(listener.is_alive(), "the good subscriber did not finish")
        self.assertEqual(good_seqs, list(range(self.COUNT)), "the good subscriber missed or reordered messages")
        self.assertEqual(good_bad, [])

        # The slow one was dropped part-way: later PUBLISHes reached only the good subscriber.
        self.assertEqual(receivers[0], 2)
        self.assertEqual(receivers[-1], 1)
        dropped_at = receivers.index(1)
        self.assertEqual(set(receivers[dropped_at:]), {1})
        # 32 MB of output buffer plus what the kernel's socket buffers hold: well before 60 MB.
        self.assertLess(dropped_at * self.MESSAGE, 60 * 1024 * 1024, "disconnected long after the 32 MB hard limit")

        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and "name=slow " in r.execute_command("CLIENT", "LIST").decode():
            time.sleep(0.05)
        self.assertNotIn("name=slow ", r.execute_command("CLIENT", "LIST").decode())
        self.assertTrue(slow_client.is_closed(timeout=5), "the slow subscriber's socket is still open")
        slow_client.close()
        good.close()

        # (Not under AddressSanitizer: its RSS holds a quarantine of freed blocks.)
        growth = rss["max"] - rss["base"]
        if AGAINST_REDIS or not is_sanitized_binary():
            self.assertLess(growth, 200 * 1024 * 1024, f"RSS grew by {growth >> 20} MB")
        self.assertTrue(r.ping())


if __name__ == "__main__":
    unittest.main()
