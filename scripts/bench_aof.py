"""AOF persistence, corokv against a real redis-server on the same machine, side by side.

1. SET throughput with `appendonly yes` for each `appendfsync` policy (always, everysec,
   no): both servers start on fresh directories (plain-RESP AOF, `aof-use-rdb-preamble no`
   for Redis), each pinned to its own core, and `redis-benchmark -t set -c 50 -d 100 -r
   100000` runs against them in alternation; median ops/s, the ratio corokv/redis, and
   ops per server CPU-second (the steadier figure on a shared machine). With `always`, Redis
   fsyncs once per event-loop iteration and corokv once per writer batch (group commit):
   both far above one fsync per write.
2. AOF load time: a Redis 7 multi-part AOF directory holding 1,000,000 `SET key:N <100
   bytes>` (written here, byte for byte the same for both) is loaded by each server; the
   time from process start until PING answers +PONG (not -LOADING) and DBSIZE is 1,000,000.
   The ratio is redis/corokv: above 1 means corokv loads faster.

Run through scripts/bench --aof, which installs what is missing and builds the release
binary. COROKV_BIN overrides the corokv binary (a redis-server there compares redis with
itself); BENCH_THREADS sets corokv's threads (default 1: one core each)."""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import (REPO, BenchError, Server, free_port, is_redis_server, pick_cores,  # noqa: E402
                   ratio, redis_version, render_table, run_benchmark, stop_on_signals)

POLICIES = ("always", "everysec", "no")
VALUE = b"v" * 100


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=100000, help="SETs per redis-benchmark run (default 100000)")
    ap.add_argument("-c", type=int, default=50, help="parallel clients (default 50)")
    ap.add_argument("--rounds", type=int, default=2, help="alternating rounds (default 2)")
    ap.add_argument("--keys", type=int, default=1000000, help="keys in the AOF to load (default 1000000)")
    ap.add_argument("--quick", action="store_true", help="-n 20000, 200000 keys, 1 round")
    ap.add_argument("--markdown", action="store_true", help="print the tables as Markdown (for README)")
    opts = ap.parse_args()
    if opts.quick:
        opts.n, opts.keys, opts.rounds = 20000, 200000, 1
    opts.d, opts.r = 100, 100000
    return opts


class Setup:
    """How to start each server kind with the AOF on."""

    def __init__(self):
        self.binary = os.environ.get("COROKV_BIN") or os.path.join(REPO, "build", "release", "corokv-server")
        self.corokv_is_redis = is_redis_server(self.binary)
        cores = pick_cores()
        self.cores = {"corokv": cores[0] if cores else None, "redis": cores[1] if cores else None}
        # The load generator runs on the core of the server that is idle during that run.
        self.client_core = {"corokv": self.cores["redis"], "redis": self.cores["corokv"]}
        self.threads = int(os.environ.get("BENCH_THREADS", "1" if cores else "0"))

    def argv(self, name, port, workdir, policy):
        aof = ["--appendonly", "yes", "--appendfsync", policy, "--dir", workdir]
        if name == "redis" or self.corokv_is_redis:
            binary = "redis-server" if name == "redis" else self.binary
            return [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                    "--aof-use-rdb-preamble", "no", *aof]
        return [self.binary, "--bind", "127.0.0.1", "--port", str(port), "--threads", str(self.threads), *aof]

    def start(self, name, workdir, policy="everysec"):
        port = free_port()
        return Server(name, self.argv(name, port, workdir, policy), port, self.cores[name], workdir)


def aof_bytes(workdir):
    d = os.path.join(workdir, "appendonlydir")
    return sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d)) if os.path.isdir(d) else 0


