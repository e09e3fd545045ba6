"""Differential tests for authentication (requirepass, AUTH, HELLO AUTH) and ACL.

Each test is a scripted scenario (steps on named connections "a", "b", ...). It runs once on
the server under test and once on a real redis-server 7.0 (the oracle), each time in RESP2 and
in RESP3, and every reply is compared byte-exact (the `id` field of HELLO replies is masked;
replies whose order is a hash order are compared as sorted lists). Steps may carry the reply
Redis is expected to give (`want=`): those are checked against the oracle, so the suite proves
that each scenario exercises what it claims.
RESP3 runs: each new connection sends HELLO 3; where that is refused with NOAUTH, the runner
sends HELLO 3 again (silently) after each successful AUTH step on that connection.

What it proves:
- requirepass (at start-up and by CONFIG SET at run time): before authentication only AUTH,
  HELLO [AUTH], QUIT and RESET run; unknown-command and arity errors come before NOAUTH;
  the exact NOAUTH / WRONGPASS / HELLO texts; HELLO acts on its options in order (SETNAME
  before a failing AUTH sticks, AUTH before a bad option sticks); RESET de-authenticates;
  existing connections stay authenticated when the password changes; AUTH without a
  configured password.
- ACL: SETUSER rules (on/off, >pw, <pw, nopass, resetpass, +@cat, -@cat, +cmd, -cmd,
  allcommands/nocommands, ~pattern, %R~/%W~, allkeys, resetkeys, reset), GETUSER reply shapes
  (RESP2 array / RESP3 map + set), LIST, USERS, DELUSER (closes the user's connections),
  WHOAMI, CAT, DRYRUN, SETUSER error texts, a failing SETUSER changing nothing, exact
  NOPERM texts for commands, subcommands and keys (also inside MULTI), and rules changing
  under a live connection.
Also: channel rules (&pattern, allchannels, resetchannels) for PUBLISH / SPUBLISH / (P|S)SUBSCRIBE and
subscribers closed when their channel is taken away, SORT BY / GET patterns (need read access to
every key),
first-argument rules (+select|0), key pattern forms (%R~ / %W~ merging, a read-only or write-only
user against each kind of key use), EXEC re-checking permissions, GENPASS's errors.
Skipped on purpose: ACL LOG / LOAD / SAVE (not implemented), selectors.
Not byte-compared: the order of several +cmd / -cmd rules in GETUSER / LIST (Redis 7.0 emits
them in a hash order that differs between two redis-servers: such steps sort the rules after
+@all / -@all, and mixed category rules are checked through ACL DRYRUN). ACL CAT <category> is
compared for the commands the server under test implements (its COMMAND LIST, or COMMAND).

Run (from the repo root; server under test = build/release/corokv-server, or COROKV_BIN):
    /usr/bin/python3 tests/run_python.py --suite differential -k test_auth_acl_diff
Validate the suite itself (server under test = a second real redis-server; must pass 100%):
    AUTH_AGAINST=redis /usr/bin/python3 tests/run_python.py --suite differential -k test_auth_acl_diff
"""

import os
import re
import shutil
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pylib.transcript import assert_same_transcripts  # noqa: E402
from pylib.servers import RawClient, parse_reply, start_corokv, start_redis  # noqa: E402

AGAINST = os.environ.get("AUTH_AGAINST", "corokv")
TIMEOUT = 5.0  # per reply: a missing reply fails, never hangs

OK, PONG, NIL = b"+OK\r\n", b"+PONG\r\n", (b"$-1\r\n", b"_\r\n")
NOAUTH = b"-NOAUTH Authentication required.\r\n"
WRONGPASS = b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
HELLO_NOAUTH = (b"-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH "
                b"<user> <pass> option can be used to authenticate the client and select the RESP protocol "
                b"version at the same time\r\n")
NO_PASSWORD_SET = (b"-ERR AUTH <password> called without any password configured for the default user. "
                   b"Are you sure your configuration is correct?\r\n")
NOPERM_KEYS = b"-NOPERM this user has no permissions to access one of the keys used as arguments\r\n"
HELLO_MASK = re.compile(rb"\$2\r\nid\r\n:\d+\r\n")


def noperm(cmd):
    return b"-NOPERM this user has no permissions to run the '%s' command\r\n" % cmd


def setuser_err(rule, why):
    return b"-ERR Error in ACL SETUSER modifier '%s': %s\r\n" % (rule, why)


def bulk(s):
    return b"$%d\r\n%s\r\n" % (len(s), s)


def arity(name):
    return b"-ERR wrong number of arguments for '%s' command\r\n" % name


def config_reply(name, value):
    """CONFIG GET of one parameter: (RESP2 array, RESP3 map)."""
    return b"*2\r\n" + bulk(name) + bulk(value), b"%1\r\n" + bulk(name) + bulk(value)


def getuser(flags, passwords, commands, keys, channels=b""):
    """ACL GETUSER reply: (RESP2, RESP3). `flags` and `passwords` are lists of bytes."""
    def body(flag_kind):
        return (bulk(b"flags") + b"%s%d\r\n" % (flag_kind, len(flags)) + b"".join(map(bulk, flags))
                + bulk(b"passwords") + b"*%d\r\n" % len(passwords) + b"".join(map(bulk, passwords))
                + bulk(b"commands") + bulk(commands) + bulk(b"keys") + bulk(keys)
                + bulk(b"channels") + bulk(channels) + bulk(b"selectors") + b"*0\r\n")
    return b"*12\r\n" + body(b"*"), b"%6\r\n" + body(b"~")


class Step:
    """op: call | gone (the connection must be closed by the server)."""

    def __init__(self, client, op, args=(), want=None, unordered=False, rules=False):
        self.client, self.op, self.args, self.want = client, op, args, want
        self.unordered, self.rules = unordered, rules

    def __repr__(self):
        return f"{self.client}: {self.op} {' '.join(map(str, self.args))}"


def do(client, *args, want=None, unordered=False, rules=False):
    """rules=True: ACL GETUSER / ACL LIST, with the command rules after +@all / -@all sorted."""
    return Step(client, "call", args, want, unordered, rules)


def gone(client):
    return Step(client, "gone", want=True)


