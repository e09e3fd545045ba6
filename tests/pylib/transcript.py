"""Transcript harness shared by the differential suites that compare what connections see
(Pub/Sub, keyspace notifications): a scenario drives named connections on one server; every
step's frames are recorded; the same scenario runs on the server under test and on a real
redis-server, and the transcripts must be identical.

A step's pushes are collected by pipelining `PING <token>` after it and reading up to that
PING's reply. This relies on Redis's guarantee that when a command has replied, the messages
it published are already queued on every receiving connection, ahead of any later reply to
that receiver.

The scripted step-list suites (transactions, auth/ACL) share its comparison of two
transcripts: assert_same_transcripts, at the end.
"""

import os
import re
import time

from pylib.servers import RawClient, encode_command, parse_reply, start_redis, start_under_test, stop_and_clean

TOKEN = b"~drain~"
SENTINEL_TAIL = b"$%d\r\n%s\r\n" % (len(TOKEN), TOKEN)


class Conn:
    """One client connection of a scenario; every step appends (label, value) to the transcript."""

    def __init__(self, side, name, proto):
        self.side, self.name, self.dead = side, name, False
        self.c = RawClient(side.port, timeout=3.0)
        if proto == 3:
            self.c.send(encode_command("HELLO", "3"))
            self._record("HELLO 3", self._proto_of(self._read()))

    def _record(self, label, value):
        self.side.log.append((f"{self.name}: {label}", value))

    def _read(self):
        if self.dead:
            return b"<dead connection>"
        try:
            return self.c.read_reply()
        except (OSError, ConnectionError, ValueError) as e:
            self.dead = True
            return b"<" + type(e).__name__.encode() + b">"

    @staticmethod
    def _proto_of(raw):
        reply = parse_reply(raw) if raw[:1] in (b"%", b"*") else raw
        if isinstance(reply, list) and b"proto" in reply:
            return reply[reply.index(b"proto") + 1]
        return raw

    def _frames_until_sentinel(self):
        frames = []
        while True:
            raw = self._read()
            frames.append(raw)
            if raw.endswith(SENTINEL_TAIL) or raw.startswith(b"<"):
                return frames

    def cmd(self, *args, order="exact"):
        """Sends a command and PING <token>; records every frame up to the PING reply."""
        if not self.dead:
            self.c.send(encode_command(*args) + encode_command("PING", TOKEN))
        frames = self._frames_until_sentinel()
        self._record(" ".join(str(a) for a in args), normalize(frames, order))

    def call(self, *args):
        """Sends a command and records its one reply, without a PING (inside MULTI a PING
        would be queued, not answered)."""
        if not self.dead:
            self.c.send(encode_command(*args))
        self._record(" ".join(str(a) for a in args), self._read())

    def send(self, *args):
        """Sends a command whose reply comes later (a blocking pop): collect() records it."""
        self.c.send(encode_command(*args))
        self._pending_label = " ".join(str(a) for a in args)

    def collect(self):
        """Records the reply of the command sent with send()."""
        self._record(self._pending_label, self._read())

    def drain(self, order="exact"):
        """Records the frames pushed to this connection so far (and the PING reply)."""
        if not self.dead:
            self.c.send(encode_command("PING", TOKEN))
        self._record("<drain>", normalize(self._frames_until_sentinel(), order))

    def wait_frames(self, n, timeout=3.0):
        """Records the next n pushed frames (e.g. events from active expiry), waiting up to timeout."""
        frames, deadline = [], time.monotonic() + timeout
        while len(frames) < n and not self.dead and time.monotonic() < deadline:
            self.c.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                frames.append(self.c.read_reply())
            except OSError:
                break
        self.c.sock.settimeout(3.0)
        self._record(f"<wait {n}>", frames if len(frames) == n else frames + [b"<timeout>"])

    def quit(self):
        self.c.send(encode_command("QUIT"))
        self._record("QUIT", self._read())
        self._record("closed after QUIT", self.c.is_closed(timeout=3.0))
        self.dead = True


def normalize(frames, order):
    """exact: the bytes. set: frames as a multiset (sentinel last). elements: each array reply's
    elements sorted. unsub: UNSUBSCRIBE-all replies, whose channel order is Redis's hash order:
    (frame types, kinds, sorted channel names, the count sequence)."""
    if order == "exact":
        return frames
    if order == "hello":  # HELLO's reply carries the connection id, which differs by server
        return [re.sub(rb"(\$2\r\nid\r\n:)\d+", rb"\1<id>", f) for f in frames]
    body, tail = frames[:-1], frames[-1:]
    if order == "set":
        return sorted(body) + tail
    if order == "elements":
        return [sorted(parse_reply(f)) if f[:1] in (b"*", b"~") else f for f in body] + tail
    if order == "unsub":
        parsed = [parse_reply(f) if f[:1] in (b"*", b">") else f for f in body]
        if not all(isinstance(p, list) and len(p) == 3 for p in parsed):
            return frames
        return ([f[:1] for f in body], [p[0] for p in parsed], sorted(p[1] or b"" for p in parsed),
                [p[2] for p in parsed]) + tuple(tail)
    raise ValueError(order)


