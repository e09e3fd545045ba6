"""maxmemory eviction and expiry at scale: corokv against a real redis-server, side by side.

Both servers get the same maxmemory (default 64mb) and policy, the same key and value sizes
(10-byte keys, --value-size byte values) and the same seeded access stream; every scenario
starts a fresh pair of servers (so max RSS is that scenario's), pinned to their own cores like
scripts/bench, and drives them one after the other from a pipelined raw-socket client that
runs on the idle server's core. "Nominal capacity" = maxmemory / (value size + 90) only sizes
the workloads; how many keys each server really holds is reported (DBSIZE at the end).

1. allkeys-lru, hot set. Preload 1.5x the nominal capacity, ending with a hot set of 20% of
   it. Then -n operations: 45% GET of a uniformly chosen hot key, 45% SET of a new distinct key
   (a cold flood, never read again), 10% GET of one of the last capacity/2 cold keys.
   Read-through: every miss is SET back in the next pipelined batch, as a cache does.
2a. Zipf GETs (s = --zipf-s, default 1.0) over a keyspace 4x the nominal capacity, with
   allkeys-lfu and then allkeys-lru on the same stream. Preload: 1.5x capacity distinct keys in
   a seeded random order (the cache starts full). Then -n GETs, read-through. Hit rates are
   those of the second half (steady state).
2b. (--scan F) the same with a fraction F of the GETs replaced by one-time reads of new keys,
   a scan polluting the cache: the case LFU is meant for.
   References in both: "ideal" is what a cache holding exactly the most popular keys (as many
   as the server held at the end) would get; "exact LRU" is a simulated perfect LRU of the
   same size on the same stream, so approximation quality and capacity are told apart.
3. Expiry reclamation (maxmemory 0, noeviction): --expire-keys keys (default 1,000,000) SET
   with PX, pipelined, never read. A Python client cannot load 1M keys within a second, so
   the PX values place every deadline 1-5 s (seeded) after the end of the load, estimated from
   a calibration load of throw-away keys (then FLUSHALL) and pushed later if the rate drops.
   DBSIZE, used_memory and RSS are then polled every 100 ms until DBSIZE is 0. Reports the
   seconds from the last deadline (client side: acknowledgement time + PX, an upper bound)
   until DBSIZE == 0, and memory fresh, loaded, at DBSIZE 0 and 2 s later.

Every table has corokv, redis and corokv/redis. ops/s is measured by the client (Python is
often the bottleneck there); "ops/CPU-s" divides the operations by the server's CPU seconds
(utime+stime), the steadier figure on a 2-core machine. Hit rates depend a little on speed:
both servers keep LRU/LFU clocks in real time (Redis's LRU clock has 1 s resolution).
About 4 minutes with the defaults on an idle 2-core machine.

Run through `scripts/bench --eviction [options]`. COROKV_BIN overrides the corokv binary (a
redis-server there compares redis with itself)."""

import argparse
import collections
import itertools
import os
import random
import shutil
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import (REPO, BenchError, Server, encode, free_port, is_redis_server, pick_cores,  # noqa: E402
                   redis_version, render_table, stop_on_signals)

BATCH = 1000           # commands per pipelined write
KEY_FORMAT = b"k:%08d"  # 10-byte keys
KEY_LEN = 10
PER_KEY_OVERHEAD = 90  # bytes per key besides its value, for the nominal capacity
HOT_FRACTION = 0.20    # hot set, of the nominal capacity
ZIPF_KEYSPACE = 4      # Zipf keyspace, times the nominal capacity
PRELOAD = 1.5          # keys preloaded, times the nominal capacity
EXPIRE_TIMEOUT = 60.0  # seconds after the last deadline to wait for DBSIZE 0

HIT, NIL, OK, ERR = 1, 0, 2, -1


