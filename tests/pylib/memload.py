"""Bulk loaders and readers for the memory tests (tests/integration/test_memory.py).

Loading a million keys one round trip at a time would take minutes, so everything here sends
big pipelined RESP buffers over a raw socket and reads the replies on another thread (or in
the same loop, batch by batch), parsing them with C-level bytes operations where possible."""

import random
import socket
import threading
import time

from pylib.servers import encode_command, rss_bytes


class RespError(bytes):
    """An error reply (the text after '-')."""


class ReplyStream:
    """Reads RESP replies from a socket, with a bytearray buffer and a read position (no
    quadratic re-slicing). Values: bytes for simple and bulk strings, RespError for errors,
    int, None for nil, list for arrays."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = bytearray()
        self.pos = 0

    def _fill(self):
        if self.pos > 1 << 20 and self.pos * 2 > len(self.buf):
            del self.buf[:self.pos]
            self.pos = 0
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise ConnectionError("connection closed by server")
        self.buf += chunk

    def _line(self):
        while True:
            end = self.buf.find(b"\r\n", self.pos)
            if end >= 0:
                line = bytes(self.buf[self.pos:end])
                self.pos = end + 2
                return line
            self._fill()

    def read(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest
        if kind == b"-":
            return RespError(rest)
        if kind == b":":
            return int(rest)
        if kind == b"_":
            return None
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            while len(self.buf) < self.pos + n + 2:
                self._fill()
            data = bytes(self.buf[self.pos:self.pos + n])
            self.pos += n + 2
            return data
        if kind in (b"*", b"~", b">"):
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        if kind == b"%":
            n = int(rest)
            return [self.read() for _ in range(2 * n)]
        if kind == b",":
            return float(rest)
        raise ValueError(f"unexpected reply {line!r}")

    def read_line_replies(self, n):
        """Reads n replies that are each one line (+OK, -ERR..., :N) and returns them as a list
        of lines without CRLF. Splits the buffer in C rather than parsing reply by reply."""
        out = []
        while len(out) < n:
            last = self.buf.rfind(b"\r\n", self.pos)
            if last < 0:
                self._fill()
                continue
            lines = bytes(self.buf[self.pos:last]).split(b"\r\n")
            need = n - len(out)
            if len(lines) > need:
                # More replies than asked for: keep the rest in the buffer.
                lines = lines[:need]
                self.pos += sum(len(l) + 2 for l in lines)
            else:
                self.pos = last + 2
            out.extend(lines)
        return out


class Conn:
    """A plain client connection: call() for one command, pipeline() for many."""

    def __init__(self, port, timeout=60.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.replies = ReplyStream(self.sock)

    def close(self):
        self.sock.close()

    def call(self, *args):
        self.sock.sendall(encode_command(*args))
        return self.replies.read()

    def pipeline(self, commands):
        """Sends a list of commands (each a tuple of args) at once and returns the replies."""
        self.sock.sendall(b"".join(encode_command(*c) for c in commands))
        return [self.replies.read() for _ in commands]

    def info(self, section=None):
        """INFO as a dict of field -> string value (keyspace lines too: 'db0' -> 'keys=..')."""
        raw = self.call("INFO", section) if section else self.call("INFO")
        fields = {}
        for line in raw.decode().split("\r\n"):
            if line and not line.startswith("#") and ":" in line:
                k, v = line.split(":", 1)
                fields[k] = v
        return fields

    def info_int(self, field, section=None):
        return int(self.info(section)[field])

    def config_get(self, name):
        reply = self.call("CONFIG", "GET", name)
        return dict(zip(reply[::2], reply[1::2])).get(name.encode())


def keyspace(info, db=0):
    """{'keys': N, 'expires': N, 'avg_ttl': N} from an INFO keyspace dict; zeros if db absent."""
    line = info.get(f"db{db}")
    if line is None:
        return {"keys": 0, "expires": 0, "avg_ttl": 0}
    return {k: int(v) for k, v in (kv.split("=") for kv in line.split(","))}


# ----------------------------------------------------------------------------------------------
# Encoders: hand-rolled RESP for the hot loops (encode_command costs ~3 us per command).

def _bulk(b):
    return b"$%d\r\n%s\r\n" % (len(b), b)


def set_commands(keys, value, extra=()):
    """One buffer of SET key value [extra...] for every key in `keys` (bytes)."""
    tail = _bulk(value) + b"".join(_bulk(e if isinstance(e, bytes) else str(e).encode()) for e in extra)
    head = b"*%d\r\n$3\r\nSET\r\n" % (3 + len(extra))
    return b"".join([head + _bulk(k) + tail for k in keys])


def get_commands(keys):
    return b"".join([b"*2\r\n$3\r\nGET\r\n" + _bulk(k) for k in keys])


# ----------------------------------------------------------------------------------------------

def flood(port, batches, timeout=120.0, max_rate=None):
    """Sends pipelined batches on one connection while a reader thread drains the replies,
    which must each be one line (+OK, -OOM ..., :N). `batches` yields (buffer, command_count).
    `max_rate` (bytes/s), if given, paces the sending. Returns {reply_line: count}. Raises if
    the server closes the connection or a reply does not arrive within `timeout` seconds."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    stream = ReplyStream(sock)
    counts = {}
    sent = [0]
    done_sending = threading.Event()
    failure = []

    def reader():
        got = 0
        try:
            while True:
                if done_sending.is_set() and got >= sent[0]:
                    return
                avail = sent[0] - got
                if avail <= 0:
                    time.sleep(0.001)
                    continue
                for line in stream.read_line_replies(min(avail, 50000)):
                    counts[line] = counts.get(line, 0) + 1
                got += min(avail, 50000)
        except Exception as e:  # noqa: BLE001 - reported to the caller
            failure.append(e)

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    started = time.monotonic()
    sent_bytes = 0
    try:
        for buf, n in batches:
            if failure:
                break
            if max_rate:
                ahead = sent_bytes / max_rate - (time.monotonic() - started)
                if ahead > 0:
                    time.sleep(ahead)
            sent[0] += n  # count before sending: the reader may only wait for what was counted
            sock.sendall(buf)
            sent_bytes += len(buf)
        done_sending.set()
        t.join(timeout)
        if t.is_alive():
            raise TimeoutError(f"replies still missing after {timeout}s")
        if failure:
            raise failure[0]
    finally:
        done_sending.set()
        sock.close()
    return counts


