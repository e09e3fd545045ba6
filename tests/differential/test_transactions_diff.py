"""Differential tests for MULTI / EXEC / DISCARD / WATCH / UNWATCH.

Each test is a scripted scenario (steps on named connections "a", "b", ... plus sleeps). The
scenario runs once on the server under test and once on a real redis-server 7 (the oracle),
each time in RESP2 and in RESP3 (HELLO 3 on every connection), starting from FLUSHALL with
fresh connections. Every reply is compared byte-exact. Steps may also carry the reply Redis
is expected to give (`want=`): those are checked against the oracle, so the suite proves that
each scenario exercises what it claims (and fails loudly if Redis disagrees).

What it proves: queueing (+QUEUED), EXEC reply arrays, DISCARD, the error texts of misuse
(nested MULTI, WATCH inside MULTI, EXEC/DISCARD without MULTI, arity errors of the
transaction commands themselves), queue-time errors -> EXECABORT, run-time errors in place,
WATCH aborts (writes by others, expiry, FLUSHDB/FLUSHALL, own writes, keys created) and
non-aborts (reads, no-op writes, other databases, UNWATCH, EXEC/DISCARD unwatching),
blocking commands inside MULTI, SELECT/PING/SET GET/RESET inside MULTI, pipelined
transactions, and atomicity towards a blocked client and other connections.
Skipped on purpose: SWAPDB/MOVE and pub/sub (corokv lacks them), QUIT, HELLO inside MULTI
(its reply carries the connection id).

Run (server under test = corokv at build/release/corokv-server, or COROKV_BIN):
    /usr/bin/python3 tests/run_python.py --suite differential -k test_transactions_diff
Validate the suite itself (server under test = a second real redis-server; must pass 100%):
    TX_AGAINST=redis /usr/bin/python3 tests/run_python.py --suite differential -k test_transactions_diff
"""

import os
import shutil
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pylib.transcript import assert_same_transcripts  # noqa: E402
from pylib.servers import RawClient, encode_command, start_corokv, start_redis  # noqa: E402

AGAINST = os.environ.get("TX_AGAINST", "corokv")
TIMEOUT = float(os.environ.get("TX_TIMEOUT", "5"))  # per reply; a missing reply fails, never hangs

OK, QUEUED, PONG = b"+OK\r\n", b"+QUEUED\r\n", b"+PONG\r\n"
ABORTED = (b"*-1\r\n", b"_\r\n")  # EXEC of a transaction whose WATCHed keys changed (RESP2, RESP3)
NIL = (b"$-1\r\n", b"_\r\n")
EXECABORT = b"-EXECABORT Transaction discarded because of previous errors.\r\n"
NO_MULTI_EXEC = b"-ERR EXEC without MULTI\r\n"
NO_MULTI_DISCARD = b"-ERR DISCARD without MULTI\r\n"
NOT_INT = b"-ERR value is not an integer or out of range\r\n"
WRONGTYPE = b"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"


def bulk(s):
    return b"$%d\r\n%s\r\n" % (len(s), s)


def arr(*items):
    """A RESP array; items given as (RESP2, RESP3) pairs make a pair of arrays."""
    if any(isinstance(i, tuple) for i in items):
        return tuple(arr(*[i[p] if isinstance(i, tuple) else i for i in items]) for p in (0, 1))
    return b"*%d\r\n" % len(items) + b"".join(items)


def arity(name):
    return b"-ERR wrong number of arguments for '%s' command\r\n" % name


class Step:
    """One action: op is call | send | read | pipe | guarded | close | sleep."""

    def __init__(self, client, op, args=(), want=None):
        self.client, self.op, self.args, self.want = client, op, args, want

    def __repr__(self):
        return f"{self.client}: {self.op} {' '.join(map(str, self.args))}"


def do(client, *args, want=None):
    return Step(client, "call", args, want)


def send(client, *args):
    return Step(client, "send", args)


def read(client, want=None):
    return Step(client, "read", (), want)


