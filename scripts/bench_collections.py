"""Sorted-set scaling and collection memory: corokv against a real redis-server, side by side.

1. Growth: for sorted sets of 10^3, 10^5 and 10^6 members, redis-benchmark runs ZADD (new
   random members), ZRANK (random members) and ZRANGE key 0 9 against both servers (-c 50
   -P 16) and prints ops/s per size. With O(log n) rank and range the numbers fall only
   slowly as the set grows 1000-fold; an O(n) structure would fall by orders of magnitude.
2. Memory: one 1,000,000-element list (RPUSH), set (SADD) and sorted set (ZADD) of short
   members per server; bytes per element from the growth of the process RSS (and Redis's
   used_memory, which counts what its allocator handed out), and the corokv/redis ratio.

Run through `scripts/bench --collections` (installs what is missing, builds release)."""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import REPO, BenchError, Server, encode, free_port, is_redis_server, pick_cores, pinned  # noqa: E402

SIZES = (1_000, 100_000, 1_000_000)
MEMORY_ELEMENTS = 1_000_000


class Conn:
    """A minimal pipelining client: enough to load data and read INFO."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=120)
        self.buf = b""

    def _reply_end(self, pos):
        """Index just past the reply starting at `pos`, or -1 if incomplete."""
        eol = self.buf.find(b"\r\n", pos)
        if eol < 0:
            return -1
        kind, n = self.buf[pos:pos + 1], self.buf[pos + 1:eol]
        if kind in (b"+", b"-", b":"):
            return eol + 2
        if kind == b"$":
            size = int(n)
            end = eol + 2 + (size + 2 if size >= 0 else 0)
            return end if len(self.buf) >= end else -1
        if kind == b"*":
            p = eol + 2
            for _ in range(max(int(n), 0)):
                p = self._reply_end(p)
                if p < 0:
                    return -1
            return p
        raise BenchError(f"unexpected reply {self.buf[pos:pos + 40]!r}")

    def pipeline(self, commands):
        """Sends every command, returns the raw replies."""
        self.sock.sendall(b"".join(commands))
        replies = []
        while len(replies) < len(commands):
            end = self._reply_end(0) if self.buf else -1
            if end < 0:
                chunk = self.sock.recv(1 << 20)
                if not chunk:
                    raise BenchError("connection closed")
                self.buf += chunk
                continue
            replies.append(self.buf[:end])
            self.buf = self.buf[end:]
        for r in replies:
            if r.startswith(b"-"):
                raise BenchError(f"server error: {r!r}")
        return replies

    def info_field(self, section, field):
        raw = self.pipeline([encode("INFO", section)])[0]
        for line in raw.decode().split("\r\n"):
            if line.startswith(field + ":"):
                return int(line.split(":")[1])
        return 0

    def close(self):
        self.sock.close()


def load(conn, command, key, count, make_args, batch=1000):
    """Adds `count` elements in commands of `batch` elements each, pipelined 16 at a time."""
    commands = []
    for start in range(0, count, batch):
        args = []
        for i in range(start, min(start + batch, count)):
            args.extend(make_args(i))
        commands.append(encode(command, key, *args))
        if len(commands) == 16:
            conn.pipeline(commands)
            commands = []
    if commands:
        conn.pipeline(commands)


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def redis_benchmark(server, client_core, requests, keyspace, *command):
    argv = pinned(client_core, ["redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port), "-n", str(requests),
                                "-c", "50", "-P", "16", "-r", str(keyspace), "--csv", "-q", *command])
    out = subprocess.run(argv, capture_output=True, text=True, timeout=900)
    server.check_alive()
    for line in out.stdout.splitlines():
        cells = [c.strip('"') for c in line.split(",")]
        if len(cells) >= 2 and cells[0] != "test":
            try:
                return float(cells[1])
            except ValueError:
                pass
    raise BenchError(f"no result from redis-benchmark {' '.join(command)}:\n{out.stdout}{out.stderr}")


def zset_growth(servers, client_core, requests):
    print(f"Sorted-set operations by set size (redis-benchmark -n {requests} -c 50 -P 16 -r <size>), ops/s:")
    print(f"{'members':>10}  {'op':18} {'corokv':>12} {'redis':>12}  ratio")
    for size in SIZES:
        for server in servers:
            conn = Conn(server.port)
            conn.pipeline([encode("DEL", "z")])
            # Members member:0 .. member:size-1, matching redis-benchmark's __rand_int__ range.
            load(conn, "ZADD", "z", size, lambda i: (i, f"member:{i:012d}"))
            conn.close()
        ops = {
            "ZRANK random": ("ZRANK", "z", "member:__rand_int__"),
            "ZRANGE 0 9": ("ZRANGE", "z", "0", "9"),
            "ZADD update": ("ZADD", "z", "__rand_int__", "member:__rand_int__"),
        }
        for name, command in ops.items():
            got = {s.name: redis_benchmark(s, client_core[s.name], requests, size, *command) for s in servers}
            print(f"{size:>10,}  {name:18} {got['corokv']:>12,.0f} {got['redis']:>12,.0f}  "
                  f"{got['corokv'] / got['redis']:.2f}")
        sys.stdout.flush()


def memory_per_element(start_servers):
    """Fresh servers per collection type: a heap that already grew and shrank (FLUSHALL)
    would hide the growth from RSS."""
    kinds = {
        "list": ("RPUSH", lambda i: (f"element:{i}",)),
        "set": ("SADD", lambda i: (f"element:{i}",)),
        "zset": ("ZADD", lambda i: (i, f"element:{i}")),
    }
    print()
    print(f"Memory for one collection of {MEMORY_ELEMENTS:,} members 'element:N', bytes per element")
    print("(RSS growth of the process; used_memory growth as each server reports it):")
    print(f"{'type':6} {'corokv RSS':>11} {'redis RSS':>10} {'RSS ratio':>10} {'corokv used':>12} {'redis used':>11}")
    for kind, (command, make_args) in kinds.items():
        row = {}
        servers = start_servers()
        try:
            for server in servers:
                conn = Conn(server.port)
                rss_before = rss_bytes(server.proc.pid)
                used_before = conn.info_field("memory", "used_memory")
                load(conn, command, f"big:{kind}", MEMORY_ELEMENTS, make_args)
                time.sleep(0.2)
                row[server.name] = ((rss_bytes(server.proc.pid) - rss_before) / MEMORY_ELEMENTS,
                                    (conn.info_field("memory", "used_memory") - used_before) / MEMORY_ELEMENTS)
                conn.close()
        finally:
            for server in servers:
                server.stop()
        k, r = row["corokv"], row["redis"]
        print(f"{kind:6} {k[0]:>11.1f} {r[0]:>10.1f} {k[0] / r[0]:>10.2f} {k[1]:>12.1f} {r[1]:>11.1f}")
        sys.stdout.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=200_000, help="requests per redis-benchmark run")
    opts = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda s, f: sys.exit(128 + s))

    binary = os.environ.get("COROKV_BIN") or os.path.join(REPO, "build", "release", "corokv-server")
    cores = pick_cores()
    core_k, core_r = cores if cores else (None, None)
    workdir = tempfile.mkdtemp(prefix="corokv-bench-")
    redis_argv = ["redis-server", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]

    def start_servers():
        """corokv (1 thread) and redis-server on free ports, pinned like scripts/bench."""
        port_k, port_r = free_port(), free_port()
        if is_redis_server(binary):
            argv_k = [binary] + redis_argv[1:] + ["--port", str(port_k)]
        else:
            argv_k = [binary, "--bind", "127.0.0.1", "--port", str(port_k), "--threads", "1",
                      "--appendonly", "no", "--dir", workdir]
        servers = [Server("corokv", argv_k, port_k, core_k, workdir),
                   Server("redis", redis_argv + ["--port", str(port_r), "--dir", workdir], port_r, core_r, workdir)]
        try:
            for s in servers:
                s.wait_ready()
        except BenchError:
            for s in servers:
                s.stop()
            raise
        return servers

    try:
        servers = start_servers()
        try:
            zset_growth(servers, {"corokv": core_r, "redis": core_k}, opts.n)
        finally:
            for s in servers:
                s.stop()
        memory_per_element(start_servers)
    except BenchError as e:
        sys.exit(f"bench: {e}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