def flat(*parts):
    out = []
    for p in parts:
        out += flat(*p) if isinstance(p, list) else [p]
    return out


def sort_rules(value):
    """Redis 7.0 lists several +cmd / -cmd rules in a hash order (two redis-servers differ):
    keep everything up to +@all / -@all in place and sort the rules after it."""
    if isinstance(value, list):
        return [sort_rules(v) for v in value]
    if isinstance(value, bytes):
        words = value.split(b" ")
        for i, w in enumerate(words):
            if w in (b"+@all", b"-@all"):
                return b" ".join(words[:i + 1] + sorted(words[i + 1:]))
    return value


def record(step, raw):
    """What is compared: the reply bytes (HELLO id masked), or its sorted items."""
    raw = HELLO_MASK.sub(b"$2\r\nid\r\n:<id>\r\n", raw)
    if step.unordered and raw[:1] in (b"*", b"~"):
        return (raw[:1], sorted(parse_reply(raw)))
    if step.rules and raw[:1] in (b"*", b"%"):
        return (raw[:1], sort_rules(parse_reply(raw)))
    return raw


class Side:
    """One server and the authenticated admin connection used to reset it between scenarios."""

    def __init__(self, server, password):
        self.server, self.password, self.admin = server, password, None

    def reset(self):
        if self.admin is None:
            self.admin = RawClient(self.server.port, timeout=TIMEOUT)
            if self.password:
                assert self.admin.call("AUTH", self.password) == OK
        # No assertions here: a server under test that lacks a command fails at the first step
        # that differs from Redis, with a readable message.
        a = self.admin
        users = parse_reply(a.call("ACL", "USERS"))
        for user in users if isinstance(users, list) else []:
            if user != b"default":
                a.call("ACL", "DELUSER", user)
        a.call("ACL", "SETUSER", "default", "resetpass", "resetkeys", "resetchannels", "on", "nopass",
               "allkeys", "allchannels", "allcommands")
        # CONFIG SET of the current value is a no-op in Redis: go through "" to re-apply it.
        a.call("CONFIG", "SET", "requirepass", "")
        if self.password:
            a.call("CONFIG", "SET", "requirepass", self.password)
        a.call("FLUSHALL")

    def stop(self):
        if self.admin:
            self.admin.close()
        self.server.stop()
        shutil.rmtree(self.server.workdir, ignore_errors=True)


def run_scenario(side, steps, proto):
    side.reset()
    clients, pending3, out = {}, set(), []

    def client(name):
        if name not in clients:
            c = clients[name] = RawClient(side.server.port, timeout=TIMEOUT)
            if proto == 3:
                hello = c.call("HELLO", "3")
                if hello.startswith(b"-NOAUTH"):
                    pending3.add(name)
                elif not hello.startswith(b"%"):
                    raise ConnectionError(f"HELLO 3 refused: {hello!r}")
        return clients[name]

    try:
        for st in steps:
            if st.op == "gone":
                out.append(client(st.client).is_closed(timeout=3.0))
            else:
                c = client(st.client)
                raw = c.call(*st.args)
                out.append(record(st, raw))
                if proto == 3 and st.client in pending3 and str(st.args[0]).upper() == "AUTH" and raw == OK:
                    if not c.call("HELLO", "3").startswith(b"%"):
                        raise ConnectionError("HELLO 3 refused after AUTH")
    except Exception as e:  # recorded: compared with what Redis did at that step
        out.append(f"<{type(e).__name__}: {e}>")
    finally:
        for c in clients.values():
            c.close()
    return out


class DiffBase(unittest.TestCase):
    PASSWORD = None

    @classmethod
    def setUpClass(cls):
        extra = ("--requirepass", cls.PASSWORD) if cls.PASSWORD else ()
        if AGAINST == "redis":
            subject = start_redis(*extra)
        else:
            subject = start_corokv("--threads", "2", *extra, ready=False)
            try:
                subject.wait_ready()
            except Exception:
                Side(subject, None).stop()  # keeps no temp dir behind
                raise
        cls.subject = Side(subject, cls.PASSWORD)
        try:
            cls.oracle = Side(start_redis(*extra), cls.PASSWORD)
        except Exception:
            cls.subject.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.subject.stop()
        cls.oracle.stop()

    def check(self, *parts):
        steps = flat(*parts)
        for proto in (2, 3):
            with self.subTest(resp=proto):
                theirs = run_scenario(self.oracle, steps, proto)
                ours = run_scenario(self.subject, steps, proto)
                assert_same_transcripts(self, steps, theirs, ours, proto, AGAINST)