def throughput(setup, opts, root):
    """SET ops/s per policy; every run on a fresh directory."""
    results = {(p, s): [] for p in POLICIES for s in ("corokv", "redis")}
    sizes = {}
    for policy in POLICIES:
        for round_no in range(1, opts.rounds + 1):
            for name in ("corokv", "redis"):
                workdir = tempfile.mkdtemp(prefix=f"{name}-{policy}-", dir=root)
                server = setup.start(name, workdir, policy)
                try:
                    server.wait_ready()
                    ops, cpu = run_benchmark(server, "set", opts, 1, setup.client_core[name],
                                             ("-d", str(opts.d), "-r", str(opts.r)))
                finally:
                    server.stop()
                results[(policy, name)].append((ops, cpu))
                sizes[(policy, name)] = aof_bytes(workdir)
                shutil.rmtree(workdir, ignore_errors=True)
                print(f"  {policy:8} round {round_no}/{opts.rounds} {name:6} {ops:>10,.0f} SET/s  {cpu:5.2f} CPU-s",
                      file=sys.stderr)
    header = ["appendfsync", "corokv SET/s", "redis SET/s", "ratio", "corokv SET/CPU-s", "redis SET/CPU-s",
              "ratio", "AOF MB corokv", "AOF MB redis"]
    rows = []
    for policy in POLICIES:
        k, r = results[(policy, "corokv")], results[(policy, "redis")]
        k_ops, r_ops = statistics.median(x for x, _ in k), statistics.median(x for x, _ in r)
        k_eff = opts.n * len(k) / max(sum(c for _, c in k), 1e-9)
        r_eff = opts.n * len(r) / max(sum(c for _, c in r), 1e-9)
        rows.append([policy, f"{k_ops:,.0f}", f"{r_ops:,.0f}", ratio(k_ops, r_ops), f"{k_eff:,.0f}",
                     f"{r_eff:,.0f}", ratio(k_eff, r_eff), f"{sizes[(policy, 'corokv')] / 1e6:.1f}",
                     f"{sizes[(policy, 'redis')] / 1e6:.1f}"])
    render_table(header, rows, opts.markdown)


def write_aof(workdir, keys):
    """A Redis 7 multi-part AOF: manifest, a base of `keys` SETs, an empty incr file."""
    d = os.path.join(workdir, "appendonlydir")
    os.makedirs(d)
    with open(os.path.join(d, "appendonly.aof.1.base.aof"), "wb") as f:
        f.write(b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n")
        chunk = []
        for i in range(keys):
            k = b"key:%d" % i
            chunk.append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(VALUE), VALUE))
            if len(chunk) == 10000:
                f.write(b"".join(chunk))
                chunk = []
        f.write(b"".join(chunk))
    open(os.path.join(d, "appendonly.aof.1.incr.aof"), "wb").close()
    with open(os.path.join(d, "appendonly.aof.manifest"), "w") as f:
        f.write("file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n")


def dbsize(port):
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"DBSIZE\r\n")
        return int(s.recv(64)[1:].split(b"\r\n")[0])


def load_seconds(setup, name, source, root, keys):
    workdir = tempfile.mkdtemp(prefix=f"{name}-load-", dir=root)
    shutil.copytree(os.path.join(source, "appendonlydir"), os.path.join(workdir, "appendonlydir"))
    started = time.monotonic()
    server = setup.start(name, workdir)
    try:
        server.wait_ready(timeout=600)  # +PONG only once loaded
        loaded = time.monotonic() - started
        if dbsize(server.port) != keys:
            raise BenchError(f"{name} loaded {dbsize(server.port)} keys, expected {keys}")
        return loaded
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def load_time(setup, opts, root):
    source = tempfile.mkdtemp(prefix="aof-source-", dir=root)
    write_aof(source, opts.keys)
    size = aof_bytes(source)
    times = {"corokv": [], "redis": []}
    for round_no in range(1, opts.rounds + 1):
        for name in ("corokv", "redis"):
            t = load_seconds(setup, name, source, root, opts.keys)
            times[name].append(t)
            print(f"  load round {round_no}/{opts.rounds} {name:6} {t:6.2f} s", file=sys.stderr)
    k, r = min(times["corokv"]), min(times["redis"])
    header = [f"load {opts.keys:,} keys ({size / 1e6:.0f} MB AOF)", "corokv s (best)", "redis s (best)",
              "redis/corokv"]
    render_table(header, [["start -> PONG, DBSIZE ok", f"{k:.2f}", f"{r:.2f}", ratio(r, k)]], opts.markdown)


def main():
    opts = parse_args()
    stop_on_signals()
    setup = Setup()
    where = (lambda n: f" on core {setup.cores[n]}") if setup.cores["corokv"] is not None else (lambda n: "")
    kind = "redis-server" if setup.corokv_is_redis else f"--threads {setup.threads}"
    print(f"corokv: {setup.binary} ({kind}){where('corokv')}; redis {redis_version()}{where('redis')}")
    print(f"redis-benchmark -t set -n {opts.n} -c {opts.c} -d {opts.d} -r {opts.r} -P 1, "
          f"{opts.rounds} round(s), median; every run on a fresh AOF directory")
    print()
    sys.stdout.flush()
    root = tempfile.mkdtemp(prefix="corokv-bench-aof-")
    try:
        throughput(setup, opts, root)
        load_time(setup, opts, root)
    except BenchError as e:
        sys.exit(f"bench: {e}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
