"""corokv against a real redis-server on the same machine, side by side.

Starts both (release builds, 127.0.0.1, free ports), each pinned to its own core when taskset
is available, and runs `redis-benchmark -t set,get,incr,hset,mset -n 200000 -c 50` at -P 1 and
-P 16 against them in alternation (A B A B ..., 3 rounds). For every command it prints the
median ops/s of each server and the corokv/redis ratio, plus the CPU seconds each server spent
and ops per server CPU-second. On a shared 2-core machine ops per CPU-second is the steadier
figure: it does not depend on how much CPU the load generator happened to get.

Run through scripts/bench, which installs what is missing and builds the release binary.
COROKV_BIN overrides the corokv binary (a redis-server there compares redis with itself)."""

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
TESTS = "set,get,incr,hset,mset"
CLK_TCK = os.sysconf("SC_CLK_TCK")


class BenchError(Exception):
    pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    """utime + stime of a process (all its threads), from /proc/PID/stat."""
    with open(f"/proc/{pid}/stat") as f:
        # The command name may contain spaces and parentheses: fields start after the last ')'.
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def pick_cores():
    """Two cores to pin the servers to, or None when pinning is impossible."""
    if shutil.which("taskset") is None:
        return None
    cores = sorted(os.sched_getaffinity(0))
    return (cores[0], cores[1]) if len(cores) >= 2 else None


def pinned(core, argv):
    return ["taskset", "-c", str(core)] + argv if core is not None else argv


def is_redis_server(binary):
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10).stdout
    return out.startswith("Redis server")


def redis_version():
    out = subprocess.run(["redis-server", "--version"], capture_output=True, text=True, timeout=10).stdout
    return next((w[2:] for w in out.split() if w.startswith("v=")), "?")


class Server:
    """One server process; stopped by its pid, never by name."""

    def __init__(self, name, argv, port, core, workdir):
        self.name, self.port, self.core = name, port, core
        self.log_path = os.path.join(workdir, f"{name}.log")
        self.log = open(self.log_path, "wb")
        # taskset execs the server, so this pid is the server's own.
        self.proc = subprocess.Popen(pinned(core, argv), stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=workdir)

    def wait_ready(self, timeout=15.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            # Also after -LOADING: a tight reconnect loop would take CPU from the server it waits for.
            time.sleep(0.05)
        raise BenchError(f"{self.name} on port {self.port} not ready after {timeout}s\n{self.log_tail()}")

    def check_alive(self):
        if self.proc.poll() is not None:
            raise BenchError(f"{self.name} exited with {self.proc.returncode}\n{self.log_tail()}")

    def log_tail(self):
        with open(self.log_path, "rb") as f:
            return b"".join(f.readlines()[-20:]).decode(errors="replace")

    def cpu(self):
        return cpu_seconds(self.proc.pid)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def run_benchmark(server, test, opts, pipeline, client_core, extra=()):
    """One redis-benchmark run of one command; returns (ops/s, server CPU seconds)."""
    argv = pinned(client_core, ["redis-benchmark", "-h", "127.0.0.1", "-p", str(server.port),
                                "-t", test, "-n", str(opts.n), "-c", str(opts.c),
                                "-P", str(pipeline), *extra, "--csv", "-q"])
    before = server.cpu()
    out = subprocess.run(argv, capture_output=True, text=True, timeout=900)
    used = server.cpu() - before
    server.check_alive()
    # CSV: a header row ("test","rps",...) then one row per test, e.g. "MSET (10 keys)","81234.00",...
    for line in out.stdout.splitlines():
        cells = [c.strip('"') for c in line.split(",")]
        if len(cells) >= 2 and cells[0] != "test":
            try:
                return float(cells[1]), used
            except ValueError:
                pass
    raise BenchError(f"no result from redis-benchmark -t {test} against {server.name} "
                     f"(exit {out.returncode}):\n{out.stdout}{out.stderr}")


def encode(*args):
    """One command as a RESP multibulk."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def ratio(a, b):
    return f"{a / b:.2f}" if b > 0 else "-"


def summarize(runs, requests):
    """Median ops/s, median CPU seconds per run, and requests per CPU-second over all runs."""
    total_cpu = sum(cpu for _, cpu in runs)
    per_cpu = requests * len(runs) / total_cpu if total_cpu > 0 else 0.0
    return statistics.median(r for r, _ in runs), statistics.median(c for _, c in runs), per_cpu


def print_table(results, tests, opts, pipeline):
    header = [f"-P {pipeline}", "corokv ops/s", "redis ops/s", "ratio", "corokv CPU-s", "redis CPU-s",
              "corokv ops/CPU-s", "redis ops/CPU-s", "ratio"]
    rows = []
    for test in tests:
        k_ops, k_cpu, k_eff = summarize(results[(test, "corokv")], opts.n)
        r_ops, r_cpu, r_eff = summarize(results[(test, "redis")], opts.n)
        rows.append([test.upper(), f"{k_ops:,.0f}", f"{r_ops:,.0f}", ratio(k_ops, r_ops),
                     f"{k_cpu:.2f}", f"{r_cpu:.2f}", f"{k_eff:,.0f}", f"{r_eff:,.0f}", ratio(k_eff, r_eff)])
    render_table(header, rows, opts.markdown)


def render_table(header, rows, markdown):
    """Prints rows of strings as a Markdown table or as aligned columns (numbers right)."""
    if markdown:
        print("| " + " | ".join(header) + " |")
        print("|---|" + "---:|" * (len(header) - 1))
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(x) for x in col) for col in zip(header, *rows)]
        for row in [header] + rows:
            print("  ".join([row[0].ljust(widths[0])] + [x.rjust(w) for x, w in zip(row[1:], widths[1:])]))
    print()
    sys.stdout.flush()


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=200000, help="requests per redis-benchmark run (default 200000)")
    ap.add_argument("-c", type=int, default=50, help="parallel clients (default 50)")
    ap.add_argument("--rounds", type=int, default=3, help="A B rounds per command (default 3)")
    ap.add_argument("--pipelines", default="1,16", help="pipeline depths (default 1,16)")
    ap.add_argument("--tests", default=TESTS, help=f"redis-benchmark tests (default {TESTS})")
    ap.add_argument("--threads", type=int, default=None,
                    help="corokv worker threads (default $BENCH_THREADS, else 1 when pinned to one "
                         "core, else corokv's own default)")
    ap.add_argument("--quick", action="store_true", help="-n 50000, 1 round: a smoke run")
    ap.add_argument("--markdown", action="store_true", help="print the tables as Markdown (for README)")
    opts = ap.parse_args()
    if opts.quick:
        opts.n, opts.rounds = 50000, 1
    if opts.n <= 0 or opts.c <= 0 or opts.rounds <= 0:
        ap.error("-n, -c and --rounds must be positive")
    if opts.threads is None and os.environ.get("BENCH_THREADS"):
        opts.threads = int(os.environ["BENCH_THREADS"])
    return opts


def stop_on_signal(signum, _frame):
    # SystemExit unwinds through the finally below, which stops both servers.
    raise SystemExit(128 + signum)


def stop_on_signals():
    """SIGTERM/SIGHUP/SIGINT end the run through the callers' finally blocks."""
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, stop_on_signal)


