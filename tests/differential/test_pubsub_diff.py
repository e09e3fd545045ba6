"""Pub/Sub differential suite: scripted scenarios run on the server under test and on a real
redis-server 7; the transcripts (exact reply bytes, RESP2 and RESP3) must be identical.

What it proves: SUBSCRIBE / PSUBSCRIBE / SSUBSCRIBE and their UNSUBSCRIBE forms (replies,
counts, the nil-channel reply when nothing is subscribed), PUBLISH / SPUBLISH receiver counts
and the message / pmessage / smessage frames, RESP2 subscribed-mode restrictions (exact error
text, PING's ["pong", arg] form, QUIT, RESET), RESP3 push frames, PUBSUB introspection and
errors, and keyspace notifications (CONFIG normalization, event names and ordering, expiry).

A step's pushes are collected by pipelining `PING <token>` after it and reading up to that
PING's reply. This relies on Redis's guarantee that when PUBLISH has replied, the message is
already queued on every receiving connection, ahead of any later reply to that receiver.
Where Redis's order is a hash-table order (several patterns matching one message, UNSUBSCRIBE
without arguments, PUBSUB CHANNELS) the frames are compared order-insensitively.

Run:      /usr/bin/python3 tests/run_python.py --suite differential -k test_pubsub_diff
Validate: PS_AGAINST=redis ...   (the server under test is a real redis-server as well)
"""

import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pylib.transcript import TranscriptDiffMixin  # noqa: E402

AGAINST_REDIS = os.environ.get("PS_AGAINST") == "redis"


