"""Helpers for the AOF proof tests (tests/integration/test_aof.py).

One place decides how a server is started: `start(kind, workdir, ...)` runs either corokv or
redis-server on a given working directory (reused across restarts, so the AOF files persist),
with AOF flags named like Redis's config. The default kind for the suite is corokv;
AOF_AGAINST=redis runs the same tests against Debian's redis-server 7 to validate them.

Also here: SIGKILL of a server (and of any child it forked, e.g. Redis's rewrite child) by
pid, the multi-part AOF layout (manifest, base and incr files), a RESP parser for AOF files,
a pipelined writer that records every acknowledged reply, and a dataset dump for comparing
two servers."""

import os
import signal
import subprocess
import tempfile
import threading
import time

from pylib.servers import RawClient, Server, corokv_binary, encode_command, free_port, parse_reply

AGAINST = os.environ.get("AOF_AGAINST", "corokv")
APPENDFILENAME = "appendonly.aof"
APPENDDIRNAME = "appendonlydir"

# Flags every AOF server gets. corokv: Redis's names, plus --threads so that clients land on
# different worker threads. Redis: no RDB snapshots, so only the AOF can bring data back.
COMMON_FLAGS = {"aof-use-rdb-preamble": "no"}
COROKV_FLAGS = {"threads": "4"}
REDIS_FLAGS = {"save": "", "daemonize": "no"}


def other_kind(kind):
    return "redis" if kind == "corokv" else "corokv"


def new_workdir(kind):
    return tempfile.mkdtemp(prefix=f"aof-{kind}-")


def start(kind=None, workdir=None, port=None, appendonly="yes", ready=True, **config):
    """Starts `kind` (default: AGAINST) on `workdir` (created if None); config keys use '_'
    for '-' (appendfsync="always", aof_load_truncated="no"). Each start logs to its own file
    in the workdir (server-N.log), so restarts keep earlier logs."""
    kind = kind or AGAINST
    workdir = workdir or new_workdir(kind)
    port = port or free_port()
    flags = dict(COMMON_FLAGS)
    flags.update(COROKV_FLAGS if kind == "corokv" else REDIS_FLAGS)
    flags["appendonly"] = appendonly
    flags.update({k.replace("_", "-"): str(v) for k, v in config.items()})
    binary = corokv_binary() if kind == "corokv" else "redis-server"
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", workdir]
    for name, value in flags.items():
        argv += [f"--{name}", value]
    n = 1
    while os.path.exists(os.path.join(workdir, f"{kind}-{n}.log")):
        n += 1
    server = Server(argv, port, workdir, os.path.join(workdir, f"{kind}-{n}.log"))
    server.kind = kind
    server.argv = argv
    return server.wait_ready(timeout=30.0) if ready else server


def child_pids(pid):
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(p) for p in f.read().split()]
    except OSError:
        pass
    return out


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def kill9(server, timeout=10.0):
    """SIGKILL the server and every process it forked (a crash of the machine takes both), by
    pid; waits until they are gone."""
    if server.proc.poll() is None:
        children = child_pids(server.proc.pid)
        server.proc.send_signal(signal.SIGKILL)
        for c in children:
            try:
                os.kill(c, signal.SIGKILL)
            except ProcessLookupError:
                pass
        server.proc.wait(timeout=timeout)
        deadline = time.monotonic() + timeout
        while any(_alive(c) for c in children) and time.monotonic() < deadline:
            time.sleep(0.01)
    if not server.log.closed:
        server.log.close()


def stop(server, timeout=15.0):
    """SIGTERM (clean shutdown), then SIGKILL of the whole tree if it does not exit in time."""
    if server.proc.poll() is None:
        server.proc.send_signal(signal.SIGTERM)
        try:
            server.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill9(server)
    if not server.log.closed:
        server.log.close()
    return server.proc.returncode