def status_field(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def rss(pid):
    return status_field(pid, "VmRSS")


def max_rss(pid):
    """Peak RSS of the process so far (VmHWM)."""
    return status_field(pid, "VmHWM")


def parse_size(text):
    units = {"k": 1000, "kb": 1024, "m": 1000 ** 2, "mb": 1024 ** 2, "g": 1000 ** 3, "gb": 1024 ** 3}
    t = text.strip().lower()
    for suffix in ("kb", "mb", "gb", "k", "m", "g"):
        if t.endswith(suffix):
            return int(t[:-len(suffix)]) * units[suffix]
    return int(t)


class Pipe:
    """One connection that sends big pipelined batches and classifies replies quickly."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=120)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.pos = 0
        self.errors = {}  # error line -> count

    def close(self):
        self.sock.close()

    def _more(self):
        if self.pos:
            del self.buf[:self.pos]
            self.pos = 0
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise BenchError("connection closed by the server")
        self.buf += chunk

    def replies(self, count):
        """Reads `count` replies: HIT for a non-nil bulk, NIL, OK for a status or integer, ERR."""
        out = []
        append = out.append
        buf, pos = self.buf, self.pos
        while len(out) < count:
            eol = buf.find(b"\r\n", pos)
            if eol < 0:
                self.pos = pos
                self._more()
                buf, pos = self.buf, self.pos
                continue
            kind = buf[pos]
            if kind == 36 and buf[pos + 1] == 45:  # $-1
                append(NIL)
                pos = eol + 2
                continue
            if kind == 36:  # $
                n = int(buf[pos + 1:eol])
                if n < 0:
                    append(NIL)
                    pos = eol + 2
                    continue
                end = eol + n + 4
                if end > len(buf):
                    self.pos = pos
                    self._more()
                    buf, pos = self.buf, self.pos
                    continue
                append(HIT)
                pos = end
            elif kind == 43 or kind == 58:  # + :
                append(OK)
                pos = eol + 2
            elif kind == 45:  # -
                line = bytes(buf[pos:eol])
                self.errors[line] = self.errors.get(line, 0) + 1
                append(ERR)
                pos = eol + 2
            else:
                raise BenchError(f"unexpected reply {bytes(buf[pos:pos + 40])!r}")
        self.pos = pos
        return out

    def run(self, commands):
        self.sock.sendall(b"".join(commands))
        return self.replies(len(commands))

    def call(self, *args):
        """One command; the reply as bytes (bulk), int, or str (status); errors raise."""
        self.sock.sendall(encode(*args))
        while True:
            buf, pos = self.buf, self.pos
            eol = buf.find(b"\r\n", pos)
            if eol >= 0:
                kind, body = buf[pos], bytes(buf[pos + 1:eol])
                if kind == 36:
                    n = int(body)
                    if n < 0:
                        self.pos = eol + 2
                        return None
                    if eol + n + 4 <= len(buf):
                        self.pos = eol + n + 4
                        return bytes(buf[eol + 2:eol + 2 + n])
                elif kind == 58:
                    self.pos = eol + 2
                    return int(body)
                elif kind == 43:
                    self.pos = eol + 2
                    return body.decode()
                elif kind == 45:
                    self.pos = eol + 2
                    raise BenchError(f"{args[0]}: {body.decode(errors='replace')}")
                else:
                    raise BenchError(f"unexpected reply {bytes(buf[pos:pos + 40])!r}")
            self._more()

    def info(self, section):
        fields = {}
        for line in self.call("INFO", section).decode().split("\r\n"):
            if ":" in line and not line.startswith("#"):
                k, v = line.split(":", 1)
                fields[k] = v
        return fields


def info_int(fields, name):
    try:
        return int(float(fields.get(name, "0")))
    except ValueError:
        return 0


class Templates:
    def __init__(self, value_size, key_format=KEY_FORMAT, key_len=KEY_LEN):
        value = b"v" * value_size
        self.get = b"*2\r\n$3\r\nGET\r\n$%d\r\n" % key_len + key_format + b"\r\n"
        self.set = (b"*3\r\n$3\r\nSET\r\n$%d\r\n" % key_len + key_format +
                    b"\r\n$%d\r\n" % value_size + value + b"\r\n")
        # Followed by the PX argument: see px().
        self.set_px = (b"*5\r\n$3\r\nSET\r\n$%d\r\n" % key_len + key_format +
                       b"\r\n$%d\r\n" % value_size + value + b"\r\n$2\r\nPX\r\n")

    def set_with_px(self, key_id, ms):
        digits = b"%d" % ms
        return self.set_px % key_id + b"$%d\r\n%s\r\n" % (len(digits), digits)


def preload(pipe, tpl, ids):
    for start in range(0, len(ids), BATCH):
        pipe.run([tpl.set % i for i in ids[start:start + BATCH]])


class Counters:
    def __init__(self):
        self.gets = self.hits = self.sets = 0
        self.by_class = {}  # class -> [gets, hits]

    def hit_rate(self, cls=None):
        g, h = (self.gets, self.hits) if cls is None else self.by_class.get(cls, (0, 0))
        return h / g if g else 0.0


def build_batches(tpl, stream):
    """The stream as pipelined payloads, built before the clock starts: a list of
    (payload, [(op, key id, class)])."""
    batches = []
    get, put = tpl.get, tpl.set
    for start in range(0, len(stream), BATCH):
        chunk = stream[start:start + BATCH]
        batches.append((b"".join([(get if op == "G" else put) % key for op, key, _ in chunk]), chunk))
    return batches


def run_stream(pipe, tpl, batches, measure_from=0):
    """Drives pre-built batches of GET ('G') and SET ('S'). Every miss is SET back in front of
    the next batch (read-through). GETs from stream index `measure_from` on count towards the
    hit rates. Returns (counters, operations sent, seconds)."""
    counters = Counters()
    by_class = counters.by_class
    pending_sets = []
    ops = 0
    index = 0
    put = tpl.set
    started = time.monotonic()
    for payload, chunk in batches:
        n_sets = len(pending_sets)
        if n_sets:
            pipe.sock.sendall(b"".join([put % i for i in pending_sets]) + payload)
        else:
            pipe.sock.sendall(payload)
        replies = pipe.replies(n_sets + len(chunk))
        ops += n_sets + len(chunk)
        counters.sets += n_sets
        misses = set()
        for (op, key, cls), reply in zip(chunk, replies[n_sets:] if n_sets else replies):
            index += 1
            if op != "G":
                counters.sets += 1
                continue
            if reply == NIL:
                misses.add(key)
            if index <= measure_from:
                continue
            slot = by_class.get(cls)
            if slot is None:
                slot = by_class[cls] = [0, 0]
            slot[0] += 1
            if reply == HIT:
                slot[1] += 1
        pending_sets = sorted(misses)
    if pending_sets:
        pipe.run([put % i for i in pending_sets])
        ops += len(pending_sets)
        counters.sets += len(pending_sets)
    counters.gets = sum(g for g, _ in by_class.values())
    counters.hits = sum(h for _, h in by_class.values())
    return counters, ops, time.monotonic() - started


def hot_set_stream(rng, capacity, requests):
    """Key ids: hot set 0..H-1; cold keys from H on (preload first, then the flood)."""
    hot = max(1, int(capacity * HOT_FRACTION))
    n_preload_cold = int(capacity * PRELOAD) - hot
    preload_ids = list(range(hot, hot + n_preload_cold)) + list(range(hot))
    next_cold = hot + n_preload_cold
    recent = max(1, capacity // 2)
    stream = []
    for _ in range(requests):
        x = rng.random()
        if x < 0.45:
            stream.append(("G", rng.randrange(hot), "hot"))
        elif x < 0.90:
            stream.append(("S", next_cold, "cold"))
            next_cold += 1
        else:
            low = max(hot, next_cold - recent)
            stream.append(("G", rng.randrange(low, next_cold), "cold"))
    return preload_ids, stream, hot


def zipf_stream(rng, capacity, requests, s, scan=0.0):
    """Zipf GETs over 4x capacity keys; with `scan` > 0 that fraction of the GETs reads keys
    that are never read again (a scan polluting the cache), ids from the keyspace on."""
    keyspace = capacity * ZIPF_KEYSPACE
    cdf = list(itertools.accumulate(1.0 / (rank ** s) for rank in range(1, keyspace + 1)))
    # Rank r is key id perm[r]: popularity is not the order of the ids.
    perm = list(range(keyspace))
    rng.shuffle(perm)
    ranks = rng.choices(range(keyspace), cum_weights=cdf, k=requests)
    stream = [("G", perm[r], "zipf") for r in ranks]
    if scan > 0:
        next_scan = keyspace
        for i in range(requests):
            if rng.random() < scan:
                stream[i] = ("G", next_scan, "scan")
                next_scan += 1
    preload_ids = rng.sample(range(keyspace), int(capacity * PRELOAD))
    return preload_ids, stream, cdf


def simulate_lru(preload_ids, stream, capacity, measure_from):
    """Hit rates of an exact LRU cache of `capacity` keys on the same stream (read-through,
    the miss inserted at once): what a perfect LRU holding as many keys as a server would get.
    Returns {class: hit rate, None: overall}."""
    cache = collections.OrderedDict()
    move, pop = cache.move_to_end, cache.popitem
    for key in preload_ids:
        cache[key] = None
        if len(cache) > capacity:
            pop(last=False)
    gets, hits = collections.Counter(), collections.Counter()
    for index, (op, key, cls) in enumerate(stream):
        if key in cache:
            move(key)
            if op == "G" and index >= measure_from:
                gets[cls] += 1
                hits[cls] += 1
            continue
        if op == "G" and index >= measure_from:
            gets[cls] += 1
        cache[key] = None
        if len(cache) > capacity:
            pop(last=False)
    rates = {cls: hits[cls] / gets[cls] for cls in gets}
    rates[None] = sum(hits.values()) / max(1, sum(gets.values()))
    return rates


def fmt_bytes(n):
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if abs(n) >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} B"


def ratio(a, b):
    return f"{a / b:.2f}" if b else "-"


def print_table(title, rows, opts):
    """rows: (metric, corokv value, redis value, formatter, with ratio?)"""
    header = ["", "corokv", "redis", "corokv/redis"]
    lines = []
    for metric, k, r, fmt, with_ratio in rows:
        if k is None or r is None:
            lines.append([metric, fmt(k) if k is not None else "-", fmt(r) if r is not None else "-", "-"])
        else:
            lines.append([metric, fmt(k), fmt(r), ratio(k, r) if with_ratio else "-"])
    print(title)
    render_table(header, lines, opts.markdown)


def pct(x):
    return f"{100 * x:.2f}%"


def count(x):
    return f"{x:,.0f}"


def secs(x):
    return f"{x:.2f} s"


class Bench:
    def __init__(self, opts):
        self.opts = opts
        self.binary = os.environ.get("COROKV_BIN") or os.path.join(REPO, "build", "release", "corokv-server")
        self.corokv_is_redis = is_redis_server(self.binary)
        cores = pick_cores()
        self.cores = cores
        self.core_k, self.core_r = cores if cores else (None, None)
        self.workdir = tempfile.mkdtemp(prefix="corokv-bench-ev-")
        self.capacity = opts.maxmemory_bytes // (opts.value_size + PER_KEY_OVERHEAD)
        self.affinity = os.sched_getaffinity(0)
        self.lru_cache = {}

    def argv(self, name, port, config):
        """The command line of one server: a function of its name, port and Redis-style config,
        so a redis-server in COROKV_BIN stands in for corokv."""
        flags = [x for k, v in config.items() for x in (f"--{k}", str(v))]
        redis_argv = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                      "--appendonly", "no", "--dir", self.workdir]
        if name == "redis":
            return redis_argv + flags
        if self.corokv_is_redis:
            return [self.binary] + redis_argv[1:] + flags
        return [self.binary, "--bind", "127.0.0.1", "--port", str(port), "--threads", "1",
                "--appendonly", "no", "--dir", self.workdir] + flags

    def start(self, config):
        servers = []
        try:
            for name, core in (("corokv", self.core_k), ("redis", self.core_r)):
                port = free_port()
                servers.append(Server(name, self.argv(name, port, config), port, core, self.workdir))
            for s in servers:
                s.wait_ready()
        except BaseException:
            for s in servers:
                s.stop()
            raise
        return servers

    def client_core(self, server):
        """The load generator runs on the other server's core."""
        if self.cores is None:
            return None
        return self.core_r if server.name == "corokv" else self.core_k

    def pin_client(self, server):
        core = self.client_core(server)
        if core is not None:
            os.sched_setaffinity(0, {core})

    def unpin_client(self):
        if self.cores is not None:
            os.sched_setaffinity(0, self.affinity)

    def workload(self, config, preload_ids, stream, measure_from):
        """Fresh servers with `config`; preload, then the stream, on each server in turn."""
        tpl = Templates(self.opts.value_size)
        batches = build_batches(tpl, stream)
        results = {}
        servers = self.start(config)
        try:
            for server in servers:
                self.pin_client(server)
                pipe = Pipe(server.port)
                preload(pipe, tpl, preload_ids)
                cpu_before = server.cpu()
                counters, ops, seconds = run_stream(pipe, tpl, batches, measure_from)
                cpu = server.cpu() - cpu_before
                stats, memory = pipe.info("stats"), pipe.info("memory")
                results[server.name] = {
                    "counters": counters, "ops": ops, "seconds": seconds, "cpu": cpu,
                    "evicted": info_int(stats, "evicted_keys"),
                    "dbsize": pipe.call("DBSIZE"),
                    "used_memory": info_int(memory, "used_memory"),
                    "max_rss": max_rss(server.proc.pid),
                    "errors": dict(pipe.errors),
                }
                pipe.close()
                server.check_alive()
                self.progress(f"  {server.name}: {ops:,} ops in {seconds:.1f} s, hit rate "
                              f"{pct(counters.hit_rate())}")
        finally:
            self.unpin_client()
            for s in servers:
                s.stop()
        for name, res in results.items():
            for line, n in res["errors"].items():
                print(f"  {name}: {n:,} x {line.decode(errors='replace')}")
        return results

    def common_rows(self, res):
        k, r = res["corokv"], res["redis"]
        return [
            ("evicted_keys", k["evicted"], r["evicted"], count, True),
            ("keys held at end (DBSIZE)", k["dbsize"], r["dbsize"], count, True),
            ("used_memory at end", k["used_memory"], r["used_memory"], fmt_bytes, True),
            ("max RSS", k["max_rss"], r["max_rss"], fmt_bytes, True),
            ("ops/s (client)", k["ops"] / k["seconds"], r["ops"] / r["seconds"], count, True),
            ("server CPU-s", k["cpu"], r["cpu"], lambda x: f"{x:.2f}", True),
            ("ops/CPU-s", k["ops"] / k["cpu"] if k["cpu"] else 0, r["ops"] / r["cpu"] if r["cpu"] else 0,
             count, True),
        ]

    def progress(self, text):
        print(text, file=sys.stderr)
        sys.stderr.flush()

    def hot_set(self):
        rng = random.Random(self.opts.seed)
        preload_ids, stream, hot = hot_set_stream(rng, self.capacity, self.opts.requests)
        self.progress(f"hot set: allkeys-lru, {len(preload_ids):,} preloaded, {len(stream):,} ops")
        res = self.workload(self.config("allkeys-lru"), preload_ids, stream, 0)
        k, r = res["corokv"]["counters"], res["redis"]["counters"]
        sim_k = self.lru_reference(preload_ids, stream, res["corokv"]["dbsize"], 0)
        sim_r = self.lru_reference(preload_ids, stream, res["redis"]["dbsize"], 0)
        print_table(
            f"1. allkeys-lru, hot set of {hot:,} keys: {len(preload_ids):,} keys preloaded, then "
            f"{len(stream):,} ops (45% GET hot, 45% SET new key, 10% GET recent cold key), "
            f"read-through", [
                ("hot-set hit rate", k.hit_rate("hot"), r.hit_rate("hot"), pct, True),
                ("recent cold-key hit rate", k.hit_rate("cold"), r.hit_rate("cold"), pct, True),
                ("overall hit rate", k.hit_rate(), r.hit_rate(), pct, True),
                ("exact LRU, keys held: hot set", sim_k["hot"], sim_r["hot"], pct, True),
                ("exact LRU, keys held: overall", sim_k[None], sim_r[None], pct, True),
            ] + self.common_rows(res), self.opts)

    def lru_reference(self, preload_ids, stream, held, measure_from):
        key = (id(stream), held, measure_from)
        if key not in self.lru_cache:
            self.lru_cache[key] = simulate_lru(preload_ids, stream, held, measure_from)
        return self.lru_cache[key]

    def zipf(self):
        for scan in [0.0] + ([self.opts.scan] if self.opts.scan > 0 else []):
            self.zipf_variant(scan)

    def zipf_variant(self, scan):
        rng = random.Random(self.opts.seed + (1 if scan == 0 else 3))
        preload_ids, stream, cdf = zipf_stream(rng, self.capacity, self.opts.requests, self.opts.zipf_s, scan)
        half = len(stream) // 2
        what = f"Zipf s={self.opts.zipf_s} GETs over {len(cdf):,} keys" + \
            (f" + {100 * scan:.0f}% one-time GETs of new keys (a scan)" if scan else "")
        rates = {}

        def ideal(held):
            held = min(max(held, 0), len(cdf))
            return cdf[held - 1] / cdf[-1] if held else 0.0
        for policy in ("allkeys-lfu", "allkeys-lru"):
            self.progress(f"zipf{' + scan' if scan else ''}: {policy}, {len(preload_ids):,} preloaded, "
                          f"{len(stream):,} GETs")
            res = self.workload(self.config(policy), preload_ids, stream, half)
            k, r = res["corokv"]["counters"], res["redis"]["counters"]
            held_k, held_r = res["corokv"]["dbsize"], res["redis"]["dbsize"]
            sim_k = self.lru_reference(preload_ids, stream, held_k, half)
            sim_r = self.lru_reference(preload_ids, stream, held_r, half)
            rates[policy] = (k.hit_rate("zipf"), r.hit_rate("zipf"))
            rows = [("hit rate, Zipf keys", k.hit_rate("zipf"), r.hit_rate("zipf"), pct, True)]
            if scan:
                rows.append(("hit rate, all GETs", k.hit_rate(), r.hit_rate(), pct, True))
            rows += [
                ("ideal: most popular keys held", ideal(held_k), ideal(held_r), pct, True),
                ("exact LRU, keys held", sim_k["zipf"], sim_r["zipf"], pct, True),
                ("read-through SETs", k.sets, r.sets, count, True),
            ]
            print_table(f"2{'b' if scan else 'a'}. {policy}, {what}: {len(preload_ids):,} keys preloaded, "
                        f"{len(stream):,} GETs, read-through; hit rates of the second half",
                        rows + self.common_rows(res), self.opts)
        lfu, lru = rates["allkeys-lfu"], rates["allkeys-lru"]
        print(f"allkeys-lfu minus allkeys-lru, Zipf-key hit rate{' with the scan' if scan else ''}: "
              f"corokv {100 * (lfu[0] - lru[0]):+.2f} points, redis {100 * (lfu[1] - lru[1]):+.2f} points")
        print()

    def expiry(self):
        n = self.opts.expire_keys
        rng = random.Random(self.opts.seed + 2)
        ttls = [rng.randint(1000, 5000) for _ in range(n)]
        tpl = Templates(self.opts.value_size, b"e:%08d", 10)
        calibration = Templates(self.opts.value_size, b"c:%08d", 10)
        self.progress(f"expiry: {n:,} keys with TTLs of 1-5 s after the load")
        results = {}
        servers = self.start({"maxmemory": "0", "maxmemory-policy": "noeviction"})
        try:
            for server in servers:
                self.pin_client(server)
                pipe = Pipe(server.port)
                pid = server.proc.pid
                # Deadlines 1-5 s after the end of the load (a Python client cannot load 1M keys
                # in a second): the load rate, measured on throw-away keys, gives a first guess
                # of that end with a margin, pushed later while loading if the rate drops.
                time.sleep(0.2)
                base_used, base_rss = info_int(pipe.info("memory"), "used_memory"), rss(pid)
                calibrate = min(n, 100_000)
                started = time.monotonic()
                for start in range(0, calibrate, BATCH):
                    pipe.run([calibration.set_with_px(i, 600_000) for i in range(start, min(start + BATCH, calibrate))])
                rate = calibrate / (time.monotonic() - started)
                pipe.call("FLUSHALL")
                time.sleep(0.5)
                started = time.monotonic()
                estimate = n / rate
                load_end = started + 1.5 * estimate + 0.5
                latest_end = started + 4 * estimate + 0.5  # a stall must not spread the deadlines
                first_deadline, last_deadline = float("inf"), 0.0
                for start in range(0, n, BATCH):
                    sending = time.monotonic()
                    if start >= 20 * BATCH:
                        projected = sending + 1.25 * (n - start) * (sending - started) / start
                        load_end = min(max(load_end, projected), latest_end)
                    offset = max(0, int((load_end - sending) * 1000))
                    stop = min(start + BATCH, n)
                    pipe.run([tpl.set_with_px(i, ttls[i] + offset) for i in range(start, stop)])
                    # Each key's deadline is at most this: acknowledged now, PX from its arrival.
                    first_deadline = min(first_deadline, sending + (offset + min(ttls[start:stop])) / 1000)
                    last_deadline = max(last_deadline, time.monotonic() + (offset + max(ttls[start:stop])) / 1000)
                load_seconds = time.monotonic() - started
                loaded_used, loaded_rss = info_int(pipe.info("memory"), "used_memory"), rss(pid)
                loaded_keys = pipe.call("DBSIZE")
                expired_before = info_int(pipe.info("stats"), "expired_keys")
                peak_rss = loaded_rss
                empty_at = None
                cpu_before = server.cpu()
                while True:
                    keys = pipe.call("DBSIZE")
                    peak_rss = max(peak_rss, rss(pid))
                    now = time.monotonic()
                    if keys == 0:
                        empty_at = now
                        break
                    if now > last_deadline + EXPIRE_TIMEOUT:
                        break
                    time.sleep(0.1)
                cpu = server.cpu() - cpu_before
                memory = pipe.info("memory")
                empty_used, empty_rss = info_int(memory, "used_memory"), rss(pid)
                time.sleep(2.0)
                settled_used, settled_rss = info_int(pipe.info("memory"), "used_memory"), rss(pid)
                stats = pipe.info("stats")
                results[server.name] = {
                    "load": load_seconds, "loaded_keys": loaded_keys, "early": expired_before,
                    "window": last_deadline - first_deadline,
                    "reclaim": (empty_at - last_deadline) if empty_at else None,
                    "left": keys, "expired": info_int(stats, "expired_keys"), "cpu": cpu,
                    "stale": stats.get("expired_stale_perc", "-"),
                    "used": (base_used, loaded_used, empty_used, settled_used),
                    "rss": (base_rss, loaded_rss, empty_rss, settled_rss, peak_rss),
                }
                pipe.close()
                server.check_alive()
                self.progress(f"  {server.name}: loaded in {load_seconds:.1f} s, "
                              + (f"empty {empty_at - last_deadline:+.2f} s after the last deadline"
                                 if empty_at else f"{keys:,} keys left after {EXPIRE_TIMEOUT:.0f} s"))
        finally:
            self.unpin_client()
            for s in servers:
                s.stop()
        k, r = results["corokv"], results["redis"]
        signed = lambda x: f"{x:+.2f} s"  # noqa: E731
        rows = [
            ("load time (pipelined SET PX)", k["load"], r["load"], secs, True),
            ("keys right after loading", k["loaded_keys"], r["loaded_keys"], count, True),
            ("expired during the load", k["early"], r["early"], count, False),
            ("deadline window (first..last)", k["window"], r["window"], secs, False),
            ("DBSIZE 0, after last deadline", k["reclaim"], r["reclaim"], signed, False),
            ("expired_keys", k["expired"], r["expired"], count, True),
            ("server CPU-s while expiring", k["cpu"], r["cpu"], lambda x: f"{x:.2f}", True),
        ]
        for label, i in (("fresh server", 0), ("loaded", 1), ("at DBSIZE 0", 2), ("2 s later", 3)):
            rows.append((f"used_memory {label}", k["used"][i], r["used"][i], fmt_bytes, True))
        for label, i in (("fresh server", 0), ("loaded", 1), ("peak", 4), ("at DBSIZE 0", 2), ("2 s later", 3)):
            rows.append((f"RSS {label}", k["rss"][i], r["rss"][i], fmt_bytes, True))
        for name, res in results.items():
            if res["reclaim"] is None:
                print(f"  {name}: {res['left']:,} keys still there {EXPIRE_TIMEOUT:.0f} s after the last deadline")
        print_table(f"3. Expiry: {n:,} keys ({self.opts.value_size}-byte values), SET PX with deadlines 1-5 s "
                    f"after the end of the load, never read; maxmemory 0", rows, self.opts)

    def config(self, policy):
        return {"maxmemory": self.opts.maxmemory, "maxmemory-policy": policy}

    def run(self):
        where = (lambda c: f" on core {c}") if self.cores else (lambda c: "")
        what = "redis-server" if self.corokv_is_redis else "--threads 1"
        print(f"corokv: {self.binary} ({what}){where(self.core_k)}; redis {redis_version()}{where(self.core_r)}; "
              f"{'client on the idle core' if self.cores else 'not pinned'}")
        print(f"maxmemory {self.opts.maxmemory}, {KEY_LEN}-byte keys, {self.opts.value_size}-byte values, "
              f"nominal capacity {self.capacity:,} keys, -n {self.opts.requests:,}, seed {self.opts.seed}")
        print()
        sys.stdout.flush()
        started = time.monotonic()
        for name in self.opts.only:
            {"hot": self.hot_set, "zipf": self.zipf, "expire": self.expiry}[name]()
        print(f"total {time.monotonic() - started:.0f} s")

    def cleanup(self):
        shutil.rmtree(self.workdir, ignore_errors=True)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", "--requests", type=int, default=1_000_000,
                    help="operations per workload run (default 1,000,000)")
    ap.add_argument("--maxmemory", default="64mb", help="maxmemory for both servers (default 64mb)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the access streams (default 1)")
    ap.add_argument("--value-size", type=int, default=100, help="value bytes (default 100)")
    ap.add_argument("--zipf-s", type=float, default=1.0, help="Zipf exponent (default 1.0)")
    ap.add_argument("--scan", type=float, default=0.0,
                    help="also run the Zipf stream with this fraction of one-time GETs of new keys (a scan "
                         "polluting the cache), e.g. 0.2; default 0: not run")
    ap.add_argument("--expire-keys", type=int, default=1_000_000, help="keys in the expiry run (default 1,000,000)")
    ap.add_argument("--only", default="hot,zipf,expire", help="scenarios to run (default hot,zipf,expire)")
    ap.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    opts = ap.parse_args()
    opts.only = [x.strip() for x in opts.only.split(",") if x.strip()]
    for name in opts.only:
        if name not in ("hot", "zipf", "expire"):
            ap.error(f"unknown scenario {name!r} (hot, zipf, expire)")
    try:
        opts.maxmemory_bytes = parse_size(opts.maxmemory)
    except ValueError:
        ap.error(f"bad --maxmemory {opts.maxmemory!r}")
    if opts.requests <= 0 or opts.maxmemory_bytes <= 0 or opts.value_size <= 0 or opts.expire_keys <= 0:
        ap.error("-n, --maxmemory, --value-size and --expire-keys must be positive")
    return opts


def main():
    opts = parse_args()
    stop_on_signals()
    bench = Bench(opts)
    try:
        bench.run()
    except BenchError as e:
        sys.exit(f"bench: {e}")
    finally:
        bench.cleanup()


if __name__ == "__main__":
    main()