class RequirepassDiffTest(DiffBase):
    """Both servers started with --requirepass pw."""
    PASSWORD = "pw"

    def test_only_auth_hello_quit_reset_run_before_auth(self):
        gated = [["PING"], ["GET", "k"], ["SET", "k", "v"], ["SELECT", "1"], ["ECHO", "x"], ["CLIENT", "ID"],
                 ["CLIENT", "SETNAME", "n"], ["ACL", "WHOAMI"], ["CONFIG", "GET", "maxmemory"], ["SUBSCRIBE", "c"],
                 ["MULTI"], ["DISCARD"], ["DBSIZE"]]
        self.check([do("a", *cmd, want=NOAUTH) for cmd in gated],
                   do("a", "EXEC", want=b"-EXECABORT Transaction discarded because of: NOAUTH Authentication required.\r\n"),
                   do("a", "HELLO", want=HELLO_NOAUTH), do("a", "HELLO", "3", want=HELLO_NOAUTH),
                   do("a", "HELLO", "3", "SETNAME", "x", want=HELLO_NOAUTH),
                   do("a", "RESET", want=b"+RESET\r\n"), do("a", "PING", want=NOAUTH),
                   do("a", "AUTH", "pw", want=OK), do("a", "PING", want=PONG), do("a", "GET", "k", want=NIL))

    def test_unknown_command_and_arity_errors_come_before_noauth(self):
        self.check(do("a", "NOSUCH", want=b"-ERR unknown command 'NOSUCH', with args beginning with: \r\n"),
                   do("a", "NOSUCH", "x", want=b"-ERR unknown command 'NOSUCH', with args beginning with: 'x' \r\n"),
                   do("a", "GET", want=arity(b"get")), do("a", "get", "a", "b", want=arity(b"get")),
                   do("a", "AUTH", want=arity(b"auth")), do("a", "PING", want=NOAUTH))

    def test_wrong_passwords(self):
        self.check(do("a", "AUTH", "bad", want=WRONGPASS), do("a", "AUTH", "default", "bad", want=WRONGPASS),
                   do("a", "AUTH", "nouser", "pw", want=WRONGPASS), do("a", "AUTH", "PW", want=WRONGPASS),
                   do("a", "AUTH", "a", "b", "c", want=b"-ERR syntax error\r\n"),
                   do("a", "GET", "k", want=NOAUTH), do("a", "AUTH", "pw", want=OK),
                   do("a", "ACL", "WHOAMI", want=bulk(b"default")),
                   # a failed AUTH on an authenticated connection keeps it authenticated
                   do("a", "AUTH", "bad", want=WRONGPASS), do("a", "PING", want=PONG))

    def test_auth_with_default_user_name(self):
        self.check(do("a", "AUTH", "default", "pw", want=OK), do("a", "SET", "k", "v", want=OK),
                   do("b", "AUTH", "DEFAULT", "pw", want=WRONGPASS),  # user names are case-sensitive
                   do("b", "AUTH", "default", "pw"), do("b", "GET", "k", want=bulk(b"v")))

    def test_hello_with_auth_and_setname(self):
        self.check(do("a", "HELLO", "3", "AUTH", "default", "pw", "SETNAME", "x"),
                   do("a", "CLIENT", "GETNAME", want=bulk(b"x")), do("a", "GET", "k", want=b"_\r\n"),
                   do("b", "HELLO", "2", "AUTH", "default", "pw"), do("b", "GET", "k", want=b"$-1\r\n"),
                   do("c", "HELLO", "3", "AUTH", "default", "bad", "SETNAME", "x", want=WRONGPASS),
                   do("c", "CLIENT", "GETNAME", want=NOAUTH),
                   do("c", "HELLO", "3", "AUTH", "default", want=b"-ERR Syntax error in HELLO option 'AUTH'\r\n"),
                   do("c", "HELLO", "4", "AUTH", "default", "pw", want=b"-NOPROTO unsupported protocol version\r\n"),
                   do("c", "HELLO", "AUTH", "default", "pw",
                      want=b"-ERR Protocol version is not an integer or out of range\r\n"),
                   do("c", "HELLO", "3", "SETNAME", "a b", "AUTH", "default", "pw",
                      want=b"-ERR Client names cannot contain spaces, newlines or special characters.\r\n"),
                   do("c", "PING", want=NOAUTH))

    def test_hello_acts_on_options_in_order(self):
        self.check(do("a", "HELLO", "3", "SETNAME", "early", "AUTH", "default", "bad", want=WRONGPASS),
                   do("a", "AUTH", "pw", want=OK), do("a", "CLIENT", "GETNAME", want=bulk(b"early")),
                   # AUTH applied, then the bad option fails: authenticated, protocol unchanged
                   do("b", "HELLO", "3", "AUTH", "default", "pw", "BOGUS",
                      want=b"-ERR Syntax error in HELLO option 'BOGUS'\r\n"),
                   do("b", "GET", "k", want=b"$-1\r\n"),
                   do("c", "HELLO", "2", "AUTH", "default", "pw", "SETNAME",
                      want=b"-ERR Syntax error in HELLO option 'SETNAME'\r\n"),
                   do("c", "PING", want=PONG))

    def test_reset_deauthenticates(self):
        self.check(do("a", "AUTH", "pw", want=OK), do("a", "SET", "k", "v"), do("a", "CLIENT", "SETNAME", "n"),
                   do("a", "RESET", want=b"+RESET\r\n"), do("a", "GET", "k", want=NOAUTH),
                   do("a", "AUTH", "pw", want=OK), do("a", "CLIENT", "GETNAME", want=NIL),
                   do("a", "GET", "k", want=bulk(b"v")))

    def test_quit_before_auth(self):
        self.check(do("a", "QUIT", want=OK), gone("a"))

    def test_password_change_keeps_existing_connections(self):
        self.check(do("a", "AUTH", "pw"), do("a", "CONFIG", "SET", "requirepass", "new", want=OK),
                   do("a", "GET", "k", want=NIL), do("b", "GET", "k", want=NOAUTH),
                   do("b", "AUTH", "pw", want=WRONGPASS), do("b", "AUTH", "new", want=OK),
                   do("b", "CONFIG", "GET", "requirepass", want=config_reply(b"requirepass", b"new")),
                   do("b", "CONFIG", "SET", "requirepass", "", want=OK), do("c", "PING", want=PONG),
                   do("c", "AUTH", "x", want=NO_PASSWORD_SET))