def wait_exit(server, timeout=20.0):
    """For a server expected to refuse to start: its exit code, or None (and killed) if it is
    still running after `timeout`."""
    try:
        return server.proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill9(server)
        return None
    finally:
        if not server.log.closed:
            server.log.close()


# ---------------------------------------------------------------------------------------------
# Multi-part AOF layout

def aof_dir(workdir):
    return os.path.join(workdir, APPENDDIRNAME)


def manifest(workdir):
    """[(name, seq, type)] from appendonlydir/appendonly.aof.manifest."""
    path = os.path.join(aof_dir(workdir), APPENDFILENAME + ".manifest")
    entries = []
    with open(path) as f:
        for line in f:
            parts = line.split()
            if not parts or parts[0].startswith("#"):
                continue
            kv = dict(zip(parts[0::2], parts[1::2]))
            entries.append((kv["file"], int(kv["seq"]), kv["type"]))
    return entries


def base_file(workdir):
    names = [n for n, _, t in manifest(workdir) if t == "b"]
    return os.path.join(aof_dir(workdir), names[0]) if names else None


def incr_files(workdir):
    incrs = sorted((s, n) for n, s, t in manifest(workdir) if t == "i")
    return [os.path.join(aof_dir(workdir), n) for _, n in incrs]


def aof_total_size(workdir):
    """Bytes in the base and incr files named by the manifest."""
    files = [base_file(workdir)] + incr_files(workdir)
    return sum(os.path.getsize(f) for f in files if f)


class AofFormatError(Exception):
    def __init__(self, msg, offset):
        super().__init__(f"{msg} at byte {offset}")
        self.offset = offset


def parse_aof(data, allow_truncated=False):
    """Commands (lists of bytes) in a plain-RESP AOF. A partial last command raises (or, with
    allow_truncated, ends the list); anything that is not a RESP multibulk raises."""
    cmds = []
    pos = 0
    n = len(data)

    def line(at):
        end = data.find(b"\r\n", at)
        if end < 0:
            raise AofFormatError("truncated", at)
        return data[at:end], end + 2

    while pos < n:
        start = pos
        try:
            head, p = line(pos)
            if head[:1] != b"*":
                raise AofFormatError("expected '*'", start)
            argc = int(head[1:])
            args = []
            for _ in range(argc):
                h, p = line(p)
                if h[:1] != b"$":
                    raise AofFormatError("expected '$'", p)
                ln = int(h[1:])
                if p + ln + 2 > n:
                    raise AofFormatError("truncated", start)
                args.append(data[p:p + ln])
                p += ln + 2
            cmds.append(args)
            pos = p
        except AofFormatError as e:
            if allow_truncated and str(e).startswith("truncated"):
                break
            raise
    return cmds


def command_offsets(data):
    """Start offsets of each command in a plain-RESP AOF."""
    offsets, pos = [], 0
    for cmd in parse_aof(data):
        offsets.append(pos)
        pos += len(encode_command(*cmd))
    return offsets


# ---------------------------------------------------------------------------------------------
# Clients

class Client:
    """RawClient returning decoded values: bytes, int, None, lists; errors as ("error", msg),
    status replies as bytes."""

    def __init__(self, port, timeout=15.0):
        self.raw = RawClient(port, timeout=timeout)

    def close(self):
        self.raw.close()

    def call(self, *args):
        return _plain(parse_reply(self.raw.call(*args)))

    def info(self, section=None):
        text = self.call("INFO", section) if section else self.call("INFO")
        out = {}
        for ln in text.decode().splitlines():
            if ":" in ln and not ln.startswith("#"):
                k, v = ln.split(":", 1)
                out[k] = v
        return out


def _plain(v):
    if isinstance(v, tuple) and v[0] == "status":
        return v[1]
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def call(port, *args):
    c = Client(port)
    try:
        return c.call(*args)
    finally:
        c.close()


