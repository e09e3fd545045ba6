"""Start and stop corokv / redis-server for tests: free ports on 127.0.0.1, bounded waits,
and every process stopped by the pid we started."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def corokv_binary():
    return os.environ.get("COROKV_BIN", os.path.join(REPO, "build", "release", "corokv-server"))


def is_sanitized_binary(path=None):
    """True for an AddressSanitizer build: its RSS includes shadow memory and a quarantine of
    freed blocks, so tests that compare RSS with used_memory skip on it."""
    with open(path or corokv_binary(), "rb") as f:
        return b"__asan_init" in f.read()


def rss_bytes(pid):
    """Resident set size of a process, from /proc."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A server process on 127.0.0.1:port, stopped by pid."""

    def __init__(self, argv, port, workdir, log_path):
        self.port = port
        self.workdir = workdir
        self.log_path = log_path
        self.log = open(log_path, "wb")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT, cwd=workdir)

    def log_text(self):
        if not self.log.closed:
            self.log.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def wait_ready(self, timeout=15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"*1\r\n$4\r\nPING\r\n")
                    # Any RESP reply proves the server is serving (-NOAUTH with requirepass).
                    if s.recv(64)[:1] in (b"+", b"-"):
                        return self
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"server on port {self.port} not ready after {timeout}s:\n{self.log_text()}")

    def stop(self, timeout=10.0):
        """SIGTERM, then SIGKILL after `timeout`; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=timeout)
        self.log.close()
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start_corokv(*extra_args, port=None, ready=True):
    port = port or free_port()
    workdir = tempfile.mkdtemp(prefix="corokv-test-")
    argv = [corokv_binary(), "--port", str(port), "--bind", "127.0.0.1", "--dir", workdir, *map(str, extra_args)]
    server = Server(argv, port, workdir, os.path.join(workdir, "server.log"))
    return server.wait_ready() if ready else server


def start_redis(*extra_args, port=None):
    port = port or free_port()
    workdir = tempfile.mkdtemp(prefix="redis-oracle-")
    argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--daemonize", "no", "--dir", workdir, *map(str, extra_args)]
    return Server(argv, port, workdir, os.path.join(workdir, "redis.log")).wait_ready()


def stop_and_clean(server):
    """Stops a server and removes its temp dir."""
    server.stop()
    shutil.rmtree(server.workdir, ignore_errors=True)


def start_under_test(against_redis, *extra_args):
    """The server a suite tests: a real redis-server when the suite validates itself against
    Redis, else corokv with two threads. Leaves no temp dir behind when it fails to start."""
    if against_redis:
        return start_redis(*extra_args)
    server = start_corokv("--threads", "2", *extra_args, ready=False)
    try:
        return server.wait_ready()
    except Exception:
        stop_and_clean(server)
        raise


def encode_command(*args):
    """One command as a RESP multibulk."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, str):
            a = a.encode()
        elif isinstance(a, (int, float)):
            a = str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class RawClient:
    """A socket that sends raw bytes and reads whole RESP replies (exact bytes)."""

    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def close(self):
        self.sock.close()

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed by server")
        self.buf += chunk

    def _line(self):
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read_reply(self):
        """Returns the raw bytes of one complete reply."""
        line = self._line()
        kind, rest = line[:1], line[1:]
        raw = line + b"\r\n"
        if kind in (b"+", b"-", b":", b"_", b",", b"#", b"("):
            return raw
        if kind in (b"$", b"=", b"!"):
            n = int(rest)
            return raw if n < 0 else raw + self._exact(n + 2)
        if kind in (b"*", b"~", b">", b"%"):
            n = int(rest)
            if kind == b"%":
                n *= 2
            for _ in range(max(n, 0)):
                raw += self.read_reply()
            return raw
        raise ValueError(f"unexpected reply type: {line!r}")

    def call(self, *args):
        self.send(encode_command(*args))
        return self.read_reply()

    def is_closed(self, timeout=3.0):
        """True if the server closed the connection (EOF) within `timeout`."""
        self.sock.settimeout(timeout)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
                self.buf += chunk
        except socket.timeout:
            return False
        except OSError:
            return True


def parse_reply(raw):
    """Decodes raw RESP bytes into Python values (for order-insensitive comparisons)."""
    value, rest = _parse(raw)
    assert rest == b"", rest
    return value


def _parse(raw):
    line, rest = raw.split(b"\r\n", 1)
    kind, body = line[:1], line[1:]
    if kind == b"+":
        return ("status", body), rest
    if kind == b"-":
        return ("error", body), rest
    if kind == b":":
        return int(body), rest
    if kind == b"_":
        return None, rest
    if kind in (b"$", b"="):
        n = int(body)
        if n < 0:
            return None, rest
        return rest[:n], rest[n + 2:]
    if kind in (b"*", b"~", b">", b"%"):
        n = int(body)
        if n < 0:
            return None, rest
        if kind == b"%":
            n *= 2
        items = []
        for _ in range(n):
            item, rest = _parse(rest)
            items.append(item)
        return items, rest
    return ("other", line), rest