class PubSubDiffTest(TranscriptDiffMixin, unittest.TestCase):
    dump_env = "PS_DUMP"
    against_redis = AGAINST_REDIS

    # ------------------------------------------------------------------ channels
    def test_subscribe_publish_unsubscribe(self):
        def scenario(t, proto):
            s, p = t.conn("sub", proto), t.conn("pub")
            for cmd in ("UNSUBSCRIBE", "PUNSUBSCRIBE", "SUNSUBSCRIBE"):
                s.cmd(cmd)  # nothing subscribed: [kind, nil, 0]
            s.cmd("UNSUBSCRIBE", "x")
            s.cmd("SUBSCRIBE", "a", "b")
            s.cmd("subscribe", "a")  # already subscribed: same count again
            s.cmd("SUBSCRIBE", "c", "c")
            p.cmd("PUBLISH", "a", "hello")
            p.cmd("PUBLISH", "b", "")
            p.cmd("PUBLISH", "c", b"bin\x00\r\n\xff")
            p.cmd("PUBLISH", "nobody", "x")
            p.cmd("publish", "A", "case matters")
            s.drain()
            s.cmd("UNSUBSCRIBE", "a")
            p.cmd("PUBLISH", "a", "after unsubscribe")
            s.cmd("UNSUBSCRIBE", "b", "nope", "b")
            s.drain()
            s.cmd("UNSUBSCRIBE", "c")  # count 0: leaves subscribed mode
            s.cmd("GET", "k")
            s.cmd("SUBSCRIBE", "d", "e", "f")
            s.cmd("UNSUBSCRIBE", order="unsub")
            s.cmd("UNSUBSCRIBE")
            s.cmd("PING")
        self.each_proto(scenario)

    def test_patterns(self):
        def scenario(t, proto):
            s, p = t.conn("sub", proto), t.conn("pub")
            s.cmd("PSUBSCRIBE", "h?llo", "news.*", "[ab]c\\*", "x[^0-9]y")
            s.cmd("PSUBSCRIBE", "news.*")
            for ch in ("hello", "hallo", "hllo", "news.", "news.tech", "ac*", "acx", "bc*", "xzy", "x1y", "news"):
                p.cmd("PUBLISH", ch, f"to {ch}")
            s.drain()
            s.cmd("PUNSUBSCRIBE", "news.*", "nope")
            p.cmd("PUBLISH", "news.tech", "gone")
            s.cmd("PUNSUBSCRIBE", order="unsub")
            s.cmd("PUNSUBSCRIBE")
            s.cmd("PING")
        self.each_proto(scenario)

    def test_channel_and_patterns_deliver_once_per_subscription(self):
        def scenario(t, proto):
            s, q, p = t.conn("sub", proto), t.conn("sub2", proto), t.conn("pub")
            s.cmd("SUBSCRIBE", "news")
            s.cmd("PSUBSCRIBE", "n*")
            p.cmd("PUBLISH", "news", "twice")  # message (channel first), then pmessage
            s.drain()
            s.cmd("PSUBSCRIBE", "*ws")
            q.cmd("PSUBSCRIBE", "n*")
            p.cmd("PUBLISH", "news", "four")
            s.drain(order="set")  # the two patterns come in hash order
            q.drain()
            s.cmd("UNSUBSCRIBE")  # patterns remain: still subscribed, count 2
            s.cmd("GET", "k")
            p.cmd("PUBLISH", "news", "patterns only")
            s.drain(order="set")
            s.cmd("PUNSUBSCRIBE", order="unsub")
            s.cmd("GET", "k")
            q.cmd("RESET")
        self.each_proto(scenario)

    def test_shard_channels(self):
        def scenario(t, proto):
            s, q, p = t.conn("sub", proto), t.conn("sub2", proto), t.conn("pub")
            s.cmd("SSUBSCRIBE", "sa", "sb")
            s.cmd("SSUBSCRIBE", "sa")
            s.cmd("SUBSCRIBE", "plain")  # counts exclude shard channels
            s.cmd("PSUBSCRIBE", "s*")
            q.cmd("SUBSCRIBE", "sa")
            p.cmd("SPUBLISH", "sa", "shard")  # shard subscribers only
            p.cmd("PUBLISH", "sa", "classic")  # channel + pattern subscribers only
            p.cmd("SPUBLISH", "nobody", "x")
            s.drain()
            q.drain()
            p.cmd("PUBSUB", "SHARDCHANNELS", order="elements")
            p.cmd("PUBSUB", "SHARDCHANNELS", "s[a]")
            p.cmd("PUBSUB", "SHARDNUMSUB", "sa", "sb", "plain")
            p.cmd("PUBSUB", "NUMSUB", "sa", "plain")
            s.cmd("SUNSUBSCRIBE", "sa", "nope")
            s.cmd("UNSUBSCRIBE")
            s.cmd("PUNSUBSCRIBE")
            s.cmd("GET", "k")  # still shard-subscribed: restricted in RESP2
            s.cmd("SUNSUBSCRIBE", order="unsub")
            s.cmd("SUNSUBSCRIBE")
            s.cmd("GET", "k")
            q.cmd("RESET")
        self.each_proto(scenario)

    # ------------------------------------------------------------------ modes
    def test_resp2_subscribed_mode_restrictions(self):
        def scenario(t):
            s, p = t.conn("sub"), t.conn("pub")
            s.cmd("SUBSCRIBE", "c")
            s.cmd("PING")
            s.cmd("PING", "hi")
            s.cmd("ping", "")
            s.cmd("PING", "a", "b")
            for args in (["GET", "k"], ["GeT", "k"], ["SET", "k", "v"], ["ECHO", "x"], ["PUBLISH", "c", "m"],
                         ["PUBSUB", "NUMPAT"], ["CLIENT", "ID"], ["HELLO", "3"], ["SELECT", "1"], ["MULTI"],
                         ["CONFIG", "GET", "port"]):
                s.cmd(*args)
            s.cmd("NOSUCHCMD", "x")  # unknown commands get the usual error
            s.cmd("PSUBSCRIBE", "z*")
            s.cmd("SSUBSCRIBE", "z")
            p.cmd("PUBLISH", "c", "still delivered")
            s.drain()
            s.quit()
            r = t.conn("sub-reset")
            r.cmd("SUBSCRIBE", "c2")
            r.cmd("PSUBSCRIBE", "c*")
            r.cmd("RESET")
            r.cmd("GET", "k")
            r.cmd("UNSUBSCRIBE")
            t.wait_numsub_zero(p, "c", "c2")
            p.cmd("PUBSUB", "NUMPAT")
            p.cmd("PUBLISH", "c2", "nobody left")
        self.run_both(scenario)

    def test_resp3_subscribed_connection_runs_any_command(self):
        def scenario(t):
            s, p = t.conn("sub", 3), t.conn("pub")
            s.cmd("SUBSCRIBE", "self", "other")
            s.cmd("SET", "k", "v")
            s.cmd("GET", "k")
            s.cmd("PING")
            s.cmd("PING", "x")
            s.cmd("ECHO", "e")
            s.cmd("PUBSUB", "NUMSUB", "self")
            s.cmd("PUBLISH", "self", "to myself")  # the push precedes the :1 reply
            s.cmd("SSUBSCRIBE", "sh")
            s.cmd("SPUBLISH", "sh", "shard to myself")
            p.cmd("PUBLISH", "other", "m1")
            s.cmd("GET", "k")  # pending push first, then the reply
            s.cmd("HELLO", "2", order="hello")  # back to RESP2 while subscribed: restricted again
            s.cmd("GET", "k")
            s.cmd("HELLO", "3", order="hello")
            p.cmd("PUBLISH", "other", "m2")
            s.drain()
            s.cmd("RESET")  # unsubscribes and returns to RESP2
            s.cmd("UNSUBSCRIBE")
            p.cmd("PUBLISH", "self", "nobody")
        self.run_both(scenario)

    # ------------------------------------------------------------------ PUBSUB
    def test_pubsub_introspection(self):
        def scenario(t, proto):
            a, b, q = t.conn("a"), t.conn("b"), t.conn("query", proto)
            q.cmd("PUBSUB", "CHANNELS")
            q.cmd("PUBSUB", "NUMPAT")
            q.cmd("PUBSUB", "NUMSUB")
            q.cmd("PUBSUB", "NUMSUB", "news")
            a.cmd("SUBSCRIBE", "news", "news.tech", "sports", "x y")
            b.cmd("SUBSCRIBE", "news")
            a.cmd("PSUBSCRIBE", "n*", "s?orts")
            b.cmd("PSUBSCRIBE", "n*", "z")
            q.cmd("PUBSUB", "CHANNELS", order="elements")
            q.cmd("PUBSUB", "CHANNELS", "news*", order="elements")
            q.cmd("PUBSUB", "CHANNELS", "x\\ y")
            q.cmd("pubsub", "channels", "[st]*")
            q.cmd("PUBSUB", "CHANNELS", "nomatch*")
            q.cmd("PUBSUB", "NUMSUB", "news", "sports", "nope", "news")
            q.cmd("PUBSUB", "NUMPAT")  # distinct patterns, not subscriptions
            q.cmd("PUBSUB", "SHARDCHANNELS")
            q.cmd("PUBSUB", "SHARDNUMSUB")
            q.cmd("PUBSUB", "SHARDNUMSUB", "news")
            q.cmd("PUBSUB", "HELP")
            a.cmd("RESET")
            q.cmd("PUBSUB", "NUMSUB", "news", "sports")
            q.cmd("PUBSUB", "NUMPAT")
            b.c.close()
            t.wait_numsub_zero(q, "news")
            q.cmd("PUBSUB", "NUMPAT")
        self.each_proto(scenario)

    def test_arity_and_subcommand_errors(self):
        def scenario(t):
            c = t.conn("c")
            for args in (["SUBSCRIBE"], ["PSUBSCRIBE"], ["SSUBSCRIBE"], ["PUBLISH"], ["PUBLISH", "a"],
                         ["PUBLISH", "a", "b", "c"], ["SPUBLISH", "a"], ["PUBSUB"], ["PUBSUB", "FOO"],
                         ["pubsub", "foo", "bar"], ["PUBSUB", "CHANNELS", "a", "b"], ["PUBSUB", "NUMPAT", "x"],
                         ["PUBSUB", "SHARDCHANNELS", "a", "b"], ["PUBSUB", "HELP", "x"]):
                c.cmd(*args)
        self.run_both(scenario)

    # ------------------------------------------------------------------ keyspace notifications
    def test_notify_keyspace_events_config(self):
        def scenario(t, proto):
            c = t.conn("c", proto)
            for flags in ("KEA", "Ex", "Kg$", "AKE", "", "KA", "E", "K", "Elg", "KExe", "KEg$lshzxetd", "A",
                          "KEt", "KEm", "KEAm", "KEAKEA", "$Eg", "Q", "kea", "KE x"):
                c.cmd("CONFIG", "SET", "notify-keyspace-events", flags)
                c.cmd("CONFIG", "GET", "notify-keyspace-events")
        self.each_proto(scenario)

    EVENT_COMMANDS = [
        ["SET", "k", "v"], ["SET", "k", "v", "EX", "100"], ["SET", "k", "v2", "KEEPTTL"], ["SETNX", "k", "x"],
        ["SETNX", "k2", "x"], ["GETSET", "k", "v3"], ["GETDEL", "k2"], ["GETEX", "k", "PERSIST"],
        ["GETEX", "k", "EX", "50"], ["GETEX", "k"], ["SET", "k", "v", "NX"], ["SET", "k", "v", "XX", "GET"],
        ["MSET", "a", "1", "b", "2"], ["MSETNX", "c", "1", "d", "2"], ["APPEND", "a", "x"],
        ["SETRANGE", "a", "0", "z"], ["SETEX", "e", "100", "v"], ["PSETEX", "e", "100000", "v"], ["INCR", "n"],
        ["INCRBY", "n", "5"], ["DECR", "n"], ["DECRBY", "n", "2"], ["INCRBYFLOAT", "n", "1.5"], ["INCR", "a"],
        ["GET", "missing"], ["DEL", "a", "b", "zz"], ["UNLINK", "c"], ["EXPIRE", "d", "100"],
        ["PEXPIRE", "d", "100000"], ["EXPIREAT", "d", "99999999999"], ["PERSIST", "d"], ["PERSIST", "d"],
        ["EXPIRE", "d", "0"], ["EXPIRE", "nokey", "10"], ["SET", "e", "x"], ["PEXPIRE", "e", "-1"],
        ["SET", "r1", "v"], ["RENAME", "r1", "r2"], ["RENAMENX", "r2", "r3"], ["SET", "r4", "x"],
        ["RENAME", "r3", "r4"], ["RENAME", "r4", "r4"], ["COPY", "r4", "r5"], ["COPY", "r4", "r5", "REPLACE"],
        ["LPUSH", "l", "a", "b"], ["RPUSH", "l", "c"], ["LPUSHX", "l", "d"], ["RPUSHX", "nol", "d"], ["LPOP", "l"],
        ["RPOP", "l"], ["LSET", "l", "0", "z"], ["LINSERT", "l", "BEFORE", "z", "y"], ["LTRIM", "l", "0", "0"],
        ["LREM", "l", "0", "y"], ["RPOPLPUSH", "q", "w"], ["RPUSH", "q", "1", "2"],
        ["LMOVE", "q", "w", "LEFT", "RIGHT"], ["LPOP", "q"], ["LPOP", "w", "5"],
        ["HSET", "h", "f", "v", "g", "w"], ["HSET", "h", "f", "v"], ["HSETNX", "h", "f", "x"],
        ["HSETNX", "h", "z", "x"], ["HINCRBY", "h", "n", "1"], ["HINCRBYFLOAT", "h", "n", "1.5"],
        ["HDEL", "h", "f", "nope"], ["HDEL", "h", "g", "z", "n"],
        ["SADD", "s", "a", "b"], ["SADD", "s", "a"], ["SREM", "s", "a"], ["SREM", "s", "nope"], ["SPOP", "s"],
        ["SADD", "s", "x", "y"], ["SMOVE", "s", "s2", "x"], ["SINTERSTORE", "s3", "s", "s2"],
        ["SUNIONSTORE", "s3", "s", "s2"], ["SDIFFSTORE", "s3", "s", "s2"], ["SINTERSTORE", "s3", "nokey"],
        ["ZADD", "z", "1", "a", "2", "b"], ["ZADD", "z", "1", "a"], ["ZADD", "z", "5", "a"],
        ["ZADD", "z", "XX", "1", "new"], ["ZINCRBY", "z", "1", "a"], ["ZREM", "z", "a"],
        ["ZREMRANGEBYSCORE", "z", "0", "10"], ["ZADD", "z", "1", "a", "2", "b", "3", "c"], ["ZPOPMIN", "z"],
        ["ZPOPMAX", "z"], ["ZREMRANGEBYRANK", "z", "0", "-1"], ["ZADD", "z", "1", "a"],
        ["ZUNIONSTORE", "z2", "1", "z"], ["ZINTERSTORE", "z2", "1", "z"], ["ZRANGESTORE", "z3", "z", "0", "-1"],
        ["RPUSH", "sl", "3", "1"], ["SORT", "sl", "STORE", "dst"], ["SET", "k with space", "v"],
        ["SELECT", "3"], ["SET", "k", "in db 3"], ["SELECT", "0"], ["FLUSHDB"],
    ]

    def test_keyspace_events_per_command(self):
        def scenario(t, proto):
            c, s = t.conn("client"), t.conn("events", proto)
            c.cmd("CONFIG", "SET", "notify-keyspace-events", "KEA")
            s.cmd("PSUBSCRIBE", "__key*@*__:*")
            for args in self.EVENT_COMMANDS:
                c.cmd(*args)
                s.drain()
        self.each_proto(scenario)

    def test_keyspace_event_class_filters(self):
        commands = [["SET", "k", "v"], ["EXPIRE", "k", "100"], ["GET", "nokey"], ["MGET", "k", "x", "y"],
                    ["HGET", "nohash", "f"], ["LPUSH", "l", "x"], ["HSET", "h", "f", "v"], ["SADD", "s", "m"],
                    ["ZADD", "z", "1", "m"], ["DEL", "k", "l", "h", "s", "z"]]

        def scenario(t, flags):
            c, s = t.conn("client"), t.conn("events")
            c.cmd("CONFIG", "SET", "notify-keyspace-events", flags)
            s.cmd("PSUBSCRIBE", "__key*__:*")
            for args in commands:
                c.cmd(*args)
                s.drain()
            # One drain for set/expire and the expiry: active expiry may fire at any moment.
            c.cmd("SET", "t", "v", "PX", "100")
            time.sleep(0.3)
            c.cmd("GET", "t")  # expired by now: lazily (here) or actively, one event either way
            s.drain()
        for flags in ("Ex", "Kg$", "El", "Kh", "Esz", "KEm", "KEd", "", "E", "K"):
            with self.subTest(flags=flags):
                self.run_both(scenario, flags)

    def test_expired_events(self):
        def scenario(t, proto):
            c, s = t.conn("client"), t.conn("events", proto)
            c.cmd("CONFIG", "SET", "notify-keyspace-events", "KEA")
            s.cmd("SUBSCRIBE", "__keyevent@0__:expired", "__keyspace@0__:quiet")
            c.cmd("SET", "quiet", "v", "PX", "100")
            # set, expire, then (nobody touching the key: active expiry) expired on both channels
            s.wait_frames(4)
            s.drain()
            c.cmd("SET", "lazy", "v", "PX", "30")
            time.sleep(0.2)
            c.cmd("GET", "lazy")
            s.drain()
            c.cmd("SET", "quiet", "v")
            c.cmd("PEXPIRE", "quiet", "50")
            time.sleep(0.2)
            c.cmd("EXISTS", "quiet")
            s.drain()
        self.each_proto(scenario)


if __name__ == "__main__":
    unittest.main()
