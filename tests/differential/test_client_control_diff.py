"""CLIENT control commands, MONITOR, the `timeout` config and SLOWLOG: integration tests with a
differential core. Each test is a scenario run on the server under test and on a real
redis-server 7.0 (the oracle); the transcripts of normalized replies must be equal, `want=`
values are checked against the oracle, and timing facts are asserted on each server with
generous slack. Normalized: addresses become connection names; CLIENT LIST / INFO keep all field
names in order and the values of name, flags, db, sub, psub, ssub, multi, cmd, user, redir, resp;
MONITOR lines keep db, client and arguments (timestamp checked against the clock); SLOWLOG
entries keep arguments, client and name (id steps kept, times range-checked).

What it proves: CLIENT LIST / INFO (fields, flags x/e/P/b/O/N, TYPE and ID filters), CLIENT
KILL (ID, ADDR, LADDR, USER, TYPE, SKIPME, the old ip:port form, self-kill, errors), CLIENT
PAUSE WRITE / ALL / UNPAUSE (what is delayed, what is not, how two pauses combine), CLIENT
REPLY ON / OFF / SKIP, CLIENT NO-EVICT, CLIENT UNBLOCK, CLIENT ID / GETNAME / SETNAME, MONITOR
(format, quoting, redaction, which commands are not shown), `timeout` (which clients are
exempt), SLOWLOG GET / LEN / RESET, slowlog-max-len, argument truncation and redaction.

Run (from the repo root; server under test = build/release/corokv-server, or COROKV_BIN):
    /usr/bin/python3 tests/run_python.py --suite differential -k test_client_control_diff
Validate the suite itself (server under test = a second real redis-server; must pass 100%):
    CC_AGAINST=redis /usr/bin/python3 tests/run_python.py --suite differential -k test_client_control_diff
"""

import itertools
import os
import re
import shutil
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pylib.servers import RawClient, encode_command, parse_reply, start_corokv, start_redis  # noqa: E402

AGAINST = os.environ.get("CC_AGAINST", "corokv")
TIMEOUT = 5.0  # per reply: a missing reply fails, never hangs

OK, PONG = b"+OK\r\n", b"+PONG\r\n"
FIELDS = [b"id", b"addr", b"laddr", b"fd", b"name", b"age", b"idle", b"flags", b"db", b"sub", b"psub", b"ssub",
          b"multi", b"qbuf", b"qbuf-free", b"argv-mem", b"multi-mem", b"rbs", b"rbp", b"obl", b"oll", b"omem",
          b"tot-mem", b"events", b"cmd", b"user", b"redir", b"resp"]
KEPT = {b"name", b"flags", b"db", b"sub", b"psub", b"ssub", b"multi", b"cmd", b"user", b"redir", b"resp"}
MONITOR_LINE = re.compile(rb"^\+(\d+)\.(\d{6}) \[(\d+) ([^\]]+)\] (.*)\r\n$", re.S)
NO_SUCH_CLIENT = b"-ERR No such client\r\n"
BAD_ID = b"-ERR client-id should be greater than 0\r\n"
SYNTAX = b"-ERR syntax error\r\n"


def bulk(s):
    return b"$%d\r\n%s\r\n" % (len(s), s)


def arity(name):
    return b"-ERR wrong number of arguments for '%s' command\r\n" % name