def _flat(value):
    """The bytes of a recorded value, for spotting <timeout>/<dead ...> markers."""
    if isinstance(value, bytes):
        return value if value.startswith(b"<") else b""
    if isinstance(value, (list, tuple)):
        return b"".join(_flat(v) for v in value)
    return b""


class Side:
    """One server's run of a scenario."""

    def __init__(self, port):
        self.port, self.log, self.conns = port, [], []
        admin = RawClient(port, timeout=3.0)
        admin.call("FLUSHALL")
        admin.call("CONFIG", "SET", "notify-keyspace-events", "")
        # Connections closed by the previous scenario are reaped asynchronously: wait (bounded)
        # until no subscription is left, giving up early if PUBSUB itself is not supported.
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            replies = [admin.call("PUBSUB", *q) for q in (["NUMPAT"], ["CHANNELS"], ["SHARDCHANNELS"])]
            if any(r.startswith(b"-") for r in replies) or replies == [b":0\r\n", b"*0\r\n", b"*0\r\n"]:
                break
            time.sleep(0.02)
        admin.close()

    def conn(self, name, proto=2):
        c = Conn(self, name, proto)
        self.conns.append(c)
        return c

    def wait_numsub_zero(self, via, *channels, timeout=2.0):
        """Polls PUBSUB NUMSUB (a disconnect is processed asynchronously) then records it."""
        expected = b"*%d\r\n" % (2 * len(channels)) + b"".join(
            b"$%d\r\n%s\r\n:0\r\n" % (len(ch), ch.encode()) for ch in channels)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and via.c.call("PUBSUB", "NUMSUB", *channels) != expected:
            time.sleep(0.02)
        via.cmd("PUBSUB", "NUMSUB", *channels)

    def close(self):
        for c in self.conns:
            c.c.close()


class TranscriptDiffMixin:
    """For a unittest.TestCase with `under_test` and `oracle` servers. Setting the environment
    variable named by `dump_env` prints Redis's transcripts."""

    dump_env = "DIFF_DUMP"
    against_redis = False  # the server under test is a real redis-server too (validation)

    @classmethod
    def setUpClass(cls):
        cls.under_test = start_under_test(cls.against_redis)
        try:
            cls.oracle = start_redis()
        except Exception:
            stop_and_clean(cls.under_test)
            raise

    @classmethod
    def tearDownClass(cls):
        stop_and_clean(cls.under_test)
        stop_and_clean(cls.oracle)

    def run_both(self, scenario, *args):
        logs = []
        for server in (self.under_test, self.oracle):
            side = Side(server.port)
            try:
                scenario(side, *args)
            finally:
                side.close()
            logs.append(side.log)
        ours, theirs = logs
        if os.environ.get(self.dump_env):
            print(f"\n--- redis transcript {scenario.__qualname__}{args}", *theirs, sep="\n  ")
        # A harness self-check: the oracle itself never times out or drops a connection.
        self.assertFalse([step for step in theirs if _flat(step[1])],
                         "the redis oracle timed out: the scenario is wrong")
        for i, (a, b) in enumerate(zip(ours, theirs)):
            if a != b:
                context = "\n".join(f"    {label}: {value!r}" for label, value in theirs[max(0, i - 3):i])
                self.fail(f"step {i} differs (args {args}); previous redis steps:\n{context}\n"
                          f"  under test: {a[0]}: {a[1]!r}\n  redis:      {b[0]}: {b[1]!r}")
        self.assertEqual(len(ours), len(theirs), "transcripts differ in length")

    def each_proto(self, scenario):
        for proto in (2, 3):
            with self.subTest(proto=proto):
                self.run_both(scenario, proto)


# --- step-list suites (transactions, auth/ACL) -------------------------------------------------
# A transcript there is one recorded value per step. Steps carry `want` (None, a value, or a
# (RESP2, RESP3) pair: what Redis is expected to answer) and optionally `unordered` (the value
# was recorded as a sorted list).

def expected_for(step, proto, recorded):
    want = step.want[proto - 2] if isinstance(step.want, tuple) else step.want
    if getattr(step, "unordered", False) and isinstance(recorded, tuple):
        want = (recorded[0], sorted(want))
    return want


def assert_same_transcripts(test, steps, theirs, ours, proto, against):
    """First the oracle against each step's `want` (a difference there is a bug of the suite,
    which must prove what it claims), then the server under test against the oracle, failing
    at the first difference with the steps that led to it."""
    for i, step in enumerate(steps):
        if step.want is None or i >= len(theirs):
            continue
        test.assertEqual(theirs[i], expected_for(step, proto, theirs[i]),
                         f"suite bug: redis-server disagrees at step #{i} {step!r}")
    test.assertEqual(len(theirs), len(steps), f"oracle failed: {theirs[-1]}")
    for i, step in enumerate(steps):
        got = ours[i] if i < len(ours) else "<scenario stopped earlier>"
        if got != theirs[i]:
            trail = "\n".join(f"  #{j} {steps[j]!r}: {ours[j]!r}" for j in range(max(0, i - 6), i))
            test.fail(f"RESP{proto}, step #{i} {step!r}\n    {against}: {got!r}\n    redis:  {theirs[i]!r}\n"
                      f"preceding steps on {against}:\n{trail}")