def pipe(client, *cmds, want=None):
    """All commands in one write; the recorded reply is the concatenation of their replies."""
    return Step(client, "pipe", cmds, want)


def in_multi(client, *args, want=None):
    """Sent only if this connection is inside MULTI (commands like SHUTDOWN must never run)."""
    return Step(client, "guarded", args, want)


def close(client):
    return Step(client, "close")


def sleep(secs):
    return Step(None, "sleep", (secs,))


def tx(client, *cmds, exec_want=None):
    """MULTI, each command (expected +QUEUED), EXEC."""
    return ([do(client, "MULTI", want=OK)] + [do(client, *c, want=QUEUED) for c in cmds]
            + [do(client, "EXEC", want=exec_want)])


def flat(*parts):
    out = []
    for p in parts:
        out += flat(*p) if isinstance(p, list) else [p]
    return out


def run_scenario(port, steps, proto):
    """Runs the steps on a server; returns one recorded reply per step (None for sleeps)."""
    admin = RawClient(port, timeout=TIMEOUT)
    try:
        admin.call("FLUSHALL")
    finally:
        admin.close()
    clients, multi, out = {}, {}, []

    def client(name):
        if name not in clients:
            c = clients[name] = RawClient(port, timeout=TIMEOUT)
            if proto == 3:
                hello = c.call("HELLO", "3")
                if not hello.startswith(b"%"):
                    raise ConnectionError(f"HELLO 3 refused: {hello!r}")
        return clients[name]

    def track(name, args, reply):
        cmd = str(args[0]).upper()
        if cmd == "MULTI" and reply == OK:
            multi[name] = True
        elif cmd in ("EXEC", "DISCARD", "RESET"):
            multi[name] = False

    try:
        for st in steps:
            if st.op == "sleep":
                time.sleep(st.args[0])
                out.append(None)
            elif st.op == "close":
                clients.pop(st.client).close()
                out.append(None)
            elif st.op == "send":
                client(st.client).send(encode_command(*st.args))
                out.append(None)
            elif st.op == "read":
                out.append(client(st.client).read_reply())
            elif st.op == "pipe":
                c = client(st.client)
                c.send(b"".join(encode_command(*cmd) for cmd in st.args))
                replies = [c.read_reply() for _ in st.args]
                for cmd, r in zip(st.args, replies):
                    track(st.client, cmd, r)
                out.append(b"".join(replies))
            elif st.op == "guarded" and not multi.get(st.client):
                out.append("<not sent: connection is not inside MULTI>")
            else:
                reply = client(st.client).call(*st.args)
                track(st.client, st.args, reply)
                out.append(reply)
    except (OSError, ConnectionError, ValueError) as e:
        out.append(f"<{type(e).__name__}: {e}>")
    finally:
        for c in clients.values():
            c.close()
    return out


class TransactionDiffTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.subject = start_redis() if AGAINST == "redis" else start_corokv("--threads", "2")
        try:
            cls.oracle = start_redis()
        except Exception:
            cls.subject.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        for s in (cls.subject, cls.oracle):
            s.stop()
            shutil.rmtree(s.workdir, ignore_errors=True)

    def check(self, *parts):
        steps = flat(*parts)
        for proto in (2, 3):
            with self.subTest(resp=proto):
                theirs = run_scenario(self.oracle.port, steps, proto)
                ours = run_scenario(self.subject.port, steps, proto)
                assert_same_transcripts(self, steps, theirs, ours, proto, AGAINST)

    # --- MULTI / EXEC / DISCARD basics ---------------------------------------------------------

    def test_multi_exec_replies_in_order(self):
        self.check(tx("a", ["SET", "a", "1"], ["INCR", "a"], ["GET", "a"], ["INCRBY", "c", "5"],
                      exec_want=arr(OK, b":2\r\n", bulk(b"2"), b":5\r\n")),
                   do("a", "GET", "a", want=bulk(b"2")), do("b", "MGET", "a", "c"))

    def test_empty_transaction_and_lowercase_names(self):
        self.check(tx("a", exec_want=b"*0\r\n"),
                   do("a", "multi", want=OK), do("a", "set", "k", "v", want=QUEUED), do("a", "Exec", want=arr(OK)))

    def test_discard_drops_the_queue(self):
        self.check(do("a", "MULTI", want=OK), do("a", "SET", "d", "1", want=QUEUED), do("a", "DISCARD", want=OK),
                   do("a", "GET", "d", want=NIL), do("a", "EXEC", want=NO_MULTI_EXEC),
                   do("a", "DISCARD", want=NO_MULTI_DISCARD))

    def test_exec_and_discard_without_multi(self):
        self.check(do("a", "EXEC", want=NO_MULTI_EXEC), do("a", "DISCARD", want=NO_MULTI_DISCARD),
                   do("a", "PING", want=PONG))

    def test_nested_multi_is_an_error_that_does_not_abort(self):
        self.check(do("a", "MULTI", want=OK), do("a", "MULTI", want=b"-ERR MULTI calls can not be nested\r\n"),
                   do("a", "multi"), do("a", "SET", "n", "1", want=QUEUED), do("a", "EXEC", want=arr(OK)))

    def test_watch_inside_multi_is_an_error_that_does_not_abort(self):
        self.check(do("a", "MULTI", want=OK), do("a", "WATCH", "x", want=b"-ERR WATCH inside MULTI is not allowed\r\n"),
                   do("a", "SET", "x", "1", want=QUEUED), do("a", "EXEC", want=arr(OK)))

    def test_queued_writes_are_invisible_until_exec(self):
        self.check(do("a", "MULTI"), do("a", "SET", "v", "1"), do("b", "GET", "v", want=NIL), do("b", "SET", "w", "x"),
                   do("a", "GET", "w"), do("a", "EXEC", want=arr(OK, bulk(b"x"))), do("b", "GET", "v", want=bulk(b"1")))

    def test_closing_inside_multi_discards(self):
        self.check(do("a", "MULTI"), do("a", "SET", "gone", "1"), close("a"), sleep(0.1),
                   do("b", "GET", "gone", want=NIL), do("b", "DBSIZE", want=b":0\r\n"))

    def test_exec_without_watch_sees_the_latest_value(self):
        self.check(do("a", "SET", "cnt", "1"), do("a", "MULTI"), do("a", "INCR", "cnt"), do("b", "SET", "cnt", "10"),
                   do("a", "EXEC", want=arr(b":11\r\n")))

    # --- queue-time errors: EXECABORT ------------------------------------------------------------

    def test_queue_time_errors_abort_and_queueing_continues(self):
        self.check(do("a", "MULTI", want=OK), do("a", "SET", "q", "1", want=QUEUED),
                   do("a", "GET", want=arity(b"get")), do("a", "SET", "q2", "2", want=QUEUED),
                   do("a", "NOSUCH", "x", want=b"-ERR unknown command 'NOSUCH', with args beginning with: 'x' \r\n"),
                   do("a", "SET", "q", want=arity(b"set")), do("a", "INCR", "q3", want=QUEUED),
                   do("a", "EXEC", want=EXECABORT), do("a", "MGET", "q", "q2", "q3"),
                   do("a", "EXEC", want=NO_MULTI_EXEC))

    def test_unknown_subcommand_is_a_queue_time_error(self):
        self.check(do("a", "MULTI"), do("a", "OBJECT", "BOGUS", "k", want=b"-ERR unknown subcommand 'BOGUS'. Try OBJECT HELP.\r\n"),
                   do("a", "EXEC", want=EXECABORT))

    def test_queue_error_wins_over_runtime_error_and_watch(self):
        self.check(do("a", "SET", "s", "abc"), do("a", "WATCH", "s"), do("b", "SET", "s", "xyz"),
                   do("a", "MULTI"), do("a", "INCR", "s", want=QUEUED), do("a", "GET"),
                   do("a", "EXEC", want=EXECABORT), do("a", "GET", "s", want=bulk(b"xyz")))

    def test_arity_errors_of_the_transaction_commands(self):
        self.check(do("a", "WATCH", want=arity(b"watch")), do("a", "UNWATCH", "x", want=arity(b"unwatch")),
                   do("a", "MULTI", "x", want=arity(b"multi")), do("a", "DISCARD", "x", want=arity(b"discard")),
                   # inside MULTI each of them is a queue-time error
                   do("a", "MULTI", want=OK), do("a", "MULTI", "x", want=arity(b"multi")), do("a", "EXEC", want=EXECABORT),
                   do("a", "MULTI"), do("a", "WATCH", want=arity(b"watch")), do("a", "EXEC", want=EXECABORT),
                   do("a", "MULTI"), do("a", "UNWATCH", "x"), do("a", "EXEC", want=EXECABORT),
                   do("a", "MULTI"), do("a", "DISCARD", "x", want=arity(b"discard")), do("a", "EXEC", want=EXECABORT))

    def test_exec_with_arguments_answers_execabort(self):
        # Redis rejects EXEC x with EXECABORT, even outside MULTI; inside, it discards the queue.
        exec_arity = b"-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n"
        self.check(do("a", "EXEC", "x", want=exec_arity),
                   do("a", "MULTI"), do("a", "SET", "e", "1"), do("a", "EXEC", "x", want=exec_arity),
                   do("a", "EXEC", want=NO_MULTI_EXEC), do("a", "GET", "e", want=NIL))

    def test_commands_refused_inside_multi(self):
        # SHUTDOWN is flagged no-multi: refused at queue time (and never sent outside MULTI).
        self.check(do("a", "MULTI", want=OK),
                   in_multi("a", "SHUTDOWN", want=b"-ERR Command not allowed inside a transaction\r\n"),
                   do("a", "SET", "after", "1", want=QUEUED), do("a", "EXEC", want=EXECABORT),
                   do("b", "GET", "after", want=NIL))

    # --- run-time errors: in place --------------------------------------------------------------

    def test_runtime_errors_are_returned_in_place(self):
        self.check(do("a", "SET", "s", "abc"), do("a", "LPUSH", "l", "x"),
                   tx("a", ["INCR", "s"], ["INCR", "n"], ["GET", "l"], ["SET", "a", "b", "BOGUS"],
                      ["SET", "a", "b", "EX", "0"], ["HSET", "l", "f", "v"], ["SELECT", "99"], ["INCR", "n"],
                      exec_want=arr(NOT_INT, b":1\r\n", WRONGTYPE, b"-ERR syntax error\r\n",
                                    b"-ERR invalid expire time in 'set' command\r\n", WRONGTYPE,
                                    b"-ERR DB index is out of range\r\n", b":2\r\n")),
                   do("a", "MGET", "s", "n", "a"), do("a", "LRANGE", "l", "0", "-1"))

    # --- WATCH -----------------------------------------------------------------------------------

    def test_watch_write_by_another_connection_aborts(self):
        self.check(do("a", "SET", "w", "1"), do("a", "WATCH", "w", want=OK), do("b", "SET", "w", "2"),
                   tx("a", ["SET", "w", "3"], exec_want=ABORTED), do("a", "GET", "w", want=bulk(b"2")),
                   # the abort unwatched: the same transaction now runs
                   tx("a", ["SET", "w", "3"], exec_want=arr(OK)))

    def test_watch_write_while_queueing_aborts(self):
        self.check(do("a", "WATCH", "w"), do("a", "MULTI"), do("a", "SET", "w", "mine"),
                   do("b", "SET", "w", "theirs"), do("a", "EXEC", want=ABORTED), do("a", "GET", "w", want=bulk(b"theirs")))

    def test_watch_same_value_writes_still_abort(self):
        self.check(do("a", "SET", "w", "v"), do("a", "HSET", "h", "f", "v"),
                   do("a", "WATCH", "w"), do("b", "SET", "w", "v"), tx("a", ["PING"], exec_want=ABORTED),
                   do("a", "WATCH", "h"), do("b", "HSET", "h", "f", "v"), tx("a", ["PING"], exec_want=ABORTED))

    def test_watch_other_kinds_of_writes_abort(self):
        writes = [["DEL", "k"], ["EXPIRE", "k", "100"], ["RENAME", "src", "k"], ["INCR", "k"], ["APPEND", "k", "x"],
                  ["SET", "k", "1", "XX"], ["GETDEL", "k"], ["UNLINK", "k"], ["COPY", "src", "k", "REPLACE"]]
        for w in writes:
            with self.subTest(write=" ".join(w)):
                self.check(do("a", "SET", "k", "1"), do("a", "SET", "src", "9"), do("a", "WATCH", "k"),
                           do("b", *w), tx("a", ["GET", "k"], exec_want=ABORTED))

    def test_watch_reads_and_noop_writes_do_not_abort(self):
        # (setup, command by the other connection): nothing changes, so nothing is signalled.
        cases = [(["SET", "n", "1"], ["GET", "n"]), (["SET", "n", "1"], ["EXISTS", "n"]),
                 (["SET", "n", "1"], ["TTL", "n"]), (["SET", "n", "1"], ["TYPE", "n"]),
                 (["SET", "n", "1"], ["SET", "n", "2", "NX"]), (["DEL", "n"], ["SET", "n", "1", "XX"]),
                 (["DEL", "n"], ["DEL", "n"]), (["DEL", "n"], ["EXPIRE", "n", "100"]),
                 (["SET", "n", "x"], ["INCR", "n"]), (["SET", "n", "1"], ["PERSIST", "n"]),
                 (["DEL", "n"], ["LPOP", "n"]), (["SADD", "n", "a"], ["SADD", "n", "a"]),
                 (["DEL", "n"], ["SREM", "n", "a"]), (["SET", "n", "1"], ["SET", "other", "1"])]
        for setup, cmd in cases:
            with self.subTest(other=" ".join(cmd)):
                self.check(do("a", *setup), do("a", "WATCH", "n"), do("b", *cmd), tx("a", ["PING"], exec_want=arr(PONG)))

    def test_watch_own_write_before_multi_aborts(self):
        self.check(do("a", "WATCH", "f"), do("a", "SET", "f", "2"), tx("a", ["PING"], exec_want=ABORTED))

    def test_watch_own_write_inside_the_transaction_does_not_abort(self):
        self.check(do("a", "WATCH", "a"), tx("a", ["SET", "a", "x"], ["GET", "a"], exec_want=arr(OK, bulk(b"x"))))

    def test_watch_missing_key_then_created_aborts(self):
        self.check(do("a", "WATCH", "m"), do("b", "SET", "m", "1"), tx("a", ["GET", "m"], exec_want=ABORTED),
                   do("a", "WATCH", "nokey"), tx("a", ["GET", "nokey"], exec_want=arr(NIL)))

    def test_watch_key_that_expires_aborts(self):
        self.check(do("a", "SET", "e", "1", "PX", "100"), do("a", "WATCH", "e"), sleep(0.3),
                   tx("a", ["GET", "e"], exec_want=ABORTED),
                   # expired and already deleted (lazily, by another reader) before EXEC: still aborts
                   do("a", "SET", "e", "1", "PX", "100"), do("a", "WATCH", "e"), sleep(0.3), do("b", "GET", "e"),
                   tx("a", ["GET", "e"], exec_want=ABORTED))

    def test_watch_key_already_expired_at_watch_time(self):
        # Redis 7: a key already logically expired when WATCHed counts as missing; its removal
        # does not abort, its re-creation does.
        self.check(do("a", "SET", "e", "1", "PX", "30"), sleep(0.15), do("a", "WATCH", "e"),
                   tx("a", ["GET", "e"], exec_want=arr(NIL)),
                   do("a", "SET", "e", "1", "PX", "30"), sleep(0.15), do("a", "WATCH", "e"), do("b", "SET", "e", "2"),
                   tx("a", ["GET", "e"], exec_want=ABORTED))

    def test_watch_flushdb_and_flushall(self):
        self.check(do("a", "SET", "f", "1"), do("a", "WATCH", "f"), do("b", "FLUSHDB"), tx("a", ["PING"], exec_want=ABORTED),
                   do("a", "SET", "f", "1"), do("a", "WATCH", "f"), do("b", "FLUSHALL"), tx("a", ["PING"], exec_want=ABORTED),
                   # FLUSHDB of another database, or a flush of a key that does not exist: no abort
                   do("a", "SET", "f", "1"), do("a", "WATCH", "f"), do("b", "SELECT", "1"), do("b", "FLUSHDB"),
                   tx("a", ["PING"], exec_want=arr(PONG)),
                   do("a", "WATCH", "nothere"), do("b", "FLUSHALL"), tx("a", ["PING"], exec_want=arr(PONG)))

    def test_watch_is_per_database(self):
        self.check(do("a", "SELECT", "1"), do("a", "WATCH", "k"), do("b", "SET", "k", "db0"),
                   tx("a", ["GET", "k"], exec_want=arr(NIL)),
                   do("a", "WATCH", "k"), do("b", "SELECT", "1"), do("b", "SET", "k", "db1"),
                   tx("a", ["GET", "k"], exec_want=ABORTED))

    def test_unwatch_clears(self):
        self.check(do("a", "WATCH", "f", "g"), do("b", "SET", "f", "9"), do("a", "UNWATCH", want=OK),
                   tx("a", ["GET", "f"], exec_want=arr(bulk(b"9"))),
                   # UNWATCH queued inside MULTI is too late
                   do("a", "WATCH", "f"), do("b", "SET", "f", "10"), tx("a", ["UNWATCH"], exec_want=ABORTED))

    def test_exec_discard_and_execabort_unwatch(self):
        self.check(do("a", "WATCH", "k"), tx("a", exec_want=b"*0\r\n"), do("b", "SET", "k", "1"),
                   tx("a", ["PING"], exec_want=arr(PONG)),
                   do("a", "WATCH", "k"), do("a", "MULTI"), do("a", "DISCARD"), do("b", "SET", "k", "2"),
                   tx("a", ["PING"], exec_want=arr(PONG)),
                   do("a", "WATCH", "k"), do("a", "MULTI"), do("a", "GET"), do("a", "EXEC", want=EXECABORT),
                   do("b", "SET", "k", "3"), tx("a", ["PING"], exec_want=arr(PONG)),
                   # EXEC without MULTI is only an error: the key stays watched
                   do("a", "WATCH", "k"), do("a", "EXEC", want=NO_MULTI_EXEC), do("b", "SET", "k", "4"),
                   tx("a", ["PING"], exec_want=ABORTED))

    def test_watch_many_keys_and_repeated_watch(self):
        keys = [f"mk{i}" for i in range(100)]
        self.check(do("a", "WATCH", *keys), tx("a", ["PING"], exec_want=arr(PONG)),
                   do("a", "WATCH", *keys), do("b", "SET", "mk77", "1"), tx("a", ["PING"], exec_want=ABORTED),
                   do("a", "WATCH", "r", "r"), do("a", "WATCH", "r"), do("a", "WATCH", "s"),
                   tx("a", ["PING"], exec_want=arr(PONG)),
                   do("a", "WATCH", "r"), do("b", "SET", "r", "1"), do("a", "WATCH", "s"),
                   tx("a", ["PING"], exec_want=ABORTED))

    def test_discard_of_an_aborted_transaction(self):
        self.check(do("a", "SET", "q", "5"), do("a", "WATCH", "q"), do("b", "SET", "q", "6"), do("a", "MULTI"),
                   do("a", "SET", "q", "1"), do("a", "DISCARD", want=OK), do("a", "GET", "q", want=bulk(b"6")))

    # --- commands with special handling inside MULTI -----------------------------------------------

    def test_blocking_commands_inside_multi_do_not_block(self):
        self.check(do("a", "RPUSH", "full", "x", "y"),
                   tx("a", ["BLPOP", "nolist", "0"], ["BRPOP", "nolist", "1"], ["BLMOVE", "nolist", "d", "LEFT", "RIGHT", "0"],
                      ["BRPOPLPUSH", "nolist", "d", "0"], ["BZPOPMIN", "nz", "0"], ["BZPOPMAX", "nz", "0"],
                      ["BLMPOP", "0", "1", "nolist", "LEFT"], ["BZMPOP", "0", "1", "nz", "MIN"],
                      ["BLPOP", "full", "0"], ["BLPOP", "full", "abc"], ["BRPOP", "full", "0"], ["BLPOP", "full", "0"]),
                   do("a", "EXISTS", "full", "d"))

    def test_blocked_client_is_served_after_the_whole_exec(self):
        # b blocks on BLPOP; a's transaction pushes a, b and pops a: b must get "b" (the list after
        # EXEC), never "a" (an intermediate state).
        self.check(send("b", "BLPOP", "bl", "5"), sleep(0.2),
                   pipe("a", ["MULTI"], ["RPUSH", "bl", "a"], ["RPUSH", "bl", "b"], ["LPOP", "bl"], ["EXEC"]),
                   read("b"), do("a", "EXISTS", "bl", want=b":0\r\n"))

    def test_select_inside_multi(self):
        self.check(tx("a", ["SELECT", "x"], ["SELECT", "1"], ["SET", "s1", "v"], ["GET", "s1"],
                      exec_want=arr(NOT_INT, OK, OK, bulk(b"v"))),
                   do("a", "GET", "s1", want=bulk(b"v")),  # the SELECT outlives the transaction
                   do("b", "GET", "s1", want=NIL), do("b", "SELECT", "1"), do("b", "GET", "s1", want=bulk(b"v")))

    def test_ping_echo_and_set_get_inside_multi(self):
        self.check(do("a", "SET", "g", "old"),
                   tx("a", ["PING"], ["PING", "hi"], ["ECHO", "e"], ["SET", "g", "new", "GET"], ["SET", "g2", "x", "GET"],
                      ["GET", "g"], ["DBSIZE"],
                      exec_want=arr(PONG, bulk(b"hi"), bulk(b"e"), bulk(b"old"), NIL, bulk(b"new"), b":2\r\n")))

    def test_resp3_reply_types_inside_exec(self):
        self.check(do("a", "ZADD", "z", "1.5", "m"), do("a", "SADD", "s", "one"), do("a", "HSET", "h", "f", "v"),
                   tx("a", ["ZSCORE", "z", "m"], ["ZRANGE", "z", "0", "-1", "WITHSCORES"], ["SMEMBERS", "s"],
                      ["HGETALL", "h"], ["SMEMBERS", "nos"], ["HGETALL", "noh"], ["GET", "nos"], ["INCRBYFLOAT", "fl", "1.5"],
                      ["TTL", "h"], ["EXISTS", "h"]))

    def test_reset_inside_multi_discards(self):
        self.check(do("a", "MULTI"), do("a", "SET", "r", "1"), do("a", "RESET", want=b"+RESET\r\n"),
                   do("a", "EXEC", want=NO_MULTI_EXEC),
                   do("a", "GET", "r", want=b"$-1\r\n"))  # RESET also switched the connection back to RESP2

    def test_pipelined_transactions(self):
        incrs = [["INCR", "p"]] * 200
        self.check(pipe("a", ["MULTI"], *incrs, ["EXEC"], ["GET", "p"],
                        want=OK + QUEUED * 200 + arr(*[b":%d\r\n" % i for i in range(1, 201)]) + bulk(b"200")),
                   pipe("a", ["MULTI"], ["SET", "x", "1"], ["GET"], ["EXEC"], ["MULTI"], ["GET", "x"], ["DISCARD"],
                        ["WATCH", "p"], ["MULTI"], ["INCR", "p"], ["EXEC"]))


if __name__ == "__main__":
    unittest.main()