def set_batches(prefix, count, value, batch=2000, start=0, extra=()):
    """(buffer, n) batches of SET prefix<i> value [extra] for i in [start, start+count)."""
    for lo in range(start, start + count, batch):
        hi = min(lo + batch, start + count)
        keys = [b"%s%d" % (prefix, i) for i in range(lo, hi)]
        yield set_commands(keys, value, extra), hi - lo


def set_ttl_batches(prefix, count, value, ttl_of, unit=b"PX", batch=2000, start=0):
    """Like set_batches with SET ... PX|EX ttl_of(i): a TTL per key."""
    head = b"*5\r\n$3\r\nSET\r\n"
    val = _bulk(value) + _bulk(unit)
    for lo in range(start, start + count, batch):
        hi = min(lo + batch, start + count)
        yield b"".join([head + _bulk(b"%s%d" % (prefix, i)) + val + _bulk(b"%d" % ttl_of(i))
                        for i in range(lo, hi)]), hi - lo


def send_batch(conn, buf, n):
    """Sends one pipelined buffer of n one-line-reply commands on `conn` and returns
    {reply_line: count}."""
    conn.sock.sendall(buf)
    counts = {}
    for line in conn.replies.read_line_replies(n):
        counts[line] = counts.get(line, 0) + 1
    return counts


class ReadLoop(threading.Thread):
    """Reads keys continuously on its own connection (pipelined GET batches drawn from
    `sampler`, a function returning a list of keys) until stop(). Counts hits and misses."""

    def __init__(self, port, sampler, batches_pregen=64):
        super().__init__(daemon=True)
        self.conn = Conn(port)
        # Pre-generated batches so that the Python side spends its time reading, not encoding.
        self.batches = []
        for _ in range(batches_pregen):
            keys = sampler()
            self.batches.append((get_commands(keys), len(keys)))
        self.hits = 0
        self.misses = 0
        self.errors = []
        self.max_batch_seconds = 0.0  # the longest round trip of one batch (a stall shows here)
        self._halt = threading.Event()

    def run(self):
        i = 0
        try:
            while not self._halt.is_set():
                buf, n = self.batches[i % len(self.batches)]
                i += 1
                sent = time.monotonic()
                self.conn.sock.sendall(buf)
                for _ in range(n):
                    r = self.conn.replies.read()
                    if r is None:
                        self.misses += 1
                    elif isinstance(r, RespError):
                        self.errors.append(r)
                    else:
                        self.hits += 1
                self.max_batch_seconds = max(self.max_batch_seconds, time.monotonic() - sent)
        except Exception as e:  # noqa: BLE001 - reported by the test
            self.errors.append(e)

    def stop(self, timeout=30.0):
        self._halt.set()
        self.join(timeout)
        self.conn.close()

    @property
    def reads(self):
        return self.hits + self.misses

    def hit_rate(self):
        return self.hits / self.reads if self.reads else 0.0


class RssSampler(threading.Thread):
    """Samples a process's RSS every `interval` seconds; max_rss is the highest seen."""

    def __init__(self, pid, interval=0.05):
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.max_rss = rss_bytes(pid)
        self.samples = 0
        self._halt = threading.Event()

    def run(self):
        while not self._halt.wait(self.interval):
            try:
                self.max_rss = max(self.max_rss, rss_bytes(self.pid))
                self.samples += 1
            except (OSError, RuntimeError):
                return  # the process is gone; the test notices on its own

    def stop(self):
        self._halt.set()
        self.join(5)


def zipf_sampler(keys, s=1.1, batch=200, seed=1):
    """A sampler for ReadLoop: batches of keys drawn with P(rank r) ~ 1/r^s (rank 1 = keys[0])."""
    rng = random.Random(seed)
    weights = [1.0 / (r ** s) for r in range(1, len(keys) + 1)]
    cum = []
    total = 0.0
    for w in weights:
        total += w
        cum.append(total)
    return lambda: rng.choices(keys, cum_weights=cum, k=batch)


def uniform_sampler(keys, batch=200, seed=1):
    rng = random.Random(seed)
    return lambda: [rng.choice(keys) for _ in range(batch)]


def wait_until(predicate, timeout, interval=0.05):
    """Polls predicate() until true or timeout; returns (ok, seconds waited)."""
    start = time.monotonic()
    while True:
        if predicate():
            return True, time.monotonic() - start
        if time.monotonic() - start > timeout:
            return False, time.monotonic() - start
        time.sleep(interval)