def wait_until(pred, timeout, interval=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(interval)
    return bool(pred())


def wait_loaded(port, timeout=30.0):
    """Waits until the server stops answering -LOADING."""
    def ok():
        r = call(port, "PING")
        return r == b"PONG"
    if not wait_until(ok, timeout, 0.02):
        raise AssertionError(f"server on {port} still loading after {timeout}s")


def dump(port, databases=16):
    """The whole dataset as {(db, key): (type, value, expire_at_ms or -1)}."""
    c = Client(port)
    out = {}
    try:
        for db in range(databases):
            c.call("SELECT", db)
            for key in c.call("KEYS", "*"):
                t = c.call("TYPE", key)
                if t == b"string":
                    v = c.call("GET", key)
                elif t == b"list":
                    v = tuple(c.call("LRANGE", key, 0, -1))
                elif t == b"hash":
                    flat = c.call("HGETALL", key)
                    v = tuple(sorted(zip(flat[0::2], flat[1::2])))
                elif t == b"set":
                    v = tuple(sorted(c.call("SMEMBERS", key)))
                elif t == b"zset":
                    flat = c.call("ZRANGE", key, 0, -1, "WITHSCORES")
                    v = tuple(zip(flat[0::2], [float(s) for s in flat[1::2]]))
                else:
                    v = ("unsupported", t)
                out[(db, key)] = (t, v, c.call("PEXPIRETIME", key))
    finally:
        c.close()
    return out


class AckWriter:
    """One connection pipelining `INCR counter` + `SET key:i i` pairs (i from `first`), with
    at most `window` commands in flight; a reader thread records every acknowledged reply.
    Runs until the connection breaks (the server was killed) or stop() is called."""

    def __init__(self, port, first=0, window=256, counter="counter", prefix="key:"):
        self.client = RawClient(port, timeout=20.0)
        self.first = first
        self.counter = counter
        self.prefix = prefix
        self.slots = threading.Semaphore(window)
        self.sent_incr = 0          # INCRs written to the socket
        self.sent_set = 0
        self.acked_incr = 0         # INCR replies read
        self.last_incr_reply = None
        self.acked_sets = []        # i of every acknowledged SET key:i i
        self.errors = []            # unexpected replies
        self.stopping = False
        self.done_sending = threading.Event()
        self.lock = threading.Lock()
        self.sender = threading.Thread(target=self._send, daemon=True)
        self.reader = threading.Thread(target=self._read, daemon=True)

    def start(self):
        self.sender.start()
        self.reader.start()
        return self

    def _send(self):
        i = self.first
        try:
            while not self.stopping:
                for _ in range(2):
                    self.slots.acquire()
                # Count before sending: a command counts as in flight from the moment any byte
                # of it may have reached the server.
                with self.lock:
                    self.sent_incr += 1
                    self.sent_set += 1
                self.client.send(encode_command("INCR", self.counter) + encode_command("SET", f"{self.prefix}{i}", i))
                i += 1
        except OSError:
            pass
        finally:
            self.done_sending.set()

    def _read(self):
        i = self.first
        try:
            while True:
                with self.lock:
                    if self.done_sending.is_set() and self.acked_incr == self.sent_incr \
                            and len(self.acked_sets) == self.sent_set:
                        return
                r = self.client.read_reply()
                if not r.startswith(b":"):
                    self.errors.append(r)
                    return
                with self.lock:
                    self.acked_incr += 1
                    self.last_incr_reply = int(r[1:-2])
                self.slots.release()
                r = self.client.read_reply()
                if r != b"+OK\r\n":
                    self.errors.append(r)
                    return
                with self.lock:
                    self.acked_sets.append(i)
                i += 1
                self.slots.release()
        except (OSError, ConnectionError):
            pass

    def stop(self, timeout=20.0):
        """Stops sending and waits for every reply (server alive)."""
        self.stopping = True
        for _ in range(4):
            self.slots.release()
        self.sender.join(timeout)
        self.reader.join(timeout)
        self.client.close()

    def join_after_kill(self, timeout=20.0):
        self.stop(timeout)
        assert not self.sender.is_alive() and not self.reader.is_alive(), "writer threads hung"