def main():
    opts = parse_args()
    stop_on_signals()

    tests = [t.strip() for t in opts.tests.split(",") if t.strip()]
    pipelines = [int(p) for p in opts.pipelines.split(",")]
    binary = os.environ.get("COROKV_BIN") or os.path.join(REPO, "build", "release", "corokv-server")
    cores = pick_cores()
    core_k, core_r = cores if cores else (None, None)
    # corokv gets as many cores as redis: one, when pinned. 0 = corokv picks (all cores).
    threads = opts.threads if opts.threads is not None else (1 if cores else 0)
    redis_argv = ["redis-server", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    corokv_is_redis = is_redis_server(binary)

    workdir = tempfile.mkdtemp(prefix="corokv-bench-")
    servers = []
    try:
        port_k, port_r = free_port(), free_port()
        if corokv_is_redis:
            argv_k = [binary] + redis_argv[1:] + ["--port", str(port_k)]
        else:
            argv_k = [binary, "--bind", "127.0.0.1", "--port", str(port_k), "--threads", str(threads),
                      "--appendonly", "no", "--dir", workdir]
        corokv = Server("corokv", argv_k, port_k, core_k, workdir)
        servers.append(corokv)
        redis = Server("redis", redis_argv + ["--port", str(port_r), "--dir", workdir], port_r, core_r, workdir)
        servers.append(redis)
        corokv.wait_ready()
        redis.wait_ready()
        # The load generator runs on the core of the server that is idle during that run.
        client_core = {"corokv": core_r, "redis": core_k}

        where = (lambda c: f" on core {c}") if cores else (lambda c: "")
        threads_text = "redis-server" if corokv_is_redis else f"--threads {threads}" + (" (auto)" if threads == 0 else "")
        print(f"corokv: {binary} ({threads_text}){where(core_k)}; redis {redis_version()}{where(core_r)}; "
              f"{'load generator on the idle core' if cores else 'not pinned (no taskset or < 2 cores)'}")
        print(f"redis-benchmark -t {','.join(tests)} -n {opts.n} -c {opts.c}, {opts.rounds} round(s), "
              f"median ops/s; CPU-s = server CPU seconds per run (median)")
        print()
        sys.stdout.flush()

        start_cpu = {s.name: s.cpu() for s in servers}
        for pipeline in pipelines:
            results = {(t, s.name): [] for t in tests for s in servers}
            for round_no in range(1, opts.rounds + 1):
                for test in tests:
                    for server in (corokv, redis):
                        ops, cpu = run_benchmark(server, test, opts, pipeline, client_core[server.name])
                        results[(test, server.name)].append((ops, cpu))
                        print(f"  -P {pipeline} round {round_no}/{opts.rounds} {test.upper():5} "
                              f"{server.name:6} {ops:>12,.0f} ops/s  {cpu:6.2f} CPU-s", file=sys.stderr)
            print_table(results, tests, opts, pipeline)
        total = {s.name: s.cpu() - start_cpu[s.name] for s in servers}
        print(f"CPU seconds during the whole run: corokv {total['corokv']:.2f}, redis {total['redis']:.2f}")
    except BenchError as e:
        sys.exit(f"bench: {e}")
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