class AclDiffTest(DiffBase):
    """Both servers started without a password."""

    def test_auth_without_a_configured_password(self):
        self.check(do("a", "AUTH", "x", want=NO_PASSWORD_SET), do("a", "AUTH", "default", "x", want=OK),
                   do("a", "AUTH", "default", "", want=OK), do("a", "AUTH", "nosuch", "x", want=WRONGPASS),
                   do("a", "HELLO", "2", "AUTH", "default", "zz"), do("a", "ACL", "WHOAMI", want=bulk(b"default")))

    def test_config_set_requirepass_at_run_time(self):
        self.check(do("a", "CONFIG", "SET", "requirepass", "s3cret", want=OK), do("a", "PING", want=PONG),
                   do("b", "PING", want=NOAUTH), do("b", "HELLO", "3", want=HELLO_NOAUTH),
                   do("b", "AUTH", "s3cret", want=OK), do("b", "ACL", "GETUSER", "default"), do("b", "ACL", "LIST"),
                   do("a", "CONFIG", "SET", "requirepass", "", want=OK), do("c", "PING", want=PONG),
                   do("c", "ACL", "LIST", want=b"*1\r\n" + bulk(b"user default on nopass ~* &* +@all")))

    def test_new_user_is_off_with_no_permissions(self):
        self.check(do("a", "ACL", "SETUSER", "alice", want=OK),
                   do("a", "ACL", "GETUSER", "alice", want=getuser([b"off"], [], b"-@all", b"")),
                   do("a", "ACL", "LIST"), do("a", "ACL", "USERS", want=b"*2\r\n" + bulk(b"alice") + bulk(b"default")),
                   do("b", "AUTH", "alice", "", want=WRONGPASS))

    def test_getuser_reply_shapes(self):
        sha_p1 = b"f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a"
        sha_empty = b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        users = [("alice", ["on", ">p1", "+@string", "~k*"], getuser([b"on"], [sha_p1], b"-@all +@string", b"~k*")),
                 ("bob", ["on", "nopass", "allcommands", "allkeys"], getuser([b"on", b"nopass"], [], b"+@all", b"~*")),
                 ("eve", ["on", ">x", "resetpass"], getuser([b"on"], [], b"-@all", b"")),
                 ("dave", ["reset"], getuser([b"off", b"sanitize-payload"], [], b"-@all", b"")),
                 ("f", ["+@all", "-@admin", "%R~r*", "%W~w*", "%RW~b*", "&ch*", "allchannels", "resetchannels"],
                  getuser([b"off"], [], b"+@all -@admin", b"%R~r* %W~w* ~b*")),
                 ("g", ["on", "allkeys", "resetkeys", "~a", "~b", "~a"], getuser([b"on"], [], b"-@all", b"~a ~b")),
                 ("h", [">"], getuser([b"off"], [sha_empty], b"-@all", b"")),
                 ("i", ["nopass", ">p1"], getuser([b"off"], [sha_p1], b"-@all", b"")),
                 ("j", [">p1", "nopass"], getuser([b"off", b"nopass"], [], b"-@all", b"")),
                 ("k", ["+@all", "-get"], getuser([b"off"], [], b"+@all -get", b"")),
                 ("l", ["-@all", "+@read", "-get"], getuser([b"off"], [], b"-@all +@read -get", b"")),
                 ("m", ["+@all", "-@all", "+get"], getuser([b"off"], [], b"-@all +get", b"")),
                 ("n", ["nocommands", "+@hash", "&x"], getuser([b"off"], [], b"-@all +@hash", b"", b"&x")),
                 ("o", ["&foo", "allchannels"], getuser([b"off"], [], b"-@all", b"", b"&*"))]
        self.check([[do("a", "ACL", "SETUSER", name, *rules, want=OK), do("a", "ACL", "GETUSER", name, want=want)]
                    for name, rules, want in users],
                   do("a", "ACL", "GETUSER", "nosuch", want=NIL),
                   do("a", "ACL", "GETUSER", "default", want=getuser([b"on", b"nopass"], [], b"+@all", b"~*", b"&*")),
                   do("a", "ACL", "LIST"), do("a", "ACL", "USERS"))

    def test_setuser_is_incremental(self):
        self.check(do("a", "ACL", "SETUSER", "u", "on", ">p", "+get", "~k1"), do("a", "ACL", "SETUSER", "u", "+set", "~k2"),
                   do("a", "ACL", "SETUSER", "u", ">q"), do("a", "ACL", "GETUSER", "u", rules=True), do("a", "ACL", "LIST", rules=True),
                   do("b", "AUTH", "u", "p", want=OK), do("b", "AUTH", "u", "q", want=OK))

    def test_list_and_users_are_sorted(self):
        self.check([do("a", "ACL", "SETUSER", u, "on", "nopass", "+@all", "~*") for u in ("zed", "alice", "Bob", "m1")],
                   do("a", "ACL", "USERS", want=b"*5\r\n" + b"".join(map(bulk, [b"Bob", b"alice", b"default", b"m1", b"zed"]))),
                   do("a", "ACL", "LIST"))

    def test_deluser_counts_and_closes_connections(self):
        self.check(do("a", "ACL", "SETUSER", "u1", "on", "nopass", "+@all", "~*"), do("a", "ACL", "SETUSER", "u2"),
                   do("v", "AUTH", "u1", "x", want=OK), do("w", "PING", want=PONG),
                   do("a", "ACL", "DELUSER", "nosuch", want=b":0\r\n"),
                   do("a", "ACL", "DELUSER", "u1", "u2", "nosuch", "u1", want=b":2\r\n"),
                   gone("v"), do("w", "PING", want=PONG),
                   do("a", "ACL", "DELUSER", "default", want=b"-ERR The 'default' user cannot be removed\r\n"),
                   do("a", "ACL", "DELUSER", "nosuch", "default", want=b"-ERR The 'default' user cannot be removed\r\n"),
                   do("a", "ACL", "USERS", want=b"*1\r\n" + bulk(b"default")))

    def test_whoami_and_switching_users(self):
        self.check(do("a", "ACL", "SETUSER", "u", "on", ">p", "+@all", "~*"), do("b", "ACL", "WHOAMI", want=bulk(b"default")),
                   do("b", "AUTH", "u", "p", want=OK), do("b", "ACL", "WHOAMI", want=bulk(b"u")),
                   do("b", "AUTH", "u", "wrong", want=WRONGPASS), do("b", "ACL", "WHOAMI", want=bulk(b"u")),
                   do("b", "AUTH", "default", "x", want=OK), do("b", "ACL", "WHOAMI", want=bulk(b"default")),
                   do("b", "HELLO", "2", "AUTH", "u", "p"), do("b", "ACL", "WHOAMI", want=bulk(b"u")),
                   do("b", "RESET", want=b"+RESET\r\n"), do("b", "ACL", "WHOAMI", want=bulk(b"default")))

    def test_noperm_for_commands_and_subcommands(self):
        self.check(do("a", "ACL", "SETUSER", "alice", "on", ">p1", "+@string", "+@connection", "~k*", "&*"),
                   do("b", "AUTH", "alice", "p1", want=OK), do("b", "GET", "k1", want=NIL), do("b", "SET", "k1", "v", want=OK),
                   do("b", "PING", want=PONG), do("b", "SELECT", "0", want=OK),
                   do("b", "ACL", "WHOAMI", want=noperm(b"acl|whoami")), do("b", "LPUSH", "k1", "x", want=noperm(b"lpush")),
                   do("b", "FLUSHALL", want=noperm(b"flushall")), do("b", "CONFIG", "GET", "x", want=noperm(b"config|get")),
                   do("b", "ACL", "SETUSER", "x", want=noperm(b"acl|setuser")), do("b", "KEYS", "*", want=noperm(b"keys")),
                   do("b", "del", "k1", want=noperm(b"del")),
                   # unknown commands and arity errors are reported before permissions
                   do("b", "NOSUCH", want=b"-ERR unknown command 'NOSUCH', with args beginning with: \r\n"),
                   do("b", "GET", want=arity(b"get")), do("b", "LPUSH", "k1", want=arity(b"lpush")),
                   do("b", "MULTI", want=noperm(b"multi")),
                   do("b", "EXEC", want=b"-EXECABORT Transaction discarded because of: NOPERM this user has no "
                                        b"permissions to run the 'exec' command\r\n"))

    def test_noperm_for_keys(self):
        self.check(do("a", "ACL", "SETUSER", "alice", "on", ">p1", "+@all", "~k*"),
                   do("a", "ACL", "SETUSER", "f", "on", "nopass", "+@all", "%R~r*", "%W~w*", "%RW~b*"),
                   do("b", "AUTH", "alice", "p1"), do("b", "GET", "zz", want=NOPERM_KEYS),
                   do("b", "MSET", "k1", "v", "z", "v", want=NOPERM_KEYS), do("b", "MGET", "k1", "zz", want=NOPERM_KEYS),
                   do("b", "SET", "zz", "v", "EX", want=NOPERM_KEYS),  # the key check runs before the syntax check
                   do("b", "MSET", "k1", "v", "k2", "w", want=OK), do("b", "RENAME", "k1", "other", want=NOPERM_KEYS),
                   do("b", "DBSIZE", want=b":2\r\n"),
                   do("c", "AUTH", "f", "x", want=OK), do("c", "SET", "w1", "v", want=OK), do("c", "GET", "w1", want=NOPERM_KEYS),
                   do("c", "GET", "r1", want=NIL), do("c", "SET", "r1", "v", want=NOPERM_KEYS), do("c", "SET", "b1", "v", want=OK),
                   do("c", "COPY", "b1", "w2", want=b":1\r\n"), do("c", "COPY", "w1", "b2", want=NOPERM_KEYS),
                   do("a", "ACL", "SETUSER", "alice", "resetkeys"), do("b", "GET", "k1", want=NOPERM_KEYS))

    def test_noperm_inside_multi(self):
        self.check(do("a", "ACL", "SETUSER", "u", "on", ">p", "+@all", "-@dangerous", "~k*"),
                   do("b", "AUTH", "u", "p"), do("b", "MULTI", want=OK), do("b", "SET", "k1", "1", want=b"+QUEUED\r\n"),
                   do("b", "SET", "z", "1", want=NOPERM_KEYS), do("b", "FLUSHALL", want=noperm(b"flushall")),
                   do("b", "EXEC", want=b"-EXECABORT Transaction discarded because of previous errors.\r\n"),
                   do("b", "GET", "k1", want=NIL),
                   do("b", "MULTI"), do("b", "SET", "k1", "2"), do("b", "EXEC", want=b"*1\r\n+OK\r\n"))

    def test_rules_change_under_a_live_connection(self):
        self.check(do("a", "ACL", "SETUSER", "u", "on", ">p", "+@all", "~*"), do("b", "AUTH", "u", "p"),
                   do("a", "ACL", "SETUSER", "u", "-get"), do("b", "GET", "k", want=noperm(b"get")),
                   do("a", "ACL", "SETUSER", "u", "+get"), do("b", "GET", "k", want=NIL),
                   # off: the authenticated connection goes on, new logins fail
                   do("a", "ACL", "SETUSER", "u", "off"), do("b", "GET", "k", want=NIL), do("c", "AUTH", "u", "p", want=WRONGPASS),
                   # reset: not disconnected, but allowed nothing
                   do("a", "ACL", "SETUSER", "u", "reset"), do("b", "PING", want=noperm(b"ping")),
                   do("b", "GET", "k", want=noperm(b"get")))

    def test_passwords(self):
        self.check(do("a", "ACL", "SETUSER", "u", "on", ">a", ">b", "+@all", "~*"),
                   do("b", "AUTH", "u", "a", want=OK), do("b", "AUTH", "u", "b", want=OK),
                   do("a", "ACL", "SETUSER", "u", "<a"), do("b", "AUTH", "u", "a", want=WRONGPASS),
                   do("b", "AUTH", "u", "b", want=OK), do("a", "ACL", "SETUSER", "u", "resetpass"),
                   do("b", "AUTH", "u", "b", want=WRONGPASS), do("b", "AUTH", "u", "", want=WRONGPASS),
                   do("a", "ACL", "SETUSER", "u", "nopass"), do("b", "AUTH", "u", "anything", want=OK),
                   do("a", "ACL", "SETUSER", "u", ">x"), do("b", "AUTH", "u", "y", want=WRONGPASS),
                   do("a", "ACL", "SETUSER", "u", "#2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"),
                   do("b", "AUTH", "u", "x", want=OK),  # that hash is sha256("x"), already there
                   do("a", "ACL", "SETUSER", "u", "!2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"),
                   do("b", "AUTH", "u", "x", want=WRONGPASS), do("a", "ACL", "GETUSER", "u"))

    def test_default_user_off_or_with_a_password(self):
        self.check(do("a", "ACL", "SETUSER", "default", "off", want=OK), do("b", "PING", want=NOAUTH),
                   do("b", "AUTH", "x", want=NO_PASSWORD_SET), do("b", "HELLO", "3", want=HELLO_NOAUTH),
                   do("a", "PING", want=PONG), do("a", "ACL", "SETUSER", "default", "on", ">pw"),
                   do("c", "PING", want=NOAUTH), do("c", "AUTH", "nopw", want=WRONGPASS), do("c", "AUTH", "pw", want=OK),
                   # the requirepass config does not follow ACL changes...
                   do("c", "CONFIG", "GET", "requirepass", want=config_reply(b"requirepass", b"")),
                   # ...but setting it replaces the default user's passwords
                   do("c", "CONFIG", "SET", "requirepass", "q"), do("c", "ACL", "LIST"),
                   do("d", "AUTH", "pw", want=WRONGPASS), do("d", "AUTH", "q", want=OK))

    def test_setuser_errors_change_nothing(self):
        bad = [("bogus", b"Syntax error"), ("+nosuchcmd", b"Unknown command or category name in ACL"),
               ("+@nosuchcat", b"Unknown command or category name in ACL"),
               ("-get|x", b"Unknown command or category name in ACL"),
               ("+config|bogus", b"Unknown command or category name in ACL"),
               ("<nopw", b"The password you are trying to remove from the user does not exist"),
               ("#abc", b"The password hash must be exactly 64 characters and contain only lowercase hexadecimal "
                        b"characters"),
               ("~a", b"Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have "
                      b"any effect. Try 'resetkeys' to start with an empty list of patterns")]
        self.check(do("a", "ACL", "SETUSER", "u", "on", ">p", "+get", "allkeys"),
                   [do("a", "ACL", "SETUSER", "u", "+set", rule, "off", want=setuser_err(rule.encode(), why))
                    for rule, why in bad],
                   do("a", "ACL", "GETUSER", "u"), do("b", "AUTH", "u", "p", want=OK), do("b", "SET", "k", "v", want=noperm(b"set")),
                   do("a", "ACL", "SETUSER", "new", "on", "bogus", want=setuser_err(b"bogus", b"Syntax error")),
                   do("a", "ACL", "GETUSER", "new", want=NIL),
                   do("a", "ACL", "SETUSER", "a b", want=b"-ERR Usernames can't contain spaces or null characters\r\n"),
                   do("a", "ACL", "SETUSER", want=arity(b"acl|setuser")), do("a", "ACL", "USERS"))

    def test_acl_arity_and_subcommand_errors(self):
        self.check(do("a", "ACL", want=arity(b"acl")), do("a", "ACL", "BOGUS", want=b"-ERR unknown subcommand 'BOGUS'. Try ACL HELP.\r\n"),
                   do("a", "ACL", "GETUSER", want=arity(b"acl|getuser")), do("a", "ACL", "DELUSER", want=arity(b"acl|deluser")),
                   do("a", "ACL", "WHOAMI", "x", want=arity(b"acl|whoami")), do("a", "ACL", "USERS", "x", want=arity(b"acl|users")),
                   do("a", "ACL", "LIST", "x", want=arity(b"acl|list")), do("a", "ACL", "DRYRUN", "u", want=arity(b"acl|dryrun")),
                   do("a", "ACL", "CAT", "nosuch", want=b"-ERR Unknown category 'nosuch'\r\n"),
                   do("a", "ACL", "CAT", "a", "b",
                      want=b"-ERR unknown subcommand or wrong number of arguments for 'CAT'. Try ACL HELP.\r\n"),
                   do("a", "acl", "whoami", want=bulk(b"default")))

    def test_dryrun(self):
        def denied(what):
            return bulk(b"This user has no permissions to " + what)
        self.check(do("a", "ACL", "SETUSER", "alice", "on", ">p1", "+@string", "~k*"),
                   do("a", "ACL", "SETUSER", "f", "+@all", "%R~r*", "%W~w*"),
                   do("a", "ACL", "DRYRUN", "alice", "get", "k1", want=OK),
                   do("a", "ACL", "DRYRUN", "alice", "GET", "zz", want=denied(b"access the 'zz' key")),
                   do("a", "ACL", "DRYRUN", "alice", "lpush", "k1", "v", want=denied(b"run the 'lpush' command")),
                   do("a", "ACL", "DRYRUN", "alice", "CONFIG", "GET", "x", want=denied(b"run the 'config|get' command")),
                   do("a", "ACL", "DRYRUN", "nosuch", "get", "k", want=b"-ERR User 'nosuch' not found\r\n"),
                   do("a", "ACL", "DRYRUN", "alice", "nosuchcmd", want=b"-ERR Command 'nosuchcmd' not found\r\n"),
                   do("a", "ACL", "DRYRUN", "alice", "get", want=arity(b"get")),
                   do("a", "ACL", "DRYRUN", "f", "get", "r1", want=OK),  # a user that is off: DRYRUN still answers
                   do("a", "ACL", "DRYRUN", "f", "set", "r1", "v", want=denied(b"access the 'r1' key")),
                   do("a", "ACL", "DRYRUN", "f", "set", "w1", "v", want=OK),
                   do("a", "ACL", "DRYRUN", "f", "get", "w1", want=denied(b"access the 'w1' key")))

    def test_category_rules_through_dryrun(self):
        rule_sets = [["allcommands", "-@dangerous", "+flushall"], ["nocommands", "+@string", "-@write", "+set"],
                     ["+@hash", "+@list", "-@write"], ["-@all", "+@read", "+@write", "-@dangerous"],
                     ["+@all", "-config|set", "-client|kill"], ["+get", "+set", "-@dangerous"],
                     ["+@all", "-@keyspace", "+del"], ["-@all", "+@connection", "-@admin"], ["+@fast", "-@read"]]
        probes = [["get", "k"], ["set", "k", "v"], ["flushall"], ["keys", "*"], ["hset", "k", "f", "v"], ["hget", "k", "f"],
                  ["lrange", "k", "0", "1"], ["lpush", "k", "v"], ["config", "get", "x"], ["config", "set", "x", "y"],
                  ["client", "kill", "id", "1"], ["client", "list"], ["client", "id"], ["info"], ["del", "k"], ["exists", "k"],
                  ["ping"], ["incr", "k"], ["sort", "k"], ["type", "k"], ["blpop", "k", "0"]]
        for rules in rule_sets:
            with self.subTest(rules=" ".join(rules)):
                self.check(do("a", "ACL", "SETUSER", "u", "on", "allkeys", *rules, want=OK),
                           [do("a", "ACL", "DRYRUN", "u", *p) for p in probes])

    def test_channel_permissions(self):
        noperm_channels = b"-NOPERM this user has no permissions to access one of the channels used as arguments\r\n"

        def denied(channel):
            return bulk(b"This user has no permissions to access the '" + channel + b"' channel")
        self.check(do("a", "ACL", "SETUSER", "u", "on", "nopass", "+@all", "~*", "&news.*", "&exact"),
                   do("b", "AUTH", "u", "x", want=OK), do("b", "PUBLISH", "news.1", "m", want=b":0\r\n"),
                   do("b", "PUBLISH", "other", "m", want=noperm_channels),
                   do("b", "SPUBLISH", "exact", "m", want=b":0\r\n"), do("b", "SPUBLISH", "exactly", "m", want=noperm_channels),
                   do("c", "AUTH", "u", "x", want=OK), do("c", "SUBSCRIBE", "other", want=noperm_channels),
                   do("c", "PSUBSCRIBE", "news*", want=noperm_channels),  # a pattern needs an equal rule
                   do("c", "SUBSCRIBE", "news.2"), do("c", "PSUBSCRIBE", "news.*"),
                   do("c", "UNSUBSCRIBE", "other"),  # unsubscribing is never refused
                   do("a", "ACL", "DRYRUN", "u", "publish", "other", "m", want=denied(b"other")),
                   do("a", "ACL", "DRYRUN", "u", "subscribe", "news.x", "nope", want=denied(b"nope")),
                   do("a", "ACL", "DRYRUN", "u", "psubscribe", "exact", want=OK),
                   do("a", "ACL", "SETUSER", "u", "allchannels", "&more",
                      want=setuser_err(b"&more", b"Adding a pattern after the * pattern (or the 'allchannels' flag) is "
                                                 b"not valid and does not have any effect. Try 'resetchannels' to start "
                                                 b"with an empty list of channels")),
                   do("a", "ACL", "GETUSER", "u"), do("a", "ACL", "SETUSER", "default", "resetchannels"),
                   do("d", "PUBLISH", "x", "m", want=noperm_channels), do("a", "ACL", "LIST"))

    def test_losing_a_channel_closes_its_subscribers(self):
        self.check(do("a", "ACL", "SETUSER", "u", "on", "nopass", "+@all", "~*", "resetchannels", "&a", "&p*"),
                   do("b", "AUTH", "u", "x", want=OK), do("b", "SUBSCRIBE", "a"),
                   do("c", "AUTH", "u", "x", want=OK), do("c", "PSUBSCRIBE", "p*"),
                   do("d", "AUTH", "u", "x", want=OK), do("d", "SSUBSCRIBE", "pz"),
                   do("a", "ACL", "SETUSER", "u", "&b", want=OK), do("b", "PING"), do("c", "PING"),
                   do("a", "ACL", "SETUSER", "u", "resetchannels", "&a", "&pz", want=OK),
                   gone("c"), do("b", "PING"), do("d", "PING"),
                   do("a", "ACL", "SETUSER", "u", "resetchannels", want=OK), gone("b"), gone("d"),
                   do("a", "PING", want=PONG))

    def test_first_argument_rules(self):
        self.check(do("a", "ACL", "SETUSER", "u", "on", "nopass", "-@all", "+select|0", "+select|2", "+get", "~*"),
                   do("b", "AUTH", "u", "x", want=OK), do("b", "SELECT", "0", want=OK), do("b", "SELECT", "2", want=OK),
                   do("b", "SELECT", "1", want=noperm(b"select")), do("a", "ACL", "GETUSER", "u", rules=True),
                   do("a", "ACL", "LIST", rules=True),
                   do("a", "ACL", "DRYRUN", "u", "select", "2", want=OK),
                   do("a", "ACL", "SETUSER", "u", "-select"), do("b", "SELECT", "0", want=noperm(b"select")),
                   do("a", "ACL", "SETUSER", "u", "+get|",
                      want=setuser_err(b"+get|", b"Syntax error")),
                   do("a", "ACL", "SETUSER", "u", "+config|get|x",
                      want=setuser_err(b"+config|get|x", b"Allowing first-arg of a subcommand is not supported")),
                   do("a", "ACL", "SETUSER", "u", "+nosuch|x",
                      want=setuser_err(b"+nosuch|x", b"Unknown command or category name in ACL")),
                   do("a", "ACL", "SETUSER", "u", "+config|get", "-config|set", "+client"),
                   do("a", "ACL", "GETUSER", "u", rules=True),
                   do("b", "CONFIG", "GET", "maxmemory"), do("b", "CONFIG", "SET", "maxmemory", "0", want=noperm(b"config|set")))

    def test_key_pattern_forms(self):
        self.check(do("a", "ACL", "SETUSER", "u", "%R~r*", "%W~w*", "%RW~b*", "%wr~c*", "%R~*", "%W~*"),
                   do("a", "ACL", "GETUSER", "u"),
                   do("a", "ACL", "SETUSER", "v", "%R~x", "%W~x", "~y", "%R~y"), do("a", "ACL", "GETUSER", "v"),
                   [do("a", "ACL", "SETUSER", "w", rule, want=setuser_err(rule.encode(), b"Syntax error"))
                    for rule in ("%~a", "%X~a", "%RR~a", "~a b", "&a b", "%")],
                   do("a", "ACL", "SETUSER", "x", "%R", "%W~"), do("a", "ACL", "GETUSER", "x"),
                   do("a", "ACL", "SETUSER", "y", "~*", "%R~a",
                      want=setuser_err(b"%R~a", b"Adding a pattern after the * pattern (or the 'allkeys' flag) is not "
                                                b"valid and does not have any effect. Try 'resetkeys' to start with an "
                                                b"empty list of patterns")),
                   do("a", "ACL", "SETUSER", "z", "on", "nopass", "+@all", "%R~*"), do("b", "AUTH", "z", "x"),
                   do("b", "GET", "k", want=NIL), do("b", "SET", "k", "v", want=NOPERM_KEYS),
                   do("b", "EXISTS", "k", want=b":0\r\n"), do("b", "TYPE", "k", want=b"+none\r\n"),
                   do("b", "SET", "k", "v", "GET", want=NOPERM_KEYS), do("b", "SORT", "k", want=b"*0\r\n"),
                   do("b", "SORT", "k", "STORE", "d", want=NOPERM_KEYS), do("b", "COPY", "k", "d", want=NOPERM_KEYS),
                   do("a", "ACL", "SETUSER", "z", "%W~*"), do("b", "SET", "k", "v", want=OK),
                   do("a", "ACL", "SETUSER", "z", "resetkeys", "%W~w*", "%R~r*"), do("b", "SET", "w", "v", want=OK),
                   do("b", "SET", "w", "v", "GET", want=NOPERM_KEYS), do("b", "LPUSH", "wl", "v", want=b":1\r\n"),
                   do("b", "LPOP", "wl", want=NOPERM_KEYS), do("b", "INCR", "wn", want=NOPERM_KEYS),
                   do("b", "EXPIRE", "w", "100", want=b":1\r\n"), do("b", "DEL", "w", want=b":1\r\n"),
                   do("b", "SINTERSTORE", "w1", "r1", "r2", want=b":0\r\n"),
                   do("b", "SINTERSTORE", "r1", "w1", want=NOPERM_KEYS),
                   do("b", "LMOVE", "r1", "w1", "LEFT", "LEFT", want=NOPERM_KEYS),
                   do("b", "STRLEN", "w", want=b":0\r\n"), do("b", "GET", "w", want=NOPERM_KEYS))

    def test_sort_patterns_need_access_to_every_key(self):
        by_denied = b"-ERR BY option of SORT denied due to insufficient ACL permissions.\r\n"
        get_denied = b"-ERR GET option of SORT denied due to insufficient ACL permissions.\r\n"
        sorts = [["SORT", "k1", "BY", "nosort"], ["SORT", "k1", "BY", "w*"], ["SORT", "k1", "GET", "secret*"],
                 ["SORT", "k1", "GET", "#"], ["SORT_RO", "k1", "GET", "secret*"], ["SORT", "k1", "BY", "w*->f"],
                 ["SORT", "k1", "BY", "w*", "BOGUS"], ["SORT", "k1", "LIMIT", "x", "1", "GET", "#"]]
        self.check(do("a", "RPUSH", "k1", "1", "2"), do("a", "SET", "secret1", "x"),
                   do("a", "ACL", "SETUSER", "u", "on", "nopass", "+@all", "~k*"), do("b", "AUTH", "u", "x", want=OK),
                   do("b", "SORT", "k1", "BY", "w*", want=by_denied), do("b", "SORT", "k1", "GET", "#", want=get_denied),
                   [do("b", *cmd) for cmd in sorts],
                   do("a", "ACL", "SETUSER", "u", "%W~*"), [do("b", *cmd) for cmd in sorts],
                   do("a", "ACL", "SETUSER", "u", "%R~*"), [do("b", *cmd) for cmd in sorts],
                   do("a", "ACL", "SETUSER", "u", "resetkeys", "allkeys"), [do("b", *cmd) for cmd in sorts])

    def test_exec_checks_permissions_again(self):
        self.check(do("a", "ACL", "SETUSER", "u", "on", "nopass", "+@all", "~*"), do("b", "AUTH", "u", "x"),
                   do("b", "MULTI", want=OK), do("b", "SET", "k", "1", want=b"+QUEUED\r\n"),
                   do("b", "GET", "k", want=b"+QUEUED\r\n"), do("a", "ACL", "SETUSER", "u", "-get"),
                   do("b", "EXEC", want=b"*2\r\n+OK\r\n-NOPERM ACLs rules changed between the moment the transaction was "
                                        b"accumulated and the EXEC call. This command is no longer allowed for the "
                                        b"following reason: no permission to execute the command or subcommand\r\n"),
                   do("b", "MULTI"), do("b", "SET", "k", "2"), do("b", "SET", "z", "2"), do("b", "PUBLISH", "ch", "m"),
                   do("a", "ACL", "SETUSER", "u", "resetkeys", "~k*", "resetchannels"), do("b", "EXEC"))

    def test_genpass_errors(self):
        bits_error = (b"-ERR ACL GENPASS argument must be the number of bits for the output password, a positive "
                      b"number up to 4096\r\n")
        self.check(do("a", "ACL", "GENPASS", "0", want=bits_error), do("a", "ACL", "GENPASS", "4097", want=bits_error),
                   do("a", "ACL", "GENPASS", "-1", want=bits_error),
                   do("a", "ACL", "GENPASS", "x", want=b"-ERR value is not an integer or out of range\r\n"))

    def test_acl_cat_lists_categories(self):
        cats = [b"keyspace", b"read", b"write", b"set", b"sortedset", b"list", b"hash", b"string", b"bitmap",
                b"hyperloglog", b"geo", b"stream", b"pubsub", b"admin", b"fast", b"slow", b"blocking", b"dangerous",
                b"connection", b"transaction", b"scripting"]
        self.check(do("a", "ACL", "CAT", want=cats, unordered=True),
                   do("a", "ACL", "CAT", "HaSh", unordered=True))

    def test_acl_cat_of_each_category_for_implemented_commands(self):
        """ACL CAT <category> as sets; commands the server under test lacks (COMMAND LIST), or the
        oracle lacks, are ignored."""
        def conn(side):
            side.reset()
            return RawClient(side.server.port, timeout=TIMEOUT)
        ours, theirs = conn(self.subject), conn(self.oracle)
        try:
            implemented = parse_reply(ours.call("COMMAND", "LIST"))
            if not isinstance(implemented, list):  # no COMMAND LIST: names (and subcommands) from COMMAND
                table = parse_reply(ours.call("COMMAND"))
                self.assertIsInstance(table, list, "neither COMMAND LIST nor COMMAND work on the server under test")
                implemented = [e[0] for e in table] + [s[0] for e in table if len(e) > 9 for s in e[9]]
            implemented = set(implemented)
            # Commands newer than the oracle (CLIENT SETINFO is 7.2) cannot be compared.
            known = {c for cat in parse_reply(theirs.call("ACL", "CAT")) for c in parse_reply(theirs.call("ACL", "CAT", cat))}
            for cat in parse_reply(theirs.call("ACL", "CAT")):
                with self.subTest(category=cat):
                    want = {c for c in parse_reply(theirs.call("ACL", "CAT", cat)) if c in implemented}
                    got = parse_reply(ours.call("ACL", "CAT", cat))
                    self.assertIsInstance(got, list, f"ACL CAT {cat} -> {got}")
                    self.assertEqual(sorted(set(got) & known), sorted(want))
        finally:
            ours.close()
            theirs.close()


if __name__ == "__main__":
    unittest.main()
