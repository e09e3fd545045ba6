"""Runs redis-benchmark against corokv and a real redis-server in alternation (A B A B ...),
each server pinned to its own core, and prints ops/s, server CPU seconds and ops per
server CPU-second, with corokv/redis ratios. On a shared 2-core machine ops per CPU-second is
the steadier figure: it does not depend on how much CPU the load generator got."""

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TESTS = ["set", "get", "incr", "hset", "mset"]
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    """utime + stime of a process, from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def pinned(core, argv):
    return (["taskset", "-c", str(core)] + argv) if core is not None else argv


def wait_ready(port, proc, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"server on port {port} exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                if s.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"server on port {port} not ready")


class Target:
    def __init__(self, name, argv, port, core):
        self.name, self.port, self.core = name, port, core
        self.proc = subprocess.Popen(pinned(core, argv), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_ready(port, self.proc)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def run_benchmark(target, test, requests, clients, pipeline, client_core):
    """One redis-benchmark invocation for one command; returns (ops/s, server CPU seconds)."""
    argv = pinned(client_core, ["redis-benchmark", "-h", "127.0.0.1", "-p", str(target.port), "-t", test,
                                "-n", str(requests), "-c", str(clients), "-P", str(pipeline), "--csv", "-q"])
    before = cpu_seconds(target.proc.pid)
    out = subprocess.run(argv, capture_output=True, text=True, timeout=600).stdout
    cpu = cpu_seconds(target.proc.pid) - before
    for line in out.splitlines():
        cells = [c.strip('"') for c in line.split(",")]
        if len(cells) >= 2 and cells[0] != "test":
            return float(cells[1]), cpu
    sys.exit(f"no result from redis-benchmark for {test}:\n{out}")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("-n", type=int, default=200000, help="requests per benchmark run")
    ap.add_argument("-c", type=int, default=50, help="clients")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pipelines", default="1,16")
    ap.add_argument("--tests", default=",".join(TESTS))
    ap.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", "1")),
                    help="corokv worker threads (default 1: each server gets one core)")
    ap.add_argument("--quick", action="store_true", help="-n 50000, 1 round")
    ap.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    opts = ap.parse_args()
    if opts.quick:
        opts.n, opts.rounds = 50000, 1

    binary = os.environ.get("COROKV_BIN", os.path.join(REPO, "build", "release", "corokv-server"))
    can_pin = shutil.which("taskset") is not None and os.cpu_count() >= 2
    core_a, core_b = (0, 1) if can_pin else (None, None)
    workdir = tempfile.mkdtemp(prefix="corokv-bench-")
    port_a, port_b = free_port(), free_port()
    corokv = Target("corokv", [binary, "--port", str(port_a), "--bind", "127.0.0.1", "--threads",
                               str(opts.threads), "--dir", workdir], port_a, core_a)
    redis = Target("redis", ["redis-server", "--port", str(port_b), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", workdir], port_b, core_b)
    # The load generator runs on the core of the server that is idle during that run.
    client_core = {corokv: core_b, redis: core_a}
    print(f"corokv: {binary} ({opts.threads} thread(s)){' on core 0' if can_pin else ''}; "
          f"redis: {subprocess.run(['redis-server', '--version'], capture_output=True, text=True).stdout.split()[2]}"
          f"{' on core 1' if can_pin else ''}; redis-benchmark -n {opts.n} -c {opts.c}, {opts.rounds} rounds")
    try:
        for pipeline in [int(p) for p in opts.pipelines.split(",")]:
            results = {(t, s.name): [] for t in opts.tests.split(",") for s in (corokv, redis)}
            for _ in range(opts.rounds):
                for test in opts.tests.split(","):
                    for server in (corokv, redis):
                        results[(test, server.name)].append(
                            run_benchmark(server, test, opts.n, opts.c, pipeline, client_core[server]))
            print_table(results, opts, pipeline)
    finally:
        corokv.stop()
        redis.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def print_table(results, opts, pipeline):
    rows = []
    for test in opts.tests.split(","):
        row = [test.upper()]
        ops, per_cpu = {}, {}
        for name in ("corokv", "redis"):
            runs = results[(test, name)]
            ops[name] = statistics.median(r[0] for r in runs)
            total_cpu = sum(r[1] for r in runs)
            per_cpu[name] = opts.n * len(runs) / total_cpu if total_cpu > 0 else float("nan")
        row += [f"{ops['corokv']:,.0f}", f"{ops['redis']:,.0f}", f"{ops['corokv'] / ops['redis']:.2f}",
                f"{per_cpu['corokv']:,.0f}", f"{per_cpu['redis']:,.0f}", f"{per_cpu['corokv'] / per_cpu['redis']:.2f}"]
        rows.append(row)
    header = ["-P " + str(pipeline), "corokv ops/s", "redis ops/s", "ratio", "corokv ops/CPU-s",
              "redis ops/CPU-s", "ratio"]
    if opts.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for r in rows:
            print("| " + " | ".join(r) + " |")
    else:
        widths = [max(len(x) for x in col) for col in zip(header, *rows)]
        for r in [header] + rows:
            print("  ".join(x.rjust(w) for x, w in zip(r, widths)))
    print()


if __name__ == "__main__":
    main()