class Run:
    """One scenario on one server: named connections and the recorded transcript."""

    def __init__(self, test, server, oracle):
        self.test, self.port, self.oracle = test, server.port, oracle
        self.label = "redis" if oracle else AGAINST
        self.out, self.conns, self.names, self.t0 = [], [], {}, time.time()
        self.a = self.conn("a")  # resets the server, then is the scenario's first connection
        for cmd in (["CLIENT", "UNPAUSE"], ["CONFIG", "SET", "timeout", "0"], ["CONFIG", "SET", "slowlog-max-len", "128"],
                    ["CONFIG", "SET", "slowlog-log-slower-than", "10000"], ["FLUSHALL"], ["ACL", "DELUSER", "u"],
                    ["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"], ["CLIENT", "KILL", "TYPE", "pubsub", "SKIPME", "yes"]):
            self.a.call(*cmd)

    def conn(self, name, proto=2):
        c = RawClient(self.port, timeout=TIMEOUT)
        self.conns.append(c)
        self.names["127.0.0.1:%d" % c.sock.getsockname()[1]] = name
        # one round trip, so that the server has accepted the connection (CLIENT KILL counts)
        if not c.call(*(["HELLO", "3"] if proto == 3 else ["PING"])).startswith(b"%" if proto == 3 else PONG):
            raise ConnectionError("connection setup refused")
        return c

    def close(self):
        for c in self.conns:
            c.close()

    def addr(self, c):
        return "127.0.0.1:%d" % c.sock.getsockname()[1]

    def id(self, c):
        return c.call("CLIENT", "ID")[1:-2].decode()

    def rec(self, label, value, want=None):
        if want is not None and self.oracle:
            self.test.assertEqual(value, want, f"suite bug: redis-server disagrees at {label!r}")
        self.out.append((label, value))
        return value

    def call(self, c, *args, want=None, norm=None):
        raw = c.call(*args)
        return self.rec(" ".join(map(str, args)), norm(raw) if norm else raw, want)

    def expect(self, cond, msg):
        self.test.assertTrue(cond, f"{self.label}: {msg}")

    def timed(self, c, *args):
        start = time.monotonic()
        reply = c.call(*args)
        return reply, time.monotonic() - start

    def gone(self, c, label):
        return self.rec(f"closed? {label}", c.is_closed(timeout=3.0), want=True)

    def received(self, c, secs):
        """What arrives on c within secs without sending anything ("closed" on EOF)."""
        closed = c.is_closed(timeout=secs)
        c.sock.settimeout(TIMEOUT)
        return "closed" if closed else c.buf

    # --- normalizers -----------------------------------------------------------------------

    def clients(self, raw):
        """CLIENT LIST / INFO: reply type, then per scenario connection (field names, kept values)."""
        if raw[:1] not in (b"$", b"="):
            return raw
        text = parse_reply(raw)
        text = text[4:] if raw[:1] == b"=" else text  # RESP3 verbatim string: "txt:" prefix
        entries = []
        for line in text.split(b"\n"):
            if line:
                fields = [f.split(b"=", 1) for f in line.split(b" ")]
                d = dict(fields)
                who = self.names.get(d[b"addr"].decode())
                if who is not None:
                    laddr = "server" if d[b"laddr"] == b"127.0.0.1:%d" % self.port else d[b"laddr"]
                    entries.append((who, laddr, [f[0] for f in fields], [(k, v) for k, v in fields if k in KEPT]))
        # Redis's order is its client list's, which its cron keeps rotating: compare sorted.
        return raw[:1], text.endswith(b"\n"), sorted(entries)

    def monitor_line(self, raw):
        m = MONITOR_LINE.match(raw)
        if not m:
            return raw
        self.expect(abs(int(m.group(1)) - time.time()) < 10, f"MONITOR timestamp far from now: {raw!r}")
        who = m.group(4).decode()
        return m.group(3), self.names.get(who, who), m.group(5)

    def slowlog(self, raw):
        entries = parse_reply(raw)
        if not isinstance(entries, list):
            return entries
        out = []
        for i, e in enumerate(entries):
            self.expect(len(e) == 6 and all(isinstance(x, int) for x in e[:3]), f"slowlog entry shape: {e!r}")
            self.expect(self.t0 - 2 <= e[1] <= time.time() + 2 and e[2] >= 0, f"slowlog time/duration: {e!r}")
            step = entries[i - 1][0] - e[0] if i else None
            out.append((step, e[3], self.names.get(e[4].decode(), e[4]), e[5]))
        return raw[:1], out


class ClientControlTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if AGAINST == "redis":
            cls.subject = start_redis()
        else:
            cls.subject = start_corokv("--threads", "2", ready=False)
            try:
                cls.subject.wait_ready()
            except Exception:
                cls.subject.stop()
                shutil.rmtree(cls.subject.workdir, ignore_errors=True)
                raise
        try:
            cls.oracle = start_redis()
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for s in (getattr(cls, "subject", None), getattr(cls, "oracle", None)):
            if s:
                s.stop()
                shutil.rmtree(s.workdir, ignore_errors=True)

    def both(self, scenario):
        """Runs scenario(run) on the oracle, then on the server under test; compares transcripts.
        A timing failure on the server under test is reported after any earlier reply difference."""
        transcripts, timing = [], None
        for server, oracle in ((self.oracle, True), (self.subject, False)):
            run = Run(self, server, oracle)
            try:
                scenario(run)
            except Exception as e:  # the server under test misbehaved: recorded, then compared
                if oracle:
                    raise
                if isinstance(e, AssertionError):
                    timing = e
                run.out.append(("<scenario stopped>", f"{type(e).__name__}: {e}"))
            finally:
                run.close()
            transcripts.append(run.out)
        theirs, ours = transcripts
        for i, (t, o) in enumerate(itertools.zip_longest(theirs, ours, fillvalue=("<missing>", None))):
            if timing and i == len(ours) - 1:
                raise timing
            if t[1] != o[1]:  # labels may hold addresses and ids, which differ
                self.fail(f"record #{i} {t[0]!r}\n    {AGAINST}: {o[1]!r}\n    redis:  {t[1]!r}")

    # --- CLIENT LIST / INFO / ID / NAME ------------------------------------------------------------

    def test_client_info_and_list_fields(self):
        def scenario(r):
            b, c = r.conn("b", proto=3), r.conn("c")
            r.call(c, "CLIENT", "SETNAME", "cname", want=OK)
            info = r.call(r.a, "CLIENT", "INFO", norm=r.clients)
            r.rec("field names", info[2][0][2] if isinstance(info, tuple) and info[2] else info, want=FIELDS)
            r.call(b, "CLIENT", "INFO", norm=r.clients)  # RESP3: a verbatim string
            r.call(r.a, "CLIENT", "LIST", norm=r.clients)
            r.call(b, "CLIENT", "LIST", "TYPE", "normal", norm=r.clients)
            r.call(r.a, "CLIENT", "LIST", "ID", r.id(c), "999", norm=r.clients)
            r.call(r.a, "CLIENT", "LIST", "TYPE", "pubsub", want=b"$0\r\n\r\n")
            r.call(r.a, "CLIENT", "LIST", "TYPE", "replica", want=b"$0\r\n\r\n")
        self.both(scenario)

    def test_client_list_flags_and_counters(self):
        def scenario(r):
            b, s, bl, m, u, h = (r.conn(n) for n in ("b", "sub", "blocked", "mon", "user", "hello3"))
            r.call(r.a, "ACL", "SETUSER", "u", "on", "nopass", "+@all", "~*", want=OK)
            for cmd in (["SELECT", "5"], ["CLIENT", "NO-EVICT", "on"], ["MULTI"], ["SET", "a", "b"], ["GET", "a"]):
                r.call(b, *cmd)
            r.call(s, "SUBSCRIBE", "c1")
            s.send(encode_command("SUBSCRIBE", "c2") + encode_command("PSUBSCRIBE", "p*"))
            r.rec("subscribe replies", [s.read_reply(), s.read_reply()])
            bl.send(encode_command("BLPOP", "list", "0"))
            r.call(m, "MONITOR", want=OK)
            r.call(u, "AUTH", "u", "x", want=OK)
            r.call(h, "HELLO", "3", norm=lambda raw: raw[:1])
            time.sleep(0.2)
            r.call(r.a, "CLIENT", "LIST", norm=r.clients)
            r.call(r.a, "CLIENT", "LIST", "TYPE", "pubsub", norm=r.clients)
            r.call(r.a, "CLIENT", "LIST", "TYPE", "normal", norm=r.clients)
            r.call(b, "DISCARD", want=OK)
            r.call(b, "CLIENT", "NO-EVICT", "off", want=OK)
            r.call(b, "CLIENT", "INFO", norm=r.clients)
        self.both(scenario)

    def test_client_id_getname_setname(self):
        def scenario(r):
            b = r.conn("b")
            r.rec("ids differ and grow", int(r.id(r.a)) < int(r.id(b)), want=True)
            r.call(b, "CLIENT", "GETNAME", want=b"$-1\r\n")
            r.call(b, "CLIENT", "SETNAME", "foo", want=OK)
            r.call(b, "CLIENT", "GETNAME", want=bulk(b"foo"))
            bad = b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n"
            for name in ("a b", "a\nb", "caf\xe9", "x\x01"):
                r.call(b, "CLIENT", "SETNAME", name, want=bad)
            r.call(b, "CLIENT", "GETNAME", want=bulk(b"foo"))
            r.call(b, "CLIENT", "SETNAME", "", want=OK)  # an empty name removes the name
            r.call(b, "CLIENT", "GETNAME", want=b"$-1\r\n")
            r.call(b, "CLIENT", "SETNAME", "a-b_c:1!~", want=OK)
        self.both(scenario)

    # --- CLIENT KILL -------------------------------------------------------------------------------

    def test_client_kill_filters(self):
        def scenario(r):
            server = "127.0.0.1:%d" % r.port
            b, c, d, e, f, g = (r.conn(n) for n in "bcdefg")
            for args, want, victim in ((["ID", r.id(b)], b":1\r\n", b), ([r.addr(c)], OK, c),  # the old form
                                       (["ADDR", r.addr(d)], b":1\r\n", d)):
                r.call(r.a, "CLIENT", "KILL", *args, want=want)
                r.gone(victim, args[-1])
            r.call(r.a, "CLIENT", "KILL", r.addr(c), want=NO_SUCH_CLIENT)
            r.call(r.a, "CLIENT", "KILL", "ADDR", "1.2.3.4:5", want=b":0\r\n")
            r.call(r.a, "CLIENT", "KILL", "ID", r.id(r.a), want=b":0\r\n")  # SKIPME yes is the default
            r.call(r.a, "CLIENT", "KILL", "LADDR", server, want=b":3\r\n")
            [r.gone(x, n) for x, n in ((e, "e"), (f, "f"), (g, "g"))]
            r.call(r.a, "ACL", "SETUSER", "u", "on", "nopass", "+@all", "~*", want=OK)
            h, i, j, k = (r.conn(n) for n in "hijk")
            r.call(h, "AUTH", "u", "x"), r.call(i, "AUTH", "u", "x"), r.call(k, "SUBSCRIBE", "ch")
            r.call(r.a, "CLIENT", "KILL", "USER", "u", want=b":2\r\n")
            r.gone(h, "h"), r.gone(i, "i")
            r.call(j, "PING", want=PONG)
            r.call(r.a, "CLIENT", "KILL", "USER", "nosuch", want=b"-ERR No such user 'nosuch'\r\n")
            r.call(r.a, "CLIENT", "KILL", "TYPE", "pubsub", want=b":1\r\n")
            r.gone(k, "k")
            for t in ("master", "replica", "slave"):
                r.call(r.a, "CLIENT", "KILL", "TYPE", t, want=b":0\r\n")
            r.call(r.a, "CLIENT", "KILL", "ID", r.id(j), "USER", "u", want=b":0\r\n")  # filters are ANDed
            r.call(r.a, "CLIENT", "KILL", "ID", r.id(j), "USER", "default", "TYPE", "normal", "ADDR", r.addr(j),
                   "LADDR", server, "SKIPME", "yes", want=b":1\r\n")
            r.gone(j, "j")
            l_ = r.conn("l")
            r.call(r.a, "CLIENT", "KILL", "TYPE", "normal", want=b":1\r\n")
            r.gone(l_, "l")
            r.call(r.a, "PING", want=PONG)
        self.both(scenario)

    def test_client_kill_self(self):
        def scenario(r):
            b, c, d = r.conn("b"), r.conn("c"), r.conn("d")
            r.call(b, "CLIENT", "KILL", r.addr(b), want=OK)  # the reply is sent, then the connection closed
            r.gone(b, "b")
            r.call(c, "CLIENT", "KILL", "ID", r.id(c), "SKIPME", "no", want=b":1\r\n")
            r.gone(c, "c")
            d.send(encode_command("CLIENT", "KILL", r.addr(d)) + encode_command("PING"))
            r.rec("pipelined after self-kill", (d.is_closed(3.0), d.buf), want=(True, OK))
        self.both(scenario)

    # --- CLIENT PAUSE / UNPAUSE --------------------------------------------------------------------

    def test_client_pause_write(self):
        def scenario(r):
            b, c = r.conn("b"), r.conn("c")
            r.call(r.a, "SET", "k", "v")
            r.call(r.a, "CLIENT", "PAUSE", "300", "WRITE", want=OK)
            for cmd in (["GET", "k"], ["PING"], ["CLIENT", "ID"], ["DBSIZE"], ["EXISTS", "k"]):
                reply, secs = r.timed(b, *cmd)
                r.expect(secs < 0.2, f"{cmd} took {secs:.3f}s during a WRITE pause")
            c.send(encode_command("SET", "k", "2"))
            start = time.monotonic()
            r.rec("paused SET", c.read_reply(), want=OK)
            secs = time.monotonic() - start
            r.expect(0.2 <= secs < 2.5, f"SET during a 300 ms WRITE pause answered after {secs:.3f}s")
            r.call(b, "GET", "k", want=bulk(b"2"))
            # UNPAUSE releases the delayed writes at once
            r.call(r.a, "CLIENT", "PAUSE", "5000", "WRITE", want=OK)
            c.send(encode_command("INCR", "n"))
            time.sleep(0.2)
            r.rec("INCR still pending", r.received(c, 0.05), want=b"")
            start = time.monotonic()
            r.call(b, "CLIENT", "UNPAUSE", want=OK)
            r.rec("released INCR", c.read_reply(), want=b":1\r\n")
            r.expect(time.monotonic() - start < 1.0, "UNPAUSE did not release the paused client promptly")
            # the pausing client is paused too; a transaction with a write is delayed at EXEC
            r.call(r.a, "CLIENT", "PAUSE", "300", "WRITE")
            reply, secs = r.timed(r.a, "DEL", "nokey")
            r.rec("own DEL", reply, want=b":0\r\n")
            r.expect(secs >= 0.2, f"the pausing client's own write took {secs:.3f}s")
            r.call(r.a, "CLIENT", "PAUSE", "300", "WRITE")
            c.send(b"".join(encode_command(*x) for x in (["MULTI"], ["SET", "k", "3"], ["EXEC"])))
            start = time.monotonic()
            r.rec("paused transaction", [c.read_reply() for _ in range(3)], want=[OK, b"+QUEUED\r\n", b"*1\r\n+OK\r\n"])
            r.expect(time.monotonic() - start >= 0.2, "EXEC of a write was not delayed")
        self.both(scenario)

    def test_client_pause_all_and_combining(self):
        def scenario(r):
            b = r.conn("b")
            r.call(r.a, "CLIENT", "PAUSE", "300", "ALL", want=OK)
            for cmd in (["PING"], ["CLIENT", "UNPAUSE"]):  # even UNPAUSE waits for an ALL pause to end
                reply, secs = r.timed(b, *cmd)
                r.rec(f"{cmd} in ALL pause", reply)
                r.expect(secs >= 0.15, f"{cmd} took {secs:.3f}s during an ALL pause")
                r.call(r.a, "CLIENT", "PAUSE", "300", "ALL")
            r.call(r.a, "CLIENT", "UNPAUSE")  # (itself delayed until the pause ends)
            # the later end time is kept, the mode of the last call is used
            r.call(r.a, "CLIENT", "PAUSE", "600", "WRITE", want=OK)
            r.call(r.a, "CLIENT", "PAUSE", "50", "ALL", want=OK)
            reply, secs = r.timed(b, "GET", "k")
            r.expect(secs >= 0.4, f"GET after PAUSE 600 WRITE + PAUSE 50 ALL took {secs:.3f}s")
            reply, secs = r.timed(b, "SET", "k", "1")
            r.expect(secs < 0.2, f"SET after the pauses ended took {secs:.3f}s")
            r.call(r.a, "CLIENT", "PAUSE", "0", want=OK)
        self.both(scenario)

    # --- CLIENT REPLY / NO-EVICT / UNBLOCK ---------------------------------------------------------

    def test_client_reply(self):
        def pipeline(r, c, *cmds):
            """Sends the commands in one write, then ECHO end; returns every reply before ECHO's."""
            c.send(b"".join(encode_command(*x) for x in cmds) + encode_command("ECHO", "end"))
            out = []
            while (reply := c.read_reply()) != bulk(b"end"):
                out.append(reply)
            return r.rec(" ; ".join(" ".join(x) for x in cmds), out)

        def scenario(r):
            c = r.conn("c")
            off, on, skip = ["CLIENT", "REPLY", "OFF"], ["CLIENT", "REPLY", "ON"], ["CLIENT", "REPLY", "SKIP"]
            pipeline(r, c, off, ["SET", "x", "1"], ["GET", "x"], ["BOGUS"], ["CLIENT", "REPLY", "BOGUS"], on, ["GET", "x"])
            pipeline(r, c, skip, ["GET", "x"], ["INCR", "x"], ["GET", "x"])
            pipeline(r, c, skip, skip, ["INCR", "x"], ["GET", "x"])
            pipeline(r, c, skip, on, ["GET", "x"])
            pipeline(r, c, off, skip, ["GET", "x"], ["GET", "x"], on)  # SKIP is ignored while OFF
            pipeline(r, c, skip, ["MULTI"], ["INCR", "x"], ["EXEC"])
            pipeline(r, c, ["CLIENT", "REPLY", "on"], ["CLIENT", "REPLY", "BOGUS"], ["CLIENT", "REPLY"])
            # OFF does not silence pub/sub: subscription replies and messages still arrive
            s, p = r.conn("s"), r.conn("p")
            s.send(encode_command("CLIENT", "REPLY", "OFF") + encode_command("SUBSCRIBE", "ch"))
            r.rec("subscribe with replies off", s.read_reply())
            r.call(p, "PUBLISH", "ch", "m", want=b":1\r\n")
            r.rec("message with replies off", s.read_reply())
        self.both(scenario)

    def test_client_unblock(self):
        def scenario(r):
            b, b3 = r.conn("b"), r.conn("b3", proto=3)
            bid, b3id = r.id(b), r.id(b3)
            waits = [(["BLPOP", "l", "0"], "TIMEOUT"), (["BLPOP", "l", "0"], "ERROR"), (["BRPOP", "l", "l2", "10"], None),
                     (["BLMOVE", "l", "d", "LEFT", "RIGHT", "0"], "timeout"), (["BZPOPMIN", "z", "0"], "TIMEOUT"),
                     (["BLMPOP", "0", "1", "l", "LEFT"], "error")]
            err = b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
            for c, cid, nil in ((b, bid, b"*-1\r\n"), (b3, b3id, b"_\r\n")):  # a null ARRAY in RESP2, even for BLMOVE
                for cmd, how in waits:
                    c.send(encode_command(*cmd))
                    time.sleep(0.1)
                    r.call(r.a, "CLIENT", "UNBLOCK", cid, *([how] if how else []), want=b":1\r\n")
                    r.rec(f"{' '.join(cmd)} unblocked with {how}", c.read_reply(),
                          want=err if how in ("ERROR", "error") else nil)
            r.call(r.a, "CLIENT", "UNBLOCK", bid, want=b":0\r\n")  # not blocked
            r.call(b, "PING", want=PONG)
        self.both(scenario)

    # --- MONITOR -------------------------------------------------------------------------------------

    def test_monitor(self):
        def scenario(r):
            m, b = r.conn("m"), r.conn("b")
            r.call(m, "MONITOR", want=OK)
            cmds = [["SET", "k", "v"], ["set", "K k", b'a"b\\c\n\x01\xff'], ["SELECT", "3"], ["GET", "k"], ["AUTH", "pw"],
                    ["AUTH", "u", "pw"], ["HELLO", "2", "AUTH", "default", "x"], ["ACL", "SETUSER", "x", ">secret"],
                    ["CONFIG", "SET", "requirepass", ""], ["DEBUG", "SLEEP", "0"], ["NOSUCH"], ["GET"],
                    ["MULTI"], ["SET", "a", "1"], ["EXEC"], ["CLIENT", "ID"], ["PING"], ["ECHO", "end"]]
            for cmd in cmds:
                b.call(*cmd)
            lines = []
            while not lines or not lines[-1].endswith(b'"ECHO" "end"\r\n'):
                lines.append(m.read_reply())
            r.rec("monitor lines", [r.monitor_line(x) for x in lines],
                  want=[(b"0", "b", b'"SET" "k" "v"'), (b"0", "b", b'"set" "K k" "a\\"b\\\\c\\n\\x01\\xff"')]
                  + [(b"3", "b", x) for x in (b'"SELECT" "3"', b'"GET" "k"', b'"AUTH" "(redacted)"',  # SELECT shows the new db
                                              b'"AUTH" "(redacted)" "(redacted)"', b'"HELLO" "2" "AUTH" "(redacted)" "(redacted)"',
                                              b'"MULTI"', b'"SET" "a" "1"', b'"EXEC"', b'"CLIENT" "ID"', b'"PING"',
                                              b'"ECHO" "end"')])
            # the monitor's own commands are shown too; it may not touch the keyspace
            r.call(m, "PING", want=PONG)
            r.rec("own PING", r.monitor_line(m.read_reply()), want=(b"0", "m", b'"PING"'))
            r.call(m, "GET", "k", want=b"-ERR Replica can't interact with the keyspace\r\n")
            r.call(m, "RESET", want=b"+RESET\r\n")
            b.call("SET", "after", "reset")
            r.call(m, "PING", want=PONG)  # nothing was fed after RESET
            c = r.conn("c")
            for cmd, want in ((["MULTI"], OK), (["MONITOR"], b"+QUEUED\r\n"),
                              (["EXEC"], b"*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n")):
                r.call(c, *cmd, want=want)
        self.both(scenario)

    # --- timeout -------------------------------------------------------------------------------------

    def test_timeout_closes_idle_clients_only(self):
        def scenario(r):
            r.call(r.a, "CONFIG", "SET", "timeout", "1", want=OK)
            idle, mul, sub, sub3, blk, blk10, mon = (r.conn(n) for n in ("idle", "multi", "sub", "sub3", "blk", "blk10", "mon"))
            sub3.call("HELLO", "3")
            idle.call("PING")
            mul.call("MULTI")
            sub.call("SUBSCRIBE", "c")
            sub3.call("SUBSCRIBE", "c")
            blk.send(encode_command("BLPOP", "l", "0"))
            blk10.send(encode_command("BLPOP", "l2", "10"))
            time.sleep(0.2)  # the BLPOPs arrive before MONITOR starts, or the monitor sees them
            mon.call("MONITOR")
            start = time.monotonic()
            r.gone(idle, "idle")
            secs = time.monotonic() - start
            r.expect(0.8 <= secs <= 3.5, f"idle connection closed after {secs:.3f}s with timeout 1")
            r.gone(mul, "inside MULTI")
            time.sleep(0.5)
            for c, n in ((sub, "subscribed"), (sub3, "subscribed RESP3"), (blk, "blocked"), (blk10, "blocked 10 s"),
                         (mon, "monitor")):
                r.rec(f"what {n} received", r.received(c, 0.2), want=b"")
            fresh = r.conn("fresh")
            r.call(fresh, "RPUSH", "l", "x", want=b":1\r\n")
            r.rec("blocked client served", blk.read_reply(), want=b"*2\r\n$1\r\nl\r\n$1\r\nx\r\n")
            r.call(fresh, "CONFIG", "SET", "timeout", "0", want=OK)
            r.call(fresh, "CONFIG", "SET", "timeout", "-1",
                   want=b"-ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be between 0 "
                        b"and 2147483647 inclusive\r\n")
        self.both(scenario)

    # --- SLOWLOG -------------------------------------------------------------------------------------

    def test_slowlog_entries_and_truncation(self):
        def scenario(r):
            b = r.conn("b")
            r.call(r.a, "CLIENT", "SETNAME", "me")
            r.call(r.a, "CONFIG", "SET", "slowlog-log-slower-than", "0", want=OK)
            r.call(r.a, "SLOWLOG", "RESET", want=OK)
            a = r.a
            a.call("SET", "k", "v")
            a.call("RPUSH", "l", *map(str, range(30)))  # 32 arguments: all kept
            a.call("RPUSH", "l", *map(str, range(31)))  # 33: 31 kept + "... (2 more arguments)"
            a.call("RPUSH", "l", *map(str, range(40)))
            a.call("SET", "b128", "y" * 128)
            a.call("SET", "b129", "y" * 129)
            a.call("SET", "k" * 130, "x" * 200)
            a.call("AUTH", "x")
            a.call("ACL", "SETUSER", "u", ">secret")
            a.call("CONFIG", "SET", "requirepass", "")
            a.call("HELLO", "2", "AUTH", "default", "x")
            a.call("NOSUCH")
            a.call("GET")  # unknown commands and arity errors are not logged
            a.call("MULTI"), a.call("SET", "m", "1"), a.call("EXEC")  # EXEC itself is not logged
            a.call("CLIENT", "SETNAME", "me2")
            b.send(encode_command("BLPOP", "bl", "0"))
            time.sleep(0.1)
            a.call("RPUSH", "bl", "x")
            r.rec("BLPOP served", b.read_reply())
            nums = [str(i).encode() for i in range(40)]
            red = b"(redacted)"
            got = r.call(a, "SLOWLOG", "GET", "-1", norm=r.slowlog)
            r.rec("argument lists, newest first", [e[1] for e in got[1]] if isinstance(got, tuple) else got,
                  want=[[b"BLPOP", b"bl", b"0"], [b"RPUSH", b"bl", b"x"], [b"CLIENT", b"SETNAME", b"me2"], [b"SET", b"m", b"1"],
                        [b"MULTI"], [b"HELLO", b"2", b"AUTH", red, red], [b"CONFIG", b"SET", b"requirepass", red],
                        [b"ACL", b"SETUSER", red, red], [b"AUTH", red],
                        [b"SET", b"k" * 128 + b"... (2 more bytes)", b"x" * 128 + b"... (72 more bytes)"],
                        [b"SET", b"b129", b"y" * 128 + b"... (1 more bytes)"], [b"SET", b"b128", b"y" * 128],
                        [b"RPUSH", b"l"] + nums[:29] + [b"... (11 more arguments)"],
                        [b"RPUSH", b"l"] + nums[:29] + [b"... (2 more arguments)"],
                        [b"RPUSH", b"l"] + nums[:30], [b"SET", b"k", b"v"], [b"SLOWLOG", b"RESET"]])
            r.call(a, "SLOWLOG", "GET", norm=r.slowlog)  # 10 entries by default
            r.call(a, "SLOWLOG", "GET", "2", norm=r.slowlog)
            r.call(a, "SLOWLOG", "GET", "0", want=b"*0\r\n")
            r.call(a, "HELLO", "3", norm=lambda raw: raw[:1])
            r.call(a, "SLOWLOG", "GET", "1", norm=r.slowlog)  # the same arrays in RESP3
        self.both(scenario)

    def test_slowlog_len_reset_and_max_len(self):
        def scenario(r):
            a = r.a
            r.call(a, "CONFIG", "SET", "slowlog-log-slower-than", "0", want=OK)
            r.call(a, "SLOWLOG", "RESET", want=OK)
            r.call(a, "SLOWLOG", "LEN", want=b":1\r\n")  # the RESET itself is logged after it ran
            r.call(a, "SLOWLOG", "LEN", want=b":2\r\n")
            r.call(a, "CONFIG", "SET", "slowlog-max-len", "3", want=OK)
            for _ in range(5):
                a.call("PING")
            r.call(a, "SLOWLOG", "LEN", want=b":3\r\n")
            r.call(a, "SLOWLOG", "GET", norm=r.slowlog)
            r.call(a, "CONFIG", "SET", "slowlog-log-slower-than", "-1", want=OK)  # disabled
            r.call(a, "SLOWLOG", "RESET", want=OK)
            a.call("PING")
            r.call(a, "SLOWLOG", "LEN", want=b":0\r\n")
            r.call(a, "CONFIG", "SET", "slowlog-log-slower-than", "1000000", want=OK)
            a.call("PING")
            r.call(a, "SLOWLOG", "LEN", want=b":0\r\n")
            r.call(a, "CONFIG", "SET", "slowlog-log-slower-than", "0")
            r.call(a, "CONFIG", "SET", "slowlog-max-len", "0", want=OK)
            a.call("PING")
            r.call(a, "SLOWLOG", "LEN", want=b":0\r\n")
        self.both(scenario)

    # --- error texts ---------------------------------------------------------------------------------

    def test_error_texts(self):
        count = b"-ERR count should be greater than or equal to -1\r\n"
        cases = [(["CLIENT"], arity(b"client")), (["CLIENT", "BOGUS"], b"-ERR unknown subcommand 'BOGUS'. Try CLIENT HELP.\r\n"),
                 (["CLIENT", "LIST", "TYPE", "bogus"], b"-ERR Unknown client type 'bogus'\r\n"),
                 (["CLIENT", "LIST", "ID", "1", "abc"], b"-ERR Invalid client ID\r\n"), (["CLIENT", "LIST", "ID"], SYNTAX),
                 (["CLIENT", "LIST", "bogus"], SYNTAX), (["CLIENT", "LIST", "TYPE"], SYNTAX),
                 (["CLIENT", "INFO", "x"], arity(b"client|info")), (["CLIENT", "ID", "x"], arity(b"client|id")),
                 (["CLIENT", "SETNAME"], arity(b"client|setname")), (["CLIENT", "GETNAME", "x"], arity(b"client|getname")),
                 (["CLIENT", "KILL"], arity(b"client|kill")), (["CLIENT", "KILL", "ID", "abc"], BAD_ID),
                 (["CLIENT", "KILL", "ID", "0"], BAD_ID), (["CLIENT", "KILL", "ID", "-5"], BAD_ID),
                 (["CLIENT", "KILL", "ID"], NO_SUCH_CLIENT), (["CLIENT", "KILL", "ADDR"], NO_SUCH_CLIENT),
                 (["CLIENT", "KILL", "1.2.3.4:5"], NO_SUCH_CLIENT), (["CLIENT", "KILL", "1.2.3.4:5", "x"], SYNTAX),
                 (["CLIENT", "KILL", "BOGUS", "x"], SYNTAX), (["CLIENT", "KILL", "SKIPME", "maybe"], SYNTAX),
                 (["CLIENT", "KILL", "ID", "5", "SKIPME"], SYNTAX), (["CLIENT", "KILL", "ID", "999"], b":0\r\n"),
                 (["CLIENT", "KILL", "TYPE", "bogus"], b"-ERR Unknown client type 'bogus'\r\n"),
                 (["CLIENT", "PAUSE", "abc"], b"-ERR timeout is not an integer or out of range\r\n"),
                 (["CLIENT", "PAUSE", "-1"], b"-ERR timeout is negative\r\n"), (["CLIENT", "PAUSE"], arity(b"client|pause")),
                 (["CLIENT", "PAUSE", "10", "BOGUS"], b"-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n"),
                 (["CLIENT", "PAUSE", "10", "write", "x"], None), (["CLIENT", "UNPAUSE", "x"], arity(b"client|unpause")),
                 (["CLIENT", "UNPAUSE"], OK), (["CLIENT", "NO-EVICT"], arity(b"client|no-evict")),
                 (["CLIENT", "NO-EVICT", "maybe"], SYNTAX), (["CLIENT", "NO-EVICT", "ON"], OK),
                 (["CLIENT", "NO-EVICT", "off"], OK), (["CLIENT", "REPLY"], arity(b"client|reply")),
                 (["CLIENT", "UNBLOCK"], arity(b"client|unblock")), (["CLIENT", "UNBLOCK", "999"], b":0\r\n"),
                 (["CLIENT", "UNBLOCK", "abc"], b"-ERR value is not an integer or out of range\r\n"),
                 (["CLIENT", "UNBLOCK", "1", "BOGUS"], b"-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n"),
                 (["SLOWLOG"], arity(b"slowlog")), (["SLOWLOG", "GET", "-2"], count), (["SLOWLOG", "GET", "abc"], count),
                 (["SLOWLOG", "GET", "1", "2"],
                  b"-ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.\r\n"),
                 (["SLOWLOG", "LEN", "x"], arity(b"slowlog|len")), (["SLOWLOG", "RESET", "x"], arity(b"slowlog|reset")),
                 (["SLOWLOG", "BOGUS"], b"-ERR unknown subcommand 'BOGUS'. Try SLOWLOG HELP.\r\n")]

        def scenario(r):
            for args, want in cases:
                r.call(r.a, *args, want=want)
            r.call(r.a, "PING", want=PONG)
        self.both(scenario)


if __name__ == "__main__":
    unittest.main()
